/* simdev's own model of H.264 decoded reference picture marking (8.2.5: IDR, sliding
 * window, memory_management_control_operation 1-6), kept per decoding context from the
 * slice headers it decodes. Before each picture the DPB of DECODE_PARAMS must list exactly
 * the pictures marked "used for reference", with their long-term state, long-term frame
 * index and reference fields: a missing, extra or mislabelled entry fails the request. */
#ifndef VAREQ_SIM_H264_MARKING_H
#define VAREQ_SIM_H264_MARKING_H

#include <linux/v4l2-controls.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_h264_slice.h"

#define SIM_H264_MARK_MAX 34

struct sim_h264_marked {
    uint64_t ts;          /* CAPTURE buffer timestamp (the pair's: its second field's) */
    unsigned frame_num;
    unsigned st_fields;   /* V4L2_H264_*_FIELD_REF marked short-term */
    unsigned lt_fields;   /* ... long-term */
    unsigned lt_idx;      /* LongTermFrameIdx when lt_fields */
};

struct sim_h264_marking {
    struct sim_h264_marked m[SIM_H264_MARK_MAX];
    unsigned n;
    int max_lt_idx;          /* MaxLongTermFrameIdx, -1: "no long-term frame indices" */
    bool known;              /* false until an IDR, and after anything not modelled */
    bool have_prev_ref;
    unsigned prev_ref_frame_num;
};

/* Compares the active DPB entries with the model (no-op while !known and for IDR
 * pictures). 0 or -EINVAL. */
int sim_h264_marking_check(const struct sim_h264_marking *mk,
                           const struct v4l2_ctrl_h264_decode_params *d, char *err,
                           size_t errlen);

/* Marks after a decoded picture (s: its first slice). first_field_ts: the timestamp of the
 * first field when this is the second field of a pair, else 0. */
void sim_h264_marking_apply(struct sim_h264_marking *mk, const struct v4l2_ctrl_h264_sps *sps,
                            const struct v4l2_ctrl_h264_decode_params *d,
                            const struct sim_h264_slice *s, uint64_t ts,
                            uint64_t first_field_ts);

#endif
