/* VP8 frame header parser (RFC 6386 sections 9 and 19.2), bounds-checked.
 *
 * VA-API strips the frame tag, start code and dimensions from a VP8 frame and gives
 * derived values (per-segment quantiser and filter levels) instead of the header fields
 * V4L2_CID_STATELESS_VP8_FRAME carries, so the driver parses the bool-coded frame header
 * itself. The parser keeps the state VP8 carries from frame to frame (probabilities
 * with refresh_entropy_probs save/restore, segmentation feature data, loop-filter
 * deltas), like a decoder; one parser per decoding context, frames in decode order. */
#ifndef VAREQ_VP8_PARSER_H
#define VAREQ_VP8_PARSER_H

#include <linux/v4l2-controls.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vp8_entropy {
    uint8_t coeff[4][8][3][11];
    uint8_t ymode[4];
    uint8_t uvmode[3];
    uint8_t mv[2][19];
};

struct vp8_parser_state {
    bool have_key;            /* a keyframe was parsed since init */
    struct vp8_entropy ent;   /* probabilities in effect for the next frame */
    bool seg_abs;             /* segment feature mode: absolute values */
    int8_t seg_quant[4], seg_lf[4];
    uint8_t seg_probs[3];
    int8_t ref_lf[4], mode_lf[4];
    uint16_t width, height;   /* of the last keyframe (with the scale bits) */
};

struct vp8_frame_info {
    /* frame tag / uncompressed chunk */
    bool key, show;
    unsigned version;
    uint32_t first_part_size;
    uint16_t width, height;   /* keyframes only */
    uint8_t hscale, vscale;
    /* bool-coded header */
    bool color_space, clamping;
    bool refresh_golden, refresh_alt, refresh_entropy, refresh_last;
    unsigned copy_to_golden, copy_to_alt;
    /* control partition position of the MB data and the coder state there */
    uint32_t header_bits;
    uint8_t coder_range, coder_value, coder_bit_count;
    /* DCT partitions (sizes from the partition table; last one = remainder) */
    unsigned num_dct_parts;
    uint32_t dct_part_sizes[8];
    /* the control, filled from all of the above (timestamps left 0) */
    struct v4l2_ctrl_vp8_frame ctrl;
};

void vp8_parser_init(struct vp8_parser_state *st);

/* Parses a whole frame as V4L2_PIX_FMT_VP8_FRAME holds it (frame tag first). */
int vp8_parse_frame(struct vp8_parser_state *st, const uint8_t *frame, size_t size,
                    struct vp8_frame_info *fi, char *err, size_t errlen);

/* Parses a frame without its first 3 + 7*key bytes (what VA passes as slice data):
 * part = first partition start, size = bytes from there to the end of the frame,
 * first_part_size from the caller (VA: partition_size[0] + macroblock offset bytes). */
int vp8_parse_stripped(struct vp8_parser_state *st, bool key, unsigned version,
                       uint16_t width, uint16_t height, const uint8_t *part, size_t size,
                       uint32_t first_part_size, struct vp8_frame_info *fi, char *err,
                       size_t errlen);

#endif
