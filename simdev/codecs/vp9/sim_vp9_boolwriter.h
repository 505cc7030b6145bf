/* VP9 boolean (arithmetic) encoder, the exact inverse of the specification's decoder
 * (9.2), writing into a caller-provided buffer with a sticky overflow flag. */
#ifndef VAREQ_SIM_VP9_BOOLWRITER_H
#define VAREQ_SIM_VP9_BOOLWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_boolwriter {
    uint8_t *buf;
    size_t cap;
    size_t pos;         /* bytes emitted */
    uint32_t low;       /* 24-bit window of the interval base */
    uint32_t range;
    int count;          /* bits until the next byte can be emitted, negative */
    bool overflow;
};

void sim_boolw_init(struct sim_boolwriter *bw, uint8_t *buf, size_t cap);
void sim_boolw_write(struct sim_boolwriter *bw, bool bit, uint8_t prob);
void sim_boolw_literal(struct sim_boolwriter *bw, uint32_t v, unsigned n);
/* Flushes (with 32 bits of zero padding, enough for any conforming decoder) and returns
 * the number of bytes written. */
size_t sim_boolw_finish(struct sim_boolwriter *bw);

#endif
