/* The VP8 entry of the simdev codec table: the control (defaults and validation as the
 * kernel's std_init_compound/std_validate_compound do them for V4L2_CTRL_TYPE_VP8_FRAME),
 * a fault, and the engine adapter around sim_vp8.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../codec.h"
#include "sim_vp8.h"

static void vp8_init_frame(void *elem)
{
    struct v4l2_ctrl_vp8_frame *f = elem;
    memset(f, 0, sizeof(*f));
    f->num_dct_parts = 1;
}

static int vp8_validate_frame(void *elem)
{
    struct v4l2_ctrl_vp8_frame *f = elem;
    switch (f->num_dct_parts) {
    case 1:
    case 2:
    case 4:
    case 8:
        break;
    default:
        return -EINVAL;
    }
    f->segment.padding = 0;
    f->lf.padding = 0;
    f->quant.padding = 0;
    memset(f->entropy.padding, 0, sizeof(f->entropy.padding));
    f->coder_state.padding = 0;
    return 0;
}

static const struct sim_ctrl_def vp8_controls[] = {
    { .id = V4L2_CID_STATELESS_VP8_FRAME, .type = V4L2_CTRL_TYPE_VP8_FRAME,
      .name = "VP8 Frame Parameters", .elem_size = sizeof(struct v4l2_ctrl_vp8_frame),
      .flags = SIM_CTRL_REQUIRED, .init = vp8_init_frame, .validate = vp8_validate_frame },
};

static const struct sim_ref_ts_field vp8_ref_ts[] = {
    { V4L2_CID_STATELESS_VP8_FRAME, offsetof(struct v4l2_ctrl_vp8_frame, last_frame_ts) },
    { V4L2_CID_STATELESS_VP8_FRAME, offsetof(struct v4l2_ctrl_vp8_frame, golden_frame_ts) },
    { V4L2_CID_STATELESS_VP8_FRAME, offsetof(struct v4l2_ctrl_vp8_frame, alt_frame_ts) },
};

static void fault_corrupt_q(struct sim_ctrl_set *ctrls)
{
    struct v4l2_ctrl_vp8_frame *f = sim_ctrls_get_mut(ctrls, V4L2_CID_STATELESS_VP8_FRAME, NULL);
    if (f)
        f->quant.y_ac_qi ^= 1;
}

static const struct sim_codec_fault vp8_faults[] = {
    { "vp8-corrupt-q", fault_corrupt_q },
};

struct sim_engine {
    struct sim_vp8 *vp8;
};

static struct sim_engine *vp8_create(void)
{
    struct sim_engine *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->vp8 = sim_vp8_create();
    if (!e->vp8) {
        free(e);
        return NULL;
    }
    return e;
}

static void vp8_destroy(struct sim_engine *e)
{
    if (!e)
        return;
    sim_vp8_destroy(e->vp8);
    free(e);
}

/* NV12/NV12M pictures map onto the engine's two planes; P010 is not VP8's. */
static bool to_pic(const struct sim_picture *p, struct sim_vp8_pic *o)
{
    if (!p || p->fourcc == V4L2_PIX_FMT_P010 || p->bit_depth > 8)
        return false;
    o->y.data = p->plane[0].data;
    o->y.size = p->plane[0].size;
    o->y.bytesperline = p->plane[0].bytesperline;
    o->uv.data = p->plane[1].data;
    o->uv.size = p->plane[1].size;
    o->uv.bytesperline = p->plane[1].bytesperline;
    o->width = p->width;
    o->height = p->height;
    return true;
}

static int vp8_decode(struct sim_engine *e, const struct sim_decode_job *job, char *err,
                      size_t errlen)
{
    const struct v4l2_ctrl_vp8_frame *f =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_VP8_FRAME, NULL);
    if (!f) {
        snprintf(err, errlen, "vp8: the VP8 frame control is missing");
        return -EINVAL;
    }
    struct sim_vp8_pic dst, refpics[3];
    const struct sim_vp8_pic *refs[3] = { NULL, NULL, NULL };
    if (!to_pic(job->dst, &dst)) {
        snprintf(err, errlen, "vp8: CAPTURE format is not 8-bit NV12/NV12M");
        return -EINVAL;
    }
    const uint64_t ts[3] = { f->last_frame_ts, f->golden_frame_ts, f->alt_frame_ts };
    for (int i = 0; i < 3; i++) {
        const struct sim_picture *p = sim_job_find_ref(job, ts[i]);
        /* a buffer that holds no decoded frame is as good as no buffer */
        if (p && p->width && p->height && to_pic(p, &refpics[i]))
            refs[i] = &refpics[i];
    }
    int r = sim_vp8_decode(e->vp8, f, job->bitstream, job->len, refs, &dst, err, errlen);
    if (r == 0) {
        job->dst->width = dst.width;
        job->dst->height = dst.height;
    }
    return r;
}

const struct sim_codec sim_codec_vp8 = {
    .name = "vp8",
    .output_pixfmt = V4L2_PIX_FMT_VP8_FRAME,
    .description = "VP8 Frame",
    .controls = vp8_controls,
    .n_controls = sizeof(vp8_controls) / sizeof(vp8_controls[0]),
    .bit_depths = SIM_BIT_DEPTH(8),
    .ref_ts = vp8_ref_ts,
    .n_ref_ts = sizeof(vp8_ref_ts) / sizeof(vp8_ref_ts[0]),
    .faults = vp8_faults,
    .n_faults = sizeof(vp8_faults) / sizeof(vp8_faults[0]),
    .create = vp8_create,
    .destroy = vp8_destroy,
    .decode = vp8_decode,
};
