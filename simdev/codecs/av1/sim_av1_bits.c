#include "sim_av1_bits.h"

#include <string.h>

void av1_bw_init(struct av1_bw *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->bitpos = 0;
    w->overflow = false;
    if (cap)
        memset(buf, 0, cap);
}

static void put_bit(struct av1_bw *w, unsigned b)
{
    size_t byte = w->bitpos >> 3;
    if (byte >= w->cap) {
        w->overflow = true;
        return;
    }
    if (b)
        w->buf[byte] |= (uint8_t)(0x80u >> (w->bitpos & 7));
    w->bitpos++;
}

void av1_bw_f(struct av1_bw *w, unsigned n, uint32_t v)
{
    for (unsigned i = n; i-- > 0;)
        put_bit(w, (v >> i) & 1);
}

void av1_bw_su(struct av1_bw *w, unsigned n, int32_t v)
{
    av1_bw_f(w, n, (uint32_t)v & (n >= 32 ? 0xffffffffu : ((1u << n) - 1)));
}

void av1_bw_ns(struct av1_bw *w, uint32_t n, uint32_t v)
{
    unsigned wbits = 0;
    uint32_t m;
    if (n <= 1)
        return; /* nothing coded */
    for (uint32_t x = n; x; x >>= 1)
        wbits++;
    m = (1u << wbits) - n;
    if (v < m) {
        av1_bw_f(w, wbits - 1, v);
    } else {
        uint32_t y = v + m;
        av1_bw_f(w, wbits - 1, y >> 1);
        av1_bw_f(w, 1, y & 1);
    }
}

void av1_bw_trailing(struct av1_bw *w)
{
    put_bit(w, 1);
    av1_bw_align(w);
}

void av1_bw_align(struct av1_bw *w)
{
    while (w->bitpos & 7)
        put_bit(w, 0);
}

size_t av1_bw_bytes(const struct av1_bw *w)
{
    return (w->bitpos + 7) >> 3;
}

size_t av1_leb128(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        out[n++] = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v && n < 8);
    return n;
}
