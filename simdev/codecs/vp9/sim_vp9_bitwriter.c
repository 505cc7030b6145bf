#include "sim_vp9_bitwriter.h"

#include <string.h>

void sim_bw_init(struct sim_bitwriter *bw, uint8_t *buf, size_t cap)
{
    bw->buf = buf;
    bw->cap = buf ? cap : 0;
    bw->pos = 0;
    bw->overflow = false;
    if (bw->cap)
        memset(buf, 0, cap);
}

void sim_bw_bits(struct sim_bitwriter *bw, uint32_t v, unsigned n)
{
    if (n > 32)
        n = 32;
    for (unsigned i = n; i-- > 0;) {
        size_t byte = bw->pos >> 3;
        if (byte >= bw->cap) {
            bw->overflow = true;
            return;
        }
        if ((v >> i) & 1)
            bw->buf[byte] |= (uint8_t)(0x80u >> (bw->pos & 7));
        bw->pos++;
    }
}

void sim_bw_signed(struct sim_bitwriter *bw, int32_t v, unsigned n)
{
    sim_bw_bits(bw, (uint32_t)(v < 0 ? -v : v), n);
    sim_bw_bit(bw, v < 0);
}

size_t sim_bw_finish(struct sim_bitwriter *bw)
{
    return (bw->pos + 7) >> 3;
}
