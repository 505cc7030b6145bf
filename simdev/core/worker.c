/* The decode worker of a context (the m2m "device_run"), codec-agnostic: it applies the
 * request's controls, snapshots the CAPTURE buffers for reference lookup and calls the
 * codec engine of the OUTPUT format (codecs/codec.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "device.h"
#include "format.h"
#include "log.h"
#include "request.h"

/* What the worker needs of one CAPTURE buffer for reference lookup (taken at job start,
 * under the lock: vb2_find_buffer semantics over the queue as it was then). */
struct ref_entry {
    uint64_t ts;
    struct sim_picture pic;
};

struct job {
    struct sim_request *req;
    struct sim_buffer *src;
    struct sim_buffer *dst;
    const struct sim_codec *codec;
    struct sim_picture dst_pic;
    struct ref_entry refs[SIM_MAX_BUFFERS];
    unsigned nrefs;
    struct sim_decode_job dj;
};

static struct sim_buffer *request_buffer(struct sim_ctx *ctx, struct sim_request *req)
{
    for (unsigned i = 0; i < ctx->out.count; i++)
        if ((req->out_mask & (1ull << i)) && ctx->out.bufs[i]->req == req &&
            ctx->out.bufs[i]->state == SIM_BUF_QUEUED && !ctx->out.bufs[i]->hang)
            return ctx->out.bufs[i];
    return NULL;
}

/* The oldest queued request of ctx whose OUTPUT buffer is ready to run. */
static struct sim_request *next_request(struct sim_ctx *ctx)
{
    struct sim_request *best = NULL;
    for (size_t i = 0; i < ctx->nreqs; i++) {
        struct sim_request *r = ctx->reqs[i];
        if (r->state == SIM_REQ_QUEUED && r->out_mask && (!best || r->order < best->order) &&
            request_buffer(ctx, r))
            best = r;
    }
    return best;
}

/* Describes the memory of CAPTURE buffer b in the context's CAPTURE format. Plane sizes
 * are what the memory really holds, so engines bounds-check against the truth. */
static void picture_of(const struct sim_ctx *ctx, const struct sim_buffer *b,
                       struct sim_picture *p)
{
    const struct v4l2_pix_format_mplane *f = &ctx->cap.fmt;
    memset(p, 0, sizeof(*p));
    p->fourcc = f->pixelformat;
    p->width = b->dec_width;
    p->height = b->dec_height;
    p->fmt_width = f->width;
    p->fmt_height = f->height;
    p->bit_depth = f->pixelformat == V4L2_PIX_FMT_P010 ? 10 : 8;
    p->num_mem_planes = b->num_planes;
    const struct sim_buf_plane *m0 = &b->planes[0];
    uint32_t bpl = f->plane_fmt[0].bytesperline;
    p->plane[0].bytesperline = bpl;
    p->plane[1].bytesperline = b->num_planes == 2 ? f->plane_fmt[1].bytesperline : bpl;
    if (!m0->map)
        return; /* DMABUF without memory: planes stay empty, nothing fits */
    if (b->num_planes == 2) {
        const struct sim_buf_plane *m1 = &b->planes[1];
        p->plane[0].data = m0->map;
        p->plane[0].size = m0->length;
        p->plane[1].data = m1->map;
        p->plane[1].size = m1->map ? m1->length : 0;
        return;
    }
    size_t luma = (size_t)bpl * f->height;
    p->plane[0].data = m0->map;
    if (luma <= m0->length) {
        /* Single memory plane: CbCr follows the luma rows of the format height. */
        p->plane[0].size = luma;
        p->plane[1].data = m0->map + luma;
        p->plane[1].size = m0->length - luma;
    } else {
        p->plane[0].size = m0->length;
        p->plane[1].data = m0->map + m0->length;
        p->plane[1].size = 0;
    }
}

static const struct sim_picture *find_ref(const struct sim_decode_job *dj, uint64_t ts)
{
    const struct job *job = dj->core;
    for (unsigned i = 0; i < job->nrefs; i++)
        if (job->refs[i].ts == ts)
            return &job->refs[i].pic;
    return NULL;
}

/* Generic fault: swaps the first two reference timestamp fields the codec lists. */
static void swap_ref_ts(const struct sim_codec *codec, struct sim_ctrl_set *ctrls)
{
    if (codec->n_ref_ts < 2)
        return;
    uint8_t *p[2];
    for (int i = 0; i < 2; i++) {
        const struct sim_ref_ts_field *fl = &codec->ref_ts[i];
        struct sim_ctrl_value *v = sim_ctrl_set_find(ctrls, fl->ctrl_id);
        if (!v || fl->offset + sizeof(uint64_t) > v->def->elem_size)
            return;
        p[i] = (uint8_t *)v->data + fl->offset;
    }
    uint64_t a, b;
    memcpy(&a, p[0], sizeof(a));
    memcpy(&b, p[1], sizeof(b));
    memcpy(p[0], &b, sizeof(b));
    memcpy(p[1], &a, sizeof(a));
}

static bool fault_of_codec(const struct sim_codec *codec, const struct sim_codec_fault *f)
{
    return codec->n_faults > 0 && f >= codec->faults && f < codec->faults + codec->n_faults;
}

/* Takes a job if one is ready (lock held). */
static bool take_job(struct sim_ctx *ctx, struct job *job)
{
    if (!ctx->out.streaming || !ctx->cap.streaming)
        return false;
    struct sim_request *req = next_request(ctx);
    if (!req)
        return false;
    struct sim_buffer *src = request_buffer(ctx, req);
    if (!src)
        return false;
    struct sim_buffer *dst = sim_queue_oldest(&ctx->cap, SIM_BUF_QUEUED);
    /* v4l2_m2m: a held CAPTURE buffer is returned once an OUTPUT buffer with another
     * timestamp comes. */
    if (dst && dst->held && dst->has_ts && dst->ts_ns != src->ts_ns) {
        dst->held = false;
        dst->state = SIM_BUF_DONE;
        dst->order = ++ctx->cap.order_counter;
        sim_event_broadcast();
        dst = sim_queue_oldest(&ctx->cap, SIM_BUF_QUEUED);
    }
    if (!dst)
        return false;
    bool continues = dst->held; /* next slice of the frame in dst */

    memset(job, 0, sizeof(*job));
    job->req = req;
    job->src = src;
    job->dst = dst;
    job->codec = ctx->codec;

    /* v4l2_ctrl_request_setup(): the request's values become current. */
    if (req->has_ctrls) {
        for (size_t i = 0; i < req->vals.n && i < ctx->cur.n; i++) {
            const struct sim_ctrl_value *rv = &req->vals.v[i];
            struct sim_ctrl_value *cv = &ctx->cur.v[i];
            if (!rv->set || rv->def != cv->def)
                continue;
            cv->elems = rv->elems;
            memcpy(cv->data, rv->data, (size_t)rv->elems * rv->def->elem_size);
        }
        /* At completion the request reports the values it was decoded with. */
        sim_ctrl_set_assign(&req->vals, &ctx->cur);
    }
    sim_ctrl_set_assign(&ctx->job_ctrls, &ctx->cur);
    sim_ctrl_set_clear_flags(&ctx->job_ctrls);

    if (job->codec) {
        if (ctx->cfg.faults & SIM_FAULT_SWAP_REF_TS)
            swap_ref_ts(job->codec, &ctx->job_ctrls);
        for (size_t i = 0; i < ctx->cfg.n_codec_faults; i++)
            if (fault_of_codec(job->codec, ctx->cfg.codec_faults[i]))
                ctx->cfg.codec_faults[i]->apply(&ctx->job_ctrls);
    }

    /* v4l2_m2m_buf_copy_metadata(): timestamp OUTPUT -> CAPTURE at job start, before the
     * references are looked up (as the drivers' run preamble does). */
    dst->timestamp = src->timestamp;
    dst->ts_ns = src->ts_ns;
    dst->has_ts = true;
    dst->user_flags = src->user_flags;
    picture_of(ctx, dst, &job->dst_pic);
    if (!continues) {
        job->dst_pic.width = 0;
        job->dst_pic.height = 0;
    }

    for (unsigned i = 0; i < ctx->cap.count; i++) {
        const struct sim_buffer *b = ctx->cap.bufs[i];
        if (!b->has_ts)
            continue;
        struct ref_entry *r = &job->refs[job->nrefs++];
        r->ts = b->ts_ns;
        picture_of(ctx, b, &r->pic);
        if (b == dst && !continues)
            r->pic.width = r->pic.height = 0; /* being overwritten */
    }

    job->dj.ctrls = &ctx->job_ctrls;
    const struct sim_buf_plane *sp = &src->planes[0];
    job->dj.bitstream = sp->map ? sp->map + sp->data_offset : NULL;
    job->dj.len = sp->map && sp->bytesused > sp->data_offset ? sp->bytesused - sp->data_offset
                                                             : 0;
    job->dj.continues_frame = continues;
    job->dj.timestamp = src->ts_ns;
    job->dj.dst = &job->dst_pic;
    job->dj.find_ref = find_ref;
    job->dj.core = job;
    job->dj.faults = ctx->cfg.faults;

    src->state = SIM_BUF_ACTIVE;
    dst->state = SIM_BUF_ACTIVE;
    ctx->job_running = true;
    return true;
}

/* Runs without the lock. ctx->engine is only touched by this thread (and destroyed
 * after it was joined). */
static int run_job(struct sim_ctx *ctx, struct job *job, char *err, size_t errlen)
{
    const struct sim_codec *codec = job->codec;
    if (!codec) {
        snprintf(err, errlen, "OUTPUT format is not a codec of this device");
        return -EINVAL;
    }
    if (ctx->engine && ctx->engine_codec != codec) {
        ctx->engine_codec->destroy(ctx->engine);
        ctx->engine = NULL;
    }
    if (!ctx->engine) {
        ctx->engine = codec->create();
        if (!ctx->engine) {
            snprintf(err, errlen, "cannot create the %s engine", codec->name);
            return -ENOMEM;
        }
        ctx->engine_codec = codec;
    }
    return codec->decode(ctx->engine, &job->dj, err, errlen);
}

static void finish_job(struct sim_ctx *ctx, struct job *job, int ret, const char *err)
{
    struct sim_buffer *src = job->src, *dst = job->dst;

    bool was_held = dst->held;
    if (ret == 0 && job->dst_pic.width && job->dst_pic.height) {
        dst->dec_width = job->dst_pic.width;
        dst->dec_height = job->dst_pic.height;
        for (unsigned p = 0; p < dst->num_planes; p++)
            dst->planes[p].bytesused = ctx->cap.fmt.plane_fmt[p].sizeimage;
        if (!was_held)
            dst->error = false; /* an earlier slice's error sticks */
    } else {
        if (ret == 0)
            err = "engine reported success without a picture size";
        dst->dec_width = dst->dec_height = 0;
        for (unsigned p = 0; p < dst->num_planes; p++)
            dst->planes[p].bytesused = 0;
        dst->error = true;
        sim_log("decode failed (ts %llu): %s", (unsigned long long)dst->ts_ns,
                err[0] ? err : strerror(ret < 0 ? -ret : EIO));
    }
    src->sequence = ctx->out.sequence++;
    src->state = SIM_BUF_DONE;
    src->order = ++ctx->out.order_counter;
    /* v4l2_m2m_buf_done_and_job_finish(): HOLD keeps the CAPTURE buffer for the next
     * slice (it stays first among the queued ones); otherwise it is done. */
    if (src->hold_capture) {
        dst->held = true;
        dst->state = SIM_BUF_QUEUED;
    } else {
        dst->held = false;
        dst->sequence = ctx->cap.sequence++;
        dst->state = SIM_BUF_DONE;
        dst->order = ++ctx->cap.order_counter;
    }
    sim_request_complete(job->req);
    ctx->job_running = false;
    sim_event_broadcast();
    pthread_cond_broadcast(&ctx->wake);
}

void *sim_worker_main(void *arg)
{
    struct sim_ctx *ctx = arg;
    struct job *job = malloc(sizeof(*job));
    char err[256];

    if (!job)
        sim_err("worker: out of memory; this context will not decode");
    sim_lock();
    while (!ctx->stop) {
        if (!job || !take_job(ctx, job)) {
            sim_cond_wait(&ctx->wake);
            continue;
        }
        sim_unlock();
        err[0] = '\0';
        int ret = run_job(ctx, job, err, sizeof(err));
        const struct sim_dev_faults *f = &ctx->cfg.dev;
        unsigned n = ++ctx->jobs;
        if (sim_fault_fires(&f->late, n)) {
            struct timespec d = { (time_t)(f->late_ms / 1000), (long)(f->late_ms % 1000) * 1000000L };
            nanosleep(&d, NULL); /* fault "late": completion delayed */
        }
        if (ret == 0 && sim_fault_fires(&f->cap_error, n)) {
            ret = -EIO;
            snprintf(err, sizeof(err), "fault cap-error");
        }
        sim_lock();
        if (sim_fault_fires(&f->never, n)) {
            /* fault "never": the job never completes; its buffers stay with the driver
             * until STREAMOFF/close cancels the request. */
            sim_log("fault: request of ts %llu never completes",
                    (unsigned long long)job->src->ts_ns);
            job->src->state = SIM_BUF_QUEUED;
            job->src->hang = true;
            ctx->job_running = false;
            pthread_cond_broadcast(&ctx->wake);
            continue;
        }
        finish_job(ctx, job, ret, err);
    }
    sim_unlock();
    free(job);
    return NULL;
}
