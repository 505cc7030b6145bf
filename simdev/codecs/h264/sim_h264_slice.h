/* simdev's own H.264 slice header parser (7.3.3) and the checks of the per-slice
 * controls against it. The engine hands the slice NAL units to libavcodec, which decodes
 * them with its own reading of the header; the controls that repeat header fields
 * (SLICE_PARAMS, PRED_WEIGHTS, the DECODE_PARAMS bit sizes) are therefore compared with
 * what the slice says, and a request whose controls disagree fails. */
#ifndef VAREQ_SIM_H264_SLICE_H
#define VAREQ_SIM_H264_SLICE_H

#include <linux/v4l2-controls.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_h264_mod {
    uint32_t idc, val; /* modification_of_pic_nums_idc, abs_diff_pic_num_minus1 / long_term_pic_num */
};

struct sim_h264_slice {
    unsigned nal_ref_idc, nal_type;
    uint32_t first_mb, slice_type /* 0..4 */, pps_id, colour_plane_id, frame_num;
    bool field, bottom;
    uint32_t idr_pic_id, poc_lsb;
    int32_t delta_poc_bottom, delta_poc[2];
    uint32_t redundant_pic_cnt;
    bool direct_spatial, sp_for_switch;
    uint32_t num_ref_idx_active_minus1[2];
    unsigned n_mod[2];
    struct sim_h264_mod mod[2][33];
    bool has_pw;
    struct v4l2_ctrl_h264_pred_weights pw;
    uint32_t cabac_init_idc;
    int32_t qp_delta, qs_delta;
    uint32_t dbf_idc;
    int32_t alpha_div2, beta_div2;
    /* dec_ref_pic_marking() */
    bool long_term_reference_flag, adaptive_marking;
    unsigned n_mmco;
    struct sim_h264_mmco {
        uint32_t op, diff_minus1, long_term_pic_num, long_term_frame_idx, max_idx_plus1;
    } mmco[66];
    uint32_t poc_bit_size, drpm_bit_size;
    uint32_t header_bit_size; /* RBSP bits after the NAL header byte up to slice_data()
                               * (cabac_alignment_one_bit excluded) */
};

/* slice_type classes (slice_type is 0..4: V4L2_H264_SLICE_TYPE_*) */
static inline bool sim_h264_slice_is_b(const struct sim_h264_slice *s)
{
    return s->slice_type == V4L2_H264_SLICE_TYPE_B;
}

static inline bool sim_h264_slice_is_p(const struct sim_h264_slice *s) /* P or SP */
{
    return s->slice_type == V4L2_H264_SLICE_TYPE_P || s->slice_type == V4L2_H264_SLICE_TYPE_SP;
}

static inline bool sim_h264_slice_is_intra(const struct sim_h264_slice *s) /* I or SI */
{
    return s->slice_type == V4L2_H264_SLICE_TYPE_I || s->slice_type == V4L2_H264_SLICE_TYPE_SI;
}

/* nal: the slice NAL unit, header byte first, no start code. 0 or -EINVAL with err. */
int sim_h264_parse_slice(const uint8_t *nal, size_t n, const struct v4l2_ctrl_h264_sps *sps,
                         const struct v4l2_ctrl_h264_pps *pps, struct sim_h264_slice *s,
                         char *err, size_t errlen);

/* Compares SLICE_PARAMS (sp, may be NULL), PRED_WEIGHTS (pw, may be NULL) and the
 * DECODE_PARAMS bit sizes with the parsed slice. 0 or -EINVAL with err. */
int sim_h264_check_slice(const struct sim_h264_slice *s,
                         const struct v4l2_ctrl_h264_slice_params *sp,
                         const struct v4l2_ctrl_h264_pred_weights *pw,
                         const struct v4l2_ctrl_h264_decode_params *d, char *err,
                         size_t errlen);

#endif
