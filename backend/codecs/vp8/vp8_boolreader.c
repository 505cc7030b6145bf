#include "vp8_boolreader.h"

static uint32_t next_byte(struct vp8_bool_reader *br)
{
    if (br->pos < br->size)
        return br->buf[br->pos++];
    br->pos++;
    br->overrun++;
    return 0;
}

void vp8_br_init(struct vp8_bool_reader *br, const uint8_t *buf, size_t size)
{
    br->buf = buf;
    br->size = buf ? size : 0;
    br->pos = 0;
    br->overrun = 0;
    br->value = next_byte(br) << 8;
    br->value |= next_byte(br);
    br->range = 255;
    br->bit_count = 0;
}

int vp8_br_read(struct vp8_bool_reader *br, unsigned prob)
{
    uint32_t split = 1 + (((br->range - 1) * (prob & 0xff)) >> 8);
    uint32_t big = split << 8;
    int bit;
    if (br->value >= big) {
        bit = 1;
        br->range -= split;
        br->value -= big;
    } else {
        bit = 0;
        br->range = split;
    }
    while (br->range < 128) {
        br->value <<= 1;
        br->range <<= 1;
        if (++br->bit_count == 8) {
            br->bit_count = 0;
            br->value |= next_byte(br);
        }
    }
    return bit;
}

unsigned vp8_br_literal(struct vp8_bool_reader *br, unsigned bits)
{
    unsigned v = 0;
    while (bits--)
        v = (v << 1) | (unsigned)vp8_br_read(br, 128);
    return v;
}

uint32_t vp8_br_window_bit(const struct vp8_bool_reader *br)
{
    return (uint32_t)(8 * (br->pos - 2) + br->bit_count);
}
