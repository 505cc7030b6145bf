/* Format negotiation for the "generic" profile (pure functions, no state).
 *
 * OUTPUT (coded) format: V4L2_PIX_FMT_VP9_FRAME, one plane, width/height clamped to
 * [16, 4096] x [16, 2304], bytesperline 0, sizeimage = max(w*h*3/2, 256 KiB, request)
 * capped at SIM_MAX_CODED_SIZE.
 * CAPTURE format: NV12 single plane derived from OUTPUT: width/height aligned up to 16,
 * bytesperline = max(aligned width, requested bytesperline when it is a multiple of 16
 * and <= 8192), sizeimage = bytesperline * height * 3 / 2, UV plane at
 * bytesperline * height.
 */
#ifndef SIM_FORMAT_H
#define SIM_FORMAT_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>

#define SIM_MIN_WIDTH 16u
#define SIM_MIN_HEIGHT 16u
#define SIM_MAX_WIDTH 4096u
#define SIM_MAX_HEIGHT 2304u
#define SIM_SIZE_ALIGN 16u
#define SIM_MAX_BYTESPERLINE 8192u
#define SIM_MIN_CODED_SIZE (256u * 1024u)
#define SIM_MAX_CODED_SIZE (64u * 1024u * 1024u)
#define SIM_DEFAULT_WIDTH 1920u
#define SIM_DEFAULT_HEIGHT 1080u

bool sim_fmt_is_output(unsigned type);
bool sim_fmt_is_valid_type(unsigned type);

/* Number of formats enumerated on a queue, and the n-th one (false past the end). */
bool sim_fmt_enum(unsigned type, unsigned index, struct v4l2_fmtdesc *desc);

/* Adjusts *f (OUTPUT_MPLANE) in place to what the device accepts. */
void sim_fmt_adjust_output(struct v4l2_pix_format_mplane *f);

/* Computes the CAPTURE format for the coded format out; requested_bpl is the
 * bytesperline a S_FMT/TRY_FMT asked for (0 = none). */
void sim_fmt_capture_from_output(const struct v4l2_pix_format_mplane *out,
                                 unsigned requested_bpl,
                                 struct v4l2_pix_format_mplane *cap);

void sim_fmt_default_output(struct v4l2_pix_format_mplane *f);

/* Offset of the interleaved CbCr plane of an NV12 CAPTURE format. */
size_t sim_fmt_uv_offset(const struct v4l2_pix_format_mplane *cap);

#endif
