/* VP9 control validation, equivalent to the kernel's validate_vp9_frame() and
 * validate_vp9_compressed_hdr() (drivers/media/v4l2-core/v4l2-ctrls-core.c), plus
 * tile_rows_log2 <= 2 (the VP9 spec's limit). Like the kernel, reserved fields are not
 * rejected but cleared. */
#include "sim_vp9_ctrls.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static int validate_lf(struct v4l2_vp9_loop_filter *lf)
{
    if (lf->flags & ~(V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED |
                      V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE))
        return -EINVAL;
    if (lf->level > 63)
        return -EINVAL;
    if (lf->sharpness > 7)
        return -EINVAL;
    for (size_t i = 0; i < sizeof(lf->ref_deltas); i++)
        if (lf->ref_deltas[i] < -63 || lf->ref_deltas[i] > 63)
            return -EINVAL;
    for (size_t i = 0; i < sizeof(lf->mode_deltas); i++)
        if (lf->mode_deltas[i] < -63 || lf->mode_deltas[i] > 63)
            return -EINVAL;
    memset(lf->reserved, 0, sizeof(lf->reserved));
    return 0;
}

static int validate_quant(struct v4l2_vp9_quantization *q)
{
    if (q->delta_q_y_dc < -15 || q->delta_q_y_dc > 15 ||
        q->delta_q_uv_dc < -15 || q->delta_q_uv_dc > 15 ||
        q->delta_q_uv_ac < -15 || q->delta_q_uv_ac > 15)
        return -EINVAL;
    memset(q->reserved, 0, sizeof(q->reserved));
    return 0;
}

static int validate_seg(struct v4l2_vp9_segmentation *seg)
{
    static const int range[4] = { 255, 63, 3, 0 };

    if (seg->flags & ~(V4L2_VP9_SEGMENTATION_FLAG_ENABLED |
                       V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP |
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
    memset(seg->reserved, 0, sizeof(seg->reserved));
    return 0;
}

int sim_vp9_validate_hdr(void *elem)
{
    struct v4l2_ctrl_vp9_compressed_hdr *h = elem;
    if (h->tx_mode > V4L2_VP9_TX_MODE_SELECT)
        return -EINVAL;
    return 0;
}

void sim_vp9_init_frame(void *elem)
{
    /* As std_init_compound() does for V4L2_CTRL_TYPE_VP9_FRAME. */
    struct v4l2_ctrl_vp9_frame *f = elem;
    memset(f, 0, sizeof(*f));
    f->profile = 0;
    f->bit_depth = 8;
    f->flags = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
}

int sim_vp9_validate_frame(void *elem)
{
    struct v4l2_ctrl_vp9_frame *f = elem;
    const uint32_t ss = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
    int ret;

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
    /* Profiles 0 and 2: 4:2:0 only. Profiles 1 and 3: not 4:2:0. */
    if ((f->profile == 0 || f->profile == 2) && (f->flags & ss) != ss)
        return -EINVAL;
    if ((f->profile == 1 || f->profile == 3) && (f->flags & ss) == ss)
        return -EINVAL;
    if (f->interpolation_filter > V4L2_VP9_INTERP_FILTER_SWITCHABLE)
        return -EINVAL;
    if (f->tile_cols_log2 > 6)
        return -EINVAL;
    if (f->tile_rows_log2 > 2)
        return -EINVAL;
    if (f->reference_mode > V4L2_VP9_REFERENCE_MODE_SELECT)
        return -EINVAL;

    ret = validate_lf(&f->lf);
    if (ret)
        return ret;
    ret = validate_quant(&f->quant);
    if (ret)
        return ret;
    ret = validate_seg(&f->seg);
    if (ret)
        return ret;
    memset(f->reserved, 0, sizeof(f->reserved));
    return 0;
}
