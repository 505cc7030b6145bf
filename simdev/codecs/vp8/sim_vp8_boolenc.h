/* VP8 boolean encoder (RFC 6386 section 7) written as interval arithmetic: the low end
 * of the interval is kept at full precision in a growing bit array (carries propagate
 * into bytes already written), so no flush is needed: the low end itself identifies every
 * coded symbol. */
#ifndef VAREQ_SIM_VP8_BOOLENC_H
#define VAREQ_SIM_VP8_BOOLENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_vp8_benc {
    uint8_t *buf;      /* owned (malloc), zero beyond the written bits, cap bytes */
    size_t cap;
    uint64_t k;        /* shifts so far = bit index of the coder window */
    unsigned range;    /* 128..255 */
    bool overflow;     /* out of memory, or a carry out of bit 0 (never for valid use) */
};

/* The buffer grows as needed (up to 64 MiB); free e->buf when done. */
void sim_vp8_benc_init(struct sim_vp8_benc *e);
void sim_vp8_benc_put(struct sim_vp8_benc *e, unsigned prob, int bit);
/* Adds the 8-bit number v with its most significant bit at bit index k (bit 0 = MSB of
 * buf[0]). */
void sim_vp8_benc_add8(struct sim_vp8_benc *e, uint64_t k, unsigned v);

#endif
