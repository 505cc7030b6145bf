#include "sim_vp9_boolwriter.h"

void sim_boolw_init(struct sim_boolwriter *bw, uint8_t *buf, size_t cap)
{
    bw->buf = buf;
    bw->cap = buf ? cap : 0;
    bw->pos = 0;
    bw->low = 0;
    bw->range = 255;
    bw->count = -24;
    bw->overflow = false;
}

static void propagate_carry(struct sim_boolwriter *bw)
{
    size_t i = bw->pos;
    while (i > 0) {
        i--;
        if (bw->buf[i] != 0xff) {
            bw->buf[i]++;
            return;
        }
        bw->buf[i] = 0;
    }
    /* a carry out of the first byte cannot happen: low starts at 0 and stays below the
     * top of the initial interval */
}

static void emit(struct sim_boolwriter *bw, uint8_t byte)
{
    if (bw->pos >= bw->cap) {
        bw->overflow = true;
        return;
    }
    bw->buf[bw->pos++] = byte;
}

void sim_boolw_write(struct sim_boolwriter *bw, bool bit, uint8_t prob)
{
    uint32_t split = 1 + (((bw->range - 1) * prob) >> 8);
    uint32_t range = bit ? bw->range - split : split;
    uint32_t low = bw->low + (bit ? split : 0);
    int shift = 0;
    while ((range << shift) < 128)
        shift++;
    range <<= shift;
    bw->count += shift;
    if (bw->count >= 0) {
        int offset = shift - bw->count;
        if (offset > 0 && ((low << (offset - 1)) & 0x80000000u)) {
            if (!bw->overflow)
                propagate_carry(bw);
        }
        emit(bw, (uint8_t)(low >> (24 - offset)));
        low = (low << offset) & 0xffffff;
        shift = bw->count;
        bw->count -= 8;
    }
    bw->low = low << shift;
    bw->range = range;
}

void sim_boolw_literal(struct sim_boolwriter *bw, uint32_t v, unsigned n)
{
    for (unsigned i = n; i-- > 0;)
        sim_boolw_write(bw, (v >> i) & 1, 128);
}

size_t sim_boolw_finish(struct sim_boolwriter *bw)
{
    for (int i = 0; i < 32; i++)
        sim_boolw_write(bw, false, 128);
    return bw->pos;
}
