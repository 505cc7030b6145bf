/* H.264 slice header parser: ITU-T H.264 (08/2021) 7.3.3, 7.3.3.1, 7.3.3.2, 7.3.3.3,
 * with the value ranges of 7.4.3. */
#include <errno.h>
#include <string.h>

#include "h264_bitreader.h"
#include "h264_slice.h"
#include <vareq/errmsg.h>

/* fails with "slice header truncated" once the bit reader has run past the end */
#define TRUNC_CHECK()                                                                      \
    do {                                                                                   \
        if (!h264_br_ok(&br))                                                              \
            return vareq_errf(err, errlen, -EINVAL, "slice header truncated");             \
    } while (0)

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        TRUNC_CHECK();                                                                     \
        if (!(cond))                                                                       \
            return vareq_errf(err, errlen, -EINVAL, __VA_ARGS__);                          \
    } while (0)

static bool is_p(unsigned t) { return t == H264_SLICE_P || t == H264_SLICE_SP; }
static bool is_b(unsigned t) { return t == H264_SLICE_B; }
static bool is_intra(unsigned t) { return t == H264_SLICE_I || t == H264_SLICE_SI; }

static int ref_list_mod(struct h264_br *br)
{
    if (!h264_br_u(br, 1))
        return 0;
    for (unsigned n = 0; n < 66; n++) {
        uint32_t idc = h264_br_ue(br);
        if (!h264_br_ok(br) || idc > 3)
            return -1;
        if (idc == 3)
            return 0;
        (void)h264_br_ue(br); /* abs_diff_pic_num_minus1 or long_term_pic_num */
    }
    return -1;
}

static int pw_list(struct h264_br *br, struct h264_pw_table *pw, unsigned list, unsigned n,
                   unsigned chroma_array_type)
{
    for (unsigned i = 0; i < n; i++) {
        pw->luma_weight[list][i] = (int16_t)(1 << pw->luma_log2_weight_denom);
        pw->luma_offset[list][i] = 0;
        if (h264_br_u(br, 1)) {
            int32_t w = h264_br_se(br), o = h264_br_se(br);
            if (w < -128 || w > 127 || o < -128 || o > 127)
                return -1;
            pw->luma_weight[list][i] = (int16_t)w;
            pw->luma_offset[list][i] = (int16_t)o;
        }
        for (int j = 0; j < 2; j++) {
            pw->chroma_weight[list][i][j] = (int16_t)(1 << pw->chroma_log2_weight_denom);
            pw->chroma_offset[list][i][j] = 0;
        }
        if (chroma_array_type != 0 && h264_br_u(br, 1)) {
            for (int j = 0; j < 2; j++) {
                int32_t w = h264_br_se(br), o = h264_br_se(br);
                if (w < -128 || w > 127 || o < -128 || o > 127)
                    return -1;
                pw->chroma_weight[list][i][j] = (int16_t)w;
                pw->chroma_offset[list][i][j] = (int16_t)o;
            }
        }
        if (!h264_br_ok(br))
            return -1;
    }
    return 0;
}

static int dec_ref_pic_marking(struct h264_br *br, struct h264_slice_hdr *h)
{
    if (h->idr) {
        h->no_output_of_prior_pics = h264_br_u(br, 1);
        h->long_term_reference_flag = h264_br_u(br, 1);
        return h264_br_ok(br) ? 0 : -1;
    }
    h->adaptive_ref_pic_marking = h264_br_u(br, 1);
    if (!h->adaptive_ref_pic_marking)
        return h264_br_ok(br) ? 0 : -1;
    for (unsigned n = 0; n < 100; n++) {
        uint32_t op = h264_br_ue(br);
        if (!h264_br_ok(br) || op > 6)
            return -1;
        if (op == 0)
            return 0;
        h->n_mmco++;
        if (op == 1 || op == 3)
            (void)h264_br_ue(br); /* difference_of_pic_nums_minus1 */
        if (op == 2)
            (void)h264_br_ue(br); /* long_term_pic_num */
        if (op == 3 || op == 6)
            (void)h264_br_ue(br); /* long_term_frame_idx */
        if (op == 4)
            (void)h264_br_ue(br); /* max_long_term_frame_idx_plus1 */
    }
    return -1;
}

int h264_parse_slice_header(const uint8_t *nal, size_t size, const struct h264_slice_ps *ps,
                            struct h264_slice_hdr *h, char *err, size_t errlen)
{
    struct h264_br br;
    uint64_t start, mark;
    uint32_t v;

    memset(h, 0, sizeof(*h));
    if (!nal || size < 2)
        return vareq_errf(err, errlen, -EINVAL, "slice NAL unit of %zu bytes", size);
    if (ps->log2_max_frame_num < 4 || ps->log2_max_frame_num > 16 ||
        ps->pic_order_cnt_type > 2 || ps->log2_max_poc_lsb < 4 || ps->log2_max_poc_lsb > 16 ||
        ps->chroma_array_type > 3 || ps->weighted_bipred_idc > 2 ||
        ps->num_ref_idx_l0_default_minus1 > 31 || ps->num_ref_idx_l1_default_minus1 > 31)
        return vareq_errf(err, errlen, -EINVAL, "invalid parameter-set fields");
    if (ps->num_slice_groups_minus1 > 0)
        return vareq_errf(err, errlen, -ENOTSUP,
                          "FMO (num_slice_groups_minus1 %u): not expressible in the V4L2 uAPI",
                          ps->num_slice_groups_minus1);
    if (nal[0] & 0x80)
        return vareq_errf(err, errlen, -EINVAL, "forbidden_zero_bit set");
    h->nal_ref_idc = (nal[0] >> 5) & 3;
    h->nal_unit_type = nal[0] & 0x1f;
    if (h->nal_unit_type == 20 || h->nal_unit_type == 21)
        return vareq_errf(err, errlen, -ENOTSUP, "MVC/3D slice (NAL type %u)", h->nal_unit_type);
    if (h->nal_unit_type == 2 || h->nal_unit_type == 3 || h->nal_unit_type == 4)
        return vareq_errf(err, errlen, -ENOTSUP, "data partitioning (NAL type %u): Extended profile",
                          h->nal_unit_type);
    if (h->nal_unit_type != 1 && h->nal_unit_type != 5)
        return vareq_errf(err, errlen, -EINVAL, "NAL type %u is not a slice", h->nal_unit_type);
    h->idr = h->nal_unit_type == 5;
    if (h->idr && h->nal_ref_idc == 0)
        return vareq_errf(err, errlen, -EINVAL, "IDR slice with nal_ref_idc 0");

    h264_br_init(&br, nal + 1, size - 1);
    start = h264_br_pos(&br);
    h->first_mb_in_slice = h264_br_ue(&br);
    v = h264_br_ue(&br);
    CHECK(v <= 9, "slice_type %u", v);
    h->slice_type = v % 5;
    if (h->idr)
        CHECK(is_intra(h->slice_type), "IDR slice of type %u", h->slice_type);
    h->pps_id = h264_br_ue(&br);
    CHECK(h->pps_id <= 255, "pic_parameter_set_id %u", h->pps_id);
    if (ps->separate_colour_plane)
        h->colour_plane_id = h264_br_u(&br, 2);
    h->frame_num = h264_br_u(&br, ps->log2_max_frame_num);
    if (!ps->frame_mbs_only) {
        h->field_pic = h264_br_u(&br, 1);
        if (h->field_pic)
            h->bottom_field = h264_br_u(&br, 1);
    }
    if (h->idr) {
        h->idr_pic_id = h264_br_ue(&br);
        CHECK(h->idr_pic_id <= 65535, "idr_pic_id %u", h->idr_pic_id);
    }
    mark = h264_br_pos(&br);
    if (ps->pic_order_cnt_type == 0) {
        h->pic_order_cnt_lsb = h264_br_u(&br, ps->log2_max_poc_lsb);
        if (ps->bottom_field_pic_order_in_frame_present && !h->field_pic)
            h->delta_pic_order_cnt_bottom = h264_br_se(&br);
    } else if (ps->pic_order_cnt_type == 1 && !ps->delta_pic_order_always_zero) {
        h->delta_pic_order_cnt[0] = h264_br_se(&br);
        if (ps->bottom_field_pic_order_in_frame_present && !h->field_pic)
            h->delta_pic_order_cnt[1] = h264_br_se(&br);
    }
    h->pic_order_cnt_bit_size = (uint32_t)(h264_br_pos(&br) - mark);
    if (ps->redundant_pic_cnt_present) {
        h->redundant_pic_cnt = h264_br_ue(&br);
        CHECK(h->redundant_pic_cnt <= 127, "redundant_pic_cnt %u", h->redundant_pic_cnt);
    }
    if (is_b(h->slice_type))
        h->direct_spatial_mv_pred = h264_br_u(&br, 1);
    h->num_ref_idx_l0_active_minus1 = ps->num_ref_idx_l0_default_minus1;
    h->num_ref_idx_l1_active_minus1 = ps->num_ref_idx_l1_default_minus1;
    if (is_p(h->slice_type) || is_b(h->slice_type)) {
        h->num_ref_idx_override = h264_br_u(&br, 1);
        if (h->num_ref_idx_override) {
            h->num_ref_idx_l0_active_minus1 = h264_br_ue(&br);
            if (is_b(h->slice_type))
                h->num_ref_idx_l1_active_minus1 = h264_br_ue(&br);
        }
        CHECK(h->num_ref_idx_l0_active_minus1 <= 31 && h->num_ref_idx_l1_active_minus1 <= 31,
              "num_ref_idx_active_minus1 %u/%u", h->num_ref_idx_l0_active_minus1,
              h->num_ref_idx_l1_active_minus1);
        if (!h->field_pic)
            CHECK(h->num_ref_idx_l0_active_minus1 <= 15 &&
                      h->num_ref_idx_l1_active_minus1 <= 15,
                  "num_ref_idx_active_minus1 %u/%u in a frame",
                  h->num_ref_idx_l0_active_minus1, h->num_ref_idx_l1_active_minus1);
    }
    TRUNC_CHECK();
    if (!is_intra(h->slice_type)) {
        CHECK(ref_list_mod(&br) == 0, "ref_pic_list_modification (list 0) malformed");
        if (is_b(h->slice_type))
            CHECK(ref_list_mod(&br) == 0, "ref_pic_list_modification (list 1) malformed");
    }
    if ((ps->weighted_pred && is_p(h->slice_type)) ||
        (ps->weighted_bipred_idc == 1 && is_b(h->slice_type))) {
        h->has_pw_table = true;
        h->pw.luma_log2_weight_denom = h264_br_ue(&br);
        if (ps->chroma_array_type != 0)
            h->pw.chroma_log2_weight_denom = h264_br_ue(&br);
        CHECK(h->pw.luma_log2_weight_denom <= 7 && h->pw.chroma_log2_weight_denom <= 7,
              "log2_weight_denom %u/%u", h->pw.luma_log2_weight_denom,
              h->pw.chroma_log2_weight_denom);
        CHECK(pw_list(&br, &h->pw, 0, h->num_ref_idx_l0_active_minus1 + 1,
                      ps->chroma_array_type) == 0,
              "pred_weight_table (list 0) malformed");
        if (is_b(h->slice_type))
            CHECK(pw_list(&br, &h->pw, 1, h->num_ref_idx_l1_active_minus1 + 1,
                          ps->chroma_array_type) == 0,
                  "pred_weight_table (list 1) malformed");
    }
    if (h->nal_ref_idc != 0) {
        mark = h264_br_pos(&br);
        CHECK(dec_ref_pic_marking(&br, h) == 0, "dec_ref_pic_marking malformed");
        h->dec_ref_pic_marking_bit_size = (uint32_t)(h264_br_pos(&br) - mark);
    }
    if (ps->entropy_coding_mode && !is_intra(h->slice_type)) {
        h->cabac_init_idc = h264_br_ue(&br);
        CHECK(h->cabac_init_idc <= 2, "cabac_init_idc %u", h->cabac_init_idc);
    }
    h->slice_qp_delta = h264_br_se(&br);
    CHECK(h->slice_qp_delta >= -87 && h->slice_qp_delta <= 77, "slice_qp_delta %d",
          (int)h->slice_qp_delta);
    if (h->slice_type == H264_SLICE_SP || h->slice_type == H264_SLICE_SI) {
        if (h->slice_type == H264_SLICE_SP)
            h->sp_for_switch = h264_br_u(&br, 1);
        h->slice_qs_delta = h264_br_se(&br);
        CHECK(h->slice_qs_delta >= -51 && h->slice_qs_delta <= 51, "slice_qs_delta %d",
              (int)h->slice_qs_delta);
    }
    if (ps->deblocking_filter_control_present) {
        h->disable_deblocking_filter_idc = h264_br_ue(&br);
        CHECK(h->disable_deblocking_filter_idc <= 2, "disable_deblocking_filter_idc %u",
              h->disable_deblocking_filter_idc);
        if (h->disable_deblocking_filter_idc != 1) {
            h->slice_alpha_c0_offset_div2 = h264_br_se(&br);
            h->slice_beta_offset_div2 = h264_br_se(&br);
            CHECK(h->slice_alpha_c0_offset_div2 >= -6 && h->slice_alpha_c0_offset_div2 <= 6 &&
                      h->slice_beta_offset_div2 >= -6 && h->slice_beta_offset_div2 <= 6,
                  "deblocking offsets %d/%d", (int)h->slice_alpha_c0_offset_div2,
                  (int)h->slice_beta_offset_div2);
        }
    }
    TRUNC_CHECK();
    h->header_bit_size = (uint32_t)(h264_br_pos(&br) - start);
    return 0;
}
