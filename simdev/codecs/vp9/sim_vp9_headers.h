/* Writes VP9 uncompressed and compressed headers from the V4L2 stateless controls. */
#ifndef VAREQ_SIM_VP9_HEADERS_H
#define VAREQ_SIM_VP9_HEADERS_H

#include <linux/v4l2-controls.h>
#include <stddef.h>
#include <stdint.h>

/* What the engine decides itself (these are not part of the uAPI). */
struct sim_vp9_slots {
    uint8_t ref_slot[3];        /* libvpx slots LAST/GOLDEN/ALTREF are loaded into */
    uint8_t refresh_flags;      /* slots the decoded frame is stored in (non-keyframes) */
};

#define SIM_VP9_UNCOMP_MAX 256
#define SIM_VP9_COMP_MAX 16384

/* Checks the frame control for values the bitstream cannot express. */
int sim_vp9_check_frame(const struct v4l2_ctrl_vp9_frame *f, char *err, size_t errlen);

/* Writes compressed_header() from the probability deltas; *len = bytes written. */
int sim_vp9_write_compressed(const struct v4l2_ctrl_vp9_frame *f,
                             const struct v4l2_ctrl_vp9_compressed_hdr *h,
                             uint8_t *buf, size_t cap, size_t *len,
                             char *err, size_t errlen);

/* Writes uncompressed_header() with header_size_in_bytes = comp_size. */
int sim_vp9_write_uncompressed(const struct v4l2_ctrl_vp9_frame *f,
                               const struct sim_vp9_slots *slots, size_t comp_size,
                               uint8_t *buf, size_t cap, size_t *len,
                               char *err, size_t errlen);

/* deltaProb index whose inv_map_table value is v (1..254), or -1. */
int sim_vp9_inv_map_index(unsigned v);

#endif
