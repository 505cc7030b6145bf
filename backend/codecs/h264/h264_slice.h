/* H.264 slice header parser (ITU-T H.264 7.3.3), bounds-checked.
 *
 * Input: one slice NAL unit *without* start code (NAL header byte first, emulation
 * prevention bytes kept, as VA-API clients hand it over) and the SPS/PPS fields the slice
 * header syntax depends on. Output: every slice header field the V4L2 stateless H.264
 * controls need, plus the bit sizes VA does not carry. */
#ifndef VAREQ_H264_SLICE_H
#define VAREQ_H264_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The parameter-set fields the slice header syntax depends on. */
struct h264_slice_ps {
    unsigned log2_max_frame_num;        /* 4..16 */
    unsigned pic_order_cnt_type;        /* 0..2 */
    unsigned log2_max_poc_lsb;          /* 4..16 */
    bool delta_pic_order_always_zero;
    bool frame_mbs_only;
    bool separate_colour_plane;
    unsigned chroma_array_type;         /* 0..3 */
    bool bottom_field_pic_order_in_frame_present;
    bool redundant_pic_cnt_present;
    bool weighted_pred;
    unsigned weighted_bipred_idc;       /* 0..2 */
    bool entropy_coding_mode;
    bool deblocking_filter_control_present;
    unsigned num_slice_groups_minus1;   /* > 0 is declined */
    unsigned num_ref_idx_l0_default_minus1;
    unsigned num_ref_idx_l1_default_minus1;
};

enum { H264_SLICE_P = 0, H264_SLICE_B = 1, H264_SLICE_I = 2, H264_SLICE_SP = 3, H264_SLICE_SI = 4 };

struct h264_pw_table {
    unsigned luma_log2_weight_denom, chroma_log2_weight_denom;
    /* [list][ref] */
    int16_t luma_weight[2][32], luma_offset[2][32];
    int16_t chroma_weight[2][32][2], chroma_offset[2][32][2];
};

struct h264_slice_hdr {
    unsigned nal_ref_idc, nal_unit_type;
    bool idr;
    unsigned first_mb_in_slice;
    unsigned slice_type;        /* 0..4 (slice_type % 5) */
    unsigned pps_id;
    unsigned colour_plane_id;
    unsigned frame_num;
    bool field_pic, bottom_field;
    unsigned idr_pic_id;
    unsigned pic_order_cnt_lsb;
    int32_t delta_pic_order_cnt_bottom;
    int32_t delta_pic_order_cnt[2];
    unsigned redundant_pic_cnt;
    bool direct_spatial_mv_pred;
    bool num_ref_idx_override;
    unsigned num_ref_idx_l0_active_minus1, num_ref_idx_l1_active_minus1;
    bool has_pw_table;
    struct h264_pw_table pw;
    /* dec_ref_pic_marking */
    bool no_output_of_prior_pics, long_term_reference_flag, adaptive_ref_pic_marking;
    unsigned n_mmco;
    unsigned cabac_init_idc;
    int32_t slice_qp_delta;
    bool sp_for_switch;
    int32_t slice_qs_delta;
    unsigned disable_deblocking_filter_idc;
    int32_t slice_alpha_c0_offset_div2, slice_beta_offset_div2;
    /* bit sizes (RBSP bits, emulation prevention removed) */
    uint32_t header_bit_size;              /* slice_header() size: from after the NAL header
                                              to slice_data() (cabac_alignment excluded) */
    uint32_t pic_order_cnt_bit_size;       /* pic_order_cnt_lsb .. delta_pic_order_cnt[1] */
    uint32_t dec_ref_pic_marking_bit_size; /* dec_ref_pic_marking() */
};

/* Returns 0, or a negative errno (-EINVAL malformed or truncated, -ENOTSUP a feature the
 * V4L2 uAPI cannot express) with a one-line reason in err. */
int h264_parse_slice_header(const uint8_t *nal, size_t size, const struct h264_slice_ps *ps,
                            struct h264_slice_hdr *out, char *err, size_t errlen);

#endif
