/* Video node control ioctls (model of v4l2-ctrls-api.c / v4l2-ctrls-request.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "ctrls.h"
#include "device.h"
#include "format.h"
#include "log.h"
#include "request.h"

#define MAX_CTRLS 1024u

static int query_ext_ctrl(struct sim_ctx *ctx, struct v4l2_query_ext_ctrl *q)
{
    uint32_t id = q->id;
    const struct sim_ctrl_def *d;

    if (id & (V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND)) {
        bool compound = id & V4L2_CTRL_FLAG_NEXT_COMPOUND;
        bool plain = id & V4L2_CTRL_FLAG_NEXT_CTRL;
        d = sim_ctrl_next(&ctx->hdl, id & V4L2_CTRL_ID_MASK, compound, plain);
    } else {
        d = sim_ctrl_find(&ctx->hdl, id);
    }
    if (!d)
        return -EINVAL;
    sim_ctrl_fill_query(d, sim_ctrl_set_find(&ctx->cur, d->id), q);
    return 0;
}

static int queryctrl(struct sim_ctx *ctx, struct v4l2_queryctrl *qc)
{
    struct v4l2_query_ext_ctrl q;
    memset(&q, 0, sizeof(q));
    q.id = qc->id;
    int ret = query_ext_ctrl(ctx, &q);
    if (ret)
        return ret;
    memset(qc, 0, sizeof(*qc));
    qc->id = q.id;
    qc->type = q.type;
    memcpy(qc->name, q.name, sizeof(qc->name));
    qc->flags = q.flags;
    /* v4l_queryctrl: compound types report min/max/step/default as 0; 64-bit ranges are
     * only reported for types that fit. */
    if (q.type < V4L2_CTRL_COMPOUND_TYPES && q.type != V4L2_CTRL_TYPE_INTEGER64) {
        qc->minimum = (int32_t)q.minimum;
        qc->maximum = (int32_t)q.maximum;
        qc->step = (int32_t)q.step;
        qc->default_value = (int32_t)q.default_value;
    }
    return 0;
}

static int querymenu(struct sim_ctx *ctx, struct v4l2_querymenu *qm)
{
    const struct sim_ctrl_def *d = sim_ctrl_find(&ctx->hdl, qm->id);
    uint32_t index = qm->index;
    if (!d || (d->type != V4L2_CTRL_TYPE_MENU && d->type != V4L2_CTRL_TYPE_INTEGER_MENU))
        return -EINVAL;
    if ((int64_t)index < d->min || (int64_t)index > d->max)
        return -EINVAL;
    if (index < 64 && (d->menu_skip_mask & (1ull << index)))
        return -EINVAL;
    if (d->type == V4L2_CTRL_TYPE_MENU) {
        if (!d->menu || !d->menu[index] || !d->menu[index][0])
            return -EINVAL;
        memset(qm->name, 0, sizeof(qm->name));
        strncpy((char *)qm->name, d->menu[index], sizeof(qm->name) - 1);
    } else {
        qm->value = index;
    }
    qm->reserved = 0;
    return 0;
}

enum ext_op { OP_GET, OP_TRY, OP_SET };

/* Resolves the storage a G/S/TRY_EXT_CTRLS call works on. *vals == NULL: defaults. */
static int resolve_target(struct sim_ctx *ctx, struct v4l2_ext_controls *cs, enum ext_op op,
                          struct sim_ctrl_set **vals, struct sim_request **reqp)
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
        *vals = req->has_ctrls ? &req->vals : NULL;
        return 0;
    }
    if (cs->which == V4L2_CTRL_WHICH_DEF_VAL) {
        if (op != OP_GET)
            return -EINVAL;
        *vals = NULL;
        return 0;
    }
    /* V4L2_CTRL_WHICH_CUR_VAL or a control class: current values. */
    *vals = &ctx->cur;
    return 0;
}

/* Elements a control of the current/req values holds (what a get returns). */
static uint32_t held_elems(const struct sim_ctrl_def *d, const struct sim_ctrl_set *vals)
{
    const struct sim_ctrl_value *v = vals ? sim_ctrl_set_find(vals, d->id) : NULL;
    return v ? v->elems : sim_ctrl_default_elems(d);
}

/* prepare_ext_ctrls(): ids, classes and sizes. */
static int check_ids(struct sim_ctx *ctx, struct v4l2_ext_controls *cs, enum ext_op op,
                     const struct sim_ctrl_set *vals)
{
    for (uint32_t i = 0; i < cs->count; i++) {
        struct v4l2_ext_control *c = &cs->controls[i];
        const struct sim_ctrl_def *d = sim_ctrl_find(&ctx->hdl, c->id);
        uint32_t bad_idx = op == OP_SET ? cs->count : i;
        if (!d || (cs->which != V4L2_CTRL_WHICH_CUR_VAL &&
                   cs->which != V4L2_CTRL_WHICH_DEF_VAL &&
                   cs->which != V4L2_CTRL_WHICH_REQUEST_VAL &&
                   V4L2_CTRL_ID2WHICH(c->id) != cs->which)) {
            cs->error_idx = bad_idx;
            return -EINVAL;
        }
        if (!sim_ctrl_is_compound(d))
            continue; /* value / value64 */
        if (d->flags & SIM_CTRL_DYNAMIC_ARRAY) {
            uint32_t max_size = sim_ctrl_max_elems(d) * d->elem_size;
            uint32_t tot = (op == OP_GET ? held_elems(d, vals) : 1) * d->elem_size;
            c->size = d->elem_size * (c->size / d->elem_size);
            if (op == OP_GET) {
                if (c->size < tot) {
                    c->size = tot;
                    cs->error_idx = i;
                    return -ENOSPC;
                }
                c->size = tot;
            } else {
                if (c->size > max_size) {
                    c->size = max_size;
                    cs->error_idx = bad_idx;
                    return -ENOSPC;
                }
                if (c->size == 0) {
                    cs->error_idx = bad_idx;
                    return -EFAULT;
                }
            }
        } else {
            uint32_t tot = sim_ctrl_max_elems(d) * d->elem_size;
            if (c->size < tot) {
                if (op == OP_GET) {
                    c->size = tot;
                    cs->error_idx = i;
                    return -ENOSPC;
                }
                cs->error_idx = bad_idx;
                return -EFAULT;
            }
            c->size = tot;
        }
        if (!c->ptr) {
            cs->error_idx = bad_idx;
            return -EFAULT;
        }
    }
    return 0;
}

static void get_one(const struct sim_ctrl_def *d, const struct sim_ctrl_value *v,
                    struct v4l2_ext_control *c)
{
    uint8_t tmp[8];
    const void *src = v ? v->data : NULL;
    uint32_t elems = v ? v->elems : sim_ctrl_default_elems(d);

    if (sim_ctrl_is_compound(d)) {
        if (src) {
            memcpy(c->ptr, src, (size_t)elems * d->elem_size);
        } else {
            /* Defaults, element by element (the kernel's DEF_VAL). */
            for (uint32_t e = 0; e < elems; e++)
                sim_ctrl_init_elems(d, (uint8_t *)c->ptr, e, e + 1);
        }
        c->size = elems * d->elem_size;
        return;
    }
    if (!src) {
        sim_ctrl_init_elems(d, tmp, 0, 1);
        src = tmp;
    }
    if (d->elem_size == sizeof(int64_t)) {
        memcpy(&c->value64, src, sizeof(int64_t));
    } else {
        int32_t v32;
        memcpy(&v32, src, sizeof(v32));
        c->value = v32;
    }
}

static int ext_ctrls(struct sim_ctx *ctx, struct v4l2_ext_controls *cs, enum ext_op op)
{
    if (cs->count > MAX_CTRLS)
        return -EINVAL;
    if (cs->count > 0 && !cs->controls)
        return -EFAULT;
    cs->error_idx = cs->count;

    struct sim_ctrl_set *vals;
    struct sim_request *req;
    int ret = resolve_target(ctx, cs, op, &vals, &req);
    if (ret)
        return ret;
    if (cs->count == 0)
        return 0;
    ret = check_ids(ctx, cs, op, vals);
    if (ret)
        return ret;

    if (op == OP_GET) {
        for (uint32_t i = 0; i < cs->count; i++) {
            struct v4l2_ext_control *c = &cs->controls[i];
            const struct sim_ctrl_def *d = sim_ctrl_find(&ctx->hdl, c->id);
            get_one(d, vals ? sim_ctrl_set_find(vals, c->id) : NULL, c);
        }
        return 0;
    }

    /* Validate every new value on a copy first; nothing is stored unless all pass. */
    struct sim_ctrl_set next;
    ret = vals ? sim_ctrl_set_dup(&next, vals) : sim_ctrl_set_dup(&next, &ctx->cur);
    if (ret)
        return ret;
    if (!vals)
        sim_ctrl_set_clear_flags(&next); /* a request's first controls */
    for (uint32_t i = 0; i < cs->count; i++) {
        struct v4l2_ext_control *c = &cs->controls[i];
        const struct sim_ctrl_def *d = sim_ctrl_find(&ctx->hdl, c->id);
        struct sim_ctrl_value *v = sim_ctrl_set_find(&next, c->id);
        cs->error_idx = i;
        if (sim_ctrl_is_compound(d)) {
            uint32_t elems = c->size / d->elem_size;
            if (elems == 0 || elems > v->max_elems) {
                ret = -EINVAL;
                goto out;
            }
            memcpy(v->data, c->ptr, (size_t)elems * d->elem_size);
            if (!(d->flags & SIM_CTRL_DYNAMIC_ARRAY))
                elems = v->max_elems;
            v->elems = elems;
        } else if (d->elem_size == sizeof(int64_t)) {
            memcpy(v->data, &c->value64, sizeof(int64_t));
        } else {
            int32_t v32 = c->value;
            memcpy(v->data, &v32, sizeof(v32));
        }
        ret = sim_ctrl_validate_elems(d, v->data, v->elems);
        if (ret) {
            sim_log("%s_EXT_CTRLS: control 0x%x (%s) rejected", op == OP_SET ? "S" : "TRY",
                    c->id, d->name);
            ret = ret == -ERANGE ? -ERANGE : -EINVAL; /* std_validate_elem's codes */
            goto out;
        }
        /* Report back what was accepted (rounded plain values). */
        if (!sim_ctrl_is_compound(d))
            get_one(d, v, c);
        v->set = req != NULL;
    }
    cs->error_idx = cs->count;

    /* A control that tells the bit depth (SPS, sequence header) selects the CAPTURE
     * formats, as hantro's s_ctrl does: unsupported depth -> EINVAL; a change while
     * CAPTURE has buffers -> EBUSY; otherwise the CAPTURE format is reset. */
    unsigned new_depth = 0;
    if (!req && ctx->codec && ctx->codec->ctrl_bit_depth) {
        for (uint32_t i = 0; i < cs->count; i++) {
            const struct sim_ctrl_value *v = sim_ctrl_set_find(&next, cs->controls[i].id);
            unsigned d = ctx->codec->ctrl_bit_depth(cs->controls[i].id, v->data);
            if (!d)
                continue;
            if (d >= 32 || !(sim_ctx_pcodec(ctx, ctx->codec)->bit_depths & (1u << d))) {
                cs->error_idx = i;
                ret = -EINVAL;
                goto out;
            }
            new_depth = d;
        }
        if (new_depth && new_depth != ctx->bit_depth && ctx->cap.count > 0) {
            ret = -EBUSY;
            goto out;
        }
    }
    if (op == OP_TRY) {
        ret = 0;
        goto out;
    }
    if (new_depth && new_depth != ctx->bit_depth) {
        ctx->bit_depth = new_depth;
        sim_fmt_capture_from_output(ctx, &ctx->out.fmt, 0, 0, &ctx->cap.fmt);
    }
    if (req) {
        ret = sim_request_bind_ctrls(req, ctx);
        if (ret)
            goto out;
        vals = &req->vals;
    }
    sim_ctrl_set_assign(vals, &next);
    if (!req)
        for (uint32_t i = 0; i < cs->count; i++)
            sim_ctx_ctrl_changed(ctx, cs->controls[i].id);
    ret = 0;
out:
    sim_ctrl_set_free(&next);
    return ret;
}

/* VIDIOC_G_CTRL / S_CTRL: plain controls of the current values only. */
static int g_s_ctrl(struct sim_ctx *ctx, struct v4l2_control *ctl, bool set)
{
    const struct sim_ctrl_def *d = sim_ctrl_find(&ctx->hdl, ctl->id);
    if (!d || sim_ctrl_is_compound(d) || d->type == V4L2_CTRL_TYPE_INTEGER64)
        return -EINVAL;
    struct v4l2_ext_control c = { .id = ctl->id, .value = ctl->value };
    struct v4l2_ext_controls cs = { .which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1,
                                    .controls = &c };
    int ret = ext_ctrls(ctx, &cs, set ? OP_SET : OP_GET);
    if (ret)
        return ret;
    ctl->value = c.value;
    return 0;
}

int sim_video_ctrl_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg, bool *handled)
{
    *handled = true;
    switch (cmd) {
    case VIDIOC_QUERY_EXT_CTRL:
        return query_ext_ctrl(ctx, arg);
    case VIDIOC_QUERYCTRL:
        return queryctrl(ctx, arg);
    case VIDIOC_QUERYMENU:
        return querymenu(ctx, arg);
    case VIDIOC_G_CTRL:
        return g_s_ctrl(ctx, arg, false);
    case VIDIOC_S_CTRL:
        return g_s_ctrl(ctx, arg, true);
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
