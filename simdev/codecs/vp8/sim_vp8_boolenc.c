#include "sim_vp8_boolenc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CAP (64u << 20)

void sim_vp8_benc_init(struct sim_vp8_benc *e)
{
    e->buf = NULL;
    e->cap = 0;
    e->k = 0;
    e->range = 255;
    e->overflow = false;
}

static bool reserve(struct sim_vp8_benc *e, uint64_t byte)
{
    if (byte < e->cap)
        return true;
    if (byte >= MAX_CAP) {
        e->overflow = true;
        return false;
    }
    size_t n = e->cap ? e->cap : 4096;
    while (n <= byte)
        n *= 2;
    uint8_t *b = realloc(e->buf, n);
    if (!b) {
        e->overflow = true;
        return false;
    }
    memset(b + e->cap, 0, n - e->cap);
    e->buf = b;
    e->cap = n;
    return true;
}

void sim_vp8_benc_add8(struct sim_vp8_benc *e, uint64_t k, unsigned v)
{
    uint64_t lsb = k + 7;              /* bit index of v's least significant bit */
    uint64_t byte = lsb >> 3;
    unsigned sh = 7u - (unsigned)(lsb & 7);
    uint32_t x = (uint32_t)(v & 0xff) << sh;   /* < 2^15, spans bytes byte-1 and byte */
    if (!reserve(e, byte))
        return;
    uint32_t sum = e->buf[byte] + (x & 0xff);
    e->buf[byte] = (uint8_t)sum;
    uint32_t carry = (sum >> 8) + (x >> 8);
    uint64_t i = byte;
    while (carry) {
        if (i == 0) {
            e->overflow = true;
            return;
        }
        i--;
        sum = e->buf[i] + carry;
        e->buf[i] = (uint8_t)sum;
        carry = sum >> 8;
    }
}

void sim_vp8_benc_put(struct sim_vp8_benc *e, unsigned prob, int bit)
{
    unsigned split = 1 + (((e->range - 1) * (prob & 0xff)) >> 8);
    if (bit) {
        sim_vp8_benc_add8(e, e->k, split);
        e->range -= split;
    } else {
        e->range = split;
    }
    while (e->range < 128) {
        e->range <<= 1;
        e->k++;
    }
}
