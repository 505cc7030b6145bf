/* VP9 frame header parser (uncompressed + compressed header), bounds-checked.
 *
 * VA-API gives the driver the whole VP9 frame as slice data, but its picture parameters
 * lack the loop-filter deltas, quantiser deltas, segmentation data and all probability
 * deltas that V4L2_CID_STATELESS_VP9_FRAME / _COMPRESSED_HDR carry. This parser reads
 * them from the frame itself. It keeps the state VP9 carries from frame to frame
 * (loop-filter deltas, segmentation features, reference slot sizes) in vp9_parser_state,
 * one per decoding context.
 */
#ifndef VAREQ_VP9_PARSER_H
#define VAREQ_VP9_PARSER_H

#include <linux/v4l2-controls.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vp9_parser_state {
    /* persistent loop-filter deltas (reset by setup_past_independence) */
    int8_t lf_ref_deltas[4];
    int8_t lf_mode_deltas[2];
    /* persistent segmentation state */
    bool seg_abs_delta;
    uint8_t seg_feature_enabled[8];
    int16_t seg_feature_data[8][4];
    uint8_t seg_tree_probs[7];
    uint8_t seg_pred_probs[3];
    /* sizes of the 8 reference slots, for frame_size_with_refs() */
    uint16_t slot_width[8];
    uint16_t slot_height[8];
    /* bit depth / subsampling of the sequence (from the last keyframe) */
    uint8_t bit_depth;
    bool subsampling_x, subsampling_y;
    bool color_range_full;          /* colour range of the sequence (inter frames inherit it) */
    bool have_keyframe;
};

struct vp9_frame_hdr {
    bool show_existing_frame;
    uint8_t frame_to_show_map_idx;
    uint8_t ref_frame_idx[3];       /* LAST, GOLDEN, ALTREF slot indices */
    uint8_t refresh_frame_flags;
    uint8_t color_space;
    /* Everything of the control except last/golden/alt_frame_ts (the caller sets those
     * from its reference surfaces); lf/seg hold the *current* values (persistent state
     * applied), as the uAPI documentation requires. */
    struct v4l2_ctrl_vp9_frame frame;
    /* Probability deltas after inv_map_table (mv: the new probability), 0 = no update. */
    struct v4l2_ctrl_vp9_compressed_hdr hdr;
};

void vp9_parser_init(struct vp9_parser_state *st);

/* Parses one frame (not a superframe). Returns 0 on success; on malformed input returns
 * a negative errno (-EINVAL, -ENODATA for truncation, -ENOTSUP for an unsupported
 * profile/feature) and leaves *st unchanged. If err is not NULL, a one-line reason is
 * written there. */
int vp9_parse_frame(struct vp9_parser_state *st, const uint8_t *data, size_t size,
                    struct vp9_frame_hdr *out, char *err, size_t errlen);

#endif
