/* Video node control ioctls (model of v4l2-ctrls-api.c / v4l2-ctrls-request.c). */
#include <errno.h>
#include <string.h>

#include "context.h"
#include "ctrls.h"
#include "device.h"
#include "log.h"
#include "request.h"

#define MAX_CTRLS 1024u

static int query_ext_ctrl(struct v4l2_query_ext_ctrl *q)
{
    uint32_t id = q->id;
    const struct sim_ctrl_desc *d;

    if (id & (V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND)) {
        bool compound = id & V4L2_CTRL_FLAG_NEXT_COMPOUND;
        bool plain = id & V4L2_CTRL_FLAG_NEXT_CTRL;
        d = sim_ctrl_next(id & V4L2_CTRL_ID_MASK, compound, plain);
    } else {
        d = sim_ctrl_find(id);
    }
    if (!d)
        return -EINVAL;
    sim_ctrl_fill_query(d, q);
    return 0;
}

static int queryctrl(struct v4l2_queryctrl *qc)
{
    struct v4l2_query_ext_ctrl q;
    memset(&q, 0, sizeof(q));
    q.id = qc->id;
    int ret = query_ext_ctrl(&q);
    if (ret)
        return ret;
    memset(qc, 0, sizeof(*qc));
    qc->id = q.id;
    qc->type = q.type;
    memcpy(qc->name, q.name, sizeof(qc->name));
    qc->flags = q.flags;
    /* Compound types: v4l_queryctrl reports min/max/step/default as 0. */
    return 0;
}

enum ext_op { OP_GET, OP_TRY, OP_SET };

/* Resolves the storage a G/S/TRY_EXT_CTRLS call works on. */
static int resolve_target(struct sim_ctx *ctx, struct v4l2_ext_controls *cs, enum ext_op op,
                          struct sim_ctrl_vals **vals, struct sim_request **reqp)
{
    *reqp = NULL;
    if (cs->which == V4L2_CTRL_WHICH_REQUEST_VAL) {
        if (cs->request_fd < 0)
            return -EINVAL;
        struct sim_request *req = sim_request_from_fd(cs->request_fd);
        if (!req)
            return -EINVAL;
        if (op == OP_GET) {
            if (req->state != SIM_REQ_COMPLETE)
                return -EACCES;
            if (!req->has_ctrls)
                return -ENOENT;
        } else {
            if (req->state != SIM_REQ_IDLE)
                return -EBUSY;
            if (op == OP_TRY && !req->has_ctrls)
                return -ENOENT;
            if (req->ctx && req->ctx != ctx)
                return -EINVAL;
        }
        *reqp = req;
        *vals = &req->vals;
        return 0;
    }
    if (cs->which == V4L2_CTRL_WHICH_DEF_VAL) {
        if (op != OP_GET)
            return -EINVAL;
        *vals = NULL; /* defaults */
        return 0;
    }
    /* V4L2_CTRL_WHICH_CUR_VAL or a control class: current values. */
    *vals = &ctx->cur;
    return 0;
}

static int check_ids(struct v4l2_ext_controls *cs, enum ext_op op)
{
    for (uint32_t i = 0; i < cs->count; i++) {
        struct v4l2_ext_control *c = &cs->controls[i];
        const struct sim_ctrl_desc *d = sim_ctrl_find(c->id);
        if (!d || (cs->which != V4L2_CTRL_WHICH_CUR_VAL &&
                   cs->which != V4L2_CTRL_WHICH_DEF_VAL &&
                   cs->which != V4L2_CTRL_WHICH_REQUEST_VAL &&
                   V4L2_CTRL_ID2WHICH(c->id) != cs->which)) {
            cs->error_idx = op == OP_SET ? cs->count : i;
            return -EINVAL;
        }
        if (c->size < d->elem_size) {
            if (op == OP_GET) {
                c->size = d->elem_size;
                cs->error_idx = i;
                return -ENOSPC;
            }
            cs->error_idx = op == OP_SET ? cs->count : i;
            return -EFAULT;
        }
        if (!c->ptr) {
            cs->error_idx = op == OP_SET ? cs->count : i;
            return -EFAULT;
        }
    }
    return 0;
}

static int ext_ctrls(struct sim_ctx *ctx, struct v4l2_ext_controls *cs, enum ext_op op)
{
    if (cs->count > MAX_CTRLS)
        return -EINVAL;
    if (cs->count > 0 && !cs->controls)
        return -EFAULT;
    cs->error_idx = cs->count;

    struct sim_ctrl_vals *vals;
    struct sim_request *req;
    int ret = resolve_target(ctx, cs, op, &vals, &req);
    if (ret)
        return ret;
    if (cs->count == 0)
        return 0;
    ret = check_ids(cs, op);
    if (ret)
        return ret;

    if (op == OP_GET) {
        struct sim_ctrl_vals defs;
        if (!vals) {
            sim_ctrl_defaults(&defs);
            vals = &defs;
        }
        for (uint32_t i = 0; i < cs->count; i++) {
            struct v4l2_ext_control *c = &cs->controls[i];
            const struct sim_ctrl_desc *d = sim_ctrl_find(c->id);
            memcpy(c->ptr, sim_ctrl_storage(vals, c->id), d->elem_size);
            c->size = d->elem_size;
        }
        return 0;
    }

    /* Validate every new value on a copy first; nothing is stored unless all pass. */
    struct sim_ctrl_vals next = *vals;
    for (uint32_t i = 0; i < cs->count; i++) {
        struct v4l2_ext_control *c = &cs->controls[i];
        const struct sim_ctrl_desc *d = sim_ctrl_find(c->id);
        void *dst = sim_ctrl_storage(&next, c->id);
        memcpy(dst, c->ptr, d->elem_size);
        c->size = d->elem_size;
        cs->error_idx = i;
        ret = sim_ctrl_validate(c->id, dst);
        if (ret) {
            sim_log("%s_EXT_CTRLS: control 0x%x (%s) rejected", op == OP_SET ? "S" : "TRY",
                    c->id, d->name);
            return ret;
        }
        if (c->id == V4L2_CID_STATELESS_VP9_FRAME)
            next.has_frame = true;
        else if (c->id == V4L2_CID_STATELESS_VP9_COMPRESSED_HDR)
            next.has_hdr = true;
    }
    cs->error_idx = cs->count;
    if (op == OP_TRY)
        return 0;

    if (req) {
        ret = sim_request_bind(req, ctx);
        if (ret)
            return ret;
        req->has_ctrls = true;
    }
    *vals = next;
    if (!req)
        vals->has_frame = vals->has_hdr = false;
    return 0;
}

int sim_video_ctrl_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg, bool *handled)
{
    *handled = true;
    switch (cmd) {
    case VIDIOC_QUERY_EXT_CTRL:
        return query_ext_ctrl(arg);
    case VIDIOC_QUERYCTRL:
        return queryctrl(arg);
    case VIDIOC_G_EXT_CTRLS:
        return ext_ctrls(ctx, arg, OP_GET);
    case VIDIOC_TRY_EXT_CTRLS:
        return ext_ctrls(ctx, arg, OP_TRY);
    case VIDIOC_S_EXT_CTRLS:
        return ext_ctrls(ctx, arg, OP_SET);
    default:
        *handled = false;
        return -ENOTTY;
    }
}
