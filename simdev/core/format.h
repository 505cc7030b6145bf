/* Format negotiation by the context's profile (core/profile.h; rules and sources in
 * docs/simdev.md "Profiles").
 *
 * OUTPUT (coded): one of the profile's codecs (an unknown pixelformat becomes the first
 * one, as rkvdec/hantro/cedrus do), one plane, width/height clamped to the codec's
 * frmsize (and rounded up to its step where the profile does), bytesperline 0, sizeimage
 * by the profile's rule.
 * CAPTURE (decoded): derived from OUTPUT: S_FMT(OUTPUT) resets it. Formats offered depend
 * on the codec and the stream's bit depth (NV12/NV12M for 8-bit, P010 for 10-bit);
 * bytesperline/sizeimage by the profile's rule; the requested bytesperline is honoured
 * only where the profile does.
 */
#ifndef SIM_FORMAT_H
#define SIM_FORMAT_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_ctx;

/* Limits of the generic profile. */
#define SIM_MIN_WIDTH 16u
#define SIM_MIN_HEIGHT 16u
#define SIM_MAX_WIDTH 4096u
#define SIM_MAX_HEIGHT 2304u
#define SIM_SIZE_ALIGN 16u
#define SIM_MAX_BYTESPERLINE 16384u
#define SIM_MAX_CODED_SIZE (64u * 1024u * 1024u)

bool sim_fmt_is_output(unsigned type);
bool sim_fmt_is_valid_type(unsigned type);

/* The n-th format of a queue (false past the end). */
bool sim_fmt_enum(const struct sim_ctx *ctx, unsigned type, unsigned index,
                  struct v4l2_fmtdesc *desc);

/* Adjusts *f (OUTPUT) in place to what the device accepts. */
void sim_fmt_adjust_output(const struct sim_ctx *ctx, struct v4l2_pix_format_mplane *f);

/* Computes the CAPTURE format for the coded format out; requested_fourcc and
 * requested_bpl are what S_FMT/TRY_FMT asked for (0 = none). */
void sim_fmt_capture_from_output(const struct sim_ctx *ctx,
                                 const struct v4l2_pix_format_mplane *out,
                                 uint32_t requested_fourcc, unsigned requested_bpl,
                                 struct v4l2_pix_format_mplane *cap);

void sim_fmt_default_output(const struct sim_ctx *ctx, struct v4l2_pix_format_mplane *f);

/* Number of memory planes of a CAPTURE pixel format (NV12M: 2, else 1). */
unsigned sim_fmt_mem_planes(uint32_t fourcc);

#endif
