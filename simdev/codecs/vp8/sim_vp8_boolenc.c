#include "sim_vp8_boolenc.h"

void sim_vp8_benc_init(struct sim_vp8_benc *e, uint8_t *buf, size_t cap)
{
    e->buf = buf;
    e->cap = cap;
    e->k = 0;
    e->range = 255;
    e->overflow = false;
}

void sim_vp8_benc_add8(struct sim_vp8_benc *e, uint64_t k, unsigned v)
{
    uint64_t lsb = k + 7;              /* bit index of v's least significant bit */
    uint64_t byte = lsb >> 3;
    unsigned sh = 7u - (unsigned)(lsb & 7);
    uint32_t x = (uint32_t)(v & 0xff) << sh;   /* < 2^15, spans bytes byte-1 and byte */
    if (byte >= e->cap) {
        e->overflow = true;
        return;
    }
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

void sim_vp8_benc_set_bit(struct sim_vp8_benc *e, uint64_t i)
{
    if ((i >> 3) >= e->cap) {
        e->overflow = true;
        return;
    }
    e->buf[i >> 3] |= (uint8_t)(0x80u >> (i & 7));
}

unsigned sim_vp8_range_after(unsigned r, unsigned prob, int bit)
{
    unsigned split = 1 + (((r - 1) * (prob & 0xff)) >> 8);
    r = bit ? r - split : split;
    while (r < 128)
        r <<= 1;
    return r;
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
