/* simdev codec engines: shared picture helpers (see picture.h). */
#include "picture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sim_buf_ensure(uint8_t **buf, size_t *cap, size_t need)
{
    if (*cap >= need)
        return 0;
    uint8_t *n = realloc(*buf, need);
    if (!n)
        return -ENOMEM;
    *buf = n;
    *cap = need;
    return 0;
}

/* Sample x of a row of a CAPTURE plane (8-bit, or P010: 10 bits in bits 15..6, LE). */
static unsigned get_sample(const uint8_t *row, unsigned x, bool hbd)
{
    if (!hbd)
        return row[x];
    return (unsigned)(row[2 * x] | row[2 * x + 1] << 8) >> 6;
}

static void put_sample(uint8_t *row, unsigned x, unsigned v, bool hbd)
{
    if (!hbd) {
        row[x] = (uint8_t)v;
        return;
    }
    v <<= 6;
    row[2 * x] = (uint8_t)(v & 0xff);
    row[2 * x + 1] = (uint8_t)(v >> 8);
}

void sim_semiplanar_to_i420(const struct sim_semiplanar *src, unsigned w, unsigned h,
                            const struct sim_i420 *dst, unsigned aw, unsigned ah, bool hbd)
{
    unsigned cw = aw / 2, ch = ah / 2;
    unsigned vw = (w + 1) / 2, vh = (h + 1) / 2;    /* visible chroma size */
    for (unsigned y = 0; y < ah; y++) {
        const uint8_t *s = src->y + (size_t)(y < h ? y : h - 1) * src->y_bpl;
        uint8_t *d = dst->plane[0] + (size_t)y * dst->stride[0];
        if (!hbd) {
            memcpy(d, s, w);
            if (aw > w)
                memset(d + w, s[w - 1], aw - w);
            continue;
        }
        for (unsigned x = 0; x < aw; x++)
            ((uint16_t *)(void *)d)[x] = (uint16_t)get_sample(s, x < w ? x : w - 1, true);
    }
    for (unsigned y = 0; y < ch; y++) {
        const uint8_t *s = src->uv + (size_t)(y < vh ? y : vh - 1) * src->uv_bpl;
        uint8_t *du = dst->plane[1] + (size_t)y * dst->stride[1];
        uint8_t *dv = dst->plane[2] + (size_t)y * dst->stride[2];
        for (unsigned x = 0; x < cw; x++) {
            unsigned sx = x < vw ? x : vw - 1;
            unsigned u = get_sample(s, 2 * sx, hbd), v = get_sample(s, 2 * sx + 1, hbd);
            if (hbd) {
                ((uint16_t *)(void *)du)[x] = (uint16_t)u;
                ((uint16_t *)(void *)dv)[x] = (uint16_t)v;
            } else {
                du[x] = (uint8_t)u;
                dv[x] = (uint8_t)v;
            }
        }
    }
}

void sim_i420_to_semiplanar(const struct sim_i420 *src, const struct sim_semiplanar *dst,
                            unsigned w, unsigned h, bool hbd)
{
    for (unsigned y = 0; y < h; y++) {
        const uint8_t *s = src->plane[0] + (size_t)y * src->stride[0];
        uint8_t *d = dst->y + (size_t)y * dst->y_bpl;
        if (!hbd) {
            memcpy(d, s, w);
            continue;
        }
        for (unsigned x = 0; x < w; x++)
            put_sample(d, x, ((const uint16_t *)(const void *)s)[x], true);
    }
    unsigned cw = (w + 1) / 2, ch = (h + 1) / 2;
    for (unsigned y = 0; y < ch; y++) {
        const uint8_t *u = src->plane[1] + (size_t)y * src->stride[1];
        const uint8_t *v = src->plane[2] + (size_t)y * src->stride[2];
        uint8_t *d = dst->uv + (size_t)y * dst->uv_bpl;
        for (unsigned x = 0; x < cw; x++) {
            unsigned uu = hbd ? ((const uint16_t *)(const void *)u)[x] : u[x];
            unsigned vv = hbd ? ((const uint16_t *)(const void *)v)[x] : v[x];
            put_sample(d, 2 * x, uu, hbd);
            put_sample(d, 2 * x + 1, vv, hbd);
        }
    }
}
