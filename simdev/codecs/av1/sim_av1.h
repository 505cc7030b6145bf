/* simdev's AV1 decode engine: decodes one frame from the V4L2 AV1 controls and the OUTPUT
 * bytes only. It writes sequence/frame header OBUs from the controls and a tile group OBU
 * around the tile data (sim_av1_obu.c), and decodes with dav1d (invisible frames output,
 * one thread, frame delay 1). Its slot model follows the controls (ref_frame_idx,
 * refresh_frame_flags, reference timestamps); a request whose timestamps do not match what
 * the model says the slots hold fails (never repaired). One instance per context. */
#ifndef VAREQ_SIM_AV1_H
#define VAREQ_SIM_AV1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../codec.h"
#include "vareq/v4l2-av1.h"

struct sim_av1;

struct sim_av1 *sim_av1_create(void);
void sim_av1_destroy(struct sim_av1 *e);

struct sim_av1_input {
    const struct v4l2_ctrl_av1_sequence *seq;
    const struct v4l2_ctrl_av1_frame *frame;
    const struct v4l2_ctrl_av1_tile_group_entry *tiles;
    unsigned n_tiles;
    const struct v4l2_ctrl_av1_film_grain *grain; /* NULL: absent */
};

/* Decodes one frame (controls in `in`, OUTPUT bytes, references and destination from job).
 * 0 on success (job->dst holds the frame), or a negative errno with a reason in err. */
int sim_av1_decode(struct sim_av1 *e, const struct sim_av1_input *in,
                   const struct sim_decode_job *job, char *err, size_t errlen);

/* Requests whose reference_frame_ts[] disagreed with the slots the earlier requests'
 * refresh_frame_flags described (a failure in strict mode, VAREQ_SIM_AV1_STRICT=1). */
unsigned long sim_av1_slot_mismatches(const struct sim_av1 *e);

#endif
