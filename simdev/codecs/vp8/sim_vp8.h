/* simdev's VP8 decode engine.
 *
 * Decodes one VP8 frame using only what the V4L2 stateless uAPI carries:
 * V4L2_CID_STATELESS_VP8_FRAME and the OUTPUT buffer (V4L2_PIX_FMT_VP8_FRAME, the whole
 * frame). The frame tag, keyframe start code and dimensions, the bool-coded frame
 * header and the DCT partition size table are rewritten from the control
 * (sim_vp8_header.h explains how the macroblock data of the control partition is
 * resumed from the control's coder state); the macroblock data and the DCT partitions
 * are taken from the OUTPUT bytes at the positions the control gives. The LAST, GOLDEN
 * and ALTREF pictures are the CAPTURE buffers the control's timestamps name, loaded
 * into libvpx with VP8_SET_REFERENCE; the decoded frame, shown or hidden, is read back
 * with VP8_COPY_REFERENCE and written to dst.
 *
 * VP8 predicts from whole macroblocks: a reference holds the 16-aligned decoded area,
 * not just the visible size. The engine writes (and reads) the aligned area when the
 * CAPTURE buffer has room for it, as hardware with 16-aligned CAPTURE formats does; a
 * buffer without that room gets the visible area, and a reference read from it has its
 * edge replicated into the padding (can differ from libvpx for sizes that are not a
 * multiple of 16).
 *
 * One engine per decoding context: libvpx keeps the state VP8 carries between frames
 * that the uAPI leaves to the device (segment map); the engine mirrors libvpx's
 * probability state to write "no update" codings. */
#ifndef VAREQ_SIM_VP8_H
#define VAREQ_SIM_VP8_H

#include <linux/v4l2-controls.h>
#include <stddef.h>
#include <stdint.h>

struct sim_vp8_plane {
    uint8_t *data;
    size_t size;           /* bytes available at data */
    uint32_t bytesperline;
};

/* An 8-bit 4:2:0 picture: y = luma, uv = interleaved CbCr (NV12 / NV12M). */
struct sim_vp8_pic {
    struct sim_vp8_plane y, uv;
    uint32_t width, height; /* decoded frame size held (set by decode on dst) */
};

struct sim_vp8;

struct sim_vp8 *sim_vp8_create(void);
void sim_vp8_destroy(struct sim_vp8 *e);

/* refs[0..2] = LAST, GOLDEN, ALTREF (may be NULL for keyframes). 0 on success (dst
 * width/height set); negative errno and a one-line reason on failure. */
int sim_vp8_decode(struct sim_vp8 *e, const struct v4l2_ctrl_vp8_frame *frame,
                   const uint8_t *bitstream, size_t len,
                   const struct sim_vp8_pic *const refs[3], struct sim_vp8_pic *dst,
                   char *err, size_t errlen);

#endif
