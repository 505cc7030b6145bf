#include "context.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../codecs/vp9/sim_vp9.h"
#include "device.h"
#include "format.h"
#include "log.h"
#include "request.h"

int sim_ctx_open(int oflags)
{
    struct sim_config cfg;
    int ret = sim_config_parse(&cfg);
    if (ret)
        return ret;

    struct sim_ctx *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return -ENOMEM;
    ctx->oflags = oflags;
    ctx->cfg = cfg;
    sim_queue_init(&ctx->out, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE);
    sim_queue_init(&ctx->cap, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
    sim_fmt_default_output(&ctx->out.fmt);
    sim_fmt_capture_from_output(&ctx->out.fmt, 0, &ctx->cap.fmt);
    sim_ctrl_defaults(&ctx->cur);

    ret = sim_cond_init(&ctx->wake);
    if (ret) {
        free(ctx);
        return -ret;
    }

    ret = pthread_create(&ctx->worker, NULL, sim_worker_main, ctx);
    if (ret) {
        pthread_cond_destroy(&ctx->wake);
        free(ctx);
        return -ret;
    }
    ctx->worker_started = true;

    int fd = sim_fd_add(SIM_OBJ_VIDEO, ctx);
    if (fd < 0) {
        ctx->stop = true;
        pthread_cond_broadcast(&ctx->wake);
        sim_unlock();
        pthread_join(ctx->worker, NULL);
        sim_lock();
        pthread_cond_destroy(&ctx->wake);
        free(ctx);
        return fd;
    }
    ctx->fd = fd;
    return fd;
}

void sim_ctx_release(struct sim_ctx *ctx)
{
    /* Stop the worker: it finishes a running job first. */
    ctx->stop = true;
    pthread_cond_broadcast(&ctx->wake);
    sim_event_broadcast();
    while (ctx->waiters > 0)
        sim_cond_wait(&ctx->wake);
    if (ctx->worker_started) {
        sim_unlock();
        pthread_join(ctx->worker, NULL);
        sim_lock();
        ctx->worker_started = false;
    }

    sim_ctx_cancel_queue(ctx, &ctx->out);
    sim_ctx_cancel_queue(ctx, &ctx->cap);
    /* Detach the remaining requests (each call removes one entry). */
    while (ctx->nreqs > 0)
        sim_request_detach_ctx(ctx->reqs[ctx->nreqs - 1]);
    sim_queue_free_all(&ctx->out);
    sim_queue_free_all(&ctx->cap);

    if (ctx->vp9)
        sim_vp9_destroy(ctx->vp9);
    free(ctx->reqs);
    pthread_cond_destroy(&ctx->wake);
    free(ctx);
    sim_event_broadcast();
}

struct sim_queue *sim_ctx_queue(struct sim_ctx *ctx, unsigned type)
{
    if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE)
        return &ctx->out;
    if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
        return &ctx->cap;
    return NULL;
}

int sim_ctx_add_request(struct sim_ctx *ctx, struct sim_request *req)
{
    for (size_t i = 0; i < ctx->nreqs; i++)
        if (ctx->reqs[i] == req)
            return 0;
    if (ctx->nreqs == ctx->reqs_cap) {
        size_t ncap = ctx->reqs_cap ? ctx->reqs_cap * 2 : 8;
        struct sim_request **n = realloc(ctx->reqs, ncap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        ctx->reqs = n;
        ctx->reqs_cap = ncap;
    }
    ctx->reqs[ctx->nreqs++] = req;
    return 0;
}

void sim_ctx_remove_request(struct sim_ctx *ctx, struct sim_request *req)
{
    for (size_t i = 0; i < ctx->nreqs; i++) {
        if (ctx->reqs[i] == req) {
            memmove(&ctx->reqs[i], &ctx->reqs[i + 1], (ctx->nreqs - i - 1) * sizeof(*ctx->reqs));
            ctx->nreqs--;
            return;
        }
    }
}

void sim_ctx_kick(struct sim_ctx *ctx)
{
    pthread_cond_broadcast(&ctx->wake);
}

void sim_ctx_wait_idle(struct sim_ctx *ctx)
{
    if (!ctx->job_running)
        return;
    /* Counted as a waiter so that a concurrent close() does not free ctx under us. */
    ctx->waiters++;
    while (ctx->job_running)
        sim_cond_wait(&ctx->wake);
    ctx->waiters--;
    pthread_cond_broadcast(&ctx->wake);
}

void sim_ctx_cancel_queue(struct sim_ctx *ctx, struct sim_queue *q)
{
    sim_ctx_wait_idle(ctx);

    if (sim_fmt_is_output(q->type)) {
        /* Queued requests complete (their buffer is cancelled); idle ones lose their
         * buffers. Iterate over a snapshot: completion may free requests. */
        size_t i = 0;
        while (i < ctx->nreqs) {
            struct sim_request *req = ctx->reqs[i];
            size_t before = ctx->nreqs;
            if (req->state == SIM_REQ_QUEUED && req->out_mask) {
                sim_request_complete(req);
            } else if (req->state == SIM_REQ_IDLE && req->out_mask) {
                for (unsigned b = 0; b < q->count; b++) {
                    if (req->out_mask & (1ull << b)) {
                        q->bufs[b]->req = NULL;
                        q->bufs[b]->request_fd = -1;
                    }
                }
                req->out_mask = 0;
            }
            if (ctx->nreqs == before)
                i++;
        }
    }
    for (unsigned i = 0; i < q->count; i++) {
        struct sim_buffer *b = q->bufs[i];
        b->state = SIM_BUF_DEQUEUED;
        b->req = NULL;
        b->request_fd = -1;
    }
    q->streaming = false;
    q->sequence = 0;
    sim_event_broadcast();
}
