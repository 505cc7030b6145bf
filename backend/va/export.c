/* vaExportSurfaceHandle(DRM_PRIME_2): the surface's CAPTURE memory as one object, NV12
 * composed (1 layer, 2 planes) or separate (R8 + GR88) layers; pitches and offsets are
 * the real memory layout from G_FMT. */
#include <string.h>
#include <va/va_drmcommon.h>

#include "driver.h"

#define FOURCC(a, b, c, d) \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))
#define DRM_FMT_NV12 FOURCC('N', 'V', '1', '2')
#define DRM_FMT_R8 FOURCC('R', '8', ' ', ' ')
#define DRM_FMT_GR88 FOURCC('G', 'R', '8', '8')
#define DRM_MOD_LINEAR 0ull

VAStatus vareq_ExportSurfaceHandle(VADriverContextP vctx, VASurfaceID sid, uint32_t mem_type,
                                   uint32_t flags, void *descriptor)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_surface *s = vareq_surface_get(drv, sid);
    VADRMPRIMESurfaceDescriptor *d = descriptor;
    struct vareq_context *ctx;
    struct vareq_slot *slot;
    uint32_t uv_off, pitch;
    uint64_t seq;
    VAStatus st;
    int fd;

    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (mem_type != VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2)
        return VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
    if (!d)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    ctx = vareq_surface_lock_ctx(drv, s);
    if (!ctx) {
        vq_err("ExportSurfaceHandle: surface 0x%x is not a render target of a context", sid);
        return VA_STATUS_ERROR_INVALID_SURFACE;
    }
    st = vareq_ctx_ensure_slot(ctx, s);
    if (st != VA_STATUS_SUCCESS)
        goto out;
    slot = s->slot;
    seq = ++ctx->seq;
    fd = vareq_pool_export(&ctx->pool, slot, seq);
    if (fd < 0) {
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto out;
    }
    /* consumer model for the pool (see va/context.c) */
    if (s->export_count && s->content_seq != s->export_content_seq && !s->per_frame_exporter) {
        s->per_frame_exporter = true;
        vq_dbg("surface 0x%x is re-exported after each decode: fresh memory per decode",
               sid);
    }
    s->export_count++;
    s->export_content_seq = s->content_seq;
    s->export_seq = seq;

    pitch = ctx->cap_bpl;
    uv_off = ctx->cap_bpl * ctx->cap_height;
    memset(d, 0, sizeof(*d));
    d->fourcc = VA_FOURCC_NV12;
    d->width = s->width;
    d->height = s->height;
    d->num_objects = 1;
    d->objects[0].fd = fd;
    d->objects[0].size = (uint32_t)slot->length;
    d->objects[0].drm_format_modifier = DRM_MOD_LINEAR;
    if (flags & VA_EXPORT_SURFACE_COMPOSED_LAYERS) {
        d->num_layers = 1;
        d->layers[0].drm_format = DRM_FMT_NV12;
        d->layers[0].num_planes = 2;
        d->layers[0].object_index[0] = d->layers[0].object_index[1] = 0;
        d->layers[0].offset[0] = 0;
        d->layers[0].offset[1] = uv_off;
        d->layers[0].pitch[0] = d->layers[0].pitch[1] = pitch;
    } else {
        d->num_layers = 2;
        d->layers[0].drm_format = DRM_FMT_R8;
        d->layers[0].num_planes = 1;
        d->layers[0].offset[0] = 0;
        d->layers[0].pitch[0] = pitch;
        d->layers[1].drm_format = DRM_FMT_GR88;
        d->layers[1].num_planes = 1;
        d->layers[1].offset[0] = uv_off;
        d->layers[1].pitch[0] = pitch;
    }
    atomic_fetch_add(&drv->stats.exports, 1);
    vq_dbg("export: surface 0x%x slot %u fd %d pitch %u uv offset %u", sid, slot->index, fd,
           pitch, uv_off);
out:
    pthread_mutex_unlock(&ctx->lock);
    return st;
}
