/* MSB-first bit writer into a caller-provided buffer; sticky overflow flag. */
#ifndef VAREQ_SIM_VP9_BITWRITER_H
#define VAREQ_SIM_VP9_BITWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_bitwriter {
    uint8_t *buf;
    size_t cap;     /* bytes */
    size_t pos;     /* bits written */
    bool overflow;
};

void sim_bw_init(struct sim_bitwriter *bw, uint8_t *buf, size_t cap);
void sim_bw_bits(struct sim_bitwriter *bw, uint32_t v, unsigned n);
static inline void sim_bw_bit(struct sim_bitwriter *bw, bool b) { sim_bw_bits(bw, b, 1); }
/* su(n): magnitude then sign bit; the caller checks |v| < 2^n */
void sim_bw_signed(struct sim_bitwriter *bw, int32_t v, unsigned n);
/* Pads with zero bits to the byte boundary and returns the byte count. */
size_t sim_bw_finish(struct sim_bitwriter *bw);

#endif
