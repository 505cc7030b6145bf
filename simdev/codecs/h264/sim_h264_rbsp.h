/* Bounds-checked RBSP bit reader over a NAL unit's payload (emulation prevention bytes
 * skipped). Any read past the end sets err and returns 0. */
#ifndef VAREQ_SIM_H264_RBSP_H
#define VAREQ_SIM_H264_RBSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_rbsp {
    const uint8_t *p;
    size_t n, i;
    unsigned bit, zeros;
    uint8_t cur;
    bool have, err;
    uint64_t pos; /* RBSP bits read */
};

static inline void sim_rbsp_init(struct sim_rbsp *r, const uint8_t *p, size_t n)
{
    *r = (struct sim_rbsp){.p = p, .n = n};
}

static inline unsigned sim_rbsp_bit(struct sim_rbsp *r)
{
    if (r->err)
        return 0;
    if (!r->have || r->bit == 8) {
        if (r->i >= r->n) {
            r->err = true;
            return 0;
        }
        uint8_t b = r->p[r->i++];
        if (r->zeros >= 2 && b == 3) {
            r->zeros = 0;
            if (r->i >= r->n) {
                r->err = true;
                return 0;
            }
            b = r->p[r->i++];
        }
        r->zeros = b ? 0 : r->zeros + 1;
        r->cur = b;
        r->have = true;
        r->bit = 0;
    }
    r->pos++;
    return (r->cur >> (7 - r->bit++)) & 1u;
}

static inline uint32_t sim_rbsp_u(struct sim_rbsp *r, unsigned n)
{
    uint32_t v = 0;
    while (n--)
        v = (v << 1) | sim_rbsp_bit(r);
    return v;
}

static inline uint32_t sim_rbsp_ue(struct sim_rbsp *r)
{
    unsigned lz = 0;
    while (!r->err && !sim_rbsp_bit(r))
        if (++lz > 31) {
            r->err = true;
            return 0;
        }
    return lz ? (uint32_t)(((uint64_t)1 << lz) - 1 + sim_rbsp_u(r, lz)) : 0;
}

static inline int32_t sim_rbsp_se(struct sim_rbsp *r)
{
    uint32_t k = sim_rbsp_ue(r);
    return (k & 1) ? (int32_t)((k + 1) / 2) : -(int32_t)(k / 2);
}

#endif
