/* Priorities (v4l2-dev.c v4l2_prio_*) and control events (v4l2-event.c,
 * v4l2_ctrl_subscribe_event) of the video node. Lock held. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "ctrls.h"
#include "device.h"

/* Number of open contexts at each priority (the device's v4l2_prio_state). */
static unsigned prio_count[V4L2_PRIORITY_RECORD + 1];

void sim_ctx_prio_open(struct sim_ctx *ctx)
{
    ctx->prio = V4L2_PRIORITY_DEFAULT;
    prio_count[ctx->prio]++;
}

void sim_ctx_prio_close(struct sim_ctx *ctx)
{
    if (ctx->prio <= V4L2_PRIORITY_RECORD && prio_count[ctx->prio] > 0)
        prio_count[ctx->prio]--;
}

uint32_t sim_ctx_prio_max(void)
{
    for (int p = V4L2_PRIORITY_RECORD; p >= V4L2_PRIORITY_BACKGROUND; p--)
        if (prio_count[p] > 0)
            return (uint32_t)p;
    return V4L2_PRIORITY_UNSET;
}

bool sim_ctx_prio_ok(const struct sim_ctx *ctx)
{
    return ctx->prio >= sim_ctx_prio_max();
}

int sim_ctx_set_prio(struct sim_ctx *ctx, uint32_t prio)
{
    if (prio < V4L2_PRIORITY_BACKGROUND || prio > V4L2_PRIORITY_RECORD)
        return -EINVAL;
    sim_ctx_prio_close(ctx);
    ctx->prio = prio;
    prio_count[prio]++;
    return 0;
}

static struct sim_sub *find_sub(struct sim_ctx *ctx, uint32_t type, uint32_t id)
{
    for (unsigned i = 0; i < ctx->nsubs; i++)
        if (ctx->subs[i].type == type && ctx->subs[i].id == id)
            return &ctx->subs[i];
    return NULL;
}

/* fill_event() of v4l2-ctrls-api.c. */
static void fill_ctrl_event(const struct sim_ctx *ctx, const struct sim_ctrl_def *d,
                            uint32_t changes, struct v4l2_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->type = V4L2_EVENT_CTRL;
    ev->id = d->id;
    ev->u.ctrl.changes = changes;
    ev->u.ctrl.type = d->type;
    ev->u.ctrl.flags = sim_ctrl_is_compound(d) ? V4L2_CTRL_FLAG_HAS_PAYLOAD : 0;
    if (d->flags & SIM_CTRL_DYNAMIC_ARRAY)
        ev->u.ctrl.flags |= V4L2_CTRL_FLAG_DYNAMIC_ARRAY;
    if (!sim_ctrl_is_compound(d)) {
        const struct sim_ctrl_value *v = sim_ctrl_set_find(&ctx->cur, d->id);
        if (v && d->elem_size == sizeof(int64_t)) {
            memcpy(&ev->u.ctrl.value64, v->data, sizeof(int64_t));
        } else if (v) {
            int32_t v32;
            memcpy(&v32, v->data, sizeof(v32));
            ev->u.ctrl.value = v32;
        }
        ev->u.ctrl.minimum = (int32_t)d->min;
        ev->u.ctrl.maximum = (int32_t)d->max;
        ev->u.ctrl.step = (int32_t)(d->type == V4L2_CTRL_TYPE_MENU ? 1 : d->step);
        ev->u.ctrl.default_value = (int32_t)d->def;
    } else {
        ev->u.ctrl.step = 1;
    }
}

static void queue_event(struct sim_ctx *ctx, struct v4l2_event *ev)
{
    if (ctx->nevents == SIM_MAX_EVENTS) {
        /* Like a full v4l2 event ring: the oldest event is dropped. */
        memmove(&ctx->events[0], &ctx->events[1], sizeof(ctx->events[0]) * (SIM_MAX_EVENTS - 1));
        ctx->nevents--;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ev->timestamp = ts;
    ev->sequence = ctx->event_sequence++;
    ctx->events[ctx->nevents++] = *ev;
    sim_event_broadcast();
}

int sim_ctx_subscribe(struct sim_ctx *ctx, struct v4l2_event_subscription *sub, bool on)
{
    if (!on) {
        if (sub->type == V4L2_EVENT_ALL) {
            ctx->nsubs = 0;
            return 0;
        }
        struct sim_sub *s = find_sub(ctx, sub->type, sub->id);
        if (s)
            *s = ctx->subs[--ctx->nsubs];
        return 0;
    }
    /* v4l2_ctrl_subscribe_event(): control events of existing controls only. */
    if (sub->type != V4L2_EVENT_CTRL)
        return -EINVAL;
    const struct sim_ctrl_def *d = sim_ctrl_find(&ctx->hdl, sub->id);
    if (!d)
        return -EINVAL;
    memset(sub->reserved, 0, sizeof(sub->reserved));
    if (find_sub(ctx, sub->type, sub->id))
        return 0;
    if (ctx->nsubs == SIM_MAX_SUBS)
        return -ENOMEM;
    ctx->subs[ctx->nsubs++] = (struct sim_sub){ sub->type, sub->id, sub->flags };
    if (sub->flags & V4L2_EVENT_SUB_FL_SEND_INITIAL) {
        struct v4l2_event ev;
        fill_ctrl_event(ctx, d, V4L2_EVENT_CTRL_CH_VALUE | V4L2_EVENT_CTRL_CH_FLAGS, &ev);
        queue_event(ctx, &ev);
    }
    return 0;
}

int sim_ctx_dqevent(struct sim_ctx *ctx, struct v4l2_event *ev)
{
    if (ctx->nevents == 0)
        return -ENOENT;
    *ev = ctx->events[0];
    memmove(&ctx->events[0], &ctx->events[1], sizeof(ctx->events[0]) * (ctx->nevents - 1));
    ctx->nevents--;
    ev->pending = ctx->nevents;
    memset(ev->reserved, 0, sizeof(ev->reserved));
    return 0;
}

void sim_ctx_ctrl_changed(struct sim_ctx *ctx, uint32_t id)
{
    /* The changing file handle gets the event only with ALLOW_FEEDBACK (send_event()). */
    struct sim_sub *s = find_sub(ctx, V4L2_EVENT_CTRL, id);
    const struct sim_ctrl_def *d = sim_ctrl_find(&ctx->hdl, id);
    if (!s || !d || !(s->flags & V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK))
        return;
    struct v4l2_event ev;
    fill_ctrl_event(ctx, d, V4L2_EVENT_CTRL_CH_VALUE, &ev);
    queue_event(ctx, &ev);
}
