/* Decoding contexts: device setup/teardown, request completion and the CAPTURE pool
 * policies.
 *
 * Pool policies (VAREQ_POOL_POLICY):
 *  - decoupled (default): a surface gets CAPTURE memory when it is decoded into; the
 *    memory it held before returns to the pool. The pool hands out the free slot that was
 *    never exported, or else the least recently exported one (so memory a compositor may
 *    still sample is reused last), and waits for the readers' implicit fences
 *    (poll(POLLOUT) on the exported dma-buf, VAREQ_FENCE_TIMEOUT_MS) before reuse.
 *    A slot named as reference by a pending request, queued at the device or mapped by a
 *    derived image is never handed out.
 *    Consumers that export a surface once and expect later decodes into that surface to
 *    appear in the same memory (Chromium, mpv dmabuf-wayland) are served by stickiness:
 *    a surface whose memory was exported keeps that memory for its next decodes (after
 *    the fence wait) - until the consumer shows it re-exports after every decode (mpv
 *    --vo=gpu style: a second export after a new decode), from then on the surface gets
 *    fresh memory for every decode.
 *  - bound: the original 1:1 binding, surface i of the render targets always decodes
 *    into CAPTURE buffer i (kept for comparison). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "driver.h"

#define OUTPUT_BUFS 4
#define MIN_OUTPUT_SIZE (1u << 20)
#define DEFAULT_SURFACES 16

static unsigned align_up(unsigned v, unsigned a)
{
    return a <= 1 ? v : (v + a - 1) / a * a;
}

/* ---- request completion ---- */

static void finish_request(struct vareq_context *ctx, struct vareq_request *req, bool ok,
                           const char *why)
{
    struct vareq_driver *drv = ctx->drv;

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
    if (ok) {
        atomic_fetch_add(&drv->stats.decoded, 1);
        if (req->profile_idx >= 0 && req->profile_idx < VAREQ_MAX_PROFILES)
            atomic_fetch_add(&drv->stats.per_profile[req->profile_idx], 1);
    } else {
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
    v4l2_stream(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, false);
    v4l2_stream(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, false);
    while (ctx->req_head)
        finish_request(ctx, ctx->req_head, false, why);
    for (unsigned i = 0; i < ctx->pool.n; i++)
        ctx->pool.slots[i].queued = false;
    for (unsigned i = 0; i < ctx->n_out; i++)
        ctx->out[i].busy = false;
    if (v4l2_stream(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, true) < 0 ||
        v4l2_stream(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, true) < 0)
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
    if (dq_retry(ctx, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, &oi, &of) < 0) {
        reset_queues(ctx, "OUTPUT DQBUF failed after completion");
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    if (dq_retry(ctx, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, &ci, &cf) < 0) {
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

VAStatus vareq_ctx_sync_surface(struct vareq_context *ctx, struct vareq_surface *s)
{
    while (s->pending) {
        VAStatus st = vareq_ctx_complete_oldest(ctx);
        if (st != VA_STATUS_SUCCESS)
            return st;
    }
    return VA_STATUS_SUCCESS;
}

/* ---- pool policy ---- */

static void give_slot(struct vareq_context *ctx, struct vareq_surface *s,
                      struct vareq_slot *slot)
{
    if (s->slot && s->slot != slot && s->slot->owner == s)
        vareq_pool_release(&ctx->pool, s->slot);
    if (slot->owner && slot->owner != s) {
        /* bound policy stealing memory from another surface: that frame is gone */
        slot->owner->slot = NULL;
        slot->owner->has_frame = false;
    }
    slot->owner = s;
    s->slot = slot;
}

/* Waits until the slot is not queued and not referenced by pending requests. */
static VAStatus wait_slot_idle(struct vareq_context *ctx, struct vareq_slot *slot)
{
    while (slot->queued || slot->pending_refs) {
        if (!ctx->req_head) {
            slot->queued = false;
            slot->pending_refs = 0;
            break;
        }
        VAStatus st = vareq_ctx_complete_oldest(ctx);
        if (st != VA_STATUS_SUCCESS)
            return st;
    }
    return VA_STATUS_SUCCESS;
}

static struct vareq_slot *pick_free(struct vareq_context *ctx)
{
    struct vareq_slot *slot;
    while (!(slot = vareq_pool_pick(&ctx->pool))) {
        if (!ctx->req_head || vareq_ctx_complete_oldest(ctx) != VA_STATUS_SUCCESS)
            return NULL;
    }
    return slot;
}

static struct vareq_slot *bound_slot(struct vareq_context *ctx, struct vareq_surface *s)
{
    if (s->bound_index >= 0 && (unsigned)s->bound_index < ctx->pool.n)
        return &ctx->pool.slots[s->bound_index];
    return NULL;
}

VAStatus vareq_ctx_slot_for_decode(struct vareq_context *ctx, struct vareq_surface *s,
                                   struct vareq_slot **out)
{
    struct vareq_driver *drv = ctx->drv;
    struct vareq_slot *slot = NULL;
    VAStatus st;

    if (s->pending && (st = vareq_ctx_sync_surface(ctx, s)) != VA_STATUS_SUCCESS)
        return st;
    if (drv->pool_bound)
        slot = bound_slot(ctx, s);
    else if (s->slot && s->slot->export_seq && !s->per_frame_exporter)
        slot = s->slot; /* sticky: the consumer imported this memory once */
    if (slot) {
        if ((st = wait_slot_idle(ctx, slot)) != VA_STATUS_SUCCESS)
            return st;
    } else {
        slot = pick_free(ctx);
        if (!slot) {
            vq_err("context 0x%x: no free CAPTURE memory (%u slots; raise VAREQ_POOL_SPARES)",
                   ctx->id, ctx->pool.n);
            return VA_STATUS_ERROR_ALLOCATION_FAILED;
        }
    }
    vareq_pool_wait_readers(&ctx->pool, slot, drv->fence_timeout_ms);
    *out = slot;
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_ctx_ensure_slot(struct vareq_context *ctx, struct vareq_surface *s)
{
    struct vareq_slot *slot = NULL;

    if (s->slot)
        return VA_STATUS_SUCCESS;
    if (ctx->drv->pool_bound) {
        slot = bound_slot(ctx, s);
        if (slot && wait_slot_idle(ctx, slot) != VA_STATUS_SUCCESS)
            slot = NULL;
    }
    if (!slot)
        slot = pick_free(ctx);
    if (!slot) {
        vq_err("context 0x%x: no free CAPTURE memory for surface 0x%x", ctx->id, s->id);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    give_slot(ctx, s, slot);
    s->has_frame = false;
    return VA_STATUS_SUCCESS;
}

/* ctx->lock held */
void vareq_ctx_detach_surface(struct vareq_context *ctx, struct vareq_surface *s)
{
    struct vareq_driver *drv = ctx->drv;

    if (s->pending)
        vareq_ctx_sync_surface(ctx, s);
    if (s->slot && s->slot->owner == s)
        vareq_pool_release(&ctx->pool, s->slot);
    s->slot = NULL;
    s->has_frame = false;
    s->pending = NULL;
    pthread_mutex_lock(&drv->lock);
    s->ctx = NULL;
    pthread_mutex_unlock(&drv->lock);
}

/* ---- setup ---- */

static int set_formats(struct vareq_context *ctx)
{
    struct vareq_driver *drv = ctx->drv;
    const struct vareq_sysops *ops = drv->ops;
    struct v4l2_format f;
    char a[8], b[8];
    unsigned sizeimage = ctx->width * ctx->height * 3 / 2;

    if (sizeimage < MIN_OUTPUT_SIZE)
        sizeimage = MIN_OUTPUT_SIZE;
    memset(&f, 0, sizeof(f));
    f.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    f.fmt.pix_mp.width = ctx->width;
    f.fmt.pix_mp.height = ctx->height;
    f.fmt.pix_mp.pixelformat = ctx->codec->output_pixfmt;
    f.fmt.pix_mp.field = V4L2_FIELD_NONE;
    f.fmt.pix_mp.num_planes = 1;
    f.fmt.pix_mp.plane_fmt[0].sizeimage = sizeimage;
    if (vq_ioctl(ops, ctx->video_fd, VIDIOC_S_FMT, &f) < 0) {
        vq_err("S_FMT OUTPUT %s %ux%u: %s", vq_fourcc(ctx->codec->output_pixfmt, a),
               ctx->width, ctx->height, strerror(errno));
        return -1;
    }
    memset(&f, 0, sizeof(f));
    f.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    if (vq_ioctl(ops, ctx->video_fd, VIDIOC_G_FMT, &f) < 0) {
        vq_err("G_FMT OUTPUT: %s", strerror(errno));
        return -1;
    }
    if (f.fmt.pix_mp.pixelformat != ctx->codec->output_pixfmt) {
        vq_err("OUTPUT format is %s, asked %s", vq_fourcc(f.fmt.pix_mp.pixelformat, a),
               vq_fourcc(ctx->codec->output_pixfmt, b));
        return -1;
    }
    ctx->out_fmt = f;

    /* CAPTURE: NV12 single plane with an aligned pitch; then use what G_FMT says */
    memset(&f, 0, sizeof(f));
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    f.fmt.pix_mp.width = ctx->width;
    f.fmt.pix_mp.height = ctx->height;
    f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_NV12;
    f.fmt.pix_mp.field = V4L2_FIELD_NONE;
    f.fmt.pix_mp.num_planes = 1;
    f.fmt.pix_mp.plane_fmt[0].bytesperline = align_up(ctx->width, drv->pitch_align);
    if (vq_ioctl(ops, ctx->video_fd, VIDIOC_S_FMT, &f) < 0)
        vq_warn("S_FMT CAPTURE NV12: %s (using the device's format)", strerror(errno));
    memset(&f, 0, sizeof(f));
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    if (vq_ioctl(ops, ctx->video_fd, VIDIOC_G_FMT, &f) < 0) {
        vq_err("G_FMT CAPTURE: %s", strerror(errno));
        return -1;
    }
    if (f.fmt.pix_mp.pixelformat != V4L2_PIX_FMT_NV12 || f.fmt.pix_mp.num_planes != 1) {
        vq_err("CAPTURE format %s with %u planes is not supported (need NV12 single plane)",
               vq_fourcc(f.fmt.pix_mp.pixelformat, a), f.fmt.pix_mp.num_planes);
        return -1;
    }
    ctx->cap_fmt = f;
    ctx->cap_width = f.fmt.pix_mp.width;
    ctx->cap_height = f.fmt.pix_mp.height;
    ctx->cap_bpl = f.fmt.pix_mp.plane_fmt[0].bytesperline;
    ctx->cap_sizeimage = f.fmt.pix_mp.plane_fmt[0].sizeimage;
    if (ctx->cap_width < ctx->width || ctx->cap_height < ctx->height ||
        ctx->cap_bpl < ctx->cap_width ||
        (uint64_t)ctx->cap_bpl * ctx->cap_height * 3 / 2 > ctx->cap_sizeimage) {
        vq_err("CAPTURE layout %ux%u pitch %u size %zu does not hold %ux%u NV12",
               ctx->cap_width, ctx->cap_height, ctx->cap_bpl, ctx->cap_sizeimage,
               ctx->width, ctx->height);
        return -1;
    }
    if (drv->pitch_align > 1 && ctx->cap_bpl % drv->pitch_align)
        vq_warn("device refused a %u-aligned pitch: bytesperline %u (exported as is)",
                drv->pitch_align, ctx->cap_bpl);
    vq_info("context: OUTPUT %s %ux%u size %u; CAPTURE NV12 %ux%u pitch %u size %zu",
            vq_fourcc(ctx->out_fmt.fmt.pix_mp.pixelformat, a), ctx->out_fmt.fmt.pix_mp.width,
            ctx->out_fmt.fmt.pix_mp.height, ctx->out_fmt.fmt.pix_mp.plane_fmt[0].sizeimage,
            ctx->cap_width, ctx->cap_height, ctx->cap_bpl, ctx->cap_sizeimage);
    return 0;
}

static int setup_output_bufs(struct vareq_context *ctx)
{
    const struct vareq_sysops *ops = ctx->drv->ops;
    unsigned count = OUTPUT_BUFS;

    if (v4l2_reqbufs(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, &count) < 0) {
        vq_err("OUTPUT REQBUFS: %s", strerror(errno));
        return -1;
    }
    if (count == 0) {
        vq_err("OUTPUT REQBUFS gave no buffers");
        return -1;
    }
    if (count > VAREQ_MAX_OUTPUT_BUFS)
        count = VAREQ_MAX_OUTPUT_BUFS;
    ctx->n_out = count;
    for (unsigned i = 0; i < count; i++) {
        uint32_t off, len;
        ctx->out[i].map = MAP_FAILED;
        if (v4l2_querybuf(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, i, &off, &len) < 0) {
            vq_err("OUTPUT QUERYBUF %u: %s", i, strerror(errno));
            return -1;
        }
        ctx->out[i].map = ops->mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
                                    ctx->video_fd, (off_t)off);
        if (ctx->out[i].map == MAP_FAILED) {
            vq_err("OUTPUT mmap %u: %s", i, strerror(errno));
            return -1;
        }
        ctx->out[i].length = len;
    }
    return 0;
}

static void teardown(struct vareq_context *ctx)
{
    const struct vareq_sysops *ops = ctx->drv->ops;

    if (ctx->video_fd >= 0) {
        if (ctx->streaming) {
            v4l2_stream(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, false);
            v4l2_stream(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, false);
            ctx->streaming = false;
        }
        vareq_pool_fini(&ctx->pool);
        if (ctx->n_out) {
            unsigned zero = 0;
            for (unsigned i = 0; i < ctx->n_out; i++)
                if (ctx->out[i].map != MAP_FAILED && ctx->out[i].map)
                    ops->munmap(ctx->out[i].map, ctx->out[i].length);
            ctx->n_out = 0;
            if (v4l2_reqbufs(ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, &zero) < 0)
                vq_warn("OUTPUT REQBUFS(0): %s", strerror(errno));
        }
        ops->close(ctx->video_fd);
        ctx->video_fd = -1;
    }
    if (ctx->media_fd >= 0) {
        ops->close(ctx->media_fd);
        ctx->media_fd = -1;
    }
    if (ctx->codec_state && ctx->codec->ctx_destroy)
        ctx->codec->ctx_destroy(ctx->codec_state);
    ctx->codec_state = NULL;
    vareq_picture_free(&ctx->pic);
}

static void attach_targets(struct vareq_driver *drv, struct vareq_context *ctx,
                           VASurfaceID *targets, int n)
{
    for (int i = 0; i < n; i++) {
        struct vareq_surface *s = vareq_surface_get(drv, targets[i]);
        struct vareq_context *old;
        if (!s)
            continue;
        old = vareq_surface_lock_ctx(drv, s);
        if (old) {
            vareq_ctx_detach_surface(old, s);
            pthread_mutex_unlock(&old->lock);
        }
        pthread_mutex_lock(&drv->lock);
        s->ctx = ctx;
        s->bound_index = i;
        s->per_frame_exporter = false;
        s->export_count = 0;
        pthread_mutex_unlock(&drv->lock);
    }
}

VAStatus vareq_CreateContext(VADriverContextP vctx, VAConfigID config_id, int width,
                             int height, int flag, VASurfaceID *targets, int n_targets,
                             VAContextID *out)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_config *cf = vareq_config_get(drv, config_id);
    const struct vareq_decoder *dec;
    struct vareq_context *ctx;
    unsigned nslots;
    VAStatus st = VA_STATUS_ERROR_OPERATION_FAILED;

    (void)flag;
    if (!cf)
        return VA_STATUS_ERROR_INVALID_CONFIG;
    if (!out || n_targets < 0 || (n_targets > 0 && !targets))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
        return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    dec = &drv->decoders[cf->decoder];
    for (unsigned i = 0; i < dec->n_fmts; i++)
        if (dec->fmts[i].pixfmt == cf->codec->output_pixfmt &&
            ((unsigned)width > dec->fmts[i].max_w || (unsigned)height > dec->fmts[i].max_h)) {
            vq_err("CreateContext: %dx%d exceeds the decoder's %ux%u", width, height,
                   dec->fmts[i].max_w, dec->fmts[i].max_h);
            return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
        }

    ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    pthread_mutex_init(&ctx->lock, NULL);
    ctx->drv = drv;
    ctx->codec = cf->codec;
    ctx->profile = cf->profile;
    ctx->profile_idx = -1;
    for (unsigned i = 0; i < drv->n_profiles; i++)
        if (drv->profiles[i] == cf->profile)
            ctx->profile_idx = (int)i;
    ctx->decoder = cf->decoder;
    ctx->width = (unsigned)width;
    ctx->height = (unsigned)height;
    ctx->video_fd = ctx->media_fd = -1;
    for (unsigned i = 0; i < VAREQ_MAX_OUTPUT_BUFS; i++)
        ctx->out[i].map = MAP_FAILED;

    if (ctx->codec->ctx_init && ctx->codec->ctx_init(&ctx->codec_state) < 0) {
        st = VA_STATUS_ERROR_ALLOCATION_FAILED;
        goto fail;
    }
    ctx->video_fd = drv->ops->open(dec->video_path, O_RDWR | O_NONBLOCK);
    if (ctx->video_fd < 0) {
        vq_err("open %s: %s", dec->video_path, strerror(errno));
        goto fail;
    }
    ctx->media_fd = drv->ops->open(dec->media_path, O_RDWR | O_NONBLOCK);
    if (ctx->media_fd < 0) {
        vq_err("open %s: %s", dec->media_path, strerror(errno));
        goto fail;
    }
    for (unsigned i = 0; i < ctx->codec->n_ctrls; i++) {
        struct v4l2_query_ext_ctrl q;
        ctx->ctrl_present[i] =
            v4l2_query_ctrl(drv->ops, ctx->video_fd, ctx->codec->ctrls[i].id, &q) == 0;
        if (!ctx->ctrl_present[i] && ctx->codec->ctrls[i].required) {
            vq_err("%s: required control 0x%x missing", dec->video_path,
                   ctx->codec->ctrls[i].id);
            goto fail;
        }
    }
    if (set_formats(ctx) < 0) {
        st = VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
        goto fail;
    }
    if (setup_output_bufs(ctx) < 0)
        goto fail;
    nslots = (n_targets > 0 ? (unsigned)n_targets : DEFAULT_SURFACES) + drv->pool_spares;
    if (nslots > VIDEO_MAX_FRAME)
        nslots = VIDEO_MAX_FRAME;
    if (vareq_pool_init(&ctx->pool, drv->ops, ctx->video_fd,
                        V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, nslots) < 0) {
        st = VA_STATUS_ERROR_ALLOCATION_FAILED;
        goto fail;
    }
    for (unsigned i = 0; i < ctx->pool.n; i++)
        if (ctx->pool.slots[i].length < ctx->cap_sizeimage ||
            ctx->pool.slots[i].length < (size_t)ctx->cap_bpl * ctx->cap_height * 3 / 2) {
            vq_err("CAPTURE buffer %u is %zu bytes, format needs %zu", i,
                   ctx->pool.slots[i].length, ctx->cap_sizeimage);
            goto fail;
        }
    if (v4l2_stream(drv->ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, true) < 0 ||
        v4l2_stream(drv->ops, ctx->video_fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, true) < 0) {
        vq_err("STREAMON: %s", strerror(errno));
        ctx->streaming = true;
        goto fail;
    }
    ctx->streaming = true;

    pthread_mutex_lock(&drv->lock);
    if (vareq_heap_add(&drv->contexts, ctx, &ctx->id) < 0) {
        pthread_mutex_unlock(&drv->lock);
        st = VA_STATUS_ERROR_ALLOCATION_FAILED;
        goto fail;
    }
    pthread_mutex_unlock(&drv->lock);
    attach_targets(drv, ctx, targets, n_targets);
    *out = ctx->id;
    vq_info("context 0x%x: %s %ux%u on %s, %u CAPTURE slots (%s), %u OUTPUT buffers",
            ctx->id, ctx->codec->name, ctx->width, ctx->height, dec->video_path, ctx->pool.n,
            drv->pool_bound ? "bound" : "decoupled", ctx->n_out);
    return VA_STATUS_SUCCESS;

fail:
    teardown(ctx);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
    return st;
}

VAStatus vareq_DestroyContext(VADriverContextP vctx, VAContextID id)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_context *ctx;

    pthread_mutex_lock(&drv->lock);
    ctx = vareq_heap_remove(&drv->contexts, id);
    pthread_mutex_unlock(&drv->lock);
    if (!ctx)
        return VA_STATUS_ERROR_INVALID_CONTEXT;

    pthread_mutex_lock(&ctx->lock);
    while (ctx->req_head)
        if (vareq_ctx_complete_oldest(ctx) != VA_STATUS_SUCCESS)
            break;
    pthread_mutex_lock(&drv->lock);
    for (uint32_t i = 0; i < drv->surfaces.cap; i++) {
        struct vareq_surface *s = vareq_heap_at(&drv->surfaces, i);
        if (s && s->ctx == ctx) {
            s->ctx = NULL;
            s->slot = NULL;
            s->has_frame = false;
            s->pending = NULL;
        }
    }
    for (uint32_t i = 0; i < drv->buffers.cap; i++) {
        struct vareq_buffer *b = vareq_heap_at(&drv->buffers, i);
        if (b && b->derived_ctx == ctx) {
            b->derived_ctx = NULL;
            b->derived_slot = NULL;
            b->data = NULL;
            b->size = 0;
        }
    }
    pthread_mutex_unlock(&drv->lock);
    teardown(ctx);
    pthread_mutex_unlock(&ctx->lock);
    pthread_mutex_destroy(&ctx->lock);
    vq_info("context 0x%x destroyed", id);
    free(ctx);
    /* also here: clients that exit on an error path never call vaTerminate */
    vareq_stats_write(drv);
    return VA_STATUS_SUCCESS;
}
