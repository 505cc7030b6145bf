#include "vp9_bitreader.h"

void vp9_br_init(struct vp9_bitreader *br, const uint8_t *data, size_t size)
{
    br->data = data;
    br->size = data ? size : 0;
    br->pos = 0;
    br->overrun = false;
}

uint32_t vp9_br_bits(struct vp9_bitreader *br, unsigned n)
{
    uint32_t v = 0;
    if (n > 32)
        n = 32;
    for (unsigned i = 0; i < n; i++) {
        size_t byte = br->pos >> 3;
        if (br->overrun || byte >= br->size) {
            br->overrun = true;
            return 0;
        }
        unsigned bit = (br->data[byte] >> (7 - (br->pos & 7))) & 1;
        v = (v << 1) | bit;
        br->pos++;
    }
    return v;
}

int32_t vp9_br_signed(struct vp9_bitreader *br, unsigned n)
{
    int32_t mag = (int32_t)vp9_br_bits(br, n);
    return vp9_br_bit(br) ? -mag : mag;
}

size_t vp9_br_bytes_used(const struct vp9_bitreader *br)
{
    return (br->pos + 7) >> 3;
}
