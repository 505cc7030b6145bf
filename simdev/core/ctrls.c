#include "ctrls.h"

#include <errno.h>
#include <string.h>

static const struct sim_ctrl_desc ctrl_table[] = {
    { V4L2_CID_STATELESS_VP9_FRAME, V4L2_CTRL_TYPE_VP9_FRAME,
      "VP9 Frame Decode Parameters", sizeof(struct v4l2_ctrl_vp9_frame) },
    { V4L2_CID_STATELESS_VP9_COMPRESSED_HDR, V4L2_CTRL_TYPE_VP9_COMPRESSED_HDR,
      "VP9 Probabilities Updates", sizeof(struct v4l2_ctrl_vp9_compressed_hdr) },
};
#define N_CTRLS (sizeof(ctrl_table) / sizeof(ctrl_table[0]))

const struct sim_ctrl_desc *sim_ctrl_find(uint32_t id)
{
    for (size_t i = 0; i < N_CTRLS; i++)
        if (ctrl_table[i].id == id)
            return &ctrl_table[i];
    return NULL;
}

static bool is_compound(uint32_t type)
{
    return type >= V4L2_CTRL_COMPOUND_TYPES;
}

const struct sim_ctrl_desc *sim_ctrl_next(uint32_t id, bool compound_ok, bool plain_ok)
{
    const struct sim_ctrl_desc *best = NULL;
    for (size_t i = 0; i < N_CTRLS; i++) {
        const struct sim_ctrl_desc *d = &ctrl_table[i];
        bool c = is_compound(d->type);
        if ((c && !compound_ok) || (!c && !plain_ok))
            continue;
        if (d->id > id && (!best || d->id < best->id))
            best = d;
    }
    return best;
}

void sim_ctrl_defaults(struct sim_ctrl_vals *v)
{
    memset(v, 0, sizeof(*v));
    /* As std_init_compound() does for V4L2_CTRL_TYPE_VP9_FRAME. */
    v->frame.profile = 0;
    v->frame.bit_depth = 8;
    v->frame.flags = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
}

void *sim_ctrl_storage(struct sim_ctrl_vals *v, uint32_t id)
{
    switch (id) {
    case V4L2_CID_STATELESS_VP9_FRAME:
        return &v->frame;
    case V4L2_CID_STATELESS_VP9_COMPRESSED_HDR:
        return &v->hdr;
    default:
        return NULL;
    }
}

int sim_ctrl_validate(uint32_t id, void *val)
{
    switch (id) {
    case V4L2_CID_STATELESS_VP9_FRAME:
        return sim_ctrl_validate_vp9_frame(val);
    case V4L2_CID_STATELESS_VP9_COMPRESSED_HDR:
        return sim_ctrl_validate_vp9_hdr(val);
    default:
        return -EINVAL;
    }
}

void sim_ctrl_fill_query(const struct sim_ctrl_desc *d, struct v4l2_query_ext_ctrl *q)
{
    memset(q, 0, sizeof(*q));
    q->id = d->id;
    q->type = d->type;
    strncpy(q->name, d->name, sizeof(q->name) - 1);
    /* Compound controls: the kernel reports min 0, max 0, step 1, default 0. */
    q->minimum = 0;
    q->maximum = 0;
    q->step = 1;
    q->default_value = 0;
    q->flags = V4L2_CTRL_FLAG_HAS_PAYLOAD;
    q->elem_size = d->elem_size;
    q->elems = 1;
    q->nr_of_dims = 0;
}
