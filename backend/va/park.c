/* The end of a V4L2 session (its frames become orphaned memory) and parked sessions.
 *
 * Parked V4L2 sessions: VP9 reference scaling across VA contexts (docs/architecture.md
 * "VP9 reference scaling"). FFmpeg 5.1 replaces the VA context (and its surfaces) whenever the VP9 frame size changes, also for an inter frame that predicts
 * from references of another size. The device keeps state a new V4L2 session would not
 * have: the probability contexts (the uAPI leaves them in the device, like hantro's and
 * rkvdec's frame_context[4]) and the references, found by timestamp in its own CAPTURE
 * queue. So vaDestroyContext of a VP9 context whose surfaces still hold decoded frames
 * keeps ("parks") the session: fds, queues streaming, CAPTURE pool, the translator's
 * parser state and the timestamp counter; its surfaces stay attached and readable. The
 * next vaCreateContext of the same config, bit depth and decoder whose size fits the
 * CAPTURE format takes the session over (the device decodes a frame smaller than the
 * CAPTURE format; each buffer remembers its frame size). Anything else ends it.
 *
 * A session is parked and continued only while it is healthy: no request of it failed
 * (at submission or at the device) and the device still answers (G_FMT on its video fd;
 * a device that went away answers ENODEV/EIO). A session that is not healthy ends, so
 * that its fds close (a removed device comes back only when every fd is closed) and the
 * next context starts a fresh session. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "park.h"

/* Before the CAPTURE queue is freed (vaDestroyContext, in-stream size change): the memory
 * of every slot that still holds a surface's decoded frame, or that a derived image maps,
 * leaves the pool as an orphan (vareq_pool_orphan: mappings + dma-buf fds, which keep vb2
 * MMAP memory alive after REQBUFS(0)/close). Surfaces and derived images read it until the
 * surface is destroyed or decoded into again; every other slot is freed with the pool.
 * Every surface of the context loses its slot; with detach, it also leaves the context.
 * ctx->lock held, no request pending (complete them first). */
void vareq_ctx_orphan_frames(struct vareq_context *ctx, bool detach)
{
    struct vareq_driver *drv = ctx->drv;
    struct vareq_pool *pool = &ctx->pool;
    struct vareq_orphan **orph = NULL;
    unsigned kept = 0;

    if (pool->n)
        orph = calloc(pool->n, sizeof(*orph));
    if (!orph && pool->n)
        vq_err("context 0x%x: out of memory: decoded frames become unreadable", ctx->id);
    for (unsigned i = 0; orph && i < pool->n; i++) {
        struct vareq_slot *slot = &pool->slots[i];
        struct vareq_surface *owner = slot->owner;
        bool holds = owner && owner->slot == slot && owner->has_frame && !owner->pending;
        struct vareq_orphan *o;

        if (slot->queued || (!holds && !atomic_load(&slot->pins)))
            continue;
        o = calloc(1, sizeof(*o));
        if (!o) {
            vq_err("context 0x%x: out of memory: slot %u's frame becomes unreadable", ctx->id,
                   i);
            continue;
        }
        o->ops = drv->ops;
        o->cap = ctx->cap;
        o->cap_width = ctx->cap_width;
        o->cap_height = ctx->cap_height;
        o->width = ctx->width;
        o->height = ctx->height;
        vareq_pool_orphan(pool, slot, &o->mem);
        orph[i] = o;
        kept++;
    }

    pthread_mutex_lock(&drv->lock);
    for (uint32_t i = 0; i < drv->surfaces.cap; i++) {
        struct vareq_surface *s = vareq_heap_at(&drv->surfaces, i);
        struct vareq_orphan *o = NULL;
        if (!s || s->ctx != ctx)
            continue;
        if (orph && s->slot && s->has_frame && s->slot->index < pool->n &&
            &pool->slots[s->slot->index] == s->slot)
            o = orph[s->slot->index];
        if (o) {
            struct vareq_orphan *old = s->orphan;
            /* an older orphan (an earlier size change, never decoded into since): rare;
             * freeing is munmap/close only and takes no driver lock */
            if (old && --old->refs == 0)
                vareq_orphan_free(old);
            s->orphan = o;
            o->refs++;
        }
        s->slot = NULL;
        s->exported_slot = NULL;
        s->export_once = false;
        s->has_frame = false;
        s->pending = NULL;
        if (detach)
            s->ctx = NULL;
    }
    for (uint32_t i = 0; i < drv->buffers.cap; i++) {
        struct vareq_buffer *b = vareq_heap_at(&drv->buffers, i);
        struct vareq_orphan *o = NULL;
        if (!b || b->derived_ctx != ctx)
            continue;
        if (orph && b->derived_slot && b->derived_slot->index < pool->n &&
            &pool->slots[b->derived_slot->index] == b->derived_slot)
            o = orph[b->derived_slot->index];
        if (o) {
            b->derived_orphan = o; /* data keeps pointing at the same mapping */
            o->refs++;
        } else {
            b->data = NULL;
            b->size = 0;
        }
        if (b->derived_slot)
            atomic_fetch_sub(&b->derived_slot->pins, 1);
        b->derived_ctx = NULL;
        b->derived_slot = NULL;
    }
    pthread_mutex_unlock(&drv->lock);

    for (unsigned i = 0; orph && i < pool->n; i++)
        if (orph[i] && !orph[i]->refs) {
            vareq_orphan_free(orph[i]);
            kept--;
        }
    if (kept)
        vq_info("context 0x%x: %u decoded frame(s) stay readable after the CAPTURE queue is "
                "freed (orphaned memory)", ctx->id, kept);
    free(orph);
}

static bool keeps_device_state(const struct vareq_context *ctx)
{
    return ctx->codec->output_pixfmt == V4L2_PIX_FMT_VP9_FRAME && !ctx->drv->pool_bound;
}

/* A surface of ctx holds a decoded frame (a possible reference). ctx->lock held. */
static bool holds_frames(struct vareq_context *ctx)
{
    struct vareq_driver *drv = ctx->drv;
    bool any = false;

    pthread_mutex_lock(&drv->lock);
    for (uint32_t i = 0; i < drv->surfaces.cap && !any; i++) {
        struct vareq_surface *s = vareq_heap_at(&drv->surfaces, i);
        any = s && s->ctx == ctx && s->has_frame && s->slot;
    }
    pthread_mutex_unlock(&drv->lock);
    return any;
}

/* No failed request, and the device answers on the session's video fd. ctx->lock held. */
static bool session_healthy(struct vareq_context *ctx, const char **why)
{
    struct v4l2_pix_format_mplane f;

    if (ctx->failed_requests) {
        *why = "a request of it failed";
        return false;
    }
    if (!ctx->streaming || ctx->video_fd < 0) {
        *why = "it is not streaming";
        return false;
    }
    if (v4l2_g_fmt(ctx->drv->ops, ctx->video_fd, ctx->cap_type, &f) < 0) {
        *why = errno == ENODEV ? "the device is gone (ENODEV)"
               : errno == EIO  ? "the device reports I/O errors (EIO)"
                               : "the device does not answer G_FMT";
        return false;
    }
    return true;
}

void vareq_session_end(struct vareq_driver *drv, struct vareq_context *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    vareq_ctx_complete_all(ctx);
    if (ctx->streaming && ctx->video_fd >= 0) {
        v4l2_stream(drv->ops, ctx->video_fd, ctx->out_type, false);
        v4l2_stream(drv->ops, ctx->video_fd, ctx->cap_type, false);
        ctx->streaming = false;
        for (unsigned i = 0; i < ctx->pool.n; i++)
            ctx->pool.slots[i].queued = false;
    }
    /* the surfaces' last frames stay readable (images, derive, export) after the context:
     * clients (ffmpeg on a size change) read frames decoded before they destroyed it */
    vareq_ctx_orphan_frames(ctx, true);
    vareq_ctx_teardown(ctx);
    pthread_mutex_unlock(&ctx->lock);
    /* another thread may be waiting for ctx->lock in vareq_surface_lock_ctx (ffmpeg reads
     * old frames from one thread while its decoder thread replaces the context): the last
     * of them frees the context */
    vareq_context_unref(drv, ctx, true);
}

bool vareq_park_or_end(struct vareq_driver *drv, struct vareq_context *ctx)
{
    struct vareq_context *old = NULL;
    const char *why = NULL;
    bool park;

    pthread_mutex_lock(&ctx->lock);
    vareq_ctx_complete_all(ctx);
    park = keeps_device_state(ctx) && holds_frames(ctx);
    if (park && !session_healthy(ctx, &why)) {
        vq_info("context 0x%x: V4L2 session not parked: %s", ctx->id, why);
        park = false;
    }
    if (park) {
        vareq_picture_reset(&ctx->pic);
        ctx->pic.active = false;
    }
    pthread_mutex_unlock(&ctx->lock);
    if (!park) {
        vareq_session_end(drv, ctx);
        return false;
    }
    pthread_mutex_lock(&drv->lock);
    old = drv->parked;
    drv->parked = ctx;
    pthread_mutex_unlock(&drv->lock);
    vq_info("context 0x%x destroyed; its V4L2 session is parked for the next context "
            "(VP9 reference scaling)", ctx->id);
    if (old)
        vareq_session_end(drv, old);
    return true;
}

void vareq_ctx_release_parked(struct vareq_driver *drv)
{
    struct vareq_context *p;

    pthread_mutex_lock(&drv->lock);
    p = drv->parked;
    drv->parked = NULL;
    pthread_mutex_unlock(&drv->lock);
    if (p) {
        vq_info("context 0x%x: parked V4L2 session ended", p->id);
        vareq_session_end(drv, p);
    }
}

void vareq_ctx_check_parked(struct vareq_driver *drv)
{
    struct vareq_context *ctx;
    bool end = false;

    pthread_mutex_lock(&drv->lock);
    ctx = drv->parked;
    if (ctx)
        ctx->users++; /* keeps it allocated while we wait for its lock */
    pthread_mutex_unlock(&drv->lock);
    if (!ctx)
        return;
    pthread_mutex_lock(&ctx->lock);
    if (!holds_frames(ctx)) {
        pthread_mutex_lock(&drv->lock);
        if (drv->parked == ctx) {
            drv->parked = NULL;
            end = true;
        }
        pthread_mutex_unlock(&drv->lock);
    }
    pthread_mutex_unlock(&ctx->lock);
    vareq_context_unref(drv, ctx, false);
    if (end) {
        vq_info("context 0x%x: no surface holds a frame of the parked V4L2 session: ended",
                ctx->id);
        vareq_session_end(drv, ctx); /* the caller writes the stats */
    }
}

struct vareq_context *vareq_park_adopt(struct vareq_driver *drv,
                                       const struct vareq_config *cf, unsigned w,
                                       unsigned h, unsigned bit_depth, unsigned n_targets)
{
    struct vareq_context *p;
    const char *why = NULL;
    bool fits;

    pthread_mutex_lock(&drv->lock);
    p = drv->parked;
    drv->parked = NULL;
    pthread_mutex_unlock(&drv->lock);
    if (!p)
        return NULL;
    pthread_mutex_lock(&p->lock);
    fits = p->codec == cf->codec && p->profile == cf->profile && p->decoder == cf->decoder &&
           p->bit_depth == bit_depth && w <= p->cap_width && h <= p->cap_height;
    if (!fits)
        why = "another codec, profile, decoder or bit depth, or larger than its CAPTURE format";
    else if (!session_healthy(p, &why))
        fits = false;
    if (fits) {
        vq_info("context 0x%x: the next context continues its V4L2 session at %ux%u (CAPTURE "
                "%ux%u; references and device state kept)", p->id, w, h, p->cap_width,
                p->cap_height);
        p->width = w;
        p->height = h;
        p->n_targets = n_targets;
        vareq_picture_reset(&p->pic);
        p->pic.active = false;
    }
    pthread_mutex_unlock(&p->lock);
    if (!fits) {
        vq_info("context 0x%x: parked V4L2 session cannot continue at %ux%u (CAPTURE %ux%u): "
                "%s", p->id, w, h, p->cap_width, p->cap_height, why);
        vareq_session_end(drv, p);
        vareq_stats_write(drv); /* its buffers are gone or orphaned */
        return NULL;
    }
    return p;
}
