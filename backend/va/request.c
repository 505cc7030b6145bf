/* Request completion: the oldest pending request of a context is waited for (poll on its
 * request fd, VAREQ_DECODE_TIMEOUT_MS), its buffers dequeued and its surfaces given the
 * result; a frame predicted from a frame the device failed is reported failed too
 * ("tainted" CAPTURE memory, docs/architecture.md "Threads and errors"). A timeout, a
 * failed poll or DQBUF resets both queues. ctx->lock held throughout. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* Whether a request the device completed without an error flag decoded a frame that is
 * known good. Not when an earlier (held) request of its picture was flagged, nor when it
 * predicted from a frame that is not known good ("tainted" slot: its own request failed
 * at the device, timed out or was cancelled by a queue reset, or it predicted from such a
 * frame), nor when it completes a frame (second field) whose first part is tainted.
 * Requests complete in order and a reference's slot is pinned until its users complete,
 * so a reference's taint is final here. Real decoders do not check: they predict from
 * whatever an error-flagged buffer holds and report success, so without this the
 * frames up to the next intra picture would report success with wrong pixels. The chain
 * ends at a picture that names no tainted reference (a keyframe / IDR / intra-only
 * frame names none). *why: the reason when not. */
static bool request_clean(const struct vareq_context *ctx, const struct vareq_request *req,
                          const char **why)
{
    if (req->part_failed) {
        *why = "the device flagged an earlier slice request of the picture";
        return false;
    }
    if (req->continues && req->slot && req->slot->tainted) {
        *why = "the first field of the frame did not decode cleanly";
        return false;
    }
    /* a codec that names every live frame (codec.h refs_all_live) names frames the picture
     * does not predict from: docs/architecture.md "Threads and errors" */
    for (unsigned i = 0; !ctx->codec->refs_all_live && i < req->n_refs; i++)
        if (req->refs[i]->tainted) {
            *why = "a reference frame failed to decode (device error flag, timeout or queue "
                   "reset) or was predicted from one: the picture is not known good until "
                   "the next picture that predicts from no such frame (keyframe)";
            return false;
        }
    return true;
}

static void finish_request(struct vareq_context *ctx, struct vareq_request *req, bool ok,
                           const char *why)
{
    struct vareq_driver *drv = ctx->drv;

    if (ok)
        ok = request_clean(ctx, req, &why);
    if (req->slot)
        req->slot->tainted = !ok;
    ctx->req_head = req->next;
    if (!ctx->req_head)
        ctx->req_tail = NULL;
    ctx->n_pending--;
    if (req->out_index < ctx->n_out)
        ctx->out[req->out_index].busy = false;
    if (req->slot)
        req->slot->queued = false;
    for (unsigned i = 0; i < req->n_refs; i++)
        if (req->refs[i]->pending_refs)
            req->refs[i]->pending_refs--;
    if (req->surface && req->surface->pending == req) {
        req->surface->pending = NULL;
        req->surface->status = ok ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_DECODING_ERROR;
    }
    if (req->display && req->display->pending == req) {
        req->display->pending = NULL;
        req->display->status = ok ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_DECODING_ERROR;
    }
    if (ok) {
        atomic_fetch_add(&drv->stats.decoded, 1);
        if (req->profile_idx >= 0 && req->profile_idx < VAREQ_MAX_PROFILES)
            atomic_fetch_add(&drv->stats.per_profile[req->profile_idx], 1);
    } else {
        ctx->failed_requests++;
        atomic_fetch_add(&drv->stats.decode_errors, 1);
        vq_err("decode failed: surface 0x%x, timestamp %llu: %s",
               req->surface ? req->surface->id : VA_INVALID_SURFACE,
               (unsigned long long)req->ts_ns, why);
    }
    if (req->fd >= 0)
        drv->ops->close(req->fd);
    free(req);
}

/* Stops and restarts both queues: every buffer returns to userspace, every pending
 * request fails. Used when the queue state can no longer be trusted. */
static void reset_queues(struct vareq_context *ctx, const char *why)
{
    const struct vareq_sysops *ops = ctx->drv->ops;

    vq_err("context 0x%x: resetting queues: %s", ctx->id, why);
    ctx->failed_requests++;
    v4l2_stream(ops, ctx->video_fd, ctx->out_type, false);
    v4l2_stream(ops, ctx->video_fd, ctx->cap_type, false);
    while (ctx->req_head)
        finish_request(ctx, ctx->req_head, false, why);
    for (unsigned i = 0; i < ctx->pool.n; i++)
        ctx->pool.slots[i].queued = false;
    for (unsigned i = 0; i < ctx->n_out; i++)
        ctx->out[i].busy = false;
    if (v4l2_stream(ops, ctx->video_fd, ctx->out_type, true) < 0 ||
        v4l2_stream(ops, ctx->video_fd, ctx->cap_type, true) < 0)
        vq_err("context 0x%x: STREAMON after reset: %s", ctx->id, strerror(errno));
}

static int dq_retry(struct vareq_context *ctx, uint32_t type, unsigned *index,
                    uint32_t *flags)
{
    const struct vareq_sysops *ops = ctx->drv->ops;
    int waited = 0;

    for (;;) {
        if (v4l2_dqbuf(ops, ctx->video_fd, type, index, flags, NULL) == 0)
            return 0;
        if (errno != EAGAIN || waited >= 1000)
            return -1;
        vq_poll1(ops, ctx->video_fd, POLLIN | POLLOUT | POLLERR, 10, NULL);
        waited += 10;
    }
}

VAStatus vareq_ctx_complete_oldest(struct vareq_context *ctx)
{
    struct vareq_driver *drv = ctx->drv;
    struct vareq_request *req = ctx->req_head;
    unsigned oi, ci;
    uint32_t of, cf;
    short rev = 0;
    int r;

    if (!req)
        return VA_STATUS_SUCCESS;
    r = vq_poll1(drv->ops, req->fd, POLLPRI, drv->decode_timeout_ms, &rev);
    if (r == 0) {
        reset_queues(ctx, "decode timeout (VAREQ_DECODE_TIMEOUT_MS)");
        return VA_STATUS_ERROR_TIMEDOUT;
    }
    if (r < 0 || (rev & (POLLERR | POLLNVAL))) {
        reset_queues(ctx, "poll on the request failed");
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    if (dq_retry(ctx, ctx->out_type, &oi, &of) < 0) {
        reset_queues(ctx, "OUTPUT DQBUF failed after completion");
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    if (dq_retry(ctx, ctx->cap_type, &ci, &cf) < 0) {
        reset_queues(ctx, "CAPTURE DQBUF failed after completion");
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    vq_dbg("completed ts %llu: OUTPUT %u flags 0x%x, CAPTURE %u flags 0x%x",
           (unsigned long long)req->ts_ns, oi, of, ci, cf);
    if (oi != req->out_index || ci != req->slot->index)
        vq_warn("completion order: expected OUTPUT %u / CAPTURE %u, got %u / %u",
                req->out_index, req->slot->index, oi, ci);
    if ((cf & V4L2_BUF_FLAG_ERROR) || (of & V4L2_BUF_FLAG_ERROR))
        finish_request(ctx, req, false, "the device flagged the buffer with an error");
    else {
        vq_dbg("decoded: surface 0x%x into slot %u, timestamp %llu", req->surface->id,
               req->slot->index, (unsigned long long)req->ts_ns);
        finish_request(ctx, req, true, NULL);
    }
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_ctx_complete_all(struct vareq_context *ctx)
{
    while (ctx->req_head) {
        VAStatus st = vareq_ctx_complete_oldest(ctx);
        if (st != VA_STATUS_SUCCESS)
            return st; /* the queues were reset: nothing is pending */
    }
    return VA_STATUS_SUCCESS;
}

void vareq_ctx_restart_queues(struct vareq_context *ctx, const char *why)
{
    vareq_ctx_complete_all(ctx);
    reset_queues(ctx, why);
}

VAStatus vareq_ctx_sync_surface(struct vareq_context *ctx, struct vareq_surface *s)
{
    while (s->pending) {
        VAStatus st = vareq_ctx_complete_oldest(ctx);
        if (st != VA_STATUS_SUCCESS)
            return st;
    }
    return VA_STATUS_SUCCESS;
}
