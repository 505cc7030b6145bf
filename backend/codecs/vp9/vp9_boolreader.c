#include "vp9_boolreader.h"

static unsigned next_bit(struct vp9_boolreader *bd)
{
    size_t byte = bd->bitpos >> 3;
    if (byte >= bd->size) {
        bd->error = true;
        return 0;
    }
    unsigned bit = (bd->data[byte] >> (7 - (bd->bitpos & 7))) & 1;
    bd->bitpos++;
    return bit;
}

bool vp9_bool_init(struct vp9_boolreader *bd, const uint8_t *data, size_t size)
{
    bd->data = data;
    bd->size = data ? size : 0;
    bd->bitpos = 0;
    bd->value = 0;
    bd->range = 255;
    bd->error = false;
    if (bd->size < 1)
        return false;
    for (int i = 0; i < 8; i++)
        bd->value = (bd->value << 1) | next_bit(bd);
    return !vp9_bool_read(bd, 128) && !bd->error;
}

bool vp9_bool_read(struct vp9_boolreader *bd, uint8_t prob)
{
    uint32_t split = 1 + (((bd->range - 1) * prob) >> 8);
    bool b;
    if (bd->value < split) {
        bd->range = split;
        b = false;
    } else {
        bd->range -= split;
        bd->value -= split;
        b = true;
    }
    while (bd->range < 128) {
        bd->value = (bd->value << 1) | next_bit(bd);
        bd->range <<= 1;
    }
    return b;
}

uint32_t vp9_bool_literal(struct vp9_boolreader *bd, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 1) | (vp9_bool_read(bd, 128) ? 1u : 0u);
    return v;
}
