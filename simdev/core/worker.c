/* The decode worker of a context (the m2m "device_run"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../codecs/vp9/sim_vp9.h"
#include "context.h"
#include "device.h"
#include "format.h"
#include "log.h"
#include "request.h"

struct job {
    struct sim_request *req;
    struct sim_buffer *src;
    struct sim_buffer *dst;
    struct v4l2_ctrl_vp9_frame frame;
    struct v4l2_ctrl_vp9_compressed_hdr hdr;
    struct sim_picture ref_pics[3];
    const struct sim_picture *refs[3];
    struct sim_picture dst_pic;
    const uint8_t *bitstream;
    size_t len;
    uint32_t cap_width, cap_height;
};

/* The oldest queued request of ctx whose OUTPUT buffer is queued. */
static struct sim_request *next_request(struct sim_ctx *ctx)
{
    struct sim_request *best = NULL;
    for (size_t i = 0; i < ctx->nreqs; i++) {
        struct sim_request *r = ctx->reqs[i];
        if (r->state == SIM_REQ_QUEUED && r->out_mask && (!best || r->order < best->order))
            best = r;
    }
    return best;
}

static struct sim_buffer *request_buffer(struct sim_ctx *ctx, struct sim_request *req)
{
    for (unsigned i = 0; i < ctx->out.count; i++)
        if ((req->out_mask & (1ull << i)) && ctx->out.bufs[i]->req == req &&
            ctx->out.bufs[i]->state == SIM_BUF_QUEUED)
            return ctx->out.bufs[i];
    return NULL;
}

/* vb2_find_buffer(): any CAPTURE buffer whose copied timestamp matches. */
static struct sim_buffer *find_by_ts(struct sim_ctx *ctx, uint64_t ts)
{
    for (unsigned i = 0; i < ctx->cap.count; i++) {
        struct sim_buffer *b = ctx->cap.bufs[i];
        if (b->has_ts && b->ts_ns == ts)
            return b;
    }
    return NULL;
}

static void picture_of(struct sim_ctx *ctx, struct sim_buffer *b, struct sim_picture *p)
{
    p->data = b->map;
    p->size = b->length;
    p->width = b->dec_width;
    p->height = b->dec_height;
    p->bytesperline = ctx->cap.fmt.plane_fmt[0].bytesperline;
    p->uv_offset = sim_fmt_uv_offset(&ctx->cap.fmt);
}

/* Takes a job if one is ready (lock held). */
static bool take_job(struct sim_ctx *ctx, struct job *job)
{
    if (!ctx->out.streaming || !ctx->cap.streaming)
        return false;
    struct sim_request *req = next_request(ctx);
    if (!req)
        return false;
    struct sim_buffer *dst = sim_queue_oldest(&ctx->cap, SIM_BUF_QUEUED);
    if (!dst)
        return false;
    struct sim_buffer *src = request_buffer(ctx, req);
    if (!src)
        return false;

    memset(job, 0, sizeof(*job));
    job->req = req;
    job->src = src;
    job->dst = dst;

    /* v4l2_ctrl_request_setup(): the request's values become current. */
    if (req->vals.has_frame)
        ctx->cur.frame = req->vals.frame;
    if (req->vals.has_hdr)
        ctx->cur.hdr = req->vals.hdr;
    /* At completion the request reports the values it was decoded with. */
    req->vals.frame = ctx->cur.frame;
    req->vals.hdr = ctx->cur.hdr;
    req->vals.has_frame = req->vals.has_hdr = true;
    job->frame = ctx->cur.frame;
    job->hdr = ctx->cur.hdr;

    if (ctx->cfg.faults & SIM_FAULT_VP9_SWAP_REF_TS) {
        uint64_t t = job->frame.last_frame_ts;
        job->frame.last_frame_ts = job->frame.golden_frame_ts;
        job->frame.golden_frame_ts = t;
    }
    if (ctx->cfg.faults & SIM_FAULT_VP9_CORRUPT_BASE_Q)
        job->frame.quant.base_q_idx ^= 1;

    const uint64_t ts[3] = { job->frame.last_frame_ts, job->frame.golden_frame_ts,
                             job->frame.alt_frame_ts };
    for (int i = 0; i < 3; i++) {
        struct sim_buffer *rb = find_by_ts(ctx, ts[i]);
        if (rb && rb->dec_width && rb->dec_height) {
            picture_of(ctx, rb, &job->ref_pics[i]);
            job->refs[i] = &job->ref_pics[i];
        }
    }

    /* v4l2_m2m_buf_copy_metadata(): timestamp OUTPUT -> CAPTURE at job start. */
    dst->timestamp = src->timestamp;
    dst->ts_ns = src->ts_ns;
    dst->has_ts = true;
    dst->user_flags = src->user_flags;
    picture_of(ctx, dst, &job->dst_pic);
    job->dst_pic.width = 0;
    job->dst_pic.height = 0;

    job->cap_width = ctx->cap.fmt.width;
    job->cap_height = ctx->cap.fmt.height;
    job->bitstream = src->map + src->data_offset;
    job->len = src->bytesused > src->data_offset ? src->bytesused - src->data_offset : 0;

    src->state = SIM_BUF_ACTIVE;
    dst->state = SIM_BUF_ACTIVE;
    ctx->job_running = true;
    return true;
}

static int run_job(struct sim_ctx *ctx, struct job *job, char *err, size_t errlen)
{
    const struct v4l2_ctrl_vp9_frame *f = &job->frame;
    uint32_t w = (uint32_t)f->frame_width_minus_1 + 1, h = (uint32_t)f->frame_height_minus_1 + 1;

    if (w > job->cap_width || h > job->cap_height) {
        snprintf(err, errlen, "frame %ux%u larger than the CAPTURE format %ux%u", w, h,
                 job->cap_width, job->cap_height);
        return -EINVAL;
    }
    if (job->dst_pic.uv_offset + job->dst_pic.uv_offset / 2 > job->dst_pic.size) {
        snprintf(err, errlen, "CAPTURE buffer too small");
        return -EINVAL;
    }
    /* ctx->vp9 is only touched by this thread (and freed after it was joined). */
    if (!ctx->vp9) {
        ctx->vp9 = sim_vp9_create();
        /* ctx->vp9 is only touched by this thread (and freed after it was joined). */
    if (!ctx->vp9) {
            snprintf(err, errlen, "cannot create the VP9 engine");
            return -ENOMEM;
        }
    }
    return sim_vp9_decode(ctx->vp9, &job->frame, &job->hdr, job->bitstream, job->len,
                          job->refs, &job->dst_pic, err, errlen);
}

static void finish_job(struct sim_ctx *ctx, struct job *job, int ret, const char *err)
{
    struct sim_buffer *src = job->src, *dst = job->dst;

    if (ret == 0) {
        dst->dec_width = job->dst_pic.width;
        dst->dec_height = job->dst_pic.height;
        dst->bytesused = ctx->cap.fmt.plane_fmt[0].sizeimage;
        dst->error = false;
    } else {
        dst->dec_width = dst->dec_height = 0;
        dst->bytesused = 0;
        dst->error = true;
        sim_log("decode failed (ts %llu): %s", (unsigned long long)dst->ts_ns,
                err[0] ? err : strerror(-ret));
    }
    src->sequence = ctx->out.sequence++;
    dst->sequence = ctx->cap.sequence++;
    src->state = SIM_BUF_DONE;
    src->order = ++ctx->out.order_counter;
    dst->state = SIM_BUF_DONE;
    dst->order = ++ctx->cap.order_counter;
    sim_request_complete(job->req);
    ctx->job_running = false;
    sim_event_broadcast();
    pthread_cond_broadcast(&ctx->wake);
}

void *sim_worker_main(void *arg)
{
    struct sim_ctx *ctx = arg;
    struct job job;
    char err[256];

    sim_lock();
    while (!ctx->stop) {
        if (!take_job(ctx, &job)) {
            sim_cond_wait(&ctx->wake);
            continue;
        }
        sim_unlock();
        err[0] = '\0';
        int ret = run_job(ctx, &job, err, sizeof(err));
        sim_lock();
        finish_job(ctx, &job, ret, err);
    }
    sim_unlock();
    return NULL;
}
