/* Surfaces: 4:2:0 8-bit (NV12) or 10-bit (P010). A surface owns no memory by itself: it holds a CAPTURE slot of
 * its context's pool while it has a frame (see va/context.c). */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <va/va_drmcommon.h>

#include "driver.h"

/* ---- orphans (driver.h) ---- */

void vareq_orphan_free(struct vareq_orphan *o)
{
    if (!o)
        return;
    vareq_orphan_mem_free(o->ops, &o->mem);
    free(o);
}

struct vareq_orphan *vareq_surface_orphan_get(struct vareq_driver *drv, struct vareq_surface *s)
{
    struct vareq_orphan *o;

    pthread_mutex_lock(&drv->lock);
    o = s->orphan;
    if (o)
        o->refs++;
    pthread_mutex_unlock(&drv->lock);
    return o;
}

void vareq_orphan_put(struct vareq_driver *drv, struct vareq_orphan *o)
{
    bool last;

    if (!o)
        return;
    pthread_mutex_lock(&drv->lock);
    last = --o->refs == 0;
    pthread_mutex_unlock(&drv->lock);
    if (last)
        vareq_orphan_free(o);
}

void vareq_surface_drop_orphan(struct vareq_driver *drv, struct vareq_surface *s)
{
    struct vareq_orphan *o;

    pthread_mutex_lock(&drv->lock);
    o = s->orphan;
    s->orphan = NULL;
    pthread_mutex_unlock(&drv->lock);
    vareq_orphan_put(drv, o);
}

static VAStatus create_surfaces(struct vareq_driver *drv, unsigned format, uint32_t fourcc,
                                unsigned width, unsigned height, VASurfaceID *surfaces,
                                unsigned num)
{
    if (format != VA_RT_FORMAT_YUV420 && format != VA_RT_FORMAT_YUV420_10)
        return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
    if (!fourcc)
        fourcc = format == VA_RT_FORMAT_YUV420_10 ? VA_FOURCC_P010 : VA_FOURCC_NV12;
    {
        const struct vareq_pixfmt_info *pf = vareq_pixfmt_by_va(fourcc);
        if (!pf || pf->va_rt_format != format) {
            vq_warn("CreateSurfaces: pixel format 0x%08x does not match RT format 0x%x",
                    fourcc, format);
            return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
        }
    }
    if (!width || !height || width > 16384 || height > 16384)
        return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    if (!surfaces || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (unsigned i = 0; i < num; i++) {
        struct vareq_surface *s = calloc(1, sizeof(*s));
        if (!s)
            goto fail;
        s->width = width;
        s->height = height;
        s->rt_format = format;
        s->fourcc = fourcc;
        s->bound_index = -1;
        s->status = VA_STATUS_SUCCESS;
        pthread_mutex_lock(&drv->lock);
        if (vareq_heap_add(&drv->surfaces, s, &s->id) < 0) {
            pthread_mutex_unlock(&drv->lock);
            free(s);
            goto fail;
        }
        pthread_mutex_unlock(&drv->lock);
        surfaces[i] = s->id;
        continue;
    fail:
        pthread_mutex_lock(&drv->lock);
        for (unsigned k = 0; k < i; k++) {
            free(vareq_heap_remove(&drv->surfaces, surfaces[k]));
            surfaces[k] = VA_INVALID_SURFACE;
        }
        pthread_mutex_unlock(&drv->lock);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_CreateSurfaces(VADriverContextP ctx, int width, int height, int format,
                              int num, VASurfaceID *surfaces)
{
    if (width <= 0 || height <= 0 || num <= 0)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    return create_surfaces(vareq_drv(ctx), (unsigned)format, 0, (unsigned)width,
                           (unsigned)height, surfaces, (unsigned)num);
}

VAStatus vareq_CreateSurfaces2(VADriverContextP ctx, unsigned int format, unsigned int width,
                               unsigned int height, VASurfaceID *surfaces,
                               unsigned int num, VASurfaceAttrib *attribs,
                               unsigned int n_attribs)
{
    uint32_t fourcc = 0;

    if (n_attribs && !attribs)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (unsigned i = 0; i < n_attribs; i++) {
        const VASurfaceAttrib *a = &attribs[i];
        if (!(a->flags & VA_SURFACE_ATTRIB_SETTABLE))
            continue;
        switch (a->type) {
        case VASurfaceAttribPixelFormat:
            if (a->value.type != VAGenericValueTypeInteger)
                break;
            fourcc = (uint32_t)a->value.value.i;
            if (!vareq_pixfmt_by_va(fourcc)) {
                vq_warn("CreateSurfaces2: pixel format 0x%x unsupported (NV12, P010)",
                        (unsigned)fourcc);
                return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
            }
            break;
        case VASurfaceAttribMemoryType:
            if (a->value.type == VAGenericValueTypeInteger &&
                (uint32_t)a->value.value.i != VA_SURFACE_ATTRIB_MEM_TYPE_VA) {
                vq_warn("CreateSurfaces2: memory type 0x%x unsupported (imports are not)",
                        (unsigned)a->value.value.i);
                return VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
            }
            break;
        case VASurfaceAttribExternalBufferDescriptor:
            return VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
        default:
            break;
        }
    }
    return create_surfaces(vareq_drv(ctx), format, fourcc, width, height, surfaces, num);
}

VAStatus vareq_DestroySurfaces(VADriverContextP vctx, VASurfaceID *list, int num)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    VAStatus st = VA_STATUS_SUCCESS;

    if (num < 0 || (num > 0 && !list))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (int i = 0; i < num; i++) {
        struct vareq_surface *s = vareq_surface_get(drv, list[i]);
        struct vareq_context *ctx;
        if (!s) {
            st = VA_STATUS_ERROR_INVALID_SURFACE;
            continue;
        }
        ctx = vareq_surface_lock_ctx(drv, s);
        if (ctx) {
            if (ctx->pic.active && ctx->pic.target == s) {
                vareq_picture_reset(&ctx->pic);
                ctx->pic.active = false;
            }
            vareq_ctx_detach_surface(ctx, s);
            pthread_mutex_unlock(&ctx->lock);
        }
        vareq_surface_drop_orphan(drv, s);
        pthread_mutex_lock(&drv->lock);
        vareq_heap_remove(&drv->surfaces, list[i]);
        pthread_mutex_unlock(&drv->lock);
        free(s);
    }
    vareq_ctx_check_parked(drv); /* a parked VP9 session whose last frame went */
    vareq_stats_write(drv); /* orphaned memory went with its surfaces */
    return st;
}

VAStatus vareq_SyncSurface(VADriverContextP vctx, VASurfaceID id)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_surface *s = vareq_surface_get(drv, id);
    struct vareq_context *ctx;
    VAStatus st;

    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    ctx = vareq_surface_lock_ctx(drv, s);
    if (!ctx)
        return VA_STATUS_SUCCESS;
    st = vareq_ctx_sync_surface(ctx, s);
    /* a failed decode also when it left the surface without a frame (picture.c) */
    if (st == VA_STATUS_SUCCESS)
        st = s->status;
    pthread_mutex_unlock(&ctx->lock);
    return st;
}

VAStatus vareq_SyncSurface2(VADriverContextP vctx, VASurfaceID id, uint64_t timeout_ns)
{
    (void)timeout_ns; /* bounded by VAREQ_DECODE_TIMEOUT_MS */
    return vareq_SyncSurface(vctx, id);
}

VAStatus vareq_QuerySurfaceStatus(VADriverContextP vctx, VASurfaceID id,
                                  VASurfaceStatus *status)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_surface *s = vareq_surface_get(drv, id);
    struct vareq_context *ctx;

    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (!status)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    *status = VASurfaceReady;
    ctx = vareq_surface_lock_ctx(drv, s);
    if (!ctx)
        return VA_STATUS_SUCCESS;
    if (s->pending) {
        short rev = 0;
        /* requests complete in order: if this one is done, the earlier ones are too */
        if (vq_poll1(drv->ops, s->pending->fd, POLLPRI, 0, &rev) > 0 && (rev & POLLPRI))
            vareq_ctx_sync_surface(ctx, s);
        if (s->pending)
            *status = VASurfaceRendering;
    }
    pthread_mutex_unlock(&ctx->lock);
    return VA_STATUS_SUCCESS;
}
