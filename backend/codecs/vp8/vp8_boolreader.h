/* VP8 boolean entropy decoder (RFC 6386 section 7), bounds-checked: bytes past the end
 * of the buffer read as zero and are counted in `overrun`. */
#ifndef VAREQ_VP8_BOOLREADER_H
#define VAREQ_VP8_BOOLREADER_H

#include <stddef.h>
#include <stdint.h>

struct vp8_bool_reader {
    const uint8_t *buf;
    size_t size;
    size_t pos;        /* next byte to load */
    uint32_t value;    /* 16-bit window: bits [k, k+16) of the coded number minus low */
    uint32_t range;    /* 128..255 between calls */
    unsigned bit_count;/* shifts since the last byte load (0..7) */
    size_t overrun;    /* bytes read past the end */
};

void vp8_br_init(struct vp8_bool_reader *br, const uint8_t *buf, size_t size);
int vp8_br_read(struct vp8_bool_reader *br, unsigned prob);
unsigned vp8_br_literal(struct vp8_bool_reader *br, unsigned bits);
/* Bit position k of the first bit of the 8-bit comparison window ("value") from the start
 * of the buffer: the first_part_header_bits / VA macroblock_offset convention. */
uint32_t vp8_br_window_bit(const struct vp8_bool_reader *br);

#endif
