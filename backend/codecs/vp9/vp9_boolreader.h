/* VP9 boolean (arithmetic) decoder as in the specification (9.2), bit by bit, bounded
 * by the partition size: reading past the end sets a sticky error flag. */
#ifndef VAREQ_VP9_BOOLREADER_H
#define VAREQ_VP9_BOOLREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vp9_boolreader {
    const uint8_t *data;
    size_t size;        /* bytes */
    size_t bitpos;      /* next bit to shift in */
    uint32_t value;
    uint32_t range;
    bool error;
};

/* Returns false if size is 0 or the marker bit is not 0. */
bool vp9_bool_init(struct vp9_boolreader *bd, const uint8_t *data, size_t size);
bool vp9_bool_read(struct vp9_boolreader *bd, uint8_t prob);
uint32_t vp9_bool_literal(struct vp9_boolreader *bd, unsigned n);

#endif
