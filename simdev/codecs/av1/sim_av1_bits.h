/* MSB-first bit writer for AV1 OBUs (spec 4.10 f(n), su(n), ns(n), le(n), leb128). Writes
 * never run past the buffer: an overflow sets `overflow` and drops further bits. */
#ifndef VAREQ_SIM_AV1_BITS_H
#define VAREQ_SIM_AV1_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct av1_bw {
    uint8_t *buf;
    size_t cap;    /* bytes */
    size_t bitpos; /* bits written */
    bool overflow;
};

void av1_bw_init(struct av1_bw *w, uint8_t *buf, size_t cap);
void av1_bw_f(struct av1_bw *w, unsigned n, uint32_t v);   /* n <= 32 */
void av1_bw_su(struct av1_bw *w, unsigned n, int32_t v);   /* n-bit two's complement */
void av1_bw_ns(struct av1_bw *w, uint32_t n, uint32_t v);  /* v < n */
void av1_bw_trailing(struct av1_bw *w);                    /* trailing_bits to a byte */
void av1_bw_align(struct av1_bw *w);                       /* zero bits to a byte */
size_t av1_bw_bytes(const struct av1_bw *w);
/* leb128 of v into out (max 8 bytes); returns the bytes used */
size_t av1_leb128(uint8_t *out, uint64_t v);

#endif
