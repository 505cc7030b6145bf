#include "h264_bitreader.h"

void h264_br_init(struct h264_br *br, const uint8_t *buf, size_t size)
{
    br->buf = buf;
    br->size = buf ? size : 0;
    br->byte = 0;
    br->bit = 0;
    br->cur = 0;
    br->have_cur = false;
    br->zeros = 0;
    br->rbsp_bits = 0;
    br->error = false;
}

/* Loads the next RBSP byte, skipping an emulation_prevention_three_byte. */
static bool load(struct h264_br *br)
{
    if (br->byte >= br->size) {
        br->error = true;
        return false;
    }
    uint8_t b = br->buf[br->byte++];
    if (br->zeros >= 2 && b == 0x03) {
        br->zeros = 0;
        if (br->byte >= br->size) {
            br->error = true;
            return false;
        }
        b = br->buf[br->byte++];
    }
    br->zeros = b == 0 ? br->zeros + 1 : 0;
    br->cur = b;
    br->have_cur = true;
    br->bit = 0;
    return true;
}

static unsigned read_bit(struct h264_br *br)
{
    if (br->error)
        return 0;
    if (!br->have_cur || br->bit == 8) {
        if (!load(br))
            return 0;
    }
    unsigned v = (br->cur >> (7 - br->bit)) & 1u;
    br->bit++;
    br->rbsp_bits++;
    return v;
}

uint32_t h264_br_u(struct h264_br *br, unsigned n)
{
    uint32_t v = 0;
    if (n > 32) {
        br->error = true;
        return 0;
    }
    for (unsigned i = 0; i < n; i++)
        v = (v << 1) | read_bit(br);
    return br->error ? 0 : v;
}

uint32_t h264_br_ue(struct h264_br *br)
{
    unsigned lz = 0;
    while (!br->error && read_bit(br) == 0) {
        if (++lz > 31) {
            br->error = true;
            return 0;
        }
    }
    if (br->error)
        return 0;
    if (lz == 0)
        return 0;
    uint32_t rest = h264_br_u(br, lz);
    if (br->error)
        return 0;
    return (uint32_t)(((uint64_t)1 << lz) - 1 + rest);
}

int32_t h264_br_se(struct h264_br *br)
{
    uint32_t k = h264_br_ue(br);
    if (br->error)
        return 0;
    if (k & 1u)
        return (int32_t)((k + 1) / 2);
    return -(int32_t)(k / 2);
}
