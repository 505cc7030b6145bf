/* vareq: VA-API driver for V4L2 stateless (request API) decoders.
 * Entry point, vtable, terminate, object lookups, statistics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"

#define UNIMPL(...) return VA_STATUS_ERROR_UNIMPLEMENTED

/* ---- lookups ---- */

#define LOOKUP(fn, type, heap, idtype)                                         \
    type *fn(struct vareq_driver *drv, idtype id)                              \
    {                                                                          \
        type *o;                                                               \
        pthread_mutex_lock(&drv->lock);                                        \
        o = vareq_heap_get(&drv->heap, id);                                    \
        pthread_mutex_unlock(&drv->lock);                                      \
        return o;                                                              \
    }

LOOKUP(vareq_config_get, struct vareq_config, configs, VAConfigID)
LOOKUP(vareq_context_get, struct vareq_context, contexts, VAContextID)
LOOKUP(vareq_surface_get, struct vareq_surface, surfaces, VASurfaceID)
LOOKUP(vareq_buffer_get, struct vareq_buffer, buffers, VABufferID)
LOOKUP(vareq_image_get, struct vareq_image, images, VAImageID)

void vareq_context_unref(struct vareq_driver *drv, struct vareq_context *ctx, bool destroyed)
{
    bool last;

    pthread_mutex_lock(&drv->lock);
    if (destroyed)
        ctx->destroyed = true;
    else if (ctx->users)
        ctx->users--;
    last = ctx->destroyed && !ctx->users;
    pthread_mutex_unlock(&drv->lock);
    if (last) {
        pthread_mutex_destroy(&ctx->lock);
        free(ctx);
    }
}

struct vareq_context *vareq_surface_lock_ctx(struct vareq_driver *drv, struct vareq_surface *s)
{
    struct vareq_context *ctx;

    for (;;) {
        bool same;
        pthread_mutex_lock(&drv->lock);
        ctx = s->ctx;
        if (ctx)
            ctx->users++; /* keeps ctx allocated while we wait for its lock */
        pthread_mutex_unlock(&drv->lock);
        if (!ctx)
            return NULL;
        pthread_mutex_lock(&ctx->lock);
        /* re-check: the surface may have moved (or its context been destroyed) while we
         * waited. While attached and locked, the context cannot be destroyed under us. */
        pthread_mutex_lock(&drv->lock);
        same = s->ctx == ctx;
        if (same)
            ctx->users--;
        pthread_mutex_unlock(&drv->lock);
        if (same)
            return ctx;
        pthread_mutex_unlock(&ctx->lock);
        vareq_context_unref(drv, ctx, false);
    }
}

/* ---- statistics ---- */

/* Drivers initialised and not terminated in this process, so that the stats file is also
 * written at process exit / dlclose (clients such as ffmpeg 5.1 exit without vaTerminate
 * when they decline a stream). stats_lock protects the list and serialises every write of
 * the stats file. */
#define MAX_LIVE_DRIVERS 16
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vareq_driver *live_drivers[MAX_LIVE_DRIVERS];

static void live_driver_add(struct vareq_driver *drv)
{
    pthread_mutex_lock(&stats_lock);
    for (unsigned i = 0; i < MAX_LIVE_DRIVERS; i++)
        if (!live_drivers[i]) {
            live_drivers[i] = drv;
            break;
        }
    pthread_mutex_unlock(&stats_lock);
}

static void stats_write_locked(struct vareq_driver *drv);

/* Writes the stats a last time and forgets the driver (vaTerminate, before freeing it). */
static void live_driver_remove(struct vareq_driver *drv)
{
    pthread_mutex_lock(&stats_lock);
    stats_write_locked(drv);
    for (unsigned i = 0; i < MAX_LIVE_DRIVERS; i++)
        if (live_drivers[i] == drv)
            live_drivers[i] = NULL;
    pthread_mutex_unlock(&stats_lock);
}

/* Runs at exit() and at dlclose of the driver, whichever comes first, while the driver's
 * code is still loaded. Drivers already terminated wrote their stats and left the list. */
__attribute__((destructor)) static void vareq_stats_at_exit(void)
{
    pthread_mutex_lock(&stats_lock);
    for (unsigned i = 0; i < MAX_LIVE_DRIVERS; i++)
        if (live_drivers[i]) {
            stats_write_locked(live_drivers[i]);
            live_drivers[i] = NULL;
        }
    pthread_mutex_unlock(&stats_lock);
}

/* Pixel data copied by the driver (every driver of the process; relaxed: a counter). */
static atomic_ulong pixel_bytes_copied;

void vareq_stats_pixel_copy(size_t bytes)
{
    atomic_fetch_add_explicit(&pixel_bytes_copied, bytes, memory_order_relaxed);
}

/* Driver CPU time: with VAREQ_STATS_FILE set, the vtable holds these wrappers for the calls
 * a client makes per frame; each adds the calling thread's CPU time inside the call
 * (CLOCK_THREAD_CPUTIME_ID: user + system, so the device's ioctl handling on this thread
 * counts, as the kernel's would; simdev's decode runs on its worker thread and does not). */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void stats_add_cpu(VADriverContextP c, uint64_t t0)
{
    struct vareq_driver *drv = vareq_drv(c);
    uint64_t t1 = thread_cpu_ns();

    if (!drv) /* cannot happen for a live display; keep the wrapper harmless */
        return;
    atomic_fetch_add_explicit(&drv->stats.va_calls, 1, memory_order_relaxed);
    if (t0 && t1 > t0)
        atomic_fetch_add_explicit(&drv->stats.driver_cpu_ns, t1 - t0, memory_order_relaxed);
}

#define TIMED_CALL(name, params, args)                                                       \
    static VAStatus timed_##name params                                                      \
    {                                                                                        \
        uint64_t t0 = thread_cpu_ns();                                                       \
        VAStatus ret_ = vareq_##name args;                                                   \
        stats_add_cpu(c, t0);                                                                \
        return ret_;                                                                         \
    }

TIMED_CALL(BeginPicture, (VADriverContextP c, VAContextID x, VASurfaceID s), (c, x, s))
TIMED_CALL(RenderPicture, (VADriverContextP c, VAContextID x, VABufferID *b, int n),
           (c, x, b, n))
TIMED_CALL(EndPicture, (VADriverContextP c, VAContextID x), (c, x))
TIMED_CALL(SyncSurface, (VADriverContextP c, VASurfaceID s), (c, s))
TIMED_CALL(SyncSurface2, (VADriverContextP c, VASurfaceID s, uint64_t t), (c, s, t))
TIMED_CALL(QuerySurfaceStatus, (VADriverContextP c, VASurfaceID s, VASurfaceStatus *st),
           (c, s, st))
TIMED_CALL(CreateBuffer,
           (VADriverContextP c, VAContextID x, VABufferType t, unsigned int sz,
            unsigned int n, void *d, VABufferID *b),
           (c, x, t, sz, n, d, b))
TIMED_CALL(MapBuffer, (VADriverContextP c, VABufferID b, void **p), (c, b, p))
TIMED_CALL(UnmapBuffer, (VADriverContextP c, VABufferID b), (c, b))
TIMED_CALL(DestroyBuffer, (VADriverContextP c, VABufferID b), (c, b))
TIMED_CALL(CreateImage, (VADriverContextP c, VAImageFormat *f, int w, int h, VAImage *i),
           (c, f, w, h, i))
TIMED_CALL(DeriveImage, (VADriverContextP c, VASurfaceID s, VAImage *i), (c, s, i))
TIMED_CALL(DestroyImage, (VADriverContextP c, VAImageID i), (c, i))
TIMED_CALL(GetImage,
           (VADriverContextP c, VASurfaceID s, int x, int y, unsigned int w, unsigned int h,
            VAImageID i),
           (c, s, x, y, w, h, i))
TIMED_CALL(ExportSurfaceHandle,
           (VADriverContextP c, VASurfaceID s, uint32_t t, uint32_t fl, void *d),
           (c, s, t, fl, d))

static void fill_vtable_timed(struct VADriverVTable *vt)
{
    vt->vaBeginPicture = timed_BeginPicture;
    vt->vaRenderPicture = timed_RenderPicture;
    vt->vaEndPicture = timed_EndPicture;
    vt->vaSyncSurface = timed_SyncSurface;
    vt->vaSyncSurface2 = timed_SyncSurface2;
    vt->vaQuerySurfaceStatus = timed_QuerySurfaceStatus;
    vt->vaCreateBuffer = timed_CreateBuffer;
    vt->vaMapBuffer = timed_MapBuffer;
    vt->vaUnmapBuffer = timed_UnmapBuffer;
    vt->vaDestroyBuffer = timed_DestroyBuffer;
    vt->vaCreateImage = timed_CreateImage;
    vt->vaDeriveImage = timed_DeriveImage;
    vt->vaDestroyImage = timed_DestroyImage;
    vt->vaGetImage = timed_GetImage;
    vt->vaExportSurfaceHandle = timed_ExportSurfaceHandle;
}

void vareq_stats_write(struct vareq_driver *drv)
{
    pthread_mutex_lock(&stats_lock);
    stats_write_locked(drv);
    pthread_mutex_unlock(&stats_lock);
}

static void stats_write_locked(struct vareq_driver *drv)
{
    const char *path = getenv("VAREQ_STATS_FILE");
    struct vareq_seam_counts seam;
    FILE *f;

    if (!path || !*path)
        return;
    f = fopen(path, "w");
    if (!f) {
        vq_err("VAREQ_STATS_FILE=%s: %s", path, strerror(errno));
        return;
    }
    vareq_seam_counts_get(&seam);
    fprintf(f,
            "{\"driver\":\"vareq\",\"device\":\"%s\",\"decoded\":%lu,\"decode_errors\":%lu,"
            "\"images_read\":%lu,\"exports\":%lu,\"fence_waits\":%lu,"
            "\"fence_timeouts\":%lu,\"reconfigs\":%lu,\"capture_buffers_live\":%u,"
            "\"capture_buffers_peak\":%u,\"capture_buffers_orphaned\":%u,\"profiles\":{",
            drv->device_name, atomic_load(&drv->stats.decoded),
            atomic_load(&drv->stats.decode_errors), atomic_load(&drv->stats.images_read),
            atomic_load(&drv->stats.exports), atomic_load(&drv->stats.fence_waits),
            atomic_load(&drv->stats.fence_timeouts), atomic_load(&drv->stats.reconfigs),
            vareq_pool_live_buffers(), vareq_pool_peak_buffers(),
            vareq_pool_orphaned_buffers());
    for (unsigned i = 0; i < drv->n_profiles; i++)
        fprintf(f, "%s\"%s\":%lu", i ? "," : "", drv->profile_names[i],
                atomic_load(&drv->stats.per_profile[i]));
    /* seam and copy counters are process-wide; the CPU time is this driver's */
    fprintf(f,
            "},\"ioctls\":%lu,\"polls\":%lu,\"device_opens\":%lu,\"mmaps\":%lu,"
            "\"munmaps\":%lu,\"pixel_bytes_copied\":%lu,\"va_calls\":%lu,"
            "\"driver_cpu_ns\":%lu,\"driver_cpu_timed\":%s}\n",
            seam.ioctls, seam.polls, seam.opens, seam.mmaps, seam.munmaps,
            atomic_load_explicit(&pixel_bytes_copied, memory_order_relaxed),
            atomic_load(&drv->stats.va_calls), atomic_load(&drv->stats.driver_cpu_ns),
            drv->stats_timing ? "true" : "false");
    if (fclose(f) != 0)
        vq_err("VAREQ_STATS_FILE=%s: %s", path, strerror(errno));
}

/* ---- not applicable to a decoder ---- */

static VAStatus vareq_PutSurface(VADriverContextP c, VASurfaceID s, void *d, short a, short b,
                                 unsigned short e, unsigned short f, short g, short h,
                                 unsigned short i, unsigned short j, VARectangle *k,
                                 unsigned int l, unsigned int m)
{
    (void)c; (void)s; (void)d; (void)a; (void)b; (void)e; (void)f; (void)g; (void)h;
    (void)i; (void)j; (void)k; (void)l; (void)m;
    UNIMPL();
}
static VAStatus vareq_QuerySurfaceError(VADriverContextP c, VASurfaceID s, VAStatus e, void **i)
{
    (void)c; (void)s; (void)e; (void)i;
    UNIMPL();
}
static VAStatus vareq_SetImagePalette(VADriverContextP c, VAImageID i, unsigned char *p)
{
    (void)c; (void)i; (void)p;
    UNIMPL();
}
static VAStatus vareq_PutImage(VADriverContextP c, VASurfaceID s, VAImageID i, int a, int b,
                               unsigned int w, unsigned int h, int d, int e, unsigned int f,
                               unsigned int g)
{
    (void)c; (void)s; (void)i; (void)a; (void)b; (void)w; (void)h; (void)d; (void)e;
    (void)f; (void)g;
    UNIMPL();
}
static VAStatus vareq_QuerySubpictureFormats(VADriverContextP c, VAImageFormat *f,
                                             unsigned int *fl, unsigned int *n)
{
    (void)c; (void)f; (void)fl;
    if (n)
        *n = 0;
    return VA_STATUS_SUCCESS;
}
static VAStatus vareq_CreateSubpicture(VADriverContextP c, VAImageID i, VASubpictureID *s)
{
    (void)c; (void)i; (void)s;
    UNIMPL();
}
static VAStatus vareq_DestroySubpicture(VADriverContextP c, VASubpictureID s)
{
    (void)c; (void)s;
    UNIMPL();
}
static VAStatus vareq_SetSubpictureImage(VADriverContextP c, VASubpictureID s, VAImageID i)
{
    (void)c; (void)s; (void)i;
    UNIMPL();
}
static VAStatus vareq_SetSubpictureChromakey(VADriverContextP c, VASubpictureID s,
                                             unsigned int a, unsigned int b, unsigned int d)
{
    (void)c; (void)s; (void)a; (void)b; (void)d;
    UNIMPL();
}
static VAStatus vareq_SetSubpictureGlobalAlpha(VADriverContextP c, VASubpictureID s, float a)
{
    (void)c; (void)s; (void)a;
    UNIMPL();
}
static VAStatus vareq_AssociateSubpicture(VADriverContextP c, VASubpictureID s,
                                          VASurfaceID *t, int n, short a, short b,
                                          unsigned short d, unsigned short e, short f,
                                          short g, unsigned short h, unsigned short i,
                                          unsigned int fl)
{
    (void)c; (void)s; (void)t; (void)n; (void)a; (void)b; (void)d; (void)e; (void)f;
    (void)g; (void)h; (void)i; (void)fl;
    UNIMPL();
}
static VAStatus vareq_DeassociateSubpicture(VADriverContextP c, VASubpictureID s,
                                            VASurfaceID *t, int n)
{
    (void)c; (void)s; (void)t; (void)n;
    UNIMPL();
}
static VAStatus vareq_QueryDisplayAttributes(VADriverContextP c, VADisplayAttribute *a, int *n)
{
    (void)c; (void)a;
    if (n)
        *n = 0;
    return VA_STATUS_SUCCESS;
}
static VAStatus vareq_GetDisplayAttributes(VADriverContextP c, VADisplayAttribute *a, int n)
{
    (void)c; (void)a; (void)n;
    UNIMPL();
}
static VAStatus vareq_SetDisplayAttributes(VADriverContextP c, VADisplayAttribute *a, int n)
{
    (void)c; (void)a; (void)n;
    UNIMPL();
}
static VAStatus vareq_LockSurface(VADriverContextP c, VASurfaceID s, unsigned int *a,
                                  unsigned int *b, unsigned int *d, unsigned int *e,
                                  unsigned int *f, unsigned int *g, unsigned int *h,
                                  unsigned int *i, void **j)
{
    (void)c; (void)s; (void)a; (void)b; (void)d; (void)e; (void)f; (void)g; (void)h;
    (void)i; (void)j;
    UNIMPL();
}
static VAStatus vareq_UnlockSurface(VADriverContextP c, VASurfaceID s)
{
    (void)c; (void)s;
    UNIMPL();
}
static VAStatus vareq_GetSurfaceAttributes(VADriverContextP c, VAConfigID cf,
                                           VASurfaceAttrib *a, unsigned int n)
{
    (void)c; (void)cf; (void)a; (void)n;
    UNIMPL();
}
static VAStatus vareq_AcquireBufferHandle(VADriverContextP c, VABufferID b, VABufferInfo *i)
{
    (void)c; (void)b; (void)i;
    UNIMPL();
}
static VAStatus vareq_ReleaseBufferHandle(VADriverContextP c, VABufferID b)
{
    (void)c; (void)b;
    UNIMPL();
}
static VAStatus vareq_CreateMFContext(VADriverContextP c, VAMFContextID *m)
{
    (void)c; (void)m;
    UNIMPL();
}
static VAStatus vareq_MFAddContext(VADriverContextP c, VAMFContextID m, VAContextID x)
{
    (void)c; (void)m; (void)x;
    UNIMPL();
}
static VAStatus vareq_MFReleaseContext(VADriverContextP c, VAMFContextID m, VAContextID x)
{
    (void)c; (void)m; (void)x;
    UNIMPL();
}
static VAStatus vareq_MFSubmit(VADriverContextP c, VAMFContextID m, VAContextID *x, int n)
{
    (void)c; (void)m; (void)x; (void)n;
    UNIMPL();
}
static VAStatus vareq_CreateBuffer2(VADriverContextP c, VAContextID x, VABufferType t,
                                    unsigned int w, unsigned int h, unsigned int *u,
                                    unsigned int *p, VABufferID *b)
{
    (void)c; (void)x; (void)t; (void)w; (void)h; (void)u; (void)p; (void)b;
    UNIMPL();
}
static VAStatus vareq_QueryProcessingRate(VADriverContextP c, VAConfigID cf,
                                          VAProcessingRateParameter *p, unsigned int *r)
{
    (void)c; (void)cf; (void)p; (void)r;
    UNIMPL();
}
static VAStatus vareq_SyncBuffer(VADriverContextP c, VABufferID b, uint64_t t)
{
    (void)c; (void)b; (void)t;
    UNIMPL();
}
static VAStatus vareq_Copy(VADriverContextP c, VACopyObject *d, VACopyObject *s, VACopyOption o)
{
    (void)c; (void)d; (void)s; (void)o;
    UNIMPL();
}

/* ---- terminate ---- */

static void destroy_all(VADriverContextP ctx)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    uint32_t i;

    /* contexts first: they sync pending decodes and release CAPTURE memory */
    for (i = 0; i < drv->contexts.cap; i++) {
        struct vareq_context *c = vareq_heap_at(&drv->contexts, i);
        if (c)
            vareq_DestroyContext(ctx, c->id);
    }
    vareq_ctx_release_parked(drv); /* a VP9 session kept by vaDestroyContext */
    for (i = 0; i < drv->images.cap; i++) {
        struct vareq_image *im = vareq_heap_at(&drv->images, i);
        if (im)
            vareq_DestroyImage(ctx, im->va.image_id);
    }
    for (i = 0; i < drv->buffers.cap; i++) {
        struct vareq_buffer *b = vareq_heap_at(&drv->buffers, i);
        if (b)
            vareq_DestroyBuffer(ctx, b->id);
    }
    for (i = 0; i < drv->surfaces.cap; i++) {
        struct vareq_surface *s = vareq_heap_at(&drv->surfaces, i);
        if (s) {
            VASurfaceID id = s->id;
            vareq_DestroySurfaces(ctx, &id, 1);
        }
    }
    for (i = 0; i < drv->configs.cap; i++) {
        struct vareq_config *cf = vareq_heap_at(&drv->configs, i);
        if (cf)
            free(vareq_heap_remove(&drv->configs, drv->configs.base + i));
    }
}

static VAStatus vareq_Terminate(VADriverContextP ctx)
{
    struct vareq_driver *drv = vareq_drv(ctx);

    if (!drv)
        return VA_STATUS_ERROR_INVALID_DISPLAY;
    destroy_all(ctx);
    live_driver_remove(drv); /* writes the stats file */
    vq_info("terminate: decoded %lu, errors %lu, images %lu, exports %lu",
            atomic_load(&drv->stats.decoded), atomic_load(&drv->stats.decode_errors),
            atomic_load(&drv->stats.images_read), atomic_load(&drv->stats.exports));
    vareq_heap_fini(&drv->configs);
    vareq_heap_fini(&drv->contexts);
    vareq_heap_fini(&drv->surfaces);
    vareq_heap_fini(&drv->buffers);
    vareq_heap_fini(&drv->images);
    pthread_mutex_destroy(&drv->lock);
    free(drv);
    ctx->pDriverData = NULL;
    return VA_STATUS_SUCCESS;
}

/* ---- init ---- */

static void read_config(struct vareq_driver *drv)
{
    const char *pol = getenv("VAREQ_POOL_POLICY");

    drv->pitch_align = (unsigned)vareq_env_long("VAREQ_PITCH_ALIGN", 64, 1, 4096);
    drv->pool_spares = (unsigned)vareq_env_long("VAREQ_POOL_SPARES", 4, 0, 32);
    drv->decode_timeout_ms = (int)vareq_env_long("VAREQ_DECODE_TIMEOUT_MS", 5000, 1, 600000);
    drv->fence_timeout_ms = (int)vareq_env_long("VAREQ_FENCE_TIMEOUT_MS", 200, 0, 60000);
    drv->stats_timing = getenv("VAREQ_STATS_FILE") && *getenv("VAREQ_STATS_FILE");
    drv->pool_bound = false;
    if (pol && *pol) {
        if (!strcmp(pol, "bound"))
            drv->pool_bound = true;
        else if (strcmp(pol, "decoupled"))
            vq_warn("unknown VAREQ_POOL_POLICY=%s, using decoupled", pol);
    }
    drv->export_mode = VAREQ_EXPORT_AUTO;
    pol = getenv("VAREQ_EXPORT_MODE");
    if (pol && *pol) {
        if (!strcmp(pol, "sticky"))
            drv->export_mode = VAREQ_EXPORT_STICKY;
        else if (!strcmp(pol, "fresh"))
            drv->export_mode = VAREQ_EXPORT_FRESH;
        else if (strcmp(pol, "auto"))
            vq_warn("unknown VAREQ_EXPORT_MODE=%s, using auto", pol);
    }
}

/* RT formats some decoder produces for the codec (its enumerated CAPTURE formats). */
static uint32_t decoders_rt_formats(const struct vareq_driver *drv,
                                    const struct vareq_codec *codec, bool *offered)
{
    uint32_t rt = 0;
    *offered = false;
    for (unsigned d = 0; d < drv->n_decoders; d++)
        for (unsigned f = 0; f < drv->decoders[d].n_fmts; f++) {
            const struct vareq_decoder_format *df = &drv->decoders[d].fmts[f];
            if (df->pixfmt != codec->output_pixfmt)
                continue;
            *offered = true;
            for (unsigned i = 0; i < df->n_cap_fmts; i++) {
                const struct vareq_pixfmt_info *pf = vareq_pixfmt_by_v4l2(df->cap_fmts[i]);
                if (pf)
                    rt |= pf->va_rt_format;
            }
        }
    return rt;
}

static void build_profiles(struct vareq_driver *drv)
{
    drv->n_profiles = 0;
    for (unsigned c = 0; c < vareq_codec_count(); c++) {
        const struct vareq_codec *codec = vareq_codec_at(c);
        bool offered;
        uint32_t rt = decoders_rt_formats(drv, codec, &offered);
        if (!offered)
            continue;
        for (unsigned p = 0; p < codec->n_profiles && drv->n_profiles < VAREQ_MAX_PROFILES; p++) {
            /* discovery asked for the codec's 10-bit formats with its format controls
             * (probe_capture_10bit): a profile none of whose RT formats the device then
             * enumerated is not decodable there (rkvdec: no 10-bit VP9). Codecs without
             * format controls keep their declaration (the device cannot be asked). */
            if (codec->format_ctrls && !(codec->profiles[p].rt_format & rt)) {
                vq_info("profile %s not advertised: the device offers no CAPTURE format of "
                        "its RT formats 0x%x", codec->profiles[p].name,
                        codec->profiles[p].rt_format);
                continue;
            }
            drv->profiles[drv->n_profiles] = codec->profiles[p].va;
            drv->profile_names[drv->n_profiles] = codec->profiles[p].name;
            drv->n_profiles++;
        }
    }
}

static void fill_vtable(struct VADriverVTable *vt)
{
    vt->vaTerminate = vareq_Terminate;
    vt->vaQueryConfigProfiles = vareq_QueryConfigProfiles;
    vt->vaQueryConfigEntrypoints = vareq_QueryConfigEntrypoints;
    vt->vaGetConfigAttributes = vareq_GetConfigAttributes;
    vt->vaCreateConfig = vareq_CreateConfig;
    vt->vaDestroyConfig = vareq_DestroyConfig;
    vt->vaQueryConfigAttributes = vareq_QueryConfigAttributes;
    vt->vaCreateSurfaces = vareq_CreateSurfaces;
    vt->vaDestroySurfaces = vareq_DestroySurfaces;
    vt->vaCreateContext = vareq_CreateContext;
    vt->vaDestroyContext = vareq_DestroyContext;
    vt->vaCreateBuffer = vareq_CreateBuffer;
    vt->vaBufferSetNumElements = vareq_BufferSetNumElements;
    vt->vaMapBuffer = vareq_MapBuffer;
    vt->vaUnmapBuffer = vareq_UnmapBuffer;
    vt->vaDestroyBuffer = vareq_DestroyBuffer;
    vt->vaBeginPicture = vareq_BeginPicture;
    vt->vaRenderPicture = vareq_RenderPicture;
    vt->vaEndPicture = vareq_EndPicture;
    vt->vaSyncSurface = vareq_SyncSurface;
    vt->vaQuerySurfaceStatus = vareq_QuerySurfaceStatus;
    vt->vaQuerySurfaceError = vareq_QuerySurfaceError;
    vt->vaPutSurface = vareq_PutSurface;
    vt->vaQueryImageFormats = vareq_QueryImageFormats;
    vt->vaCreateImage = vareq_CreateImage;
    vt->vaDeriveImage = vareq_DeriveImage;
    vt->vaDestroyImage = vareq_DestroyImage;
    vt->vaSetImagePalette = vareq_SetImagePalette;
    vt->vaGetImage = vareq_GetImage;
    vt->vaPutImage = vareq_PutImage;
    vt->vaQuerySubpictureFormats = vareq_QuerySubpictureFormats;
    vt->vaCreateSubpicture = vareq_CreateSubpicture;
    vt->vaDestroySubpicture = vareq_DestroySubpicture;
    vt->vaSetSubpictureImage = vareq_SetSubpictureImage;
    vt->vaSetSubpictureChromakey = vareq_SetSubpictureChromakey;
    vt->vaSetSubpictureGlobalAlpha = vareq_SetSubpictureGlobalAlpha;
    vt->vaAssociateSubpicture = vareq_AssociateSubpicture;
    vt->vaDeassociateSubpicture = vareq_DeassociateSubpicture;
    vt->vaQueryDisplayAttributes = vareq_QueryDisplayAttributes;
    vt->vaGetDisplayAttributes = vareq_GetDisplayAttributes;
    vt->vaSetDisplayAttributes = vareq_SetDisplayAttributes;
    vt->vaBufferInfo = vareq_BufferInfo;
    vt->vaLockSurface = vareq_LockSurface;
    vt->vaUnlockSurface = vareq_UnlockSurface;
    vt->vaGetSurfaceAttributes = vareq_GetSurfaceAttributes;
    vt->vaCreateSurfaces2 = vareq_CreateSurfaces2;
    vt->vaQuerySurfaceAttributes = vareq_QuerySurfaceAttributes;
    vt->vaAcquireBufferHandle = vareq_AcquireBufferHandle;
    vt->vaReleaseBufferHandle = vareq_ReleaseBufferHandle;
    vt->vaCreateMFContext = vareq_CreateMFContext;
    vt->vaMFAddContext = vareq_MFAddContext;
    vt->vaMFReleaseContext = vareq_MFReleaseContext;
    vt->vaMFSubmit = vareq_MFSubmit;
    vt->vaCreateBuffer2 = vareq_CreateBuffer2;
    vt->vaQueryProcessingRate = vareq_QueryProcessingRate;
    vt->vaExportSurfaceHandle = vareq_ExportSurfaceHandle;
    vt->vaSyncSurface2 = vareq_SyncSurface2;
    vt->vaSyncBuffer = vareq_SyncBuffer;
    vt->vaCopy = vareq_Copy;
}

__attribute__((visibility("default"))) VAStatus __vaDriverInit_1_17(VADriverContextP ctx);

VAStatus __vaDriverInit_1_17(VADriverContextP ctx)
{
    struct vareq_driver *drv;
    unsigned total;

    if (!ctx || !ctx->vtable)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    drv = calloc(1, sizeof(*drv));
    if (!drv)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    pthread_mutex_init(&drv->lock, NULL);
    vareq_heap_init(&drv->configs, VAREQ_ID_CONFIG);
    vareq_heap_init(&drv->contexts, VAREQ_ID_CONTEXT);
    vareq_heap_init(&drv->surfaces, VAREQ_ID_SURFACE);
    vareq_heap_init(&drv->buffers, VAREQ_ID_BUFFER);
    vareq_heap_init(&drv->images, VAREQ_ID_IMAGE);
    read_config(drv);

    drv->ops = vareq_sysops_select(drv->device_name, sizeof(drv->device_name));
    if (!drv->ops) {
        vq_err("init: no device provider (VAREQ_DEVICE=%s)", drv->device_name);
        goto fail;
    }
    drv->n_decoders = vareq_discover(drv->ops, drv->decoders, VAREQ_MAX_DECODERS);
    build_profiles(drv);
    if (!drv->n_decoders || !drv->n_profiles) {
        vq_err("init: no V4L2 stateless decoder found (device %s)", drv->device_name);
        goto fail;
    }
    vq_info("init: device %s, %u decoder(s), %u profile(s), pool %s +%u spares, pitch align %u",
            drv->device_name, drv->n_decoders, drv->n_profiles,
            drv->pool_bound ? "bound" : "decoupled", drv->pool_spares, drv->pitch_align);

    total = vareq_codec_total_profiles();
    ctx->pDriverData = drv;
    ctx->version_major = VA_MAJOR_VERSION;
    ctx->version_minor = VA_MINOR_VERSION;
    ctx->max_profiles = (int)(total > drv->n_profiles ? total : drv->n_profiles);
    ctx->max_entrypoints = 1;
    ctx->max_attributes = 8;
    ctx->max_image_formats = 2; /* NV12, P010 (va/image.c) */
    ctx->max_subpic_formats = 1;
    ctx->max_display_attributes = 1;
    ctx->str_vendor = VAREQ_VENDOR;
    fill_vtable(ctx->vtable);
    if (drv->stats_timing)
        fill_vtable_timed(ctx->vtable);
    live_driver_add(drv);
    return VA_STATUS_SUCCESS;

fail:
    vareq_heap_fini(&drv->configs);
    vareq_heap_fini(&drv->contexts);
    vareq_heap_fini(&drv->surfaces);
    vareq_heap_fini(&drv->buffers);
    vareq_heap_fini(&drv->images);
    pthread_mutex_destroy(&drv->lock);
    free(drv);
    return VA_STATUS_ERROR_UNKNOWN;
}
