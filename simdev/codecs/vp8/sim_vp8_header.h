/* simdev VP8: writes the control partition (first partition) of a frame from
 * V4L2_CID_STATELESS_VP8_FRAME.
 *
 * The first partition is ONE boolean-coded stream: the frame header, then the
 * per-macroblock modes and motion vectors. The control describes a decoder's state at
 * the end of the header (bit position of the 8-bit window = first_part_header_bits,
 * range, value, bit_count; RFC 6386 section 7); a hardware decoder loads that state and
 * reads on, it never decodes the header bits.
 *
 * The writer arithmetic-codes a new header from the control fields, then decodes the
 * macroblock symbols of the original partition starting from the control's coder state,
 * with the control's probabilities, and codes them again into the same coder
 * (sim_vp8_modes.h). So:
 *   - every header field comes from the control; the original header bits are never read;
 *   - a wrong range/value/first_part_header_bits changes which macroblock symbols are
 *     decoded (as on hardware) or fails the request (range < 128, value >= range);
 *   - bit_count is redundant with first_part_header_bits ((8 - bits % 8) % 8 in the
 *     convention of VA-API and FFmpeg); a disagreement fails the request;
 *   - the header always sends refresh_entropy_probs = 0 and codes every probability
 *     against the keyframe defaults, so libvpx's probability state never depends on
 *     earlier frames: the control carries the full tables. */
#ifndef VAREQ_SIM_VP8_HEADER_H
#define VAREQ_SIM_VP8_HEADER_H

#include <linux/v4l2-controls.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_vp8_probs {
    uint8_t coeff[4][8][3][11];
    uint8_t ymode[4];
    uint8_t uvmode[3];
    uint8_t mv[2][19];
};

/* Sets p to the probabilities a keyframe starts from. */
void sim_vp8_probs_default(struct sim_vp8_probs *p);

/* part/part_len: the original first partition (first_part_size bytes). On success *out
 * (malloc'd, caller frees) holds the new partition. Negative errno + reason on failure. */
int sim_vp8_write_first_partition(const struct v4l2_ctrl_vp8_frame *f, const uint8_t *part,
                                  size_t part_len, uint8_t **out, size_t *out_len, char *err,
                                  size_t errlen);

#endif
