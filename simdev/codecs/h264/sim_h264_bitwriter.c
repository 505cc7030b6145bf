#include <string.h>

#include "sim_h264_bitwriter.h"

void sim_h264_bw_init(struct sim_h264_bw *bw)
{
    memset(bw, 0, sizeof(*bw));
}

static void put_bit(struct sim_h264_bw *bw, unsigned b)
{
    if (bw->bits >= sizeof(bw->buf) * 8) {
        bw->overflow = true;
        return;
    }
    if (b)
        bw->buf[bw->bits / 8] |= (uint8_t)(0x80u >> (bw->bits % 8));
    bw->bits++;
}

void sim_h264_bw_u(struct sim_h264_bw *bw, unsigned n, uint32_t v)
{
    for (unsigned i = n; i-- > 0;)
        put_bit(bw, (v >> i) & 1u);
}

void sim_h264_bw_ue(struct sim_h264_bw *bw, uint32_t v)
{
    uint64_t x = (uint64_t)v + 1;
    unsigned len = 0;
    while ((x >> len) > 1)
        len++;
    for (unsigned i = 0; i < len; i++)
        put_bit(bw, 0);
    for (unsigned i = len + 1; i-- > 0;)
        put_bit(bw, (unsigned)((x >> i) & 1u));
}

void sim_h264_bw_se(struct sim_h264_bw *bw, int32_t v)
{
    uint32_t k = v > 0 ? (uint32_t)v * 2 - 1 : (uint32_t)(-(int64_t)v) * 2;
    sim_h264_bw_ue(bw, k);
}

void sim_h264_bw_trailing(struct sim_h264_bw *bw)
{
    put_bit(bw, 1);
    while (bw->bits % 8)
        put_bit(bw, 0);
}

long sim_h264_bw_nal(const struct sim_h264_bw *bw, uint8_t nal_header, uint8_t *out,
                     size_t len, size_t cap)
{
    size_t n = (bw->bits + 7) / 8;
    unsigned zeros = 0;

    if (bw->overflow || cap < len || cap - len < 5)
        return -1;
    out[len++] = 0;
    out[len++] = 0;
    out[len++] = 0;
    out[len++] = 1;
    out[len++] = nal_header;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = bw->buf[i];
        if (zeros >= 2 && b <= 3) {
            if (len >= cap)
                return -1;
            out[len++] = 3;
            zeros = 0;
        }
        if (len >= cap)
            return -1;
        out[len++] = b;
        zeros = b == 0 ? zeros + 1 : 0;
    }
    return (long)len;
}
