/* simdev VP8: writes the control partition (first partition) of a frame from
 * V4L2_CID_STATELESS_VP8_FRAME and resumes the macroblock data of the original one.
 *
 * The first partition is ONE boolean-coded stream holding the frame header and then the
 * per-macroblock modes and motion vectors. The control describes the state of a decoder
 * at the end of the header: bit position of the 8-bit comparison window
 * (first_part_header_bits), range, value and bit_count (RFC 6386 section 7). A hardware
 * decoder loads that state and reads the rest of the partition; it never decodes the
 * header bits.
 *
 * The writer does the same with a software decoder (libvpx), which cannot be given a
 * coder state: it arithmetic-codes a header from the control fields and then appends
 * the control's window value and the original bits after the window, exactly (with
 * carry propagation) at the bit position where the new header ends. A decoder reading
 * the new partition decodes the new header and then finds the coder in the state the
 * control describes, provided the range after the new header equals the control's
 * range. The range depends only on the coded symbols; the header has many semantically
 * equivalent codings (an unchanged probability may be sent again, a zero delta may be
 * coded or omitted, refresh_entropy_probs/color_space/clamping_type are not in the uAPI
 * and free), so a dynamic program over the 128 possible range values chooses a coding
 * that ends on the control's range. Consequences:
 *   - every header field comes from the control; the original header bits are never read;
 *   - a wrong range/value changes how the macroblock data decodes (as on hardware), or
 *     fails the request when no coding reaches the range or value >= range;
 *   - a wrong first_part_header_bits moves the resume point (different output);
 *   - bit_count must agree with first_part_header_bits ((8 - bits % 8) % 8): it is
 *     redundant in the uAPI, a disagreement fails the request.
 * "No update" for a probability keeps libvpx's current value, so the writer keeps a
 * mirror of libvpx's probability state (keyframe defaults, refresh_entropy_probs). */
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

/* cur: libvpx's probabilities before this frame (ignored for keyframes).
 * part/part_len: the original first partition (first_part_size bytes).
 * On success *out (malloc'd, caller frees) holds the new partition and *after the
 * probabilities libvpx holds after decoding it. Negative errno + reason on failure. */
int sim_vp8_write_first_partition(const struct v4l2_ctrl_vp8_frame *f,
                                  const struct sim_vp8_probs *cur,
                                  const uint8_t *part, size_t part_len,
                                  uint8_t **out, size_t *out_len,
                                  struct sim_vp8_probs *after,
                                  char *err, size_t errlen);

#endif
