/* Bounds-checked RBSP bit reader over an escaped H.264 NAL unit payload: emulation
 * prevention bytes (00 00 03) are removed while reading. Every read past the end sets
 * the error flag and returns 0; callers check h264_br_ok() after a group of reads. */
#ifndef VAREQ_H264_BITREADER_H
#define VAREQ_H264_BITREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct h264_br {
    const uint8_t *buf;
    size_t size;      /* escaped bytes */
    size_t byte;      /* next escaped byte index */
    unsigned bit;     /* bits already consumed of the current RBSP byte (0..7) */
    uint8_t cur;      /* current RBSP byte */
    bool have_cur;
    unsigned zeros;   /* consecutive zero bytes read (for EPB detection) */
    uint64_t rbsp_bits; /* RBSP bits consumed */
    bool error;
};

void h264_br_init(struct h264_br *br, const uint8_t *buf, size_t size);
uint32_t h264_br_u(struct h264_br *br, unsigned n); /* n <= 32 */
uint32_t h264_br_ue(struct h264_br *br);            /* ue(v), values up to 2^32-2 */
int32_t h264_br_se(struct h264_br *br);
static inline bool h264_br_ok(const struct h264_br *br) { return !br->error; }
static inline uint64_t h264_br_pos(const struct h264_br *br) { return br->rbsp_bits; }
/* true when more RBSP data precedes the rbsp_stop_one_bit (7.2 more_rbsp_data()) is not
 * needed by slice headers; not provided. */

#endif
