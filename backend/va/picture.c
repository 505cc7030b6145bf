/* BeginPicture / RenderPicture / EndPicture: collect the VA buffers of one picture, let
 * the codec translate them into controls + OUTPUT bytes, and submit one request. */
#include <errno.h>
#include <linux/media.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static void free_bufs(struct vareq_va_buf *v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        free((void *)v[i].data);
}

void vareq_picture_reset(struct vareq_picture *pic)
{
    free_bufs(pic->slice_params, pic->n_slice_params);
    free_bufs(pic->slice_data, pic->n_slice_data);
    pic->n_slice_params = pic->n_slice_data = 0;
    pic->have_pic_param = false;
    pic->pic_param_size = 0;
    free((void *)pic->iq_matrix.data);
    memset(&pic->iq_matrix, 0, sizeof(pic->iq_matrix));
    pic->target = NULL;
}

void vareq_picture_free(struct vareq_picture *pic)
{
    vareq_picture_reset(pic);
    free(pic->slice_params);
    free(pic->slice_data);
    free(pic->pic_param);
    memset(pic, 0, sizeof(*pic));
}

static int append_buf(struct vareq_va_buf **arr, unsigned *n, unsigned *cap,
                      const struct vareq_buffer *b)
{
    uint8_t *copy;

    if (*n >= 256)
        return -1;
    if (*n == *cap) {
        unsigned ncap = *cap ? *cap * 2 : 8;
        struct vareq_va_buf *na = realloc(*arr, ncap * sizeof(**arr));
        if (!na)
            return -1;
        *arr = na;
        *cap = ncap;
    }
    copy = malloc(b->size ? b->size : 1);
    if (!copy)
        return -1;
    if (b->size)
        memcpy(copy, b->data, b->size);
    (*arr)[*n].data = copy;
    (*arr)[*n].size = b->size;
    (*arr)[*n].element_size = b->element_size;
    (*arr)[*n].num_elements = b->num_elements;
    (*n)++;
    return 0;
}

/* Attaches the surface to ctx (without holding ctx->lock). */
static void attach_surface(struct vareq_driver *drv, struct vareq_context *ctx,
                           struct vareq_surface *s)
{
    struct vareq_context *old = vareq_surface_lock_ctx(drv, s);

    if (old == ctx) {
        pthread_mutex_unlock(&old->lock);
        return;
    }
    if (old) {
        vareq_ctx_detach_surface(old, s);
        pthread_mutex_unlock(&old->lock);
    }
    pthread_mutex_lock(&drv->lock);
    s->ctx = ctx;
    s->bound_index = -1;
    pthread_mutex_unlock(&drv->lock);
}

VAStatus vareq_BeginPicture(VADriverContextP vctx, VAContextID id, VASurfaceID target)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_context *ctx = vareq_context_get(drv, id);
    struct vareq_surface *s = vareq_surface_get(drv, target);

    if (!ctx)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    attach_surface(drv, ctx, s);
    pthread_mutex_lock(&ctx->lock);
    if (ctx->pic.active)
        vq_warn("BeginPicture without EndPicture: dropping the previous picture");
    vareq_picture_reset(&ctx->pic);
    ctx->pic.target = s;
    ctx->pic.active = true;
    pthread_mutex_unlock(&ctx->lock);
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_RenderPicture(VADriverContextP vctx, VAContextID id, VABufferID *buffers,
                             int num)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_context *ctx = vareq_context_get(drv, id);
    VAStatus st = VA_STATUS_SUCCESS;

    if (!ctx)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    if (num < 0 || (num > 0 && !buffers))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&ctx->lock);
    if (!ctx->pic.active) {
        pthread_mutex_unlock(&ctx->lock);
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    for (int i = 0; i < num && st == VA_STATUS_SUCCESS; i++) {
        struct vareq_buffer *b = vareq_buffer_get(drv, buffers[i]);
        struct vareq_picture *pic = &ctx->pic;
        if (!b || !b->data) {
            st = VA_STATUS_ERROR_INVALID_BUFFER;
            break;
        }
        switch (b->type) {
        case VAPictureParameterBufferType:
            if (b->size > pic->pic_param_cap) {
                uint8_t *n = realloc(pic->pic_param, b->size);
                if (!n) {
                    st = VA_STATUS_ERROR_ALLOCATION_FAILED;
                    break;
                }
                pic->pic_param = n;
                pic->pic_param_cap = b->size;
            }
            memcpy(pic->pic_param, b->data, b->size);
            pic->pic_param_size = b->size;
            pic->have_pic_param = true;
            break;
        case VAIQMatrixBufferType: {
            uint8_t *copy = malloc(b->size ? b->size : 1);
            if (!copy) {
                st = VA_STATUS_ERROR_ALLOCATION_FAILED;
                break;
            }
            if (b->size)
                memcpy(copy, b->data, b->size);
            free((void *)pic->iq_matrix.data);
            pic->iq_matrix.data = copy;
            pic->iq_matrix.size = b->size;
            pic->iq_matrix.element_size = b->size;
            pic->iq_matrix.num_elements = 1;
            break;
        }
        case VASliceParameterBufferType:
            if (append_buf(&pic->slice_params, &pic->n_slice_params, &pic->cap_slice_params, b) < 0)
                st = VA_STATUS_ERROR_ALLOCATION_FAILED;
            break;
        case VASliceDataBufferType:
            if (append_buf(&pic->slice_data, &pic->n_slice_data, &pic->cap_slice_data, b) < 0)
                st = VA_STATUS_ERROR_ALLOCATION_FAILED;
            break;
        default:
            vq_dbg("RenderPicture: ignoring buffer type %d", (int)b->type);
            break;
        }
    }
    pthread_mutex_unlock(&ctx->lock);
    return st;
}

/* ---- reference resolution for the codec ---- */

struct ref_ctx {
    struct vareq_context *ctx;
    struct vareq_request *req;
};

static int ref_ts(void *opaque, VASurfaceID id, uint64_t *ts)
{
    struct ref_ctx *rc = opaque;
    struct vareq_driver *drv = rc->ctx->drv;
    struct vareq_surface *s;
    struct vareq_request *req = rc->req;
    bool attached;

    pthread_mutex_lock(&drv->lock);
    s = vareq_heap_get(&drv->surfaces, id);
    attached = s && s->ctx == rc->ctx;
    pthread_mutex_unlock(&drv->lock);
    /* the surface's decode state is protected by rc->ctx->lock, which we hold */
    if (!attached || !s->has_frame || !s->slot)
        return -1;
    *ts = s->ts_ns;
    for (unsigned i = 0; i < req->n_refs; i++)
        if (req->refs[i] == s->slot)
            return 0;
    if (req->n_refs < VAREQ_MAX_REFS)
        req->refs[req->n_refs++] = s->slot;
    return 0;
}

static int find_free_output(struct vareq_context *ctx)
{
    for (;;) {
        for (unsigned i = 0; i < ctx->n_out; i++)
            if (!ctx->out[i].busy)
                return (int)i;
        if (!ctx->req_head || vareq_ctx_complete_oldest(ctx) != VA_STATUS_SUCCESS)
            return -1;
    }
}

/* The inputs of a codec frame that come from the picture being built: the profile, the
 * picture parameters (described by *pp; NULL when none came), the IQ matrix, the slice
 * parameters and data in RenderPicture order, and the CAPTURE format's size. */
static void frame_inputs(struct vareq_context *ctx, struct vareq_codec_frame *f,
                         struct vareq_va_buf *pp)
{
    struct vareq_picture *pic = &ctx->pic;

    memset(f, 0, sizeof(*f));
    pp->data = pic->pic_param;
    pp->size = pp->element_size = pic->pic_param_size;
    pp->num_elements = 1;
    f->profile = ctx->profile;
    f->pic_param = pic->have_pic_param ? pp : NULL;
    f->iq_matrix = pic->iq_matrix.data ? &pic->iq_matrix : NULL;
    f->slice_params = pic->slice_params;
    f->n_slice_params = pic->n_slice_params;
    f->slice_data = pic->slice_data;
    f->n_slice_data = pic->n_slice_data;
    f->cap_width = ctx->cap_width;
    f->cap_height = ctx->cap_height;
}

/* In-stream size change: a keyframe at another size re-negotiates the formats (no
 * reference survives a keyframe); a non-key frame that does not fit CAPTURE is refused
 * (its references would be lost); a smaller non-key frame (reference scaling) decodes
 * into the current buffers. */
static VAStatus check_size_change(struct vareq_context *ctx)
{
    struct vareq_picture *pic = &ctx->pic;
    struct vareq_codec_frame probe;
    struct vareq_va_buf pp;
    unsigned w = 0, h = 0;
    bool key = false;

    if (!ctx->codec->frame_size || !pic->have_pic_param)
        return VA_STATUS_SUCCESS;
    frame_inputs(ctx, &probe, &pp);
    if (ctx->codec->frame_size(&probe, &w, &h, &key) != 0 || !w || !h)
        return VA_STATUS_SUCCESS;
    if (w == ctx->width && h == ctx->height)
        return VA_STATUS_SUCCESS;
    if (key)
        return vareq_ctx_reconfigure(ctx, w, h);
    if (w > ctx->cap_width || h > ctx->cap_height) {
        vq_err("context 0x%x: non-key frame of %ux%u does not fit CAPTURE %ux%u (size "
               "changes need a keyframe)", ctx->id, w, h, ctx->cap_width, ctx->cap_height);
        return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    }
    return VA_STATUS_SUCCESS;
}

/* The second surface a codec names for the request's frame (codec.h `display`): attached
 * to ctx (attached now when it belongs to no context), its earlier decode completed. */
static VAStatus display_surface(struct vareq_context *ctx, VASurfaceID id,
                                struct vareq_surface **out)
{
    struct vareq_driver *drv = ctx->drv;
    struct vareq_surface *d;
    bool ok;

    pthread_mutex_lock(&drv->lock);
    d = vareq_heap_get(&drv->surfaces, id);
    ok = d && (!d->ctx || d->ctx == ctx);
    if (ok && !d->ctx) {
        d->ctx = ctx;
        d->bound_index = -1;
    }
    pthread_mutex_unlock(&drv->lock);
    if (!ok) {
        vq_err("context 0x%x: display surface 0x%x is unknown or belongs to another context",
               ctx->id, id);
        return VA_STATUS_ERROR_INVALID_SURFACE;
    }
    if (d->pending) {
        VAStatus st = vareq_ctx_sync_surface(ctx, d);
        if (st != VA_STATUS_SUCCESS)
            return st;
    }
    *out = d;
    return VA_STATUS_SUCCESS;
}

/* ---- slice-based decoding: the requests of a picture before its last ---- */

/* The OUTPUT queue offers V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF: learnt once per
 * V4L2 session from the REQBUFS that allocated the OUTPUT buffers (ctx->out_caps), not
 * asked again per picture. */
static bool hold_supported(const struct vareq_context *ctx)
{
    return ctx->out_caps & V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF;
}

/* Queues request f->part of a picture that has more (OUTPUT buffer oi with
 * V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF, the CAPTURE slot with the first part) and waits for
 * it, so that OUTPUT buffer oi is free for the next part. *cap_queued: the CAPTURE
 * buffer is now with the device. *flagged: set when the device flagged the request's
 * OUTPUT buffer with V4L2_BUF_FLAG_ERROR (v4l2_m2m_buf_done_and_job_finish() gives a held
 * request's state to the OUTPUT buffer only: the CAPTURE buffer may come back unflagged
 * after the last slice, so the picture's completion must remember it). */
static VAStatus submit_held_part(struct vareq_context *ctx, const struct vareq_codec_frame *f,
                                 unsigned oi, struct vareq_slot *slot, uint64_t ts_ns,
                                 bool *cap_queued, bool *flagged)
{
    const struct vareq_sysops *ops = ctx->drv->ops;
    struct v4l2_ext_controls ec;
    unsigned di;
    uint32_t df;
    short rev = 0;
    int fd, r;

    if (f->part == 0) {
        /* the OUTPUT buffer DQBUF returns below must be this request's */
        if (vareq_ctx_complete_all(ctx) != VA_STATUS_SUCCESS)
            return VA_STATUS_ERROR_OPERATION_FAILED;
        if (!hold_supported(ctx)) {
            vq_err("a picture needs one request per slice, and the device does not offer "
                   "V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF");
            return VA_STATUS_ERROR_UNIMPLEMENTED;
        }
    }
    if (f->out_used > f->out_cap || f->n_ctrls > VAREQ_MAX_CTRLS)
        return VA_STATUS_ERROR_OPERATION_FAILED;
    fd = media_request_alloc(ops, ctx->media_fd);
    if (fd < 0) {
        vq_err("MEDIA_IOC_REQUEST_ALLOC: %s", strerror(errno));
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    memset(&ec, 0, sizeof(ec));
    ec.which = V4L2_CTRL_WHICH_REQUEST_VAL;
    ec.request_fd = fd;
    ec.count = f->n_ctrls;
    ec.controls = (struct v4l2_ext_control *)f->ctrls;
    if ((f->n_ctrls && vq_ioctl(ops, ctx->video_fd, VIDIOC_S_EXT_CTRLS, &ec) < 0) ||
        v4l2_qbuf(ops, ctx->video_fd, ctx->out_type, oi, f->out_used, ts_ns, fd,
                  V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF) < 0) {
        vq_err("slice request %u: S_EXT_CTRLS/QBUF OUTPUT: %s", f->part, strerror(errno));
        ops->close(fd);
        return VA_STATUS_ERROR_DECODING_ERROR;
    }
    if (f->part == 0) {
        if (v4l2_qbuf_planes(ops, ctx->video_fd, ctx->cap_type, slot->index, slot->n_mem, 0, 0,
                             -1) < 0) {
            vq_err("QBUF CAPTURE %u: %s", slot->index, strerror(errno));
            ops->close(fd);
            return VA_STATUS_ERROR_OPERATION_FAILED;
        }
        *cap_queued = true;
    }
    if (media_request_queue(ops, fd) < 0) {
        vq_err("MEDIA_REQUEST_IOC_QUEUE (slice request %u): %s", f->part, strerror(errno));
        ops->close(fd);
        return VA_STATUS_ERROR_DECODING_ERROR;
    }
    r = vq_poll1(ops, fd, POLLPRI, ctx->drv->decode_timeout_ms, &rev);
    ops->close(fd);
    if (r <= 0 || (rev & (POLLERR | POLLNVAL))) {
        vq_err("slice request %u did not complete", f->part);
        return VA_STATUS_ERROR_TIMEDOUT;
    }
    if (v4l2_dqbuf(ops, ctx->video_fd, ctx->out_type, &di, &df, NULL) < 0 || di != oi) {
        vq_err("slice request %u: DQBUF OUTPUT gave %s", f->part,
               di != oi ? "another buffer" : strerror(errno));
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    if (df & V4L2_BUF_FLAG_ERROR) {
        vq_warn("slice request %u: the device flagged the OUTPUT buffer", f->part);
        *flagged = true;
    }
    return VA_STATUS_SUCCESS;
}

/* A decode into s failed before its request reached the device (or half-way through a
 * picture's slice requests): the frame s held before must not stand in for the one that
 * was not decoded. Its memory returns to the pool and any orphan is dropped, so that
 * vaGetImage/export of s and every later picture naming s as a reference fail visibly
 * (ref_ts: no frame) instead of decoding from stale pixels; vaSyncSurface reports the
 * error. The same for the display surface the codec named (AV1 film grain), which was to
 * show this frame. ctx->lock held. */
static void invalidate_frame(struct vareq_context *ctx, struct vareq_surface *s, VAStatus st)
{
    if (s->pending && vareq_ctx_sync_surface(ctx, s) != VA_STATUS_SUCCESS)
        vq_warn("surface 0x%x: its earlier decode did not complete", s->id);
    if (s->slot)
        vareq_slot_leave(&ctx->pool, s->slot, s);
    s->slot = NULL;
    s->has_frame = false;
    s->pending = NULL;
    s->status = st;
    vareq_surface_drop_orphan(ctx->drv, s);
}

static void invalidate_display(struct vareq_context *ctx, VASurfaceID id, VAStatus st)
{
    struct vareq_driver *drv = ctx->drv;
    struct vareq_surface *d;
    bool mine;

    if (id == VA_INVALID_SURFACE)
        return;
    pthread_mutex_lock(&drv->lock);
    d = vareq_heap_get(&drv->surfaces, id);
    mine = d && d->ctx == ctx;
    pthread_mutex_unlock(&drv->lock);
    if (mine) /* its decode state is protected by ctx->lock, which we hold */
        invalidate_frame(ctx, d, st);
}

static VAStatus submit_picture(struct vareq_context *ctx, struct vareq_surface *s,
                               VASurfaceID *display);

/* Surface x (holding slot memory already) shows the frame request req decodes. */
static void hold_frame(struct vareq_context *ctx, struct vareq_surface *x,
                       struct vareq_request *req, uint64_t content_seq)
{
    x->has_frame = true;
    /* a frame kept from before a size change / an earlier context is replaced */
    vareq_surface_drop_orphan(ctx->drv, x);
    x->ts_ns = req->ts_ns;
    x->content_seq = content_seq;
    x->pending = req;
    x->status = VA_STATUS_SUCCESS;
}

/* The CAPTURE buffer of the frame s holds when the codec says this picture completes it
 * (second field of a field pair), once the first field's request has completed; NULL:
 * choose memory as for any decode. */
static struct vareq_slot *completing_slot(struct vareq_context *ctx, struct vareq_surface *s)
{
    struct vareq_picture *pic = &ctx->pic;
    struct vareq_codec_frame probe;
    struct vareq_va_buf pp;

    if (!ctx->codec->completes_frame || !pic->have_pic_param || !s->slot || !s->has_frame)
        return NULL;
    frame_inputs(ctx, &probe, &pp);
    if (!ctx->codec->completes_frame(ctx->codec_state, &probe))
        return NULL;
    if (vareq_ctx_sync_surface(ctx, s) != VA_STATUS_SUCCESS || s->status != VA_STATUS_SUCCESS ||
        !s->slot || !s->has_frame || s->slot->owner != s || s->slot->queued) {
        vq_dbg("surface 0x%x: the first field did not decode; the second takes new memory",
               s->id);
        return NULL;
    }
    vq_dbg("surface 0x%x: second field into slot %u (ts %llu)", s->id, s->slot->index,
           (unsigned long long)s->ts_ns);
    return s->slot;
}

static VAStatus submit(struct vareq_context *ctx, struct vareq_surface *s)
{
    VASurfaceID display = VA_INVALID_SURFACE;
    VAStatus st = submit_picture(ctx, s, &display);

    if (st != VA_STATUS_SUCCESS) {
        VAStatus fst = st == VA_STATUS_ERROR_DECODING_ERROR ? st
                                                            : VA_STATUS_ERROR_DECODING_ERROR;
        ctx->failed_requests++;
        invalidate_frame(ctx, s, fst);
        if (display != s->id)
            invalidate_display(ctx, display, fst);
    }
    return st;
}

/* Translates and queues the picture; *display: the display surface the codec named (set
 * as soon as it is known, also on failure). */
static VAStatus submit_picture(struct vareq_context *ctx, struct vareq_surface *s,
                               VASurfaceID *display)
{
    struct vareq_driver *drv = ctx->drv;
    const struct vareq_sysops *ops = drv->ops;
    struct vareq_codec_frame f;
    struct vareq_va_buf pp;
    struct vareq_request *req;
    struct vareq_slot *slot;
    struct v4l2_ext_controls ec;
    struct ref_ctx rc;
    struct vareq_surface *disp = NULL;
    VAStatus st;
    int oi;
    bool cap_queued = false, completes, part_flagged = false;

    st = check_size_change(ctx);
    if (st != VA_STATUS_SUCCESS)
        return st;
    slot = completing_slot(ctx, s);
    completes = slot != NULL;
    if (!slot && (st = vareq_ctx_slot_for_decode(ctx, s, &slot)) != VA_STATUS_SUCCESS)
        return st;
    oi = find_free_output(ctx);
    if (oi < 0) {
        vq_err("no free OUTPUT buffer");
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    req = calloc(1, sizeof(*req));
    if (!req)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    req->fd = -1;
    req->out_index = (unsigned)oi;
    req->slot = slot;
    req->surface = s;
    req->profile_idx = ctx->profile_idx;
    req->continues = completes;

    frame_inputs(ctx, &f, &pp);
    f.out = ctx->out[oi].map;
    f.out_cap = ctx->out[oi].length;
    f.ctrl_present = ctx->ctrl_present;
    f.ctrl_info = ctx->ctrl_info;
    rc.ctx = ctx;
    rc.req = req;
    f.ref_ts = ref_ts;
    f.opaque = &rc;
    f.display = VA_INVALID_SURFACE;
    /* microsecond steps survive timeval; the second field of a pair keeps the frame's */
    req->ts_ns = completes ? s->ts_ns : (++ctx->ts_counter) * 1000ull;
    st = ctx->codec->translate(ctx->codec_state, &f);
    *display = f.display;
    /* slice-based decoding: every request of the picture but the last */
    while (st == VA_STATUS_SUCCESS && f.more_parts) {
        st = submit_held_part(ctx, &f, (unsigned)oi, slot, req->ts_ns, &cap_queued,
                              &part_flagged);
        if (st != VA_STATUS_SUCCESS)
            break;
        f.part++;
        f.more_parts = false;
        f.n_ctrls = 0;
        f.out_used = 0;
        st = ctx->codec->translate(ctx->codec_state, &f);
        *display = f.display;
    }
    if (st != VA_STATUS_SUCCESS)
        goto fail_count;
    req->part_failed = part_flagged;
    if (f.display != VA_INVALID_SURFACE && f.display != s->id &&
        (st = display_surface(ctx, f.display, &disp)) != VA_STATUS_SUCCESS)
        goto fail_count;
    if (f.out_used > f.out_cap || f.n_ctrls > VAREQ_MAX_CTRLS) {
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto fail_count;
    }

    req->fd = media_request_alloc(ops, ctx->media_fd);
    if (req->fd < 0) {
        vq_err("MEDIA_IOC_REQUEST_ALLOC: %s", strerror(errno));
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto fail_count;
    }
    memset(&ec, 0, sizeof(ec));
    ec.which = V4L2_CTRL_WHICH_REQUEST_VAL;
    ec.request_fd = req->fd;
    ec.count = f.n_ctrls;
    ec.controls = f.ctrls;
    if (f.n_ctrls && vq_ioctl(ops, ctx->video_fd, VIDIOC_S_EXT_CTRLS, &ec) < 0) {
        vq_err("S_EXT_CTRLS (request): %s (error_idx %u)", strerror(errno), ec.error_idx);
        st = VA_STATUS_ERROR_DECODING_ERROR;
        goto fail_count;
    }
    if (v4l2_qbuf(ops, ctx->video_fd, ctx->out_type, (unsigned)oi, f.out_used, req->ts_ns,
                  req->fd, 0) < 0) {
        vq_err("QBUF OUTPUT %d: %s", oi, strerror(errno));
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto fail_count;
    }
    if (!cap_queued && v4l2_qbuf_planes(ops, ctx->video_fd, ctx->cap_type, slot->index,
                                        slot->n_mem, 0, 0, -1) < 0) {
        vq_err("QBUF CAPTURE %u: %s", slot->index, strerror(errno));
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto fail_count; /* closing the unqueued request releases the OUTPUT buffer */
    }
    if (media_request_queue(ops, req->fd) < 0) {
        vq_err("MEDIA_REQUEST_IOC_QUEUE: %s", strerror(errno));
        cap_queued = true; /* queued without a job: fail_count restarts the queues */
        st = VA_STATUS_ERROR_DECODING_ERROR;
        goto fail_count;
    }

    /* commit: the surface now holds this memory; the memory it held returns to the pool */
    vareq_ctx_give_slot(ctx, s, slot);
    slot->queued = true;
    hold_frame(ctx, s, req, ++ctx->seq);
    if (disp) {
        /* the display surface shows the same CAPTURE buffer (codec.h `display`) */
        if (disp->slot && disp->slot != slot)
            vareq_slot_leave(&ctx->pool, disp->slot, disp);
        slot->sharer = disp;
        disp->slot = slot;
        hold_frame(ctx, disp, req, s->content_seq);
        req->display = disp;
    }
    for (unsigned i = 0; i < req->n_refs; i++)
        req->refs[i]->pending_refs++;
    ctx->out[oi].busy = true;
    if (ctx->req_tail)
        ctx->req_tail->next = req;
    else
        ctx->req_head = req;
    ctx->req_tail = req;
    ctx->n_pending++;
    vq_dbg("queued: surface 0x%x slot %u output %d ts %llu (%zu bytes, %u refs)", s->id,
           slot->index, oi, (unsigned long long)req->ts_ns, f.out_used, req->n_refs);
    return VA_STATUS_SUCCESS;

fail_count:
    if (req->fd >= 0)
        ops->close(req->fd);
    if (cap_queued) /* the CAPTURE buffer queued for this picture comes back */
        vareq_ctx_restart_queues(ctx, "a submission failed with its CAPTURE buffer queued");
    free(req);
    atomic_fetch_add(&drv->stats.decode_errors, 1);
    s->status = VA_STATUS_ERROR_DECODING_ERROR;
    vq_err("decode of surface 0x%x not submitted (%s)", s->id, vaErrorStr(st));
    return st;
}

VAStatus vareq_EndPicture(VADriverContextP vctx, VAContextID id)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_context *ctx = vareq_context_get(drv, id);
    VAStatus st;

    if (!ctx)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    pthread_mutex_lock(&ctx->lock);
    if (!ctx->pic.active || !ctx->pic.target) {
        pthread_mutex_unlock(&ctx->lock);
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    st = submit(ctx, ctx->pic.target);
    vareq_picture_reset(&ctx->pic);
    ctx->pic.active = false;
    pthread_mutex_unlock(&ctx->lock);
    return st;
}
