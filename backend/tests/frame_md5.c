#include "frame_md5.h"

#include <stdlib.h>

#include "md5.h"

/* One row of samples into the hash: every step-th sample from s (8-bit), or the 10-bit
 * value of every step-th 16-bit sample as 16-bit little-endian. */
static void hash_row(struct md5_ctx *m, uint8_t *row, const uint8_t *s, unsigned n,
                     unsigned step, bool p010)
{
    for (unsigned x = 0; x < n; x++) {
        if (!p010) {
            row[x] = s[(size_t)x * step];
        } else {
            size_t o = (size_t)x * step * 2;
            unsigned v = (unsigned)(s[o] | s[o + 1] << 8) >> 6;
            row[2 * x] = (uint8_t)(v & 0xff);
            row[2 * x + 1] = (uint8_t)(v >> 8);
        }
    }
    md5_update(m, row, (size_t)n * (p010 ? 2 : 1));
}

void md5_semiplanar(const uint8_t *y, size_t y_pitch, const uint8_t *uv, size_t uv_pitch,
                    unsigned width, unsigned height, bool p010, char hex[33])
{
    struct md5_ctx m;
    uint8_t d[16];
    unsigned cw = (width + 1) / 2, ch = (height + 1) / 2;
    size_t sb = p010 ? 2 : 1;
    uint8_t *row = malloc((size_t)(width + 1) * sb);
    if (!row)
        abort();
    md5_init(&m);
    for (unsigned r = 0; r < height; r++)
        hash_row(&m, row, y + (size_t)r * y_pitch, width, 1, p010);
    for (unsigned c = 0; c < 2; c++)
        for (unsigned r = 0; r < ch; r++)
            hash_row(&m, row, uv + (size_t)r * uv_pitch + c * sb, cw, 2, p010);
    free(row);
    md5_final(&m, d);
    md5_hex(d, hex);
}

void md5_vpx_image(const vpx_image_t *img, char hex[33])
{
    struct md5_ctx m;
    uint8_t d[16];
    size_t sb = (img->fmt & VPX_IMG_FMT_HIGHBITDEPTH) ? 2 : 1;
    md5_init(&m);
    for (int pl = 0; pl < 3; pl++) {
        unsigned w = pl ? (img->d_w + img->x_chroma_shift) >> img->x_chroma_shift : img->d_w;
        unsigned h = pl ? (img->d_h + img->y_chroma_shift) >> img->y_chroma_shift : img->d_h;
        for (unsigned r = 0; r < h; r++)
            md5_update(&m, img->planes[pl] + (size_t)r * (size_t)img->stride[pl], w * sb);
    }
    md5_final(&m, d);
    md5_hex(d, hex);
}
