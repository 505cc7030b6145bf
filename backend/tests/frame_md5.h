/* MD5s of decoded frames as their I420 planes, the way the roundtrip tests compare the
 * engines' output with libvpx: the same bytes whether a frame sits in semi-planar memory
 * (NV12, P010) or in a libvpx image. */
#ifndef VAREQ_TEST_FRAME_MD5_H
#define VAREQ_TEST_FRAME_MD5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vpx/vpx_image.h>

/* A 4:2:0 semi-planar frame, width x height, luma rows at y, interleaved chroma rows at
 * uv. p010: 16-bit samples with the value in the top 10 bits, hashed as 16-bit
 * little-endian values (value >> 6) like libvpx's 16-bit images; else 8-bit (NV12). */
void md5_semiplanar(const uint8_t *y, size_t y_pitch, const uint8_t *uv, size_t uv_pitch,
                    unsigned width, unsigned height, bool p010, char hex[33]);
/* A libvpx image over its display size (8- or 16-bit samples, any chroma subsampling). */
void md5_vpx_image(const vpx_image_t *img, char hex[33]);

#endif
