/* Decoding contexts: device setup/teardown and the CAPTURE pool
 * policies (request completion: va/request.c).
 *
 * Pool policies (VAREQ_POOL_POLICY):
 *  - decoupled (default): a surface gets CAPTURE memory when it is decoded into; the
 *    memory it held before returns to the pool. The pool hands out the free slot that was
 *    never exported, or else the least recently exported one (so memory a compositor may
 *    still sample is reused last), and waits for the readers' implicit fences
 *    (poll(POLLOUT) on the exported dma-buf, VAREQ_FENCE_TIMEOUT_MS) before reuse.
 *    A slot named as reference by a pending request, queued at the device or mapped by a
 *    derived image is never handed out.
 *    Consumers (VAREQ_EXPORT_MODE, default auto):
 *    - export-once consumers (Chromium, mpv dmabuf-wayland) import a surface's memory once
 *      and expect later decodes into that surface to appear in it: such a surface is
 *      "sticky", every decode into it goes to the memory it exported (after the fence wait).
 *    - per-frame exporters (mpv --vo=gpu, ffmpeg hwmap) export after every decode and may
 *      keep reading a frame after giving the surface back: a decode into such a surface
 *      takes other memory, so an exported frame stays untouched for at least
 *      VAREQ_POOL_SPARES further decodes (LRU by export).
 *    auto tells them apart: an export of a surface that holds no decoded frame yet marks
 *    it export-once (Chromium exports at allocation); an export after a decode means
 *    per-frame, until the surface is decoded again although its only export predates its
 *    last decode (export once after a decode): then it becomes export-once and gets its
 *    exported memory back (one frame late; documented in docs/architecture.md).
 *    sticky: every exported surface is export-once; fresh: none is.
 *  - bound: the original 1:1 binding, surface i of the render targets always decodes
 *    into CAPTURE buffer i (kept for comparison). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "park.h"

#define OUTPUT_BUFS 4
#define MIN_OUTPUT_SIZE (1u << 20)
#define DEFAULT_SURFACES 16

static unsigned align_up(unsigned v, unsigned a)
{
    return a <= 1 ? v : (v + a - 1) / a * a;
}

/* ---- pool policy ---- */

void vareq_ctx_give_slot(struct vareq_context *ctx, struct vareq_surface *s,
                         struct vareq_slot *slot)
{
    if (s->slot && s->slot != slot)
        vareq_slot_leave(&ctx->pool, s->slot, s);
    if (slot->owner && slot->owner != s) {
        /* bound policy stealing memory from another surface: that frame is gone */
        slot->owner->slot = NULL;
        slot->owner->has_frame = false;
    }
    if (slot->sharer && slot->sharer != s) {
        slot->sharer->slot = NULL;
        slot->sharer->has_frame = false;
    }
    slot->sharer = NULL;
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

void vareq_ctx_note_export(struct vareq_context *ctx, struct vareq_surface *s)
{
    int mode = ctx->drv->export_mode;

    if (mode == VAREQ_EXPORT_STICKY || (mode == VAREQ_EXPORT_AUTO && !s->has_frame)) {
        if (!s->export_once)
            vq_dbg("surface 0x%x: export-once consumer (memory stays with the surface)", s->id);
        s->export_once = true;
    }
    s->export_count++;
    s->export_content_seq = s->content_seq;
    s->export_seq = ctx->seq;
    s->exported_slot = s->slot;
}

/* The memory an export-once surface decodes into, if it can have it: its own, or its
 * exported memory when that is free again. NULL: take fresh memory. */
static struct vareq_slot *sticky_slot(struct vareq_context *ctx, struct vareq_surface *s)
{
    struct vareq_slot *e = s->exported_slot;

    if (ctx->drv->export_mode == VAREQ_EXPORT_FRESH || !e)
        return NULL;
    if (!s->export_once && ctx->drv->export_mode == VAREQ_EXPORT_AUTO &&
        s->export_count == 1 && s->content_seq > s->export_content_seq) {
        /* decoded again without a new export since: the consumer keeps its import */
        vq_dbg("surface 0x%x: not re-exported after a decode: export-once consumer", s->id);
        s->export_once = true;
    }
    if (!s->export_once)
        return NULL;
    if (e->owner == s || (!e->owner && !e->pins))
        return e;
    vq_warn("surface 0x%x: its exported memory (slot %u) now holds another frame; the "
            "consumer will not see this decode", s->id, e->index);
    return NULL;
}

VAStatus vareq_ctx_slot_for_decode(struct vareq_context *ctx, struct vareq_surface *s,
                                   struct vareq_slot **out)
{
    struct vareq_driver *drv = ctx->drv;
    struct vareq_slot *slot = NULL;
    VAStatus st;
    int w;

    if (s->pending && (st = vareq_ctx_sync_surface(ctx, s)) != VA_STATUS_SUCCESS)
        return st;
    if (drv->pool_bound)
        slot = bound_slot(ctx, s);
    else
        slot = sticky_slot(ctx, s);
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
    w = vareq_pool_wait_readers(&ctx->pool, slot, drv->fence_timeout_ms);
    if (slot->export_seq)
        atomic_fetch_add(&drv->stats.fence_waits, 1);
    if (w > 0)
        atomic_fetch_add(&drv->stats.fence_timeouts, 1);
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
    vareq_ctx_give_slot(ctx, s, slot);
    s->has_frame = false;
    return VA_STATUS_SUCCESS;
}

/* ctx->lock held */
void vareq_ctx_detach_surface(struct vareq_context *ctx, struct vareq_surface *s)
{
    struct vareq_driver *drv = ctx->drv;

    if (s->pending)
        vareq_ctx_sync_surface(ctx, s);
    if (s->slot)
        vareq_slot_leave(&ctx->pool, s->slot, s);
    s->slot = NULL;
    s->exported_slot = NULL;
    s->export_once = false;
    s->has_frame = false;
    s->pending = NULL;
    pthread_mutex_lock(&drv->lock);
    s->ctx = NULL;
    pthread_mutex_unlock(&drv->lock);
}

/* ---- setup ---- */

/* S_FMT(OUTPUT) for the codec at w x h, verified with G_FMT. */
static int set_output_format(struct vareq_context *ctx, unsigned w, unsigned h)
{
    const struct vareq_sysops *ops = ctx->drv->ops;
    struct v4l2_pix_format_mplane f;
    char a[8], b[8];
    unsigned sizeimage = w * h * 3 / 2;

    if (sizeimage < MIN_OUTPUT_SIZE)
        sizeimage = MIN_OUTPUT_SIZE;
    memset(&f, 0, sizeof(f));
    f.width = w;
    f.height = h;
    f.pixelformat = ctx->codec->output_pixfmt;
    f.field = V4L2_FIELD_NONE;
    f.num_planes = 1;
    f.plane_fmt[0].sizeimage = sizeimage;
    if (v4l2_s_fmt(ops, ctx->video_fd, ctx->out_type, &f) < 0) {
        vq_err("S_FMT OUTPUT %s %ux%u: %s", vq_fourcc(ctx->codec->output_pixfmt, a), w, h,
               strerror(errno));
        return -1;
    }
    if (v4l2_g_fmt(ops, ctx->video_fd, ctx->out_type, &f) < 0) {
        vq_err("G_FMT OUTPUT: %s", strerror(errno));
        return -1;
    }
    if (f.pixelformat != ctx->codec->output_pixfmt) {
        vq_err("OUTPUT format is %s, asked %s", vq_fourcc(f.pixelformat, a),
               vq_fourcc(ctx->codec->output_pixfmt, b));
        return -1;
    }
    if (f.width < w || f.height < h)
        vq_warn("OUTPUT format is %ux%u, asked %ux%u", f.width, f.height, w, h);
    ctx->out_fmt = f;
    return 0;
}

/* The codec's bit-depth controls (codec.h format_ctrls), as current values. */
static void set_format_ctrls(struct vareq_context *ctx)
{
    uint32_t idx = 0;

    if (vareq_codec_set_format_ctrls(ctx->codec, ctx->drv->ops, ctx->video_fd, ctx->bit_depth,
                                     &idx) < 0)
        vq_warn("S_EXT_CTRLS (%u-bit format controls): %s (error_idx %u)", ctx->bit_depth,
                strerror(errno), idx);
}

/* CAPTURE: choose among the formats the device enumerates now (they depend on the OUTPUT
 * format), ask for an aligned pitch, then take what G_FMT says and check it holds w x h. */
static int set_capture_format(struct vareq_context *ctx, unsigned w, unsigned h)
{
    struct vareq_driver *drv = ctx->drv;
    const struct vareq_sysops *ops = drv->ops;
    const struct vareq_pixfmt_info *want;
    uint32_t enumerated[VAREQ_MAX_CAP_FORMATS];
    unsigned n_enum;
    struct v4l2_pix_format_mplane f;
    char a[8], why[128];
    int pick;

    set_format_ctrls(ctx);
    n_enum = v4l2_enum_formats(ops, ctx->video_fd, ctx->cap_type,
                               enumerated, VAREQ_MAX_CAP_FORMATS);
    pick = vareq_pixfmt_choose(enumerated, n_enum, ctx->bit_depth);
    if (pick < 0) {
        vq_err("CAPTURE: the device offers no %u-bit format vareq uses (%u formats, first %s)",
               ctx->bit_depth, n_enum, n_enum ? vq_fourcc(enumerated[0], a) : "-");
        return -2;
    }
    want = vareq_pixfmt_by_v4l2(enumerated[pick]);
    memset(&f, 0, sizeof(f));
    f.width = w;
    f.height = h;
    f.pixelformat = want->v4l2;
    f.field = V4L2_FIELD_NONE;
    f.num_planes = (uint8_t)want->mem_planes;
    for (unsigned i = 0; i < want->mem_planes; i++)
        f.plane_fmt[i].bytesperline = align_up(w * want->bytes_per_sample, drv->pitch_align);
    if (v4l2_s_fmt(ops, ctx->video_fd, ctx->cap_type, &f) < 0)
        vq_warn("S_FMT CAPTURE %s: %s (using the device's format)", want->name,
                strerror(errno));
    if (v4l2_g_fmt(ops, ctx->video_fd, ctx->cap_type, &f) < 0) {
        vq_err("G_FMT CAPTURE: %s", strerror(errno));
        return -1;
    }
    if (vareq_layout_from_v4l2(&f, &ctx->cap, why, sizeof(why)) < 0) {
        vq_err("CAPTURE format %s from G_FMT is unusable: %s", vq_fourcc(f.pixelformat, a),
               why);
        return -1;
    }
    if (ctx->cap.info->bit_depth != ctx->bit_depth) {
        vq_err("CAPTURE format is %s (%u-bit), the decode needs %u-bit", ctx->cap.info->name,
               ctx->cap.info->bit_depth, ctx->bit_depth);
        return -2;
    }
    if (ctx->cap.info != want)
        vq_warn("CAPTURE: asked %s, the device kept %s", want->name, ctx->cap.info->name);
    ctx->cap_width = ctx->cap.width;
    ctx->cap_height = ctx->cap.height;
    if (ctx->cap_width < w || ctx->cap_height < h) {
        vq_err("CAPTURE format %ux%u does not hold %ux%u", ctx->cap_width, ctx->cap_height,
               w, h);
        return -1;
    }
    for (unsigned p = 0; p < 2; p++)
        if (drv->pitch_align > 1 && ctx->cap.plane_pitch[p] % drv->pitch_align)
            vq_warn("device refused a %u-aligned pitch: plane %u bytesperline %u (exported "
                    "as is)", drv->pitch_align, p, ctx->cap.plane_pitch[p]);
    vq_info("context: OUTPUT %s %ux%u size %u; CAPTURE %s %ux%u pitches %u/%u, %u memory "
            "plane(s); %s API", vq_fourcc(ctx->out_fmt.pixelformat, a), ctx->out_fmt.width,
            ctx->out_fmt.height, ctx->out_fmt.plane_fmt[0].sizeimage, ctx->cap.info->name,
            ctx->cap_width, ctx->cap_height, ctx->cap.plane_pitch[0], ctx->cap.plane_pitch[1],
            ctx->cap.n_mem, V4L2_TYPE_IS_MULTIPLANAR(ctx->cap_type) ? "multi-planar"
                                                                    : "single-planar");
    return 0;
}

/* Both formats for w x h. -1: failed; -2: no CAPTURE format of the needed bit depth. */
static int set_formats(struct vareq_context *ctx, unsigned w, unsigned h)
{
    if (set_output_format(ctx, w, h) < 0)
        return -1;
    return set_capture_format(ctx, w, h);
}

/* CAPTURE pool for the current format: every buffer must hold every plane. */
static int setup_pool(struct vareq_context *ctx)
{
    struct vareq_driver *drv = ctx->drv;
    unsigned nslots = (ctx->n_targets ? ctx->n_targets : DEFAULT_SURFACES) + drv->pool_spares;

    if (nslots > VIDEO_MAX_FRAME)
        nslots = VIDEO_MAX_FRAME;
    if (vareq_pool_init(&ctx->pool, drv->ops, ctx->video_fd,
                        ctx->cap_type, nslots, ctx->cap.n_mem) < 0)
        return -1;
    for (unsigned i = 0; i < ctx->pool.n; i++)
        for (unsigned m = 0; m < ctx->cap.n_mem; m++)
            if (ctx->pool.slots[i].length[m] < ctx->cap.mem_size[m]) {
                vq_err("CAPTURE buffer %u plane %u is %zu bytes, the format needs %zu", i, m,
                       ctx->pool.slots[i].length[m], ctx->cap.mem_size[m]);
                return -1;
            }
    return 0;
}

static int setup_output_bufs(struct vareq_context *ctx)
{
    const struct vareq_sysops *ops = ctx->drv->ops;
    unsigned count = OUTPUT_BUFS;

    if (v4l2_reqbufs_caps(ops, ctx->video_fd, ctx->out_type, &count, &ctx->out_caps) < 0) {
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
        if (v4l2_querybuf(ops, ctx->video_fd, ctx->out_type, i, &off, &len) < 0) {
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

static void free_output_bufs(struct vareq_context *ctx)
{
    const struct vareq_sysops *ops = ctx->drv->ops;
    unsigned zero = 0;

    if (!ctx->n_out)
        return;
    for (unsigned i = 0; i < ctx->n_out; i++) {
        if (ctx->out[i].map != MAP_FAILED && ctx->out[i].map)
            ops->munmap(ctx->out[i].map, ctx->out[i].length);
        ctx->out[i].map = MAP_FAILED;
        ctx->out[i].busy = false;
    }
    ctx->n_out = 0;
    ctx->out_caps = 0;
    if (v4l2_reqbufs(ops, ctx->video_fd, ctx->out_type, &zero) < 0)
        vq_warn("OUTPUT REQBUFS(0): %s", strerror(errno));
}

VAStatus vareq_ctx_reconfigure(struct vareq_context *ctx, unsigned w, unsigned h)
{
    struct vareq_driver *drv = ctx->drv;
    const struct vareq_sysops *ops = drv->ops;
    int r;

    vareq_ctx_complete_all(ctx);
    vq_info("context 0x%x: size change %ux%u -> %ux%u: re-negotiating formats", ctx->id,
            ctx->width, ctx->height, w, h);
    v4l2_stream(ops, ctx->video_fd, ctx->out_type, false);
    v4l2_stream(ops, ctx->video_fd, ctx->cap_type, false);
    ctx->streaming = false;
    for (unsigned i = 0; i < ctx->pool.n; i++)
        ctx->pool.slots[i].queued = false; /* STREAMOFF returned every buffer */
    /* frames decoded before the change (and derived images) stay readable */
    vareq_ctx_orphan_frames(ctx, false);
    vareq_pool_fini(&ctx->pool);
    free_output_bufs(ctx);
    r = set_formats(ctx, w, h);
    if (r < 0)
        return r == -2 ? VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT
                       : VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    if (setup_output_bufs(ctx) < 0 || setup_pool(ctx) < 0)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    if (v4l2_stream(ops, ctx->video_fd, ctx->out_type, true) < 0 ||
        v4l2_stream(ops, ctx->video_fd, ctx->cap_type, true) < 0) {
        vq_err("STREAMON after size change: %s", strerror(errno));
        ctx->streaming = true; /* teardown stops both */
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    ctx->streaming = true;
    ctx->width = w;
    ctx->height = h;
    ctx->reconfigs++;
    atomic_fetch_add(&drv->stats.reconfigs, 1);
    return VA_STATUS_SUCCESS;
}

void vareq_ctx_teardown(struct vareq_context *ctx)
{
    const struct vareq_sysops *ops = ctx->drv->ops;

    if (ctx->video_fd >= 0) {
        if (ctx->streaming) {
            v4l2_stream(ops, ctx->video_fd, ctx->out_type, false);
            v4l2_stream(ops, ctx->video_fd, ctx->cap_type, false);
            ctx->streaming = false;
        }
        vareq_pool_fini(&ctx->pool);
        free_output_bufs(ctx);
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
        if (old == ctx) {
            /* a surface of the continued (parked) session keeps its frame */
            s->bound_index = i;
            pthread_mutex_unlock(&old->lock);
            continue;
        }
        if (old) {
            vareq_ctx_detach_surface(old, s);
            pthread_mutex_unlock(&old->lock);
        }
        pthread_mutex_lock(&drv->lock);
        s->ctx = ctx;
        s->bound_index = i;
        s->export_once = false;
        s->exported_slot = NULL;
        s->export_count = 0;
        pthread_mutex_unlock(&drv->lock);
    }
}

/* 10-bit when the render targets are 10-bit surfaces, or the config allows only 10-bit;
 * else 8-bit. (Profiles such as AV1 Main carry both depths: the surfaces decide.) */
static unsigned context_bit_depth(struct vareq_driver *drv, const struct vareq_config *cf,
                                  VASurfaceID *targets, int n)
{
    for (int i = 0; i < n; i++) {
        struct vareq_surface *s = vareq_surface_get(drv, targets[i]);
        if (s)
            return s->rt_format == VA_RT_FORMAT_YUV420_10 ? 10 : 8;
    }
    return (cf->rt_format & VA_RT_FORMAT_YUV420_10) && !(cf->rt_format & VA_RT_FORMAT_YUV420)
               ? 10 : 8;
}

VAStatus vareq_CreateContext(VADriverContextP vctx, VAConfigID config_id, int width,
                             int height, int flag, VASurfaceID *targets, int n_targets,
                             VAContextID *out)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_config *cf = vareq_config_get(drv, config_id);
    const struct vareq_decoder *dec;
    struct vareq_context *ctx;
    VAStatus st = VA_STATUS_ERROR_OPERATION_FAILED;
    int r;

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

    ctx = vareq_park_adopt(drv, cf, (unsigned)width, (unsigned)height,
                       context_bit_depth(drv, cf, targets, n_targets), (unsigned)n_targets);
    if (ctx) {
        pthread_mutex_lock(&drv->lock);
        if (vareq_heap_add(&drv->contexts, ctx, &ctx->id) < 0) {
            pthread_mutex_unlock(&drv->lock);
            vareq_session_end(drv, ctx);
            return VA_STATUS_ERROR_ALLOCATION_FAILED;
        }
        pthread_mutex_unlock(&drv->lock);
        attach_targets(drv, ctx, targets, n_targets);
        *out = ctx->id;
        return VA_STATUS_SUCCESS;
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
    ctx->out_type = vq_queue_type(dec->mplane, false);
    ctx->cap_type = vq_queue_type(dec->mplane, true);
    ctx->width = (unsigned)width;
    ctx->height = (unsigned)height;
    ctx->n_targets = (unsigned)n_targets;
    ctx->bit_depth = context_bit_depth(drv, cf, targets, n_targets);
    ctx->video_fd = ctx->media_fd = -1;
    /* render targets of a depth the config does not decode (10-bit surfaces with a
     * VP9 Profile0 config) */
    if ((ctx->bit_depth == 10 && !(cf->rt_format & VA_RT_FORMAT_YUV420_10)) ||
        (ctx->bit_depth == 8 && !(cf->rt_format & VA_RT_FORMAT_YUV420))) {
        vq_err("%u-bit render targets for a config of RT formats 0x%x", ctx->bit_depth,
               cf->rt_format);
        st = VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
        goto fail;
    }
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
        if (ctx->ctrl_present[i])
            ctx->ctrl_info[i] = q;
        if (!ctx->ctrl_present[i] && ctx->codec->ctrls[i].required) {
            vq_err("%s: required control 0x%x missing", dec->video_path,
                   ctx->codec->ctrls[i].id);
            goto fail;
        }
    }
    r = set_formats(ctx, ctx->width, ctx->height);
    if (r < 0) {
        st = r == -2 ? VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT
                     : VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
        goto fail;
    }
    if (setup_output_bufs(ctx) < 0)
        goto fail;
    if (setup_pool(ctx) < 0) {
        st = VA_STATUS_ERROR_ALLOCATION_FAILED;
        goto fail;
    }
    if (v4l2_stream(drv->ops, ctx->video_fd, ctx->out_type, true) < 0 ||
        v4l2_stream(drv->ops, ctx->video_fd, ctx->cap_type, true) < 0) {
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
    vareq_ctx_teardown(ctx);
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

    /* a VP9 session may be parked for the next context (va/park.c) */
    if (!vareq_park_or_end(drv, ctx))
        vq_info("context 0x%x destroyed", id);
    /* also here: clients that exit on an error path never call vaTerminate */
    vareq_stats_write(drv);
    return VA_STATUS_SUCCESS;
}
