/* simdev VP8: transcodes the per-macroblock mode data of the control partition.
 *
 * The first partition of a VP8 frame is one boolean-coded stream: the frame header, then
 * per macroblock the segment id, skip flag, prediction modes and motion vectors (RFC 6386
 * section 19.3). The control gives a decoder's state at the end of the header (range,
 * value, and the bit position of the window: first_part_header_bits). This decodes the
 * macroblock symbols from the original partition starting from that state, with the
 * probabilities and flags of the control, and codes each symbol again with the same
 * probability into the encoder that has just written the new header. The decode needs
 * the contexts libvpx's decodemv.c uses (neighbouring B modes on keyframes, the near
 * motion vector search with sign bias, split MV contexts), so the symbols are parsed
 * exactly; no pixel data is involved. */
#ifndef VAREQ_SIM_VP8_MODES_H
#define VAREQ_SIM_VP8_MODES_H

#include <linux/v4l2-controls.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_vp8_boolenc.h"

/* part/part_len: the original first partition. Returns 0, or a negative errno with a
 * reason (a state that no decoder could be in, allocation failure). */
int sim_vp8_transcode_modes(const struct v4l2_ctrl_vp8_frame *f, const uint8_t *part,
                            size_t part_len, struct sim_vp8_benc *enc, char *err,
                            size_t errlen);

#endif
