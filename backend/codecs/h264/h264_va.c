/* H.264 translator: VA picture/slice/IQ-matrix buffers + slice NAL units -> the V4L2
 * stateless H.264 controls (SPS, PPS, SCALING_MATRIX, PRED_WEIGHTS, SLICE_PARAMS,
 * DECODE_PARAMS, DECODE_MODE, START_CODE) and the OUTPUT bytes.
 *
 * VA lacks idr_pic_id, the POC syntax elements, the dec_ref_pic_marking / POC bit sizes
 * and the parameter-set ids: every slice header is parsed (h264_slice.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <va/va.h>

#include "codecs/codec.h"
#include "codecs/h264/h264_slice.h"
#include "util/log.h"

enum { C_SPS, C_PPS, C_SCALING, C_PW, C_SLICE, C_DECODE, C_MODE, C_START, C_COUNT };

/* VA marks num_slice_groups_minus1 deprecated (FFmpeg leaves it 0); it is still the only
 * FMO indication VA has. */
static unsigned va_slice_groups_minus1(const VAPictureParameterBufferH264 *pp)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return pp->num_slice_groups_minus1;
#pragma GCC diagnostic pop
}

struct h264_va_state {
    struct v4l2_ctrl_h264_sps sps;
    struct v4l2_ctrl_h264_pps pps;
    struct v4l2_ctrl_h264_scaling_matrix sm;
    struct v4l2_ctrl_h264_pred_weights pw;
    struct v4l2_ctrl_h264_slice_params slice;
    struct v4l2_ctrl_h264_decode_params dec;
    int32_t mode, start_code;
    /* learned PPS defaults per pps id (VA only carries the active counts) */
    uint8_t l0_default[256], l1_default[256];
    /* the last first field: its second field completes the frame in the same surface */
    bool ff_pending;
    VASurfaceID ff_surface;
    unsigned ff_frame_num, ff_parity;
};

static int h264_ctx_init(void **state)
{
    struct h264_va_state *st = calloc(1, sizeof(*st));
    if (!st)
        return -1;
    *state = st;
    return 0;
}

static void h264_ctx_destroy(void *state)
{
    free(state);
}

static bool menu_offers(const struct vareq_codec_frame *f, unsigned idx, int64_t v)
{
    if (!f->ctrl_present[idx])
        return false;
    if (!f->ctrl_info)
        return true;
    return v >= f->ctrl_info[idx].minimum && v <= f->ctrl_info[idx].maximum;
}

static unsigned profile_idc_of(VAProfile p, uint8_t *constraints)
{
    *constraints = 0;
    switch (p) {
    case VAProfileH264ConstrainedBaseline:
        *constraints = V4L2_H264_SPS_CONSTRAINT_SET1_FLAG;
        return 66;
    case VAProfileH264Main:
        return 77;
    default:
        return 100;
    }
}

static void fill_sps(struct v4l2_ctrl_h264_sps *s, const VAPictureParameterBufferH264 *pp,
                     VAProfile profile)
{
    memset(s, 0, sizeof(*s));
    s->profile_idc = (uint8_t)profile_idc_of(profile, &s->constraint_set_flags);
    if (pp->bit_depth_luma_minus8 || pp->bit_depth_chroma_minus8)
        s->profile_idc = 110;
    s->level_idc = 51; /* not carried by VA; no decoding process depends on it */
    s->seq_parameter_set_id = 0; /* not carried by VA; PPS names the same id */
    s->chroma_format_idc = (uint8_t)pp->seq_fields.bits.chroma_format_idc;
    s->bit_depth_luma_minus8 = pp->bit_depth_luma_minus8;
    s->bit_depth_chroma_minus8 = pp->bit_depth_chroma_minus8;
    s->log2_max_frame_num_minus4 = (uint8_t)pp->seq_fields.bits.log2_max_frame_num_minus4;
    s->pic_order_cnt_type = (uint8_t)pp->seq_fields.bits.pic_order_cnt_type;
    s->log2_max_pic_order_cnt_lsb_minus4 =
        (uint8_t)pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4;
    s->max_num_ref_frames = pp->num_ref_frames;
    s->pic_width_in_mbs_minus1 = pp->picture_width_in_mbs_minus1;
    /* VA: height in MBs of the frame; V4L2: map units (fields count half when !frame_mbs) */
    s->pic_height_in_map_units_minus1 =
        pp->seq_fields.bits.frame_mbs_only_flag
            ? pp->picture_height_in_mbs_minus1
            : (uint16_t)((pp->picture_height_in_mbs_minus1 + 1) / 2 - 1);
    if (pp->seq_fields.bits.residual_colour_transform_flag)
        s->flags |= V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE;
    if (pp->seq_fields.bits.delta_pic_order_always_zero_flag)
        s->flags |= V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO;
    if (pp->seq_fields.bits.gaps_in_frame_num_value_allowed_flag)
        s->flags |= V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED;
    if (pp->seq_fields.bits.frame_mbs_only_flag)
        s->flags |= V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
    if (pp->seq_fields.bits.mb_adaptive_frame_field_flag)
        s->flags |= V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
    if (pp->seq_fields.bits.direct_8x8_inference_flag)
        s->flags |= V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
}

static bool matrix_flat(const struct v4l2_ctrl_h264_scaling_matrix *m)
{
    for (unsigned i = 0; i < sizeof(m->scaling_list_4x4); i++)
        if (((const uint8_t *)m->scaling_list_4x4)[i] != 16)
            return false;
    for (unsigned i = 0; i < 2 * 64; i++)
        if (((const uint8_t *)m->scaling_list_8x8)[i] != 16)
            return false;
    return true;
}

static void fill_scaling(struct v4l2_ctrl_h264_scaling_matrix *m,
                         const struct vareq_va_buf *iq)
{
    memset(m, 16, sizeof(*m));
    if (!iq || iq->size < sizeof(VAIQMatrixBufferH264))
        return;
    VAIQMatrixBufferH264 q;
    memcpy(&q, iq->data, sizeof(q));
    /* both VA (FFmpeg fills it from its de-zigzagged tables) and V4L2 are raster order;
     * V4L2 8x8 order: Intra Y, Inter Y, Intra Cb, Inter Cb, Intra Cr, Inter Cr */
    memcpy(m->scaling_list_4x4, q.ScalingList4x4, sizeof(m->scaling_list_4x4));
    memcpy(m->scaling_list_8x8[0], q.ScalingList8x8[0], 64);
    memcpy(m->scaling_list_8x8[1], q.ScalingList8x8[1], 64);
}

static void fill_pps(struct v4l2_ctrl_h264_pps *p, const VAPictureParameterBufferH264 *pp,
                     unsigned pps_id, unsigned l0_def, unsigned l1_def, bool scaling)
{
    memset(p, 0, sizeof(*p));
    p->pic_parameter_set_id = (uint8_t)pps_id;
    p->seq_parameter_set_id = 0;
    p->num_slice_groups_minus1 = (uint8_t)va_slice_groups_minus1(pp);
    p->num_ref_idx_l0_default_active_minus1 = (uint8_t)l0_def;
    p->num_ref_idx_l1_default_active_minus1 = (uint8_t)l1_def;
    p->weighted_bipred_idc = (uint8_t)pp->pic_fields.bits.weighted_bipred_idc;
    p->pic_init_qp_minus26 = pp->pic_init_qp_minus26;
    p->pic_init_qs_minus26 = pp->pic_init_qs_minus26;
    p->chroma_qp_index_offset = pp->chroma_qp_index_offset;
    p->second_chroma_qp_index_offset = pp->second_chroma_qp_index_offset;
    if (pp->pic_fields.bits.entropy_coding_mode_flag)
        p->flags |= V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE;
    if (pp->pic_fields.bits.pic_order_present_flag)
        p->flags |= V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT;
    if (pp->pic_fields.bits.weighted_pred_flag)
        p->flags |= V4L2_H264_PPS_FLAG_WEIGHTED_PRED;
    if (pp->pic_fields.bits.deblocking_filter_control_present_flag)
        p->flags |= V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;
    if (pp->pic_fields.bits.constrained_intra_pred_flag)
        p->flags |= V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED;
    if (pp->pic_fields.bits.redundant_pic_cnt_present_flag)
        p->flags |= V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT;
    if (pp->pic_fields.bits.transform_8x8_mode_flag)
        p->flags |= V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
    if (scaling)
        p->flags |= V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT;
}

static void slice_ps_of(struct h264_slice_ps *ps, const VAPictureParameterBufferH264 *pp)
{
    memset(ps, 0, sizeof(*ps));
    ps->log2_max_frame_num = pp->seq_fields.bits.log2_max_frame_num_minus4 + 4;
    ps->pic_order_cnt_type = pp->seq_fields.bits.pic_order_cnt_type;
    ps->log2_max_poc_lsb = pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 + 4;
    ps->delta_pic_order_always_zero = pp->seq_fields.bits.delta_pic_order_always_zero_flag;
    ps->frame_mbs_only = pp->seq_fields.bits.frame_mbs_only_flag;
    ps->separate_colour_plane = pp->seq_fields.bits.residual_colour_transform_flag;
    ps->chroma_array_type =
        ps->separate_colour_plane ? 0 : pp->seq_fields.bits.chroma_format_idc;
    ps->bottom_field_pic_order_in_frame_present = pp->pic_fields.bits.pic_order_present_flag;
    ps->redundant_pic_cnt_present = pp->pic_fields.bits.redundant_pic_cnt_present_flag;
    ps->weighted_pred = pp->pic_fields.bits.weighted_pred_flag;
    ps->weighted_bipred_idc = pp->pic_fields.bits.weighted_bipred_idc;
    ps->entropy_coding_mode = pp->pic_fields.bits.entropy_coding_mode_flag;
    ps->deblocking_filter_control_present =
        pp->pic_fields.bits.deblocking_filter_control_present_flag;
    ps->num_slice_groups_minus1 = va_slice_groups_minus1(pp);
}

static unsigned va_parity(const VAPictureH264 *p)
{
    if (p->flags & VA_PICTURE_H264_TOP_FIELD)
        return V4L2_H264_TOP_FIELD_REF;
    if (p->flags & VA_PICTURE_H264_BOTTOM_FIELD)
        return V4L2_H264_BOTTOM_FIELD_REF;
    return 0;
}

/* The picture is the second field of the pair whose first field was decoded last, into the
 * same surface (FFmpeg decodes both fields of a frame into one VA surface). */
static bool second_field_of(const struct h264_va_state *st, const VAPictureParameterBufferH264 *pp)
{
    const unsigned par = va_parity(&pp->CurrPic);
    return pp->pic_fields.bits.field_pic_flag && par && st->ff_pending &&
           pp->CurrPic.picture_id == st->ff_surface && pp->frame_num == st->ff_frame_num &&
           par != st->ff_parity;
}

static bool h264_completes_frame(void *state, const struct vareq_codec_frame *f)
{
    VAPictureParameterBufferH264 pp;
    if (!f->pic_param || f->pic_param->size < sizeof(pp))
        return false;
    memcpy(&pp, f->pic_param->data, sizeof(pp));
    return second_field_of(state, &pp);
}

static bool va_pic_valid(const VAPictureH264 *p)
{
    return !(p->flags & VA_PICTURE_H264_INVALID) && p->picture_id != VA_INVALID_SURFACE;
}

static uint8_t va_fields(const VAPictureH264 *p)
{
    unsigned f = 0;
    if (p->flags & VA_PICTURE_H264_TOP_FIELD)
        f |= V4L2_H264_TOP_FIELD_REF;
    if (p->flags & VA_PICTURE_H264_BOTTOM_FIELD)
        f |= V4L2_H264_BOTTOM_FIELD_REF;
    return (uint8_t)(f ? f : V4L2_H264_FRAME_REF);
}

/* DPB from ReferenceFrames. Returns 0 or a VA error. */
static VAStatus fill_dpb(struct v4l2_ctrl_h264_decode_params *d,
                         const VAPictureParameterBufferH264 *pp, struct vareq_codec_frame *f,
                         VASurfaceID dpb_surface[V4L2_H264_NUM_DPB_ENTRIES])
{
    const unsigned max_frame_num = 1u << (pp->seq_fields.bits.log2_max_frame_num_minus4 + 4);
    const bool cur_field = pp->pic_fields.bits.field_pic_flag;
    unsigned n = 0;

    for (unsigned i = 0; i < 16; i++) {
        const VAPictureH264 *r = &pp->ReferenceFrames[i];
        struct v4l2_h264_dpb_entry *e;
        uint64_t ts;
        if (!va_pic_valid(r))
            continue;
        if (n >= V4L2_H264_NUM_DPB_ENTRIES)
            break;
        if (f->ref_ts(f->opaque, r->picture_id, &ts) < 0) {
            vq_err("h264: reference surface 0x%x holds no frame", r->picture_id);
            return VA_STATUS_ERROR_INVALID_SURFACE;
        }
        e = &d->dpb[n];
        dpb_surface[n] = r->picture_id;
        n++;
        e->reference_ts = ts;
        e->frame_num = (uint16_t)r->frame_idx;
        e->fields = va_fields(r);
        e->top_field_order_cnt = r->TopFieldOrderCnt;
        e->bottom_field_order_cnt = r->BottomFieldOrderCnt;
        e->flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE;
        if (r->flags & VA_PICTURE_H264_LONG_TERM_REFERENCE) {
            e->flags |= V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM;
            e->pic_num = r->frame_idx; /* LongTermPicNum of a frame (8-29) */
        } else {
            /* FrameNumWrap (8-27); PicNum of a frame */
            int32_t wrap = r->frame_idx > pp->frame_num ? (int32_t)r->frame_idx -
                                                              (int32_t)max_frame_num
                                                        : (int32_t)r->frame_idx;
            e->pic_num = (uint32_t)wrap;
        }
        if (cur_field) {
            e->flags |= V4L2_H264_DPB_ENTRY_FLAG_FIELD;
            /* field decoding: PicNum = 2 * FrameNumWrap + 1 (same parity) (8-28) */
            e->pic_num = (uint32_t)(2 * (int32_t)e->pic_num + 1);
        }
    }
    for (unsigned i = n; i < V4L2_H264_NUM_DPB_ENTRIES; i++)
        dpb_surface[i] = VA_INVALID_SURFACE;
    return VA_STATUS_SUCCESS;
}

static void fill_ref_list(struct v4l2_h264_reference *out, const VAPictureH264 *in,
                          unsigned n, const VASurfaceID dpb_surface[V4L2_H264_NUM_DPB_ENTRIES])
{
    for (unsigned i = 0; i < n && i < 32; i++) {
        out[i].fields = va_fields(&in[i]);
        out[i].index = 0;
        for (unsigned j = 0; j < V4L2_H264_NUM_DPB_ENTRIES; j++)
            if (dpb_surface[j] != VA_INVALID_SURFACE && dpb_surface[j] == in[i].picture_id) {
                out[i].index = (uint8_t)j;
                break;
            }
    }
}

static void fill_slice_params(struct v4l2_ctrl_h264_slice_params *s,
                              const struct h264_slice_hdr *h, const VASliceParameterBufferH264 *sp,
                              const VASurfaceID dpb_surface[V4L2_H264_NUM_DPB_ENTRIES])
{
    memset(s, 0, sizeof(*s));
    s->header_bit_size = h->header_bit_size;
    s->first_mb_in_slice = h->first_mb_in_slice;
    s->slice_type = (uint8_t)h->slice_type;
    s->colour_plane_id = (uint8_t)h->colour_plane_id;
    s->redundant_pic_cnt = (uint8_t)h->redundant_pic_cnt;
    s->cabac_init_idc = (uint8_t)h->cabac_init_idc;
    s->slice_qp_delta = (int8_t)h->slice_qp_delta;
    s->slice_qs_delta = (int8_t)h->slice_qs_delta;
    s->disable_deblocking_filter_idc = (uint8_t)h->disable_deblocking_filter_idc;
    s->slice_alpha_c0_offset_div2 = (int8_t)h->slice_alpha_c0_offset_div2;
    s->slice_beta_offset_div2 = (int8_t)h->slice_beta_offset_div2;
    s->num_ref_idx_l0_active_minus1 = (uint8_t)h->num_ref_idx_l0_active_minus1;
    s->num_ref_idx_l1_active_minus1 = (uint8_t)h->num_ref_idx_l1_active_minus1;
    if (h->direct_spatial_mv_pred)
        s->flags |= V4L2_H264_SLICE_FLAG_DIRECT_SPATIAL_MV_PRED;
    if (h->sp_for_switch)
        s->flags |= V4L2_H264_SLICE_FLAG_SP_FOR_SWITCH;
    if (h->slice_type != H264_SLICE_I && h->slice_type != H264_SLICE_SI)
        fill_ref_list(s->ref_pic_list0, sp->RefPicList0, h->num_ref_idx_l0_active_minus1 + 1u,
                      dpb_surface);
    if (h->slice_type == H264_SLICE_B)
        fill_ref_list(s->ref_pic_list1, sp->RefPicList1, h->num_ref_idx_l1_active_minus1 + 1u,
                      dpb_surface);
}

static void fill_pw(struct v4l2_ctrl_h264_pred_weights *w, const struct h264_slice_hdr *h)
{
    memset(w, 0, sizeof(*w));
    w->luma_log2_weight_denom = (uint16_t)h->pw.luma_log2_weight_denom;
    w->chroma_log2_weight_denom = (uint16_t)h->pw.chroma_log2_weight_denom;
    for (int l = 0; l < 2; l++) {
        memcpy(w->weight_factors[l].luma_weight, h->pw.luma_weight[l], sizeof(h->pw.luma_weight[l]));
        memcpy(w->weight_factors[l].luma_offset, h->pw.luma_offset[l], sizeof(h->pw.luma_offset[l]));
        memcpy(w->weight_factors[l].chroma_weight, h->pw.chroma_weight[l],
               sizeof(h->pw.chroma_weight[l]));
        memcpy(w->weight_factors[l].chroma_offset, h->pw.chroma_offset[l],
               sizeof(h->pw.chroma_offset[l]));
    }
}

/* One (slice parameters, slice NAL) pair. */
struct slice_ref {
    const VASliceParameterBufferH264 *sp;
    const uint8_t *nal;
    size_t size;
};

#define MAX_SLICES 1024

static VAStatus collect_slices(const struct vareq_codec_frame *f, struct slice_ref *out,
                               unsigned *n_out)
{
    unsigned n = 0;
    if (f->n_slice_params != f->n_slice_data) {
        vq_err("h264: %u slice parameter buffers, %u slice data buffers", f->n_slice_params,
               f->n_slice_data);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    for (unsigned b = 0; b < f->n_slice_params; b++) {
        const struct vareq_va_buf *pb = &f->slice_params[b], *db = &f->slice_data[b];
        if (pb->element_size < sizeof(VASliceParameterBufferH264) ||
            (size_t)pb->num_elements * pb->element_size > pb->size) {
            vq_err("h264: slice parameter buffer %u malformed", b);
            return VA_STATUS_ERROR_INVALID_PARAMETER;
        }
        for (unsigned e = 0; e < pb->num_elements; e++) {
            const VASliceParameterBufferH264 *sp =
                (const void *)(pb->data + (size_t)e * pb->element_size);
            if (n >= MAX_SLICES) {
                vq_err("h264: more than %d slices", MAX_SLICES);
                return VA_STATUS_ERROR_MAX_NUM_EXCEEDED;
            }
            if (sp->slice_data_flag != VA_SLICE_DATA_FLAG_ALL) {
                vq_err("h264: partial slice data (flag %u)", sp->slice_data_flag);
                return VA_STATUS_ERROR_UNIMPLEMENTED;
            }
            if (sp->slice_data_offset > db->size ||
                sp->slice_data_size > db->size - sp->slice_data_offset ||
                sp->slice_data_size < 2) {
                vq_err("h264: slice %u data %u+%u outside the %zu-byte buffer", n,
                       sp->slice_data_offset, sp->slice_data_size, db->size);
                return VA_STATUS_ERROR_INVALID_PARAMETER;
            }
            out[n].sp = sp;
            out[n].nal = db->data + sp->slice_data_offset;
            out[n].size = sp->slice_data_size;
            n++;
        }
    }
    if (!n) {
        vq_err("h264: picture without slices");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    *n_out = n;
    return VA_STATUS_SUCCESS;
}

static VAStatus h264_translate(void *state, struct vareq_codec_frame *f)
{
    struct h264_va_state *st = state;
    VAPictureParameterBufferH264 pp;
    struct h264_slice_ps ps;
    struct h264_slice_hdr h0 = {0}, h, hp = {0};
    struct slice_ref *slices;
    VASurfaceID dpb_surface[V4L2_H264_NUM_DPB_ENTRIES];
    unsigned n_slices = 0, l0_def, l1_def;
    bool start_codes, per_slice, need_pw = false;
    char err[160];
    size_t used = 0;
    VAStatus vs;
    int r;

    if (!f->pic_param || f->pic_param->size < sizeof(pp)) {
        vq_err("h264: missing or short picture parameters");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    memcpy(&pp, f->pic_param->data, sizeof(pp));
    if (f->part == 0) {
        /* field pairing, before anything can fail (the core checks the first field's
         * decode before it puts the second into the same buffer) */
        bool second = second_field_of(st, &pp);
        st->ff_pending = pp.pic_fields.bits.field_pic_flag && !second;
        st->ff_surface = pp.CurrPic.picture_id;
        st->ff_frame_num = pp.frame_num;
        st->ff_parity = va_parity(&pp.CurrPic);
    }
    if (va_slice_groups_minus1(&pp) > 0) {
        vq_err("h264: FMO/ASO (num_slice_groups_minus1 = %u) is not expressible in the V4L2 "
               "stateless uAPI", va_slice_groups_minus1(&pp));
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    }
    /* 4:0:0 (monochrome, High profile) decodes into NV12 with neutral chroma */
    if (pp.seq_fields.bits.chroma_format_idc > 1) {
        vq_err("h264: chroma_format_idc %u (only 4:2:0 and 4:0:0 are decoded)",
               pp.seq_fields.bits.chroma_format_idc);
        return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
    }
    if (pp.bit_depth_luma_minus8 || pp.bit_depth_chroma_minus8) {
        vq_err("h264: %u-bit content: only 8-bit (NV12) is supported so far",
               pp.bit_depth_luma_minus8 + 8);
        return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
    }
    if ((pp.picture_width_in_mbs_minus1 + 1u) * 16 > f->cap_width ||
        (pp.picture_height_in_mbs_minus1 + 1u) * 16 > f->cap_height) {
        vq_err("h264: picture %ux%u MBs larger than the CAPTURE format %ux%u",
               pp.picture_width_in_mbs_minus1 + 1, pp.picture_height_in_mbs_minus1 + 1,
               f->cap_width, f->cap_height);
        return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    }

    slices = calloc(MAX_SLICES, sizeof(*slices));
    if (!slices)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    vs = collect_slices(f, slices, &n_slices);
    if (vs != VA_STATUS_SUCCESS)
        goto out;

    /* decode mode and start codes from what the device's menus offer */
    st->mode = menu_offers(f, C_MODE, V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED) ||
                       !f->ctrl_present[C_MODE]
                   ? V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED
                   : V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED;
    st->start_code = menu_offers(f, C_START, V4L2_STATELESS_H264_START_CODE_ANNEX_B) ||
                             !f->ctrl_present[C_START]
                         ? V4L2_STATELESS_H264_START_CODE_ANNEX_B
                         : V4L2_STATELESS_H264_START_CODE_NONE;
    start_codes = st->start_code == V4L2_STATELESS_H264_START_CODE_ANNEX_B;
    /* SLICE_BASED: one request per slice (the core holds the CAPTURE buffer between them) */
    per_slice = st->mode == V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED;
    if (n_slices > 1 && !per_slice && !start_codes) {
        vq_err("h264: %u slices in one picture cannot be delimited in one FRAME_BASED request "
               "without start codes (the device offers START_CODE_NONE only)", n_slices);
        vs = VA_STATUS_ERROR_UNIMPLEMENTED;
        goto out;
    }
    if (f->part >= (per_slice ? n_slices : 1)) {
        vq_err("h264: request %u of a picture with %u slices", f->part, n_slices);
        vs = VA_STATUS_ERROR_OPERATION_FAILED;
        goto out;
    }

    slice_ps_of(&ps, &pp);
    /* PPS defaults for num_ref_idx: learned from slices that do not override them */
    l0_def = l1_def = 0;
    for (unsigned i = 0; i < n_slices; i++) {
        unsigned pps_id = 0;
        const VASliceParameterBufferH264 *sp = slices[i].sp;
        ps.num_ref_idx_l0_default_minus1 = sp->num_ref_idx_l0_active_minus1 & 31;
        ps.num_ref_idx_l1_default_minus1 = sp->num_ref_idx_l1_active_minus1 & 31;
        err[0] = 0;
        r = h264_parse_slice_header(slices[i].nal, slices[i].size, &ps, &h, err, sizeof(err));
        if (r < 0) {
            vq_err("h264: slice %u header: %s", i, err);
            vs = r == -ENOTSUP ? VA_STATUS_ERROR_UNIMPLEMENTED : VA_STATUS_ERROR_DECODING_ERROR;
            goto out;
        }
        pps_id = h.pps_id;
        if (i == 0) {
            h0 = h;
            l0_def = st->l0_default[pps_id];
            l1_def = st->l1_default[pps_id];
        } else if (h.pps_id != h0.pps_id || h.frame_num != h0.frame_num ||
                   h.field_pic != h0.field_pic || h.bottom_field != h0.bottom_field ||
                   h.idr != h0.idr) {
            vq_err("h264: slice %u belongs to another picture (pps %u/%u frame_num %u/%u)", i,
                   h.pps_id, h0.pps_id, h.frame_num, h0.frame_num);
            vs = VA_STATUS_ERROR_DECODING_ERROR;
            goto out;
        }
        if ((h.slice_type == H264_SLICE_P || h.slice_type == H264_SLICE_SP ||
             h.slice_type == H264_SLICE_B) && !h.num_ref_idx_override) {
            l0_def = st->l0_default[pps_id] = (uint8_t)h.num_ref_idx_l0_active_minus1;
            if (h.slice_type == H264_SLICE_B)
                l1_def = st->l1_default[pps_id] = (uint8_t)h.num_ref_idx_l1_active_minus1;
            }
        if (per_slice && i == f->part)
            hp = h;
        if (h.has_pw_table && !need_pw && (!per_slice || i == f->part)) {
            need_pw = true;
            fill_pw(&st->pw, &h);
        }
        /* OUTPUT bytes: every slice (FRAME_BASED) or the slice of this request */
        if (!per_slice || i == f->part) {
            size_t need = slices[i].size + (start_codes ? 3 : 0);
            if (need > f->out_cap - used) {
                vq_err("h264: %zu bytes of slices exceed the OUTPUT buffer (%zu)",
                       used + need, f->out_cap);
                vs = VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
                goto out;
            }
            if (start_codes) {
                f->out[used++] = 0;
                f->out[used++] = 0;
                f->out[used++] = 1;
            }
            memcpy(f->out + used, slices[i].nal, slices[i].size);
            used += slices[i].size;
        }
    }

    /* controls */
    fill_sps(&st->sps, &pp, f->profile);
    fill_scaling(&st->sm, f->iq_matrix);
    fill_pps(&st->pps, &pp, h0.pps_id, l0_def, l1_def, !matrix_flat(&st->sm));
    memset(&st->dec, 0, sizeof(st->dec));
    vs = fill_dpb(&st->dec, &pp, f, dpb_surface);
    if (vs != VA_STATUS_SUCCESS)
        goto out;
    if (per_slice)
        fill_slice_params(&st->slice, &hp, slices[f->part].sp, dpb_surface);
    else
        fill_slice_params(&st->slice, &h0, slices[0].sp, dpb_surface);
    st->dec.nal_ref_idc = (uint16_t)h0.nal_ref_idc;
    st->dec.frame_num = (uint16_t)h0.frame_num;
    st->dec.top_field_order_cnt = pp.CurrPic.TopFieldOrderCnt;
    st->dec.bottom_field_order_cnt = pp.CurrPic.BottomFieldOrderCnt;
    st->dec.idr_pic_id = (uint16_t)h0.idr_pic_id;
    st->dec.pic_order_cnt_lsb = (uint16_t)h0.pic_order_cnt_lsb;
    st->dec.delta_pic_order_cnt_bottom = h0.delta_pic_order_cnt_bottom;
    st->dec.delta_pic_order_cnt0 = h0.delta_pic_order_cnt[0];
    st->dec.delta_pic_order_cnt1 = h0.delta_pic_order_cnt[1];
    st->dec.dec_ref_pic_marking_bit_size = h0.dec_ref_pic_marking_bit_size;
    st->dec.pic_order_cnt_bit_size = h0.pic_order_cnt_bit_size;
    if (h0.idr)
        st->dec.flags |= V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC;
    if (h0.field_pic)
        st->dec.flags |= V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC;
    if (h0.bottom_field)
        st->dec.flags |= V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD;
    for (unsigned i = 0; i < n_slices; i++) {
        unsigned t = slices[i].sp->slice_type % 5;
        if (t == H264_SLICE_P || t == H264_SLICE_SP)
            st->dec.flags |= V4L2_H264_DECODE_PARAM_FLAG_PFRAME;
        if (t == H264_SLICE_B)
            st->dec.flags |= V4L2_H264_DECODE_PARAM_FLAG_BFRAME;
    }
    if (h0.field_pic != (bool)pp.pic_fields.bits.field_pic_flag ||
        h0.frame_num != pp.frame_num)
        vq_warn("h264: slice header (field %d frame_num %u) disagrees with VA (%d, %u)",
                h0.field_pic, h0.frame_num, pp.pic_fields.bits.field_pic_flag, pp.frame_num);

    f->out_used = used;
    f->more_parts = per_slice && f->part + 1 < n_slices;
    f->n_ctrls = 0;
    for (unsigned i = 0; i < vareq_codec_h264.n_ctrls; i++) {
        struct v4l2_ext_control *c = &f->ctrls[f->n_ctrls];
        if (!f->ctrl_present[i])
            continue;
        memset(c, 0, sizeof(*c));
        c->id = vareq_codec_h264.ctrls[i].id;
        switch (i) {
        case C_SPS: c->ptr = &st->sps; c->size = sizeof(st->sps); break;
        case C_PPS: c->ptr = &st->pps; c->size = sizeof(st->pps); break;
        case C_SCALING: c->ptr = &st->sm; c->size = sizeof(st->sm); break;
        case C_PW:
            if (!need_pw)
                continue;
            c->ptr = &st->pw;
            c->size = sizeof(st->pw);
            break;
        case C_SLICE:
            if (st->mode != V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED)
                continue;
            c->ptr = &st->slice;
            c->size = sizeof(st->slice);
            break;
        case C_DECODE: c->ptr = &st->dec; c->size = sizeof(st->dec); break;
        case C_MODE: c->value = st->mode; break;
        case C_START: c->value = st->start_code; break;
        default: continue;
        }
        f->n_ctrls++;
    }
    vq_dbg("h264: frame_num %u poc %d/%d %u slices %zu bytes%s%s", h0.frame_num,
           pp.CurrPic.TopFieldOrderCnt, pp.CurrPic.BottomFieldOrderCnt, n_slices, used,
           h0.idr ? " IDR" : "", h0.field_pic ? (h0.bottom_field ? " bottom" : " top") : "");
    vs = VA_STATUS_SUCCESS;
out:
    free(slices);
    return vs;
}

const struct vareq_codec vareq_codec_h264 = {
    .name = "H264",
    .output_pixfmt = V4L2_PIX_FMT_H264_SLICE,
    .profiles = {{VAProfileH264ConstrainedBaseline, "H264ConstrainedBaseline",
                  VA_RT_FORMAT_YUV420},
                 {VAProfileH264Main, "H264Main", VA_RT_FORMAT_YUV420},
                 {VAProfileH264High, "H264High", VA_RT_FORMAT_YUV420}},
    .n_profiles = 3,
    .ctrls = {[C_SPS] = {V4L2_CID_STATELESS_H264_SPS, true},
              [C_PPS] = {V4L2_CID_STATELESS_H264_PPS, true},
              [C_SCALING] = {V4L2_CID_STATELESS_H264_SCALING_MATRIX, false},
              [C_PW] = {V4L2_CID_STATELESS_H264_PRED_WEIGHTS, false},
              [C_SLICE] = {V4L2_CID_STATELESS_H264_SLICE_PARAMS, false},
              [C_DECODE] = {V4L2_CID_STATELESS_H264_DECODE_PARAMS, true},
              [C_MODE] = {V4L2_CID_STATELESS_H264_DECODE_MODE, false},
              [C_START] = {V4L2_CID_STATELESS_H264_START_CODE, false}},
    .n_ctrls = C_COUNT,
    .pic_param_size = sizeof(VAPictureParameterBufferH264),
    .slice_param_size = sizeof(VASliceParameterBufferH264),
    .ctx_init = h264_ctx_init,
    .ctx_destroy = h264_ctx_destroy,
    .translate = h264_translate,
    .completes_frame = h264_completes_frame,
};
