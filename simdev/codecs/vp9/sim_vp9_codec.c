/* The VP9 entry of the simdev codec table: controls, faults, and the engine adapter
 * around sim_vp9.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "../codec.h"
#include "sim_vp9.h"

static const struct sim_ctrl_def vp9_controls[] = {
    { .id = V4L2_CID_STATELESS_VP9_FRAME, .type = V4L2_CTRL_TYPE_VP9_FRAME,
      .name = "VP9 Frame Decode Parameters", .elem_size = sizeof(struct v4l2_ctrl_vp9_frame),
      .flags = SIM_CTRL_REQUIRED }, /* defaults and checks: the core's kernel rules */
    { .id = V4L2_CID_STATELESS_VP9_COMPRESSED_HDR, .type = V4L2_CTRL_TYPE_VP9_COMPRESSED_HDR,
      .name = "VP9 Probabilities Updates",
      .elem_size = sizeof(struct v4l2_ctrl_vp9_compressed_hdr) },
};

/* The bit depth the VP9 frame control implies (selects NV12 or P010 CAPTURE formats, as
 * rkvdec does from its VP9 frame control). */
static unsigned vp9_ctrl_bit_depth(uint32_t id, const void *value)
{
    const struct v4l2_ctrl_vp9_frame *f = value;
    if (id != V4L2_CID_STATELESS_VP9_FRAME || !f)
        return 0;
    return f->bit_depth;
}

static const struct sim_ref_ts_field vp9_ref_ts[] = {
    { V4L2_CID_STATELESS_VP9_FRAME, offsetof(struct v4l2_ctrl_vp9_frame, last_frame_ts) },
    { V4L2_CID_STATELESS_VP9_FRAME, offsetof(struct v4l2_ctrl_vp9_frame, golden_frame_ts) },
    { V4L2_CID_STATELESS_VP9_FRAME, offsetof(struct v4l2_ctrl_vp9_frame, alt_frame_ts) },
};

static void fault_corrupt_base_q(struct sim_ctrl_set *ctrls)
{
    struct v4l2_ctrl_vp9_frame *f = sim_ctrls_get_mut(ctrls, V4L2_CID_STATELESS_VP9_FRAME, NULL);
    if (f)
        f->quant.base_q_idx ^= 1;
}

static const struct sim_codec_fault vp9_faults[] = {
    { "vp9-corrupt-base-q", fault_corrupt_base_q },
};

struct sim_engine {
    struct sim_vp9 *vp9;
};

static struct sim_engine *vp9_create(void)
{
    struct sim_engine *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->vp9 = sim_vp9_create();
    if (!e->vp9) {
        free(e);
        return NULL;
    }
    return e;
}

static void vp9_destroy(struct sim_engine *e)
{
    if (!e)
        return;
    sim_vp9_destroy(e->vp9);
    free(e);
}

static int vp9_decode(struct sim_engine *e, const struct sim_decode_job *job, char *err,
                      size_t errlen)
{
    const struct v4l2_ctrl_vp9_frame *f =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_VP9_FRAME, NULL);
    const struct v4l2_ctrl_vp9_compressed_hdr *hdr =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_VP9_COMPRESSED_HDR, NULL);
    if (!f || !hdr) {
        snprintf(err, errlen, "vp9: the VP9 controls are missing");
        return -EINVAL;
    }
    const uint64_t ts[3] = { f->last_frame_ts, f->golden_frame_ts, f->alt_frame_ts };
    const struct sim_picture *refs[3];
    for (int i = 0; i < 3; i++) {
        const struct sim_picture *p = sim_job_find_ref(job, ts[i]);
        /* A buffer that holds no decoded frame is as good as no buffer. */
        refs[i] = p && p->width && p->height ? p : NULL;
    }
    return sim_vp9_decode(e->vp9, f, hdr, job->bitstream, job->len, refs, job->dst, err,
                          errlen);
}

const struct sim_codec sim_codec_vp9 = {
    .name = "vp9",
    .output_pixfmt = V4L2_PIX_FMT_VP9_FRAME,
    .description = "VP9 Frame",
    .controls = vp9_controls,
    .n_controls = sizeof(vp9_controls) / sizeof(vp9_controls[0]),
    .bit_depths = SIM_BIT_DEPTH(8) | SIM_BIT_DEPTH(10),
    .ctrl_bit_depth = vp9_ctrl_bit_depth,
    .ref_ts = vp9_ref_ts,
    .n_ref_ts = sizeof(vp9_ref_ts) / sizeof(vp9_ref_ts[0]),
    .faults = vp9_faults,
    .n_faults = sizeof(vp9_faults) / sizeof(vp9_faults[0]),
    .create = vp9_create,
    .destroy = vp9_destroy,
    .decode = vp9_decode,
};
