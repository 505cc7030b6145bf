/* MSB-first bit reader for the VP9 uncompressed header; fails (sticky) on overrun. */
#ifndef VAREQ_VP9_BITREADER_H
#define VAREQ_VP9_BITREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vp9_bitreader {
    const uint8_t *data;
    size_t size;    /* bytes */
    size_t pos;     /* bits consumed */
    bool overrun;   /* set once a read went past the end; reads then return 0 */
};

void vp9_br_init(struct vp9_bitreader *br, const uint8_t *data, size_t size);
/* Reads n (0..32) bits as an unsigned value. */
uint32_t vp9_br_bits(struct vp9_bitreader *br, unsigned n);
static inline bool vp9_br_bit(struct vp9_bitreader *br) { return vp9_br_bits(br, 1) != 0; }
/* su(n): n magnitude bits followed by a sign bit. */
int32_t vp9_br_signed(struct vp9_bitreader *br, unsigned n);
/* Bytes consumed, rounded up (trailing_bits to the byte boundary). */
size_t vp9_br_bytes_used(const struct vp9_bitreader *br);

#endif
