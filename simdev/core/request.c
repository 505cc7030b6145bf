#include "request.h"

#include <errno.h>
#include <linux/media.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "device.h"
#include "log.h"

int sim_request_alloc(void)
{
    struct sim_request *req = calloc(1, sizeof(*req));
    if (!req)
        return -ENOMEM;
    req->state = SIM_REQ_IDLE;
    int fd = sim_fd_add(SIM_OBJ_REQUEST, req);
    if (fd < 0) {
        free(req);
        return fd;
    }
    req->fd = fd;
    return fd;
}

struct sim_request *sim_request_from_fd(int fd)
{
    const struct sim_fd_entry *e = sim_fd_lookup(fd);
    if (!e || e->type != SIM_OBJ_REQUEST)
        return NULL;
    return e->obj;
}

int sim_request_bind(struct sim_request *req, struct sim_ctx *ctx)
{
    if (req->ctx == ctx)
        return 0;
    if (req->ctx) {
        sim_log("request %d already holds objects of another context", req->fd);
        return -EINVAL;
    }
    int ret = sim_ctx_add_request(ctx, req);
    if (ret)
        return ret;
    req->ctx = ctx;
    return 0;
}

int sim_request_bind_ctrls(struct sim_request *req, struct sim_ctx *ctx)
{
    if (req->has_ctrls)
        return 0;
    int ret = sim_request_bind(req, ctx);
    if (ret)
        return ret;
    ret = sim_ctrl_set_dup(&req->vals, &ctx->cur);
    if (ret)
        return ret;
    sim_ctrl_set_clear_flags(&req->vals);
    req->has_ctrls = true;
    return 0;
}

static void unbind_buffers(struct sim_request *req, bool back_to_user)
{
    struct sim_ctx *ctx = req->ctx;
    if (!ctx)
        return;
    for (unsigned i = 0; i < ctx->out.count; i++) {
        struct sim_buffer *b = ctx->out.bufs[i];
        if (!(req->out_mask & (1ull << i)) || b->req != req)
            continue;
        b->req = NULL;
        if (back_to_user && b->state == SIM_BUF_IN_REQUEST) {
            b->state = SIM_BUF_DEQUEUED;
            b->request_fd = -1;
        }
    }
    req->out_mask = 0;
}

void sim_request_clean(struct sim_request *req)
{
    unbind_buffers(req, true);
    if (req->ctx)
        sim_ctx_remove_request(req->ctx, req);
    req->ctx = NULL;
    req->has_ctrls = false;
    sim_ctrl_set_free(&req->vals);
}

static void request_free(struct sim_request *req)
{
    sim_request_clean(req);
    free(req);
}

void sim_request_complete(struct sim_request *req)
{
    /* Objects completed: the request keeps its control values (readable with
     * G_EXT_CTRLS) but no longer holds buffers. */
    unbind_buffers(req, false);
    req->state = SIM_REQ_COMPLETE;
    if (req->ctx) {
        sim_ctx_remove_request(req->ctx, req);
        /* Keep ctx for G_EXT_CTRLS only while the context lives: detach now, the
         * values are stored in the request itself. */
        req->ctx = NULL;
    }
    sim_event_broadcast();
    if (req->fd < 0) {
        sim_ctrl_set_free(&req->vals);
        free(req);
    }
}

void sim_request_detach_ctx(struct sim_request *req)
{
    if (req->state == SIM_REQ_QUEUED) {
        sim_request_complete(req);
        return;
    }
    /* Idle request: the context's objects (buffers, control handler) are unbound. */
    sim_request_clean(req);
}

void sim_request_release_fd(struct sim_request *req)
{
    req->fd = -1;
    if (req->state == SIM_REQ_QUEUED)
        return; /* freed on completion */
    request_free(req);
}

static int request_validate(struct sim_request *req)
{
    struct sim_ctx *ctx = req->ctx;
    unsigned nbufs = 0;

    for (uint64_t m = req->out_mask; m; m &= m - 1)
        nbufs++;
    /* Like cedrus/rkvdec request_validate: buffer count first, then controls. */
    if (!ctx || nbufs == 0) {
        sim_log("request %d: no OUTPUT buffer", req->fd);
        return -ENOENT;
    }
    if (nbufs > 1) {
        sim_log("request %d: more than one OUTPUT buffer", req->fd);
        return -EINVAL;
    }
    /* The profile's policy: cedrus_request_validate() (the codec's required controls),
     * rkvdec_request_validate() (every per-request control), hantro (none). */
    const struct sim_codec *codec = ctx->codec;
    enum sim_req_policy policy = codec ? sim_ctx_pcodec(ctx, codec)->required : SIM_REQ_NONE;
    if (policy != SIM_REQ_NONE && !req->has_ctrls) {
        sim_log("request %d: no controls", req->fd);
        return -ENOENT;
    }
    for (size_t i = 0; policy != SIM_REQ_NONE && i < codec->n_controls; i++) {
        const struct sim_ctrl_def *d = &codec->controls[i];
        bool needed = policy == SIM_REQ_ALL
                          ? sim_ctrl_is_compound(d) && !(d->flags & SIM_CTRL_NOT_PER_REQUEST)
                          : (d->flags & SIM_CTRL_REQUIRED) != 0;
        if (!needed)
            continue;
        const struct sim_ctrl_value *v = req->has_ctrls ? sim_ctrl_set_find(&req->vals, d->id)
                                                        : NULL;
        if (!v || !v->set) {
            sim_log("request %d: missing control 0x%x (%s)", req->fd, d->id, d->name);
            return -ENOENT;
        }
    }
    return 0;
}

static int request_queue(struct sim_request *req)
{
    if (req->state != SIM_REQ_IDLE)
        return -EBUSY;
    int ret = request_validate(req);
    if (ret)
        return ret;

    struct sim_ctx *ctx = req->ctx;
    req->state = SIM_REQ_QUEUED;
    req->order = ++ctx->req_order;
    for (unsigned i = 0; i < ctx->out.count; i++) {
        struct sim_buffer *b = ctx->out.bufs[i];
        if ((req->out_mask & (1ull << i)) && b->req == req) {
            b->state = SIM_BUF_QUEUED;
            b->order = ++ctx->out.order_counter;
        }
    }
    sim_ctx_kick(ctx);
    return 0;
}

static int request_reinit(struct sim_request *req)
{
    if (req->state != SIM_REQ_IDLE && req->state != SIM_REQ_COMPLETE)
        return -EBUSY;
    sim_request_clean(req);
    req->state = SIM_REQ_IDLE;
    return 0;
}

int sim_request_ioctl(struct sim_request *req, unsigned long cmd, void *arg)
{
    (void)arg;
    switch (cmd) {
    case MEDIA_REQUEST_IOC_QUEUE:
        return request_queue(req);
    case MEDIA_REQUEST_IOC_REINIT:
        return request_reinit(req);
    default:
        return -ENOTTY;
    }
}
