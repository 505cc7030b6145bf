/* Exact VP8 boolean encoder over a bit array (RFC 6386 section 7 arithmetic, written as
 * interval arithmetic): the low end of the interval is kept at full precision, so
 * further numbers can be added at any bit position with carry propagation, which is
 * what resuming another coder's state needs (see sim_vp8_header.h). */
#ifndef VAREQ_SIM_VP8_BOOLENC_H
#define VAREQ_SIM_VP8_BOOLENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_vp8_benc {
    uint8_t *buf;      /* zero-initialised, cap bytes */
    size_t cap;
    uint64_t k;        /* shifts so far = bit index of the coder window */
    unsigned range;    /* 128..255 */
    bool overflow;     /* a write past cap or a carry out of bit 0 (never for valid use) */
};

void sim_vp8_benc_init(struct sim_vp8_benc *e, uint8_t *buf, size_t cap);
void sim_vp8_benc_put(struct sim_vp8_benc *e, unsigned prob, int bit);
/* Adds the 8-bit number v with its most significant bit at bit index k (bit 0 = MSB of
 * buf[0]). */
void sim_vp8_benc_add8(struct sim_vp8_benc *e, uint64_t k, unsigned v);
/* ORs one bit at bit index i (callers only set bits that are still zero). */
void sim_vp8_benc_set_bit(struct sim_vp8_benc *e, uint64_t i);
/* Range after coding bit with prob from range r (normalised), as encoder and decoder
 * both compute it. */
unsigned sim_vp8_range_after(unsigned r, unsigned prob, int bit);

#endif
