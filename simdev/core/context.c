#include "context.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "format.h"
#include "log.h"
#include "request.h"

/* The codecs of the profile that simdev has (generic: all, with generic rules). */
static void select_codecs(struct sim_ctx *ctx)
{
    const struct sim_profile *p = ctx->profile;
    if (p->ncodecs == 0) {
        for (size_t i = 0; sim_codecs[i] && ctx->ncodecs < SIM_MAX_CODECS; i++) {
            struct sim_profile_codec *pc = &ctx->pcodecs[ctx->ncodecs];
            memset(pc, 0, sizeof(*pc));
            pc->codec = sim_codecs[i]->name;
            pc->frmsize = (struct v4l2_frmsize_stepwise){
                SIM_MIN_WIDTH, SIM_MAX_WIDTH, SIM_SIZE_ALIGN,
                SIM_MIN_HEIGHT, SIM_MAX_HEIGHT, SIM_SIZE_ALIGN };
            pc->bit_depths = sim_codecs[i]->bit_depths;
            pc->required = SIM_REQ_CODEC;
            pc->hold_capture_buf = true; /* generic: every codec (slice-based use) */
            ctx->codecs[ctx->ncodecs++] = sim_codecs[i];
        }
        return;
    }
    for (size_t i = 0; i < p->ncodecs && ctx->ncodecs < SIM_MAX_CODECS; i++) {
        const struct sim_codec *c = sim_codec_by_name(p->codecs[i].codec);
        if (!c)
            continue; /* not built (yet) */
        ctx->pcodecs[ctx->ncodecs] = p->codecs[i];
        ctx->pcodecs[ctx->ncodecs].bit_depths &= c->bit_depths;
        ctx->codecs[ctx->ncodecs++] = c;
    }
}

/* Codecs with a slice-based variant use it, with HOLD_CAPTURE_BUF, when the profile says
 * so (cedrus H.264) or with the +slice-based option. */
static void use_slice_variants(struct sim_ctx *ctx)
{
    const bool all = ctx->cfg.profile_opts & SIM_PROFILE_OPT_SLICE_BASED;
    for (size_t i = 0; i < ctx->ncodecs; i++) {
        if (!ctx->codecs[i]->slice_based || !(all || ctx->pcodecs[i].slice_based))
            continue;
        ctx->codecs[i] = ctx->codecs[i]->slice_based;
        ctx->pcodecs[i].hold_capture_buf = true;
    }
}

void sim_ctx_reset_formats(struct sim_ctx *ctx)
{
    ctx->bit_depth = 8;
    sim_fmt_default_output(ctx, &ctx->out.fmt);
    ctx->codec = sim_ctx_codec(ctx, ctx->out.fmt.pixelformat);
    sim_fmt_capture_from_output(ctx, &ctx->out.fmt, 0, 0, &ctx->cap.fmt);
}

const struct sim_profile_codec *sim_ctx_pcodec(const struct sim_ctx *ctx,
                                               const struct sim_codec *c)
{
    for (size_t i = 0; i < ctx->ncodecs; i++)
        if (ctx->codecs[i] == c)
            return &ctx->pcodecs[i];
    return &ctx->pcodecs[0];
}

int sim_ctx_fault_ioctl(struct sim_ctx *ctx, unsigned long cmd)
{
    const struct sim_dev_faults *f = &ctx->cfg.dev;
    ctx->ioctl_calls++;
    if (f->disappear_after && ctx->ioctl_calls > f->disappear_after)
        sim_dev_set_gone();
    if (sim_dev_gone())
        return -ENODEV;
    for (size_t i = 0; i < f->n_ioctl; i++) {
        if (f->ioctl[i].cmd != cmd)
            continue;
        if (sim_fault_fires(&f->ioctl[i].rate, ++ctx->ioctl_fault_hits[i])) {
            sim_log("fault: ioctl 0x%lx fails with errno %d", cmd, f->ioctl[i].err);
            return -f->ioctl[i].err;
        }
    }
    return 0;
}

bool sim_ctx_hold_supported(const struct sim_ctx *ctx)
{
    return ctx->codec && sim_ctx_pcodec(ctx, ctx->codec)->hold_capture_buf;
}

uint32_t sim_queue_caps(const struct sim_ctx *ctx, const struct sim_queue *q)
{
    uint32_t caps = V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS;
    if (ctx->profile->memory & (1u << V4L2_MEMORY_MMAP))
        caps |= V4L2_BUF_CAP_SUPPORTS_MMAP;
    if (ctx->profile->memory & (1u << V4L2_MEMORY_DMABUF))
        caps |= V4L2_BUF_CAP_SUPPORTS_DMABUF;
    if (sim_fmt_is_output(q->type)) {
        caps |= V4L2_BUF_CAP_SUPPORTS_REQUESTS;
        if (sim_ctx_hold_supported(ctx))
            caps |= V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF;
    }
    return caps;
}

/* The last OUTPUT buffer handed to the driver that has not run yet
 * (v4l2_m2m_last_src_buf). */
static struct sim_buffer *last_pending_src(struct sim_ctx *ctx)
{
    struct sim_buffer *best = NULL;
    for (unsigned i = 0; i < ctx->out.count; i++) {
        struct sim_buffer *b = ctx->out.bufs[i];
        if (b->state == SIM_BUF_QUEUED && (!best || b->order > best->order))
            best = b;
    }
    return best;
}

int sim_ctx_decoder_cmd(struct sim_ctx *ctx, struct v4l2_decoder_cmd *dc, bool try_only)
{
    if (!ctx->profile->decoder_cmd)
        return -ENOTTY;
    /* v4l2_m2m_ioctl_stateless_try_decoder_cmd(): FLUSH only, flags cleared. */
    if (dc->cmd != V4L2_DEC_CMD_FLUSH)
        return -EINVAL;
    dc->flags = 0;
    if (try_only)
        return 0;
    /* v4l2_m2m_ioctl_stateless_decoder_cmd(): a pending OUTPUT buffer loses its HOLD flag;
     * with none, a held CAPTURE buffer is returned now. */
    struct sim_buffer *src = last_pending_src(ctx);
    if (src) {
        src->hold_capture = false;
        return 0;
    }
    for (unsigned i = 0; i < ctx->cap.count; i++) {
        struct sim_buffer *b = ctx->cap.bufs[i];
        if (b->held && b->state == SIM_BUF_QUEUED) {
            b->held = false;
            b->state = SIM_BUF_DONE;
            b->order = ++ctx->cap.order_counter;
            sim_event_broadcast();
        }
    }
    return 0;
}

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
    ctx->profile = cfg.profile;
    select_codecs(ctx);
    use_slice_variants(ctx);
    if (ctx->ncodecs == 0) {
        sim_err("profile %s: none of its codecs is built into simdev", ctx->profile->name);
        free(ctx);
        return -ENODEV;
    }
    sim_ctx_reset_formats(ctx);

    ret = sim_ctrl_handler_init(&ctx->hdl, ctx->codecs, ctx->ncodecs);
    if (!ret)
        ret = sim_ctrl_set_init(&ctx->cur, &ctx->hdl);
    if (!ret)
        ret = sim_ctrl_set_init(&ctx->job_ctrls, &ctx->hdl);
    if (!ret)
        ret = -sim_cond_init(&ctx->wake);
    if (ret) {
        sim_ctrl_set_free(&ctx->job_ctrls);
        sim_ctrl_set_free(&ctx->cur);
        sim_ctrl_handler_free(&ctx->hdl);
        free(ctx);
        return ret;
    }

    ret = pthread_create(&ctx->worker, NULL, sim_worker_main, ctx);
    if (ret) {
        pthread_cond_destroy(&ctx->wake);
        sim_ctrl_set_free(&ctx->job_ctrls);
        sim_ctrl_set_free(&ctx->cur);
        sim_ctrl_handler_free(&ctx->hdl);
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
        if (ctx->engine)
            ctx->engine_codec->destroy(ctx->engine);
        sim_ctrl_set_free(&ctx->job_ctrls);
        sim_ctrl_set_free(&ctx->cur);
        sim_ctrl_handler_free(&ctx->hdl);
        free(ctx);
        return fd;
    }
    ctx->fd = fd;
    sim_ctx_prio_open(ctx);
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

    sim_ctx_prio_close(ctx);
    /* The worker is joined: its engine can go. */
    if (ctx->engine)
        ctx->engine_codec->destroy(ctx->engine);
    ctx->engine = NULL;
    sim_ctrl_set_free(&ctx->job_ctrls);
    sim_ctrl_set_free(&ctx->cur);
    sim_ctrl_handler_free(&ctx->hdl);
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

const struct sim_codec *sim_ctx_codec(const struct sim_ctx *ctx, uint32_t pixfmt)
{
    for (size_t i = 0; i < ctx->ncodecs; i++)
        if (ctx->codecs[i]->output_pixfmt == pixfmt)
            return ctx->codecs[i];
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
        b->held = false;
        b->hold_capture = false;
        b->prepared = false;
        b->hang = false;
    }
    q->streaming = false;
    q->sequence = 0;
    sim_event_broadcast();
}
