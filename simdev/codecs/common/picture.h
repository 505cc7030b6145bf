/* Helpers shared by the simdev codec engines that decode with libvpx (VP8, VP9): scratch
 * buffer growth and conversions between the CAPTURE formats (NV12/NV12M, P010: luma plane
 * + interleaved CbCr plane) and the planar I420 images libvpx reads and writes. */
#ifndef SIM_COMMON_PICTURE_H
#define SIM_COMMON_PICTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Grows *buf (capacity *cap) to at least need bytes; 0 or -ENOMEM (*buf unchanged). */
int sim_buf_ensure(uint8_t **buf, size_t *cap, size_t need);

/* A semi-planar 4:2:0 picture: y = luma rows, uv = interleaved CbCr rows. Samples are
 * 8-bit (NV12) or, with hbd, 16-bit little endian with 10 bits in bits 15..6 (P010). */
struct sim_semiplanar {
    uint8_t *y, *uv;
    size_t y_bpl, uv_bpl;       /* bytes per line */
};

/* A planar I420 image (Y, U, V): 8-bit samples, or 16-bit native-endian ones with hbd
 * (libvpx's VPX_IMG_FMT_I42016). Strides in bytes. */
struct sim_i420 {
    uint8_t *plane[3];
    size_t stride[3];
};

/* Fills the aw x ah I420 image dst from the w x h picture src (w <= aw, h <= ah),
 * replicating the last visible column/row into the padding. The caller has checked that
 * src holds w x h. */
void sim_semiplanar_to_i420(const struct sim_semiplanar *src, unsigned w, unsigned h,
                            const struct sim_i420 *dst, unsigned aw, unsigned ah, bool hbd);

/* Writes the top-left w x h of the I420 image src into dst (checked to hold w x h). */
void sim_i420_to_semiplanar(const struct sim_i420 *src, const struct sim_semiplanar *dst,
                            unsigned w, unsigned h, bool hbd);

/* True when the visible w x h of the semi-planar picture a holds exactly the samples of
 * the I420 image b, as sim_semiplanar_to_i420 would convert them (10-bit: the low 6 bits
 * of a P010 sample are ignored, like the conversion ignores them). Both hold w x h. */
bool sim_semiplanar_equals_i420(const struct sim_semiplanar *a, unsigned w, unsigned h,
                                const struct sim_i420 *b, bool hbd);

#endif
