/* SPS (7.3.2.1.1, VUI E.1.1) and PPS (7.3.2.2) writers. */
#include <errno.h>
#include <stdio.h>

#include "sim_h264_bitwriter.h"
#include "sim_h264_ps.h"

static const uint8_t zigzag4[16] = {0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15};
static const uint8_t zigzag8[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

long sim_h264_write_sps(const struct v4l2_ctrl_h264_sps *s, uint8_t *out, size_t len,
                        size_t cap, char *err, size_t errlen)
{
    struct sim_h264_bw bw;
    long r;

    if (s->log2_max_frame_num_minus4 > 12 || s->pic_order_cnt_type > 2 ||
        s->log2_max_pic_order_cnt_lsb_minus4 > 12 || s->chroma_format_idc > 3 ||
        s->bit_depth_luma_minus8 > 6 || s->bit_depth_chroma_minus8 > 6 ||
        s->max_num_ref_frames > 16 || s->seq_parameter_set_id > 31) {
        snprintf(err, errlen, "SPS control out of range");
        return -EINVAL;
    }
    if (s->pic_order_cnt_type == 1 && s->num_ref_frames_in_pic_order_cnt_cycle > 254) {
        snprintf(err, errlen, "num_ref_frames_in_pic_order_cnt_cycle %u",
                 s->num_ref_frames_in_pic_order_cnt_cycle);
        return -EINVAL;
    }
    sim_h264_bw_init(&bw);
    sim_h264_bw_u(&bw, 8, s->profile_idc);
    /* constraint_set0_flag is the MSB of the syntax byte; V4L2 has set0 in bit 0 */
    for (int i = 0; i < 6; i++)
        sim_h264_bw_u(&bw, 1, (s->constraint_set_flags >> i) & 1u);
    sim_h264_bw_u(&bw, 2, 0);
    sim_h264_bw_u(&bw, 8, s->level_idc);
    sim_h264_bw_ue(&bw, s->seq_parameter_set_id);
    if (V4L2_H264_SPS_HAS_CHROMA_FORMAT(s)) {
        sim_h264_bw_ue(&bw, s->chroma_format_idc);
        if (s->chroma_format_idc == 3)
            sim_h264_bw_u(&bw, 1, !!(s->flags & V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE));
        sim_h264_bw_ue(&bw, s->bit_depth_luma_minus8);
        sim_h264_bw_ue(&bw, s->bit_depth_chroma_minus8);
        sim_h264_bw_u(&bw, 1, !!(s->flags & V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS));
        sim_h264_bw_u(&bw, 1, 0); /* seq_scaling_matrix_present_flag: lists go in the PPS */
    } else if (s->chroma_format_idc != 1 || s->bit_depth_luma_minus8 ||
               s->bit_depth_chroma_minus8) {
        snprintf(err, errlen, "profile_idc %u cannot carry chroma_format_idc %u / bit depth",
                 s->profile_idc, s->chroma_format_idc);
        return -EINVAL;
    }
    sim_h264_bw_ue(&bw, s->log2_max_frame_num_minus4);
    sim_h264_bw_ue(&bw, s->pic_order_cnt_type);
    if (s->pic_order_cnt_type == 0) {
        sim_h264_bw_ue(&bw, s->log2_max_pic_order_cnt_lsb_minus4);
    } else if (s->pic_order_cnt_type == 1) {
        sim_h264_bw_u(&bw, 1, !!(s->flags & V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO));
        sim_h264_bw_se(&bw, s->offset_for_non_ref_pic);
        sim_h264_bw_se(&bw, s->offset_for_top_to_bottom_field);
        sim_h264_bw_ue(&bw, s->num_ref_frames_in_pic_order_cnt_cycle);
        for (unsigned i = 0; i < s->num_ref_frames_in_pic_order_cnt_cycle; i++)
            sim_h264_bw_se(&bw, s->offset_for_ref_frame[i]);
    }
    sim_h264_bw_ue(&bw, s->max_num_ref_frames);
    sim_h264_bw_u(&bw, 1, !!(s->flags & V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED));
    sim_h264_bw_ue(&bw, s->pic_width_in_mbs_minus1);
    sim_h264_bw_ue(&bw, s->pic_height_in_map_units_minus1);
    sim_h264_bw_u(&bw, 1, !!(s->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY));
    if (!(s->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY))
        sim_h264_bw_u(&bw, 1, !!(s->flags & V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD));
    sim_h264_bw_u(&bw, 1, !!(s->flags & V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE));
    sim_h264_bw_u(&bw, 1, 0); /* frame_cropping_flag: the whole coded picture is output */
    sim_h264_bw_u(&bw, 1, 1); /* vui_parameters_present_flag */
    sim_h264_bw_u(&bw, 1, 0); /* aspect_ratio_info_present_flag */
    sim_h264_bw_u(&bw, 1, 0); /* overscan_info_present_flag */
    sim_h264_bw_u(&bw, 1, 0); /* video_signal_type_present_flag */
    sim_h264_bw_u(&bw, 1, 0); /* chroma_loc_info_present_flag */
    sim_h264_bw_u(&bw, 1, 0); /* timing_info_present_flag */
    sim_h264_bw_u(&bw, 1, 0); /* nal_hrd_parameters_present_flag */
    sim_h264_bw_u(&bw, 1, 0); /* vcl_hrd_parameters_present_flag */
    sim_h264_bw_u(&bw, 1, 0); /* pic_struct_present_flag */
    sim_h264_bw_u(&bw, 1, 1); /* bitstream_restriction_flag */
    sim_h264_bw_u(&bw, 1, 1); /* motion_vectors_over_pic_boundaries_flag */
    sim_h264_bw_ue(&bw, 0);   /* max_bytes_per_pic_denom */
    sim_h264_bw_ue(&bw, 0);   /* max_bits_per_mb_denom */
    sim_h264_bw_ue(&bw, 16);  /* log2_max_mv_length_horizontal */
    sim_h264_bw_ue(&bw, 16);  /* log2_max_mv_length_vertical */
    sim_h264_bw_ue(&bw, 0);   /* max_num_reorder_frames */
    sim_h264_bw_ue(&bw, s->max_num_ref_frames ? s->max_num_ref_frames : 1); /* max_dec_frame_buffering */
    sim_h264_bw_trailing(&bw);
    r = sim_h264_bw_nal(&bw, 0x67, out, len, cap);
    if (r < 0) {
        snprintf(err, errlen, "SPS does not fit");
        return -ENOSPC;
    }
    return r;
}

static int write_list(struct sim_h264_bw *bw, const uint8_t *raster, const uint8_t *scan,
                      unsigned n)
{
    int last = 8;
    for (unsigned i = 0; i < n; i++) {
        int v = raster[scan[i]];
        int d = v - last;
        if (v == 0)
            return -1;
        if (d > 127)
            d -= 256;
        if (d < -128)
            d += 256;
        sim_h264_bw_se(bw, d);
        last = v;
    }
    return 0;
}

long sim_h264_write_pps(const struct v4l2_ctrl_h264_sps *s, const struct v4l2_ctrl_h264_pps *p,
                        const struct v4l2_ctrl_h264_scaling_matrix *sm, uint8_t *out,
                        size_t len, size_t cap, char *err, size_t errlen)
{
    struct sim_h264_bw bw;
    bool t8 = p->flags & V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
    bool scaling = (p->flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT) && sm;
    long r;

    if (p->num_slice_groups_minus1 > 0) {
        snprintf(err, errlen, "num_slice_groups_minus1 %u: FMO is not supported",
                 p->num_slice_groups_minus1);
        return -EINVAL;
    }
    if (p->num_ref_idx_l0_default_active_minus1 > 31 ||
        p->num_ref_idx_l1_default_active_minus1 > 31 || p->weighted_bipred_idc > 2) {
        snprintf(err, errlen, "PPS control out of range");
        return -EINVAL;
    }
    sim_h264_bw_init(&bw);
    sim_h264_bw_ue(&bw, p->pic_parameter_set_id);
    sim_h264_bw_ue(&bw, p->seq_parameter_set_id);
    sim_h264_bw_u(&bw, 1, !!(p->flags & V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE));
    sim_h264_bw_u(&bw, 1, !!(p->flags & V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT));
    sim_h264_bw_ue(&bw, 0);
    sim_h264_bw_ue(&bw, p->num_ref_idx_l0_default_active_minus1);
    sim_h264_bw_ue(&bw, p->num_ref_idx_l1_default_active_minus1);
    sim_h264_bw_u(&bw, 1, !!(p->flags & V4L2_H264_PPS_FLAG_WEIGHTED_PRED));
    sim_h264_bw_u(&bw, 2, p->weighted_bipred_idc);
    sim_h264_bw_se(&bw, p->pic_init_qp_minus26);
    sim_h264_bw_se(&bw, p->pic_init_qs_minus26);
    sim_h264_bw_se(&bw, p->chroma_qp_index_offset);
    sim_h264_bw_u(&bw, 1, !!(p->flags & V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT));
    sim_h264_bw_u(&bw, 1, !!(p->flags & V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED));
    sim_h264_bw_u(&bw, 1, !!(p->flags & V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT));
    if (t8 || scaling || p->second_chroma_qp_index_offset != p->chroma_qp_index_offset) {
        if (!V4L2_H264_SPS_HAS_CHROMA_FORMAT(s)) {
            snprintf(err, errlen, "8x8 transform / scaling lists / second chroma QP offset "
                                  "with profile_idc %u", s->profile_idc);
            return -EINVAL;
        }
        sim_h264_bw_u(&bw, 1, t8);
        sim_h264_bw_u(&bw, 1, scaling);
        if (scaling) {
            unsigned n8 = t8 ? (s->chroma_format_idc == 3 ? 6 : 2) : 0;
            for (unsigned i = 0; i < 6; i++) {
                sim_h264_bw_u(&bw, 1, 1);
                if (write_list(&bw, sm->scaling_list_4x4[i], zigzag4, 16) < 0)
                    goto zero;
            }
            for (unsigned i = 0; i < n8; i++) {
                sim_h264_bw_u(&bw, 1, 1);
                if (write_list(&bw, sm->scaling_list_8x8[i], zigzag8, 64) < 0)
                    goto zero;
            }
        }
        sim_h264_bw_se(&bw, p->second_chroma_qp_index_offset);
    }
    sim_h264_bw_trailing(&bw);
    r = sim_h264_bw_nal(&bw, 0x68, out, len, cap);
    if (r < 0) {
        snprintf(err, errlen, "PPS does not fit");
        return -ENOSPC;
    }
    return r;
zero:
    snprintf(err, errlen, "scaling list entry 0");
    return -EINVAL;
}
