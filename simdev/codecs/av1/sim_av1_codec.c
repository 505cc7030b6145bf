/* The AV1 entry of the simdev codec table: the four AV1 stateless controls and the engine
 * adapter around sim_av1.h. Control validation (the kernel's validate_av1_*) is owned by
 * the simdev core engineer and plugs into .validate. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "../codec.h"
#include "sim_av1.h"
#include "sim_av1_faults.h"

static const struct sim_ctrl_def av1_controls[] = {
    { .id = V4L2_CID_STATELESS_AV1_SEQUENCE, .type = V4L2_CTRL_TYPE_AV1_SEQUENCE,
      .name = "AV1 Sequence Parameters", .elem_size = sizeof(struct v4l2_ctrl_av1_sequence),
      .flags = SIM_CTRL_REQUIRED },
    { .id = V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
      .type = V4L2_CTRL_TYPE_AV1_TILE_GROUP_ENTRY, .name = "AV1 Tile Group Entry",
      .elem_size = sizeof(struct v4l2_ctrl_av1_tile_group_entry),
      .dims = { V4L2_AV1_MAX_TILE_COUNT }, .flags = SIM_CTRL_REQUIRED | SIM_CTRL_DYNAMIC_ARRAY },
    { .id = V4L2_CID_STATELESS_AV1_FRAME, .type = V4L2_CTRL_TYPE_AV1_FRAME,
      .name = "AV1 Frame Parameters", .elem_size = sizeof(struct v4l2_ctrl_av1_frame),
      .flags = SIM_CTRL_REQUIRED },
    { .id = V4L2_CID_STATELESS_AV1_FILM_GRAIN, .type = V4L2_CTRL_TYPE_AV1_FILM_GRAIN,
      .name = "AV1 Film Grain", .elem_size = sizeof(struct v4l2_ctrl_av1_film_grain) },
};

static const struct sim_ref_ts_field av1_ref_ts[] = {
    { V4L2_CID_STATELESS_AV1_FRAME, offsetof(struct v4l2_ctrl_av1_frame, reference_frame_ts) },
    { V4L2_CID_STATELESS_AV1_FRAME,
      offsetof(struct v4l2_ctrl_av1_frame, reference_frame_ts) + sizeof(__u64) },
};

static unsigned av1_ctrl_bit_depth(uint32_t id, const void *value)
{
    if (id != V4L2_CID_STATELESS_AV1_SEQUENCE || !value)
        return 0;
    return ((const struct v4l2_ctrl_av1_sequence *)value)->bit_depth;
}

struct sim_engine {
    struct sim_av1 *av1;
};

static struct sim_engine *av1_create(void)
{
    struct sim_engine *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->av1 = sim_av1_create();
    if (!e->av1) {
        free(e);
        return NULL;
    }
    return e;
}

static void av1_destroy(struct sim_engine *e)
{
    if (!e)
        return;
    sim_av1_destroy(e->av1);
    free(e);
}

static int av1_decode(struct sim_engine *e, const struct sim_decode_job *job, char *err,
                      size_t errlen)
{
    struct sim_av1_input in;
    uint32_t n_tiles = 0, n_grain = 0;

    in.seq = sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_AV1_SEQUENCE, NULL);
    in.frame = sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_AV1_FRAME, NULL);
    in.tiles = sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, &n_tiles);
    in.grain = sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_AV1_FILM_GRAIN, &n_grain);
    if (!in.seq || !in.frame || !in.tiles || !n_tiles) {
        snprintf(err, errlen, "av1: the AV1 controls are missing");
        return -EINVAL;
    }
    if (!n_grain)
        in.grain = NULL;
    in.n_tiles = n_tiles;
    return sim_av1_decode(e->av1, &in, job, err, errlen);
}

const struct sim_codec sim_codec_av1 = {
    .name = "av1",
    .output_pixfmt = V4L2_PIX_FMT_AV1_FRAME,
    .description = "AV1 Frame",
    .controls = av1_controls,
    .n_controls = sizeof(av1_controls) / sizeof(av1_controls[0]),
    .bit_depths = SIM_BIT_DEPTH(8) | SIM_BIT_DEPTH(10),
    .ctrl_bit_depth = av1_ctrl_bit_depth,
    .ref_ts = av1_ref_ts,
    .n_ref_ts = sizeof(av1_ref_ts) / sizeof(av1_ref_ts[0]),
    .faults = sim_av1_faults,
    .n_faults = SIM_AV1_N_FAULTS,
    .create = av1_create,
    .destroy = av1_destroy,
    .decode = av1_decode,
};
