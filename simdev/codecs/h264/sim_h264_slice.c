/* H.264 slice header parser (7.3.3) and the checks of the per-slice controls. */
#include "sim_h264_slice.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim_h264_rbsp.h"

#define FAIL(...)                                                                          \
    do {                                                                                   \
        snprintf(err, errlen, "h264: " __VA_ARGS__);                                       \
        return -EINVAL;                                                                    \
    } while (0)

static int parse_mods(struct sim_rbsp *r, struct sim_h264_slice *s, unsigned list)
{
    s->n_mod[list] = 0;
    if (!sim_rbsp_u(r, 1))
        return 0;
    for (;;) {
        uint32_t idc = sim_rbsp_ue(r);
        if (r->err || idc > 3)
            return -1;
        if (idc == 3)
            return 0;
        if (s->n_mod[list] >= 33)
            return -1;
        s->mod[list][s->n_mod[list]].idc = idc;
        s->mod[list][s->n_mod[list]].val = sim_rbsp_ue(r);
        s->n_mod[list]++;
    }
}

static int parse_pw(struct sim_rbsp *r, struct sim_h264_slice *s, bool chroma)
{
    struct v4l2_ctrl_h264_pred_weights *w = &s->pw;
    unsigned lists = sim_h264_slice_is_b(s) ? 2 : 1;
    memset(w, 0, sizeof(*w));
    w->luma_log2_weight_denom = (uint16_t)sim_rbsp_ue(r);
    if (chroma)
        w->chroma_log2_weight_denom = (uint16_t)sim_rbsp_ue(r);
    if (w->luma_log2_weight_denom > 7 || w->chroma_log2_weight_denom > 7)
        return -1;
    for (unsigned l = 0; l < lists; l++) {
        struct v4l2_h264_weight_factors *f = &w->weight_factors[l];
        for (unsigned i = 0; i <= s->num_ref_idx_active_minus1[l] && i < 32; i++) {
            f->luma_weight[i] = (int16_t)(1 << w->luma_log2_weight_denom);
            f->luma_offset[i] = 0;
            if (sim_rbsp_u(r, 1)) {
                f->luma_weight[i] = (int16_t)sim_rbsp_se(r);
                f->luma_offset[i] = (int16_t)sim_rbsp_se(r);
            }
            for (unsigned j = 0; j < 2; j++) {
                f->chroma_weight[i][j] = (int16_t)(1 << w->chroma_log2_weight_denom);
                f->chroma_offset[i][j] = 0;
            }
            if (chroma && sim_rbsp_u(r, 1))
                for (unsigned j = 0; j < 2; j++) {
                    f->chroma_weight[i][j] = (int16_t)sim_rbsp_se(r);
                    f->chroma_offset[i][j] = (int16_t)sim_rbsp_se(r);
                }
        }
    }
    return r->err ? -1 : 0;
}

static int parse_drpm(struct sim_rbsp *r, struct sim_h264_slice *s, bool idr)
{
    if (idr) {
        (void)sim_rbsp_u(r, 1); /* no_output_of_prior_pics_flag */
        s->long_term_reference_flag = sim_rbsp_u(r, 1);
        return r->err ? -1 : 0;
    }
    s->adaptive_marking = sim_rbsp_u(r, 1);
    if (!s->adaptive_marking)
        return r->err ? -1 : 0;
    for (unsigned n = 0; n < 66; n++) {
        struct sim_h264_mmco *m = &s->mmco[n];
        memset(m, 0, sizeof(*m));
        m->op = sim_rbsp_ue(r);
        if (r->err || m->op > 6)
            return -1;
        if (m->op == 0)
            return 0;
        if (m->op == 1 || m->op == 3)
            m->diff_minus1 = sim_rbsp_ue(r);
        if (m->op == 2)
            m->long_term_pic_num = sim_rbsp_ue(r);
        if (m->op == 3 || m->op == 6)
            m->long_term_frame_idx = sim_rbsp_ue(r);
        if (m->op == 4)
            m->max_idx_plus1 = sim_rbsp_ue(r);
        s->n_mmco = n + 1;
    }
    return -1;
}

int sim_h264_parse_slice(const uint8_t *nal, size_t n, const struct v4l2_ctrl_h264_sps *sps,
                         const struct v4l2_ctrl_h264_pps *pps, struct sim_h264_slice *s,
                         char *err, size_t errlen)
{
    struct sim_rbsp r;
    uint64_t mark;
    uint32_t t;
    const bool bfpo = pps->flags & V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT;
    const bool sep = sps->flags & V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE;
    const bool chroma = !sep && sps->chroma_format_idc != 0;

    memset(s, 0, sizeof(*s));
    if (n < 2)
        FAIL("slice NAL unit of %zu bytes", n);
    s->nal_ref_idc = (nal[0] >> 5) & 3;
    s->nal_type = nal[0] & 0x1f;
    if (s->nal_type != 1 && s->nal_type != 5)
        FAIL("NAL unit type %u is not a slice", s->nal_type);
    sim_rbsp_init(&r, nal + 1, n - 1);
    s->first_mb = sim_rbsp_ue(&r);
    t = sim_rbsp_ue(&r);
    if (t > 9)
        FAIL("slice_type %u", t);
    s->slice_type = t % 5;
    s->pps_id = sim_rbsp_ue(&r);
    if (sep)
        s->colour_plane_id = sim_rbsp_u(&r, 2);
    s->frame_num = sim_rbsp_u(&r, sps->log2_max_frame_num_minus4 + 4u);
    if (!(sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY)) {
        s->field = sim_rbsp_u(&r, 1);
        if (s->field)
            s->bottom = sim_rbsp_u(&r, 1);
    }
    if (s->nal_type == 5)
        s->idr_pic_id = sim_rbsp_ue(&r);
    mark = r.pos;
    if (sps->pic_order_cnt_type == 0) {
        s->poc_lsb = sim_rbsp_u(&r, sps->log2_max_pic_order_cnt_lsb_minus4 + 4u);
        if (bfpo && !s->field)
            s->delta_poc_bottom = sim_rbsp_se(&r);
    } else if (sps->pic_order_cnt_type == 1 &&
               !(sps->flags & V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO)) {
        s->delta_poc[0] = sim_rbsp_se(&r);
        if (bfpo && !s->field)
            s->delta_poc[1] = sim_rbsp_se(&r);
    }
    s->poc_bit_size = (uint32_t)(r.pos - mark);
    if (pps->flags & V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT)
        s->redundant_pic_cnt = sim_rbsp_ue(&r);
    if (sim_h264_slice_is_b(s))
        s->direct_spatial = sim_rbsp_u(&r, 1);
    s->num_ref_idx_active_minus1[0] = pps->num_ref_idx_l0_default_active_minus1;
    s->num_ref_idx_active_minus1[1] = pps->num_ref_idx_l1_default_active_minus1;
    if (!sim_h264_slice_is_intra(s)) {
        if (sim_rbsp_u(&r, 1)) {
            s->num_ref_idx_active_minus1[0] = sim_rbsp_ue(&r);
            if (sim_h264_slice_is_b(s))
                s->num_ref_idx_active_minus1[1] = sim_rbsp_ue(&r);
        }
        if (s->num_ref_idx_active_minus1[0] > 31 || s->num_ref_idx_active_minus1[1] > 31)
            FAIL("num_ref_idx_active_minus1 %u/%u", s->num_ref_idx_active_minus1[0],
                 s->num_ref_idx_active_minus1[1]);
    }
    if (!sim_h264_slice_is_intra(s)) {
        if (parse_mods(&r, s, 0) < 0 || (sim_h264_slice_is_b(s) && parse_mods(&r, s, 1) < 0))
            FAIL("ref_pic_list_modification malformed");
    }
    if (((pps->flags & V4L2_H264_PPS_FLAG_WEIGHTED_PRED) && sim_h264_slice_is_p(s)) ||
        (pps->weighted_bipred_idc == 1 && sim_h264_slice_is_b(s))) {
        s->has_pw = true;
        if (parse_pw(&r, s, chroma) < 0)
            FAIL("pred_weight_table malformed");
    }
    if (s->nal_ref_idc) {
        mark = r.pos;
        if (parse_drpm(&r, s, s->nal_type == 5) < 0)
            FAIL("dec_ref_pic_marking malformed");
        s->drpm_bit_size = (uint32_t)(r.pos - mark);
    }
    if ((pps->flags & V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE) && !sim_h264_slice_is_intra(s))
        s->cabac_init_idc = sim_rbsp_ue(&r);
    s->qp_delta = sim_rbsp_se(&r);
    if (s->slice_type == V4L2_H264_SLICE_TYPE_SP || s->slice_type == V4L2_H264_SLICE_TYPE_SI) {
        if (s->slice_type == V4L2_H264_SLICE_TYPE_SP)
            s->sp_for_switch = sim_rbsp_u(&r, 1);
        s->qs_delta = sim_rbsp_se(&r);
    }
    if (pps->flags & V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT) {
        s->dbf_idc = sim_rbsp_ue(&r);
        if (s->dbf_idc != 1) {
            s->alpha_div2 = sim_rbsp_se(&r);
            s->beta_div2 = sim_rbsp_se(&r);
        }
    }
    if (r.err)
        FAIL("slice header truncated");
    s->header_bit_size = (uint32_t)r.pos;
    return 0;
}

#define SAME(field, ctrl, parsed)                                                          \
    do {                                                                                   \
        if ((int64_t)(ctrl) != (int64_t)(parsed))                                          \
            FAIL("slice (first_mb %u): " field " %lld in the control, %lld in the slice",  \
                 s->first_mb, (long long)(ctrl), (long long)(parsed));                     \
    } while (0)

int sim_h264_check_slice(const struct sim_h264_slice *s,
                         const struct v4l2_ctrl_h264_slice_params *sp,
                         const struct v4l2_ctrl_h264_pred_weights *pw,
                         const struct v4l2_ctrl_h264_decode_params *d, char *err,
                         size_t errlen)
{
    const bool inter = !sim_h264_slice_is_intra(s);

    if (d) {
        SAME("pic_order_cnt_bit_size", d->pic_order_cnt_bit_size, s->poc_bit_size);
        SAME("dec_ref_pic_marking_bit_size", d->dec_ref_pic_marking_bit_size, s->drpm_bit_size);
    }
    if (sp) {
        SAME("header_bit_size", sp->header_bit_size, s->header_bit_size);
        SAME("first_mb_in_slice", sp->first_mb_in_slice, s->first_mb);
        SAME("slice_type", sp->slice_type, s->slice_type);
        SAME("colour_plane_id", sp->colour_plane_id, s->colour_plane_id);
        SAME("redundant_pic_cnt", sp->redundant_pic_cnt, s->redundant_pic_cnt);
        SAME("cabac_init_idc", sp->cabac_init_idc, s->cabac_init_idc);
        SAME("slice_qp_delta", sp->slice_qp_delta, s->qp_delta);
        SAME("slice_qs_delta", sp->slice_qs_delta, s->qs_delta);
        SAME("disable_deblocking_filter_idc", sp->disable_deblocking_filter_idc, s->dbf_idc);
        SAME("slice_alpha_c0_offset_div2", sp->slice_alpha_c0_offset_div2, s->alpha_div2);
        SAME("slice_beta_offset_div2", sp->slice_beta_offset_div2, s->beta_div2);
        if (inter)
            SAME("num_ref_idx_l0_active_minus1", sp->num_ref_idx_l0_active_minus1,
                 s->num_ref_idx_active_minus1[0]);
        if (sim_h264_slice_is_b(s))
            SAME("num_ref_idx_l1_active_minus1", sp->num_ref_idx_l1_active_minus1,
                 s->num_ref_idx_active_minus1[1]);
        SAME("DIRECT_SPATIAL_MV_PRED", !!(sp->flags & V4L2_H264_SLICE_FLAG_DIRECT_SPATIAL_MV_PRED),
             s->direct_spatial);
        SAME("SP_FOR_SWITCH", !!(sp->flags & V4L2_H264_SLICE_FLAG_SP_FOR_SWITCH),
             s->sp_for_switch);
    }
    if (s->has_pw) {
        unsigned lists = sim_h264_slice_is_b(s) ? 2 : 1;
        if (!pw)
            FAIL("slice (first_mb %u) has a pred_weight_table, the request no PRED_WEIGHTS",
                 s->first_mb);
        SAME("luma_log2_weight_denom", pw->luma_log2_weight_denom, s->pw.luma_log2_weight_denom);
        SAME("chroma_log2_weight_denom", pw->chroma_log2_weight_denom,
             s->pw.chroma_log2_weight_denom);
        for (unsigned l = 0; l < lists; l++) {
            const struct v4l2_h264_weight_factors *a = &pw->weight_factors[l],
                                                  *b = &s->pw.weight_factors[l];
            for (unsigned i = 0; i <= s->num_ref_idx_active_minus1[l] && i < 32; i++) {
                SAME("luma_weight", a->luma_weight[i], b->luma_weight[i]);
                SAME("luma_offset", a->luma_offset[i], b->luma_offset[i]);
                for (unsigned j = 0; j < 2; j++) {
                    SAME("chroma_weight", a->chroma_weight[i][j], b->chroma_weight[i][j]);
                    SAME("chroma_offset", a->chroma_offset[i][j], b->chroma_offset[i][j]);
                }
            }
        }
    }
    return 0;
}
