/* The kernel's type-generic checks of the stateless compound controls: std_init_compound()
 * and std_validate_compound() of drivers/media/v4l2-core/v4l2-ctrls-core.c (Linux 6.1 for
 * MPEG-2, H.264, VP8, HEVC, VP9; the AV1 validate_av1_*() of Linux 6.5). The core applies
 * them by control type before a codec's own validate() (which models driver try_ctrl
 * checks). Every rule is listed in docs/simdev-validation.md with its test. */
#include "ctrls_std.h"

#include <errno.h>
#include <string.h>

#include <vareq/v4l2-av1.h>

#define ZERO(field) memset(&(field), 0, sizeof(field))

/* The default MPEG-2 intra matrix (ISO/IEC 13818-2 6.3.11) in zigzag order, as the
 * kernel's mpeg2_intra_quant_matrix[]. */
static const uint8_t mpeg2_intra[64] = {
    8,  16, 16, 19, 16, 19, 22, 22, 22, 22, 22, 22, 26, 24, 26, 27,
    27, 27, 26, 26, 26, 26, 27, 27, 27, 29, 29, 29, 34, 34, 34, 29,
    29, 29, 27, 27, 29, 29, 32, 32, 34, 34, 37, 38, 37, 35, 35, 34,
    35, 38, 38, 40, 40, 40, 48, 48, 46, 46, 56, 56, 58, 69, 69, 83,
};

void sim_std_init(uint32_t type, void *p)
{
    switch (type) {
    case V4L2_CTRL_TYPE_MPEG2_SEQUENCE:
        ((struct v4l2_ctrl_mpeg2_sequence *)p)->chroma_format = 1; /* 4:2:0 */
        break;
    case V4L2_CTRL_TYPE_MPEG2_PICTURE: {
        struct v4l2_ctrl_mpeg2_picture *pic = p;
        pic->picture_structure = V4L2_MPEG2_PIC_TOP_FIELD;
        pic->picture_coding_type = V4L2_MPEG2_PIC_CODING_TYPE_I;
        break;
    }
    case V4L2_CTRL_TYPE_MPEG2_QUANTISATION: {
        struct v4l2_ctrl_mpeg2_quantisation *q = p;
        memcpy(q->intra_quantiser_matrix, mpeg2_intra, sizeof(mpeg2_intra));
        memset(q->non_intra_quantiser_matrix, 16, sizeof(q->non_intra_quantiser_matrix));
        memcpy(q->chroma_intra_quantiser_matrix, mpeg2_intra, sizeof(mpeg2_intra));
        memset(q->chroma_non_intra_quantiser_matrix, 16,
               sizeof(q->chroma_non_intra_quantiser_matrix));
        break;
    }
    case V4L2_CTRL_TYPE_VP8_FRAME:
        ((struct v4l2_ctrl_vp8_frame *)p)->num_dct_parts = 1;
        break;
    case V4L2_CTRL_TYPE_VP9_FRAME: {
        struct v4l2_ctrl_vp9_frame *f = p;
        f->profile = 0;
        f->bit_depth = 8;
        f->flags |= V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
        break;
    }
    case V4L2_CTRL_TYPE_H264_SCALING_MATRIX:
        /* Flat 16 (H.264 (7-8), (7-9)). */
        memset(p, 16, sizeof(struct v4l2_ctrl_h264_scaling_matrix));
        break;
    default:
        break;
    }
}

/* ---- VP9 (validate_vp9_*) ---- */

static int vp9_lf(struct v4l2_vp9_loop_filter *lf)
{
    if (lf->flags & ~(V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED |
                      V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE))
        return -EINVAL;
    if (lf->level > 63 || lf->sharpness > 7)
        return -EINVAL;
    for (size_t i = 0; i < sizeof(lf->ref_deltas); i++)
        if (lf->ref_deltas[i] < -63 || lf->ref_deltas[i] > 63)
            return -EINVAL;
    for (size_t i = 0; i < sizeof(lf->mode_deltas); i++)
        if (lf->mode_deltas[i] < -63 || lf->mode_deltas[i] > 63)
            return -EINVAL;
    ZERO(lf->reserved);
    return 0;
}

static int vp9_quant(struct v4l2_vp9_quantization *q)
{
    if (q->delta_q_y_dc < -15 || q->delta_q_y_dc > 15 || q->delta_q_uv_dc < -15 ||
        q->delta_q_uv_dc > 15 || q->delta_q_uv_ac < -15 || q->delta_q_uv_ac > 15)
        return -EINVAL;
    ZERO(q->reserved);
    return 0;
}

static int vp9_seg(struct v4l2_vp9_segmentation *seg)
{
    static const int range[4] = { 255, 63, 3, 0 };
    if (seg->flags & ~(V4L2_VP9_SEGMENTATION_FLAG_ENABLED | V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP |
                       V4L2_VP9_SEGMENTATION_FLAG_TEMPORAL_UPDATE |
                       V4L2_VP9_SEGMENTATION_FLAG_UPDATE_DATA |
                       V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE))
        return -EINVAL;
    for (size_t i = 0; i < sizeof(seg->feature_enabled); i++)
        if (seg->feature_enabled[i] & ~V4L2_VP9_SEGMENT_FEATURE_ENABLED_MASK)
            return -EINVAL;
    for (size_t i = 0; i < 8; i++)
        for (size_t j = 0; j < 4; j++)
            if (seg->feature_data[i][j] < -range[j] || seg->feature_data[i][j] > range[j])
                return -EINVAL;
    ZERO(seg->reserved);
    return 0;
}

static int vp9_frame(struct v4l2_ctrl_vp9_frame *f)
{
    const uint32_t ss = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
    if (f->flags & ~(V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
                     V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT | V4L2_VP9_FRAME_FLAG_INTRA_ONLY |
                     V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV |
                     V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX |
                     V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE | ss |
                     V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING))
        return -EINVAL;
    if ((f->flags & V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT) &&
        (f->flags & V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX))
        return -EINVAL;
    if (f->profile > V4L2_VP9_PROFILE_MAX)
        return -EINVAL;
    if (f->reset_frame_context > V4L2_VP9_RESET_FRAME_CTX_ALL)
        return -EINVAL;
    if (f->frame_context_idx >= V4L2_VP9_NUM_FRAME_CTX)
        return -EINVAL;
    if ((f->profile < 2 && f->bit_depth != 8) ||
        (f->profile >= 2 && f->bit_depth != 10 && f->bit_depth != 12))
        return -EINVAL;
    if ((f->profile == 0 || f->profile == 2) && (f->flags & ss) != ss)
        return -EINVAL;
    if ((f->profile == 1 || f->profile == 3) && (f->flags & ss) == ss)
        return -EINVAL;
    if (f->interpolation_filter > V4L2_VP9_INTERP_FILTER_SWITCHABLE)
        return -EINVAL;
    if (f->tile_cols_log2 > 6)
        return -EINVAL;
    if (f->reference_mode > V4L2_VP9_REFERENCE_MODE_SELECT)
        return -EINVAL;
    int ret = vp9_lf(&f->lf);
    if (!ret)
        ret = vp9_quant(&f->quant);
    if (!ret)
        ret = vp9_seg(&f->seg);
    if (!ret)
        ZERO(f->reserved);
    return ret;
}

/* ---- H.264 ---- */

static int h264_sps(struct v4l2_ctrl_h264_sps *s)
{
    if (s->pic_order_cnt_type != 0) {
        s->log2_max_pic_order_cnt_lsb_minus4 = 0;
    } else if (s->pic_order_cnt_type != 1) {
        /* (The kernel's else-branch: only reached for type 0.) */
        s->num_ref_frames_in_pic_order_cnt_cycle = 0;
        s->offset_for_non_ref_pic = 0;
        s->offset_for_top_to_bottom_field = 0;
        ZERO(s->offset_for_ref_frame);
    }
    if (!V4L2_H264_SPS_HAS_CHROMA_FORMAT(s)) {
        s->chroma_format_idc = 1;
        s->bit_depth_luma_minus8 = 0;
        s->bit_depth_chroma_minus8 = 0;
        s->flags &= ~V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS;
        if (s->chroma_format_idc < 3)
            s->flags &= ~V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE;
    }
    if (s->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY)
        s->flags &= ~V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
    if (s->profile_idc < 122 && s->chroma_format_idc > 1)
        return -EINVAL;
    if (s->profile_idc < 244 && s->chroma_format_idc > 2)
        return -EINVAL;
    if (s->chroma_format_idc > 3 || s->bit_depth_luma_minus8 > 6 ||
        s->bit_depth_chroma_minus8 > 6 || s->log2_max_frame_num_minus4 > 12 ||
        s->pic_order_cnt_type > 2 || s->log2_max_pic_order_cnt_lsb_minus4 > 12 ||
        s->max_num_ref_frames > V4L2_H264_REF_LIST_LEN)
        return -EINVAL;
    return 0;
}

static int h264_pps(const struct v4l2_ctrl_h264_pps *p)
{
    if (p->num_slice_groups_minus1 > 7 ||
        p->num_ref_idx_l0_default_active_minus1 > V4L2_H264_REF_LIST_LEN - 1 ||
        p->num_ref_idx_l1_default_active_minus1 > V4L2_H264_REF_LIST_LEN - 1 ||
        p->weighted_bipred_idc > 2 || p->pic_init_qp_minus26 < -62 ||
        p->pic_init_qp_minus26 > 25 || p->pic_init_qs_minus26 < -26 ||
        p->pic_init_qs_minus26 > 25 || p->chroma_qp_index_offset < -12 ||
        p->chroma_qp_index_offset > 12 || p->second_chroma_qp_index_offset < -12 ||
        p->second_chroma_qp_index_offset > 12)
        return -EINVAL;
    return 0;
}

static int h264_slice(struct v4l2_ctrl_h264_slice_params *s)
{
    if (s->slice_type != V4L2_H264_SLICE_TYPE_B)
        s->flags &= ~V4L2_H264_SLICE_FLAG_DIRECT_SPATIAL_MV_PRED;
    if (s->colour_plane_id > 2 || s->cabac_init_idc > 2 || s->disable_deblocking_filter_idc > 2 ||
        s->slice_alpha_c0_offset_div2 < -6 || s->slice_alpha_c0_offset_div2 > 6 ||
        s->slice_beta_offset_div2 < -6 || s->slice_beta_offset_div2 > 6)
        return -EINVAL;
    if (s->slice_type == V4L2_H264_SLICE_TYPE_I || s->slice_type == V4L2_H264_SLICE_TYPE_SI)
        s->num_ref_idx_l0_active_minus1 = 0;
    if (s->slice_type != V4L2_H264_SLICE_TYPE_B)
        s->num_ref_idx_l1_active_minus1 = 0;
    if (s->num_ref_idx_l0_active_minus1 > V4L2_H264_REF_LIST_LEN - 1 ||
        s->num_ref_idx_l1_active_minus1 > V4L2_H264_REF_LIST_LEN - 1)
        return -EINVAL;
    ZERO(s->reserved);
    return 0;
}

static int h264_decode(struct v4l2_ctrl_h264_decode_params *d)
{
    if (d->nal_ref_idc > 3)
        return -EINVAL;
    for (size_t i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++)
        ZERO(d->dpb[i].reserved);
    ZERO(d->reserved);
    return 0;
}

/* ---- HEVC ---- */

static int hevc_sps(struct v4l2_ctrl_hevc_sps *s)
{
    if (!(s->flags & V4L2_HEVC_SPS_FLAG_PCM_ENABLED)) {
        s->pcm_sample_bit_depth_luma_minus1 = 0;
        s->pcm_sample_bit_depth_chroma_minus1 = 0;
        s->log2_min_pcm_luma_coding_block_size_minus3 = 0;
        s->log2_diff_max_min_pcm_luma_coding_block_size = 0;
    }
    if (!(s->flags & V4L2_HEVC_SPS_FLAG_LONG_TERM_REF_PICS_PRESENT))
        s->num_long_term_ref_pics_sps = 0;
    return 0;
}

static int hevc_pps(struct v4l2_ctrl_hevc_pps *p)
{
    if (!(p->flags & V4L2_HEVC_PPS_FLAG_CU_QP_DELTA_ENABLED))
        p->diff_cu_qp_delta_depth = 0;
    if (!(p->flags & V4L2_HEVC_PPS_FLAG_TILES_ENABLED)) {
        p->num_tile_columns_minus1 = 0;
        p->num_tile_rows_minus1 = 0;
        ZERO(p->column_width_minus1);
        ZERO(p->row_height_minus1);
        p->flags &= ~V4L2_HEVC_PPS_FLAG_LOOP_FILTER_ACROSS_TILES_ENABLED;
    }
    if (p->flags & V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER) {
        p->pps_beta_offset_div2 = 0;
        p->pps_tc_offset_div2 = 0;
    }
    ZERO(p->reserved);
    return 0;
}

static int hevc_decode(struct v4l2_ctrl_hevc_decode_params *d)
{
    if (d->num_active_dpb_entries > V4L2_HEVC_DPB_ENTRIES_NUM_MAX)
        return -EINVAL;
    for (unsigned i = 0; i < d->num_active_dpb_entries; i++)
        ZERO(d->dpb[i].reserved);
    return 0;
}

static int hevc_slice(struct v4l2_ctrl_hevc_slice_params *s)
{
    /* 6.1 uAPI: the padding fields are reserved0/reserved1. */
    ZERO(s->reserved0);
    ZERO(s->reserved1);
    return 0;
}

/* ---- AV1 (Linux 6.5 validate_av1_*) ---- */

static int av1_quant(const struct v4l2_av1_quantization *q)
{
    if (q->flags > 7)
        return -EINVAL;
    if (q->delta_q_y_dc < -64 || q->delta_q_y_dc > 63 || q->delta_q_u_dc < -64 ||
        q->delta_q_u_dc > 63 || q->delta_q_v_dc < -64 || q->delta_q_v_dc > 63 ||
        q->delta_q_u_ac < -64 || q->delta_q_u_ac > 63 || q->delta_q_v_ac < -64 ||
        q->delta_q_v_ac > 63 || q->delta_q_res > 3)
        return -EINVAL;
    if (q->qm_y > 15 || q->qm_u > 15 || q->qm_v > 15)
        return -EINVAL;
    return 0;
}

static int av1_seg(const struct v4l2_av1_segmentation *s)
{
    static const int is_signed[8] = { 1, 1, 1, 1, 1, 0, 0, 0 };
    static const int max[8] = { 255, 63, 63, 63, 63, 7, 0, 0 };
    if (s->flags > 31)
        return -EINVAL;
    for (size_t i = 0; i < V4L2_AV1_MAX_SEGMENTS; i++)
        for (size_t j = 0; j < V4L2_AV1_SEG_LVL_MAX; j++) {
            int v = s->feature_data[i][j];
            if (is_signed[j] ? (v < -max[j] || v > max[j]) : (v < 0 || v > max[j]))
                return -EINVAL;
        }
    return 0;
}

static int av1_lf(const struct v4l2_av1_loop_filter *lf)
{
    if (lf->flags > 15 || lf->sharpness > 7)
        return -EINVAL;
    for (size_t i = 0; i < sizeof(lf->level); i++)
        if (lf->level[i] > 63)
            return -EINVAL;
    for (size_t i = 0; i < sizeof(lf->ref_deltas); i++)
        if (lf->ref_deltas[i] < -64 || lf->ref_deltas[i] > 63)
            return -EINVAL;
    for (size_t i = 0; i < sizeof(lf->mode_deltas); i++)
        if (lf->mode_deltas[i] < -64 || lf->mode_deltas[i] > 63)
            return -EINVAL;
    return 0;
}

static int av1_cdef(const struct v4l2_av1_cdef *c)
{
    if (c->damping_minus_3 > 3 || c->bits > 3)
        return -EINVAL;
    for (unsigned i = 0; i < (1u << c->bits); i++)
        if (c->y_pri_strength[i] > 15 || c->y_sec_strength[i] > 4 ||
            c->uv_pri_strength[i] > 15 || c->uv_sec_strength[i] > 4)
            return -EINVAL;
    return 0;
}

static int av1_frame(const struct v4l2_ctrl_av1_frame *f)
{
    int ret = av1_quant(&f->quantization);
    if (!ret)
        ret = av1_seg(&f->segmentation);
    if (!ret)
        ret = av1_lf(&f->loop_filter);
    if (!ret)
        ret = av1_cdef(&f->cdef);
    if (ret)
        return ret;
    if (f->loop_restoration.lr_unit_shift > 3 || f->loop_restoration.lr_uv_shift > 1)
        return -EINVAL;
    if (f->flags & ~0x000fffffu) /* V4L2_AV1_FRAME_FLAG_SHOW_FRAME .. _SHORT_SIGNALING */
        return -EINVAL;
    if (f->superres_denom > 7 + 9)
        return -EINVAL;
    return 0;
}

static int av1_sequence(const struct v4l2_ctrl_av1_sequence *s)
{
    if (s->flags & ~0x000fffffu) /* V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE .. _SEPARATE_UV_DELTA_Q */
        return -EINVAL;
    if (s->seq_profile == 1 && (s->flags & V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME))
        return -EINVAL;
    if (s->seq_profile > 2)
        return -EINVAL;
    return 0;
}

static int av1_film_grain(const struct v4l2_ctrl_av1_film_grain *g)
{
    if (g->flags > 31)
        return -EINVAL;
    if (g->film_grain_params_ref_idx > 7 || g->num_y_points > 14 || g->num_cb_points > 10 ||
        g->num_cr_points > 15 || g->grain_scaling_minus_8 > 3 || g->ar_coeff_lag > 3 ||
        g->ar_coeff_shift_minus_6 > 3 || g->grain_scale_shift > 3)
        return -EINVAL;
    if (!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN))
        return 0;
    for (unsigned i = 1; i < g->num_y_points && i < V4L2_AV1_MAX_NUM_Y_POINTS; i++)
        if (g->point_y_value[i] <= g->point_y_value[i - 1])
            return -EINVAL;
    for (unsigned i = 1; i < g->num_cb_points && i < V4L2_AV1_MAX_NUM_CB_POINTS; i++)
        if (g->point_cb_value[i] <= g->point_cb_value[i - 1])
            return -EINVAL;
    for (unsigned i = 1; i < g->num_cr_points && i < V4L2_AV1_MAX_NUM_CR_POINTS; i++)
        if (g->point_cr_value[i] <= g->point_cr_value[i - 1])
            return -EINVAL;
    return 0;
}

int sim_std_validate(uint32_t type, void *p)
{
    switch (type) {
    case V4L2_CTRL_TYPE_MPEG2_SEQUENCE: {
        uint8_t cf = ((struct v4l2_ctrl_mpeg2_sequence *)p)->chroma_format;
        return cf >= 1 && cf <= 3 ? 0 : -EINVAL;
    }
    case V4L2_CTRL_TYPE_MPEG2_PICTURE: {
        struct v4l2_ctrl_mpeg2_picture *pic = p;
        if (pic->intra_dc_precision > 3)
            return -EINVAL;
        if (pic->picture_structure < V4L2_MPEG2_PIC_TOP_FIELD ||
            pic->picture_structure > V4L2_MPEG2_PIC_FRAME)
            return -EINVAL;
        if (pic->picture_coding_type < V4L2_MPEG2_PIC_CODING_TYPE_I ||
            pic->picture_coding_type > V4L2_MPEG2_PIC_CODING_TYPE_B)
            return -EINVAL;
        ZERO(pic->reserved);
        return 0;
    }
    case V4L2_CTRL_TYPE_MPEG2_QUANTISATION:
    case V4L2_CTRL_TYPE_H264_SCALING_MATRIX:
    case V4L2_CTRL_TYPE_HEVC_SCALING_MATRIX:
        return 0;
    case V4L2_CTRL_TYPE_H264_SPS:
        return h264_sps(p);
    case V4L2_CTRL_TYPE_H264_PPS:
        return h264_pps(p);
    case V4L2_CTRL_TYPE_H264_PRED_WEIGHTS: {
        const struct v4l2_ctrl_h264_pred_weights *w = p;
        return w->luma_log2_weight_denom > 7 || w->chroma_log2_weight_denom > 7 ? -EINVAL : 0;
    }
    case V4L2_CTRL_TYPE_H264_SLICE_PARAMS:
        return h264_slice(p);
    case V4L2_CTRL_TYPE_H264_DECODE_PARAMS:
        return h264_decode(p);
    case V4L2_CTRL_TYPE_VP8_FRAME: {
        struct v4l2_ctrl_vp8_frame *f = p;
        uint8_t n = f->num_dct_parts;
        if (n != 1 && n != 2 && n != 4 && n != 8)
            return -EINVAL;
        ZERO(f->segment.padding);
        ZERO(f->lf.padding);
        ZERO(f->quant.padding);
        ZERO(f->entropy.padding);
        ZERO(f->coder_state.padding);
        return 0;
    }
    case V4L2_CTRL_TYPE_HEVC_SPS:
        return hevc_sps(p);
    case V4L2_CTRL_TYPE_HEVC_PPS:
        return hevc_pps(p);
    case V4L2_CTRL_TYPE_HEVC_DECODE_PARAMS:
        return hevc_decode(p);
    case V4L2_CTRL_TYPE_HEVC_SLICE_PARAMS:
        return hevc_slice(p);
    case V4L2_CTRL_TYPE_VP9_COMPRESSED_HDR:
        return ((struct v4l2_ctrl_vp9_compressed_hdr *)p)->tx_mode > V4L2_VP9_TX_MODE_SELECT
                   ? -EINVAL : 0;
    case V4L2_CTRL_TYPE_VP9_FRAME:
        return vp9_frame(p);
    case V4L2_CTRL_TYPE_AV1_SEQUENCE:
        return av1_sequence(p);
    case V4L2_CTRL_TYPE_AV1_FRAME:
        return av1_frame(p);
    case V4L2_CTRL_TYPE_AV1_FILM_GRAIN:
        return av1_film_grain(p);
    case V4L2_CTRL_TYPE_AV1_TILE_GROUP_ENTRY:
        return 0;
    default:
        return 0; /* types without kernel checks (or simdev-private test types) */
    }
}
