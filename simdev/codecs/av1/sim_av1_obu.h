/* Writes AV1 OBUs from the V4L2 AV1 controls: a sequence header OBU, a frame header OBU
 * (every uncompressed_header() field from the controls) and a tile group OBU around the
 * tile data the TILE_GROUP_ENTRY array names. Inconsistent controls fail with a reason. */
#ifndef VAREQ_SIM_AV1_OBU_H
#define VAREQ_SIM_AV1_OBU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vareq/v4l2-av1.h"

/* What the engine's slot model knows of reference slot i (spec RefOrderHint, SavedGmParams,
 * RefValid). */
struct av1_slot_state {
    bool valid;
    uint32_t order_hint;
    int32_t gm_params[8][6];
};

struct av1_obu_in {
    const struct v4l2_ctrl_av1_sequence *seq;
    const struct v4l2_ctrl_av1_frame *frame;
    const struct v4l2_ctrl_av1_film_grain *grain; /* NULL: no film grain control */
    const struct v4l2_ctrl_av1_tile_group_entry *tiles;
    unsigned n_tiles;
    const uint8_t *data; /* OUTPUT bytes */
    size_t len;
    const struct av1_slot_state *slots; /* [8] */
};

/* Writes sequence header + frame header + tile group OBUs to out. Returns the bytes
 * written, or -1 with a reason in err. */
long av1_write_temporal_unit(const struct av1_obu_in *in, uint8_t *out, size_t cap, char *err,
                             size_t errlen);

/* Upper bound of the bytes av1_write_temporal_unit needs. */
size_t av1_obu_bound(const struct av1_obu_in *in);

void av1_default_gm_params(int32_t p[8][6]);

#endif
