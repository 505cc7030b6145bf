/* simdev's VP9 decode engine.
 *
 * Decodes one VP9 frame using only what the V4L2 stateless uAPI carries: the two VP9
 * controls and the OUTPUT buffer bytes. The frame's own uncompressed and compressed
 * headers are discarded; new ones are written from the controls and put in front of the
 * tile data (bytes [uncompressed_header_size + compressed_header_size, len) of the
 * OUTPUT buffer). The reference pictures are the CAPTURE buffers that last/golden/alt
 * timestamps named (resolved by the device core and passed in). Decoding is done by
 * libvpx. Every decoded frame, shown or hidden, is written to dst.
 *
 * Like a hardware decoder, an engine instance keeps the state a VP9 decoder carries
 * between frames that is *not* in the uAPI (the four probability frame contexts, the
 * previous segmentation map and motion vectors); one instance per decoding context.
 */
#ifndef VAREQ_SIM_VP9_H
#define VAREQ_SIM_VP9_H

#include <linux/v4l2-controls.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../codec.h"

/* Pictures are struct sim_picture (../codec.h): NV12 or NV12M for profile 0 (8-bit),
 * P010 for profile 2 10-bit (libvpx decodes it with 16-bit samples). Profiles 1 and 3
 * (4:2:2, 4:4:0, 4:4:4) and 12-bit fail with -ENOTSUP: no CAPTURE format holds them. */

struct sim_vp9;

/* The reference cache (sim_vp9.c, "Reference cache"; docs/simdev.md) is on unless the
 * environment has VAREQ_SIM_VP9_REF_CACHE=0 when the engine is created. */
struct sim_vp9 *sim_vp9_create(void);
void sim_vp9_destroy(struct sim_vp9 *e);

/* Switches the reference cache on or off (off: every reference is loaded from its CAPTURE
 * buffer for every frame, as before the cache existed; tests compare both). */
void sim_vp9_set_ref_cache(struct sim_vp9 *e, bool on);

/* References used from libvpx's buffers after the CAPTURE check (reused) and loaded from
 * CAPTURE buffers (loaded), since creation. */
void sim_vp9_ref_stats(const struct sim_vp9 *e, uint64_t *reused, uint64_t *loaded);

/* refs[0..2] = LAST, GOLDEN, ALTREF pictures (NULL when the timestamp named no buffer;
 * an inter frame that needs a missing reference fails). On success returns 0 and dst
 * holds the frame (dst->width/height set to the decoded size). On failure returns a
 * negative errno and writes a one-line reason to err. */
int sim_vp9_decode(struct sim_vp9 *e,
                   const struct v4l2_ctrl_vp9_frame *frame,
                   const struct v4l2_ctrl_vp9_compressed_hdr *hdr,
                   const uint8_t *bitstream, size_t len,
                   const struct sim_picture *const refs[3],
                   struct sim_picture *dst,
                   char *err, size_t errlen);

#endif
