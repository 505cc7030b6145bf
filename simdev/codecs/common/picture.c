/* simdev codec engines: shared picture helpers (see picture.h).
 *
 * The conversions run once per reference and once per decoded frame, so each case has
 * its own loop without per-sample branches: 8-bit luma rows are memcpy, 8-bit chroma a
 * plain (de)interleave, 10-bit (P010 <-> 16-bit planar) a shift per sample. The padding
 * (columns/rows past the visible size) replicates the last visible column/row. */
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

/* P010 sample x of a row (16-bit LE, 10 bits in bits 15..6) as a 10-bit value. */
static inline uint16_t p010_get(const uint8_t *row, size_t x)
{
    return (uint16_t)((unsigned)(row[2 * x] | row[2 * x + 1] << 8) >> 6);
}

static inline void p010_put(uint8_t *row, size_t x, unsigned v)
{
    v <<= 6;
    row[2 * x] = (uint8_t)(v & 0xff);
    row[2 * x + 1] = (uint8_t)(v >> 8);
}

/* 16-bit native-endian planar row access (libvpx's high bit depth images). */
static inline uint16_t *row16(uint8_t *p)
{
    return (uint16_t *)(void *)p;
}

static inline const uint16_t *crow16(const uint8_t *p)
{
    return (const uint16_t *)(const void *)p;
}

static void luma_to_planar8(const uint8_t *s, uint8_t *d, unsigned w, unsigned aw)
{
    memcpy(d, s, w);
    if (aw > w)
        memset(d + w, s[w - 1], aw - w);
}

static void luma_to_planar16(const uint8_t *s, uint8_t *d8, unsigned w, unsigned aw)
{
    uint16_t *d = row16(d8);
    for (unsigned x = 0; x < w; x++)
        d[x] = p010_get(s, x);
    for (unsigned x = w; x < aw; x++)
        d[x] = d[w - 1];
}

/* One interleaved CbCr row -> U and V rows of cw samples; vw of them visible. */
static void chroma_to_planar8(const uint8_t *s, uint8_t *du, uint8_t *dv, unsigned vw,
                              unsigned cw)
{
    unsigned n = vw < cw ? vw : cw;
    for (unsigned x = 0; x < n; x++) {
        du[x] = s[2 * x];
        dv[x] = s[2 * x + 1];
    }
    if (cw > n) {
        memset(du + n, s[2 * (vw - 1)], cw - n);
        memset(dv + n, s[2 * (vw - 1) + 1], cw - n);
    }
}

static void chroma_to_planar16(const uint8_t *s, uint8_t *du8, uint8_t *dv8, unsigned vw,
                               unsigned cw)
{
    uint16_t *du = row16(du8), *dv = row16(dv8);
    unsigned n = vw < cw ? vw : cw;
    for (unsigned x = 0; x < n; x++) {
        du[x] = p010_get(s, 2 * x);
        dv[x] = p010_get(s, 2 * x + 1);
    }
    for (unsigned x = n; x < cw; x++) {
        du[x] = p010_get(s, 2 * (vw - 1));
        dv[x] = p010_get(s, 2 * (vw - 1) + 1);
    }
}

void sim_semiplanar_to_i420(const struct sim_semiplanar *src, unsigned w, unsigned h,
                            const struct sim_i420 *dst, unsigned aw, unsigned ah, bool hbd)
{
    unsigned cw = aw / 2, ch = ah / 2;
    unsigned vw = (w + 1) / 2, vh = (h + 1) / 2;    /* visible chroma size */
    for (unsigned y = 0; y < ah; y++) {
        const uint8_t *s = src->y + (size_t)(y < h ? y : h - 1) * src->y_bpl;
        uint8_t *d = dst->plane[0] + (size_t)y * dst->stride[0];
        if (hbd)
            luma_to_planar16(s, d, w, aw);
        else
            luma_to_planar8(s, d, w, aw);
    }
    for (unsigned y = 0; y < ch; y++) {
        const uint8_t *s = src->uv + (size_t)(y < vh ? y : vh - 1) * src->uv_bpl;
        uint8_t *du = dst->plane[1] + (size_t)y * dst->stride[1];
        uint8_t *dv = dst->plane[2] + (size_t)y * dst->stride[2];
        if (hbd)
            chroma_to_planar16(s, du, dv, vw, cw);
        else
            chroma_to_planar8(s, du, dv, vw, cw);
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
        const uint16_t *s16 = crow16(s);
        for (unsigned x = 0; x < w; x++)
            p010_put(d, x, s16[x]);
    }
    unsigned cw = (w + 1) / 2, ch = (h + 1) / 2;
    for (unsigned y = 0; y < ch; y++) {
        const uint8_t *u = src->plane[1] + (size_t)y * src->stride[1];
        const uint8_t *v = src->plane[2] + (size_t)y * src->stride[2];
        uint8_t *d = dst->uv + (size_t)y * dst->uv_bpl;
        if (!hbd) {
            for (unsigned x = 0; x < cw; x++) {
                d[2 * x] = u[x];
                d[2 * x + 1] = v[x];
            }
            continue;
        }
        const uint16_t *u16 = crow16(u), *v16 = crow16(v);
        for (unsigned x = 0; x < cw; x++) {
            p010_put(d, 2 * x, u16[x]);
            p010_put(d, 2 * x + 1, v16[x]);
        }
    }
}

/* Each row is compared whole (differences OR-ed, no early exit inside a row) so the
 * loops have no data-dependent branch per sample. */
static bool luma_equal16(const uint8_t *s, const uint8_t *i8, unsigned w)
{
    const uint16_t *i = crow16(i8);
    unsigned diff = 0;
    for (unsigned x = 0; x < w; x++)
        diff |= (unsigned)(p010_get(s, x) ^ i[x]);
    return diff == 0;
}

static bool chroma_equal8(const uint8_t *s, const uint8_t *u, const uint8_t *v, unsigned cw)
{
    unsigned diff = 0;
    for (unsigned x = 0; x < cw; x++)
        diff |= (unsigned)((s[2 * x] ^ u[x]) | (s[2 * x + 1] ^ v[x]));
    return diff == 0;
}

static bool chroma_equal16(const uint8_t *s, const uint8_t *u8, const uint8_t *v8, unsigned cw)
{
    const uint16_t *u = crow16(u8), *v = crow16(v8);
    unsigned diff = 0;
    for (unsigned x = 0; x < cw; x++)
        diff |= (unsigned)((p010_get(s, 2 * x) ^ u[x]) | (p010_get(s, 2 * x + 1) ^ v[x]));
    return diff == 0;
}

bool sim_semiplanar_equals_i420(const struct sim_semiplanar *a, unsigned w, unsigned h,
                                const struct sim_i420 *b, bool hbd)
{
    for (unsigned y = 0; y < h; y++) {
        const uint8_t *s = a->y + (size_t)y * a->y_bpl;
        const uint8_t *i = b->plane[0] + (size_t)y * b->stride[0];
        if (hbd ? !luma_equal16(s, i, w) : memcmp(s, i, w) != 0)
            return false;
    }
    unsigned cw = (w + 1) / 2, ch = (h + 1) / 2;
    for (unsigned y = 0; y < ch; y++) {
        const uint8_t *s = a->uv + (size_t)y * a->uv_bpl;
        const uint8_t *u = b->plane[1] + (size_t)y * b->stride[1];
        const uint8_t *v = b->plane[2] + (size_t)y * b->stride[2];
        if (hbd ? !chroma_equal16(s, u, v, cw) : !chroma_equal8(s, u, v, cw))
            return false;
    }
    return true;
}
