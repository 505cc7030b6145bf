/* vaExportSurfaceHandle(DRM_PRIME_2): the surface's CAPTURE memory, one object per memory
 * plane (NV12/P010: 1, NV12M: 2); composed (one NV12 / P010 layer with 2 planes) or
 * separate layers (R8 + GR88 / R16 + GR1616). Offsets, pitches and object sizes are the
 * real memory layout from G_FMT and QUERYBUF (va/layout.c); the modifier is LINEAR.
 * Read-only and read-write exports give the same read-only dma-buf fds: the decoder is the
 * only writer of CAPTURE memory. An export of a surface whose decode is pending waits for
 * that decode (and fails with its error). */
#include <string.h>
#include <va/va_drmcommon.h>

#include "driver.h"

/* Export of a frame in orphaned memory (its context was destroyed or changed size since):
 * new fds of the dma-bufs taken before the queue was freed. Consumes the reference. */
static VAStatus export_orphan(struct vareq_driver *drv, struct vareq_surface *s,
                              struct vareq_orphan *o, uint32_t flags,
                              VADRMPRIMESurfaceDescriptor *d)
{
    int fds[VAREQ_SLOT_MAX_PLANES];
    VAStatus st = VA_STATUS_SUCCESS;

    if (o->mem.n_mem != o->cap.n_mem || vareq_orphan_mem_dup(o->ops, &o->mem, fds) < 0) {
        st = VA_STATUS_ERROR_OPERATION_FAILED;
    } else {
        vareq_layout_export(&o->cap, fds, o->mem.length,
                            s->width < o->width ? s->width : o->width,
                            s->height < o->height ? s->height : o->height,
                            (flags & VA_EXPORT_SURFACE_COMPOSED_LAYERS) != 0, d);
        atomic_fetch_add(&drv->stats.exports, 1);
        vq_dbg("export: surface 0x%x, orphaned memory %s, %u object(s)", s->id,
               o->cap.info->name, o->cap.n_mem);
    }
    vareq_orphan_put(drv, o);
    return st;
}

VAStatus vareq_ExportSurfaceHandle(VADriverContextP vctx, VASurfaceID sid, uint32_t mem_type,
                                   uint32_t flags, void *descriptor)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_surface *s = vareq_surface_get(drv, sid);
    VADRMPRIMESurfaceDescriptor *d = descriptor;
    struct vareq_context *ctx;
    struct vareq_slot *slot;
    int fds[VAREQ_SLOT_MAX_PLANES];
    uint64_t seq;
    VAStatus st;

    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (mem_type != VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2)
        return VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
    if (!d)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (!(flags & (VA_EXPORT_SURFACE_READ_ONLY | VA_EXPORT_SURFACE_WRITE_ONLY)))
        vq_dbg("ExportSurfaceHandle: no access flag given, exporting read-only");
    ctx = vareq_surface_lock_ctx(drv, s);
    if (!ctx) {
        struct vareq_orphan *o = vareq_surface_orphan_get(drv, s);
        if (o)
            return export_orphan(drv, s, o, flags, d);
        vq_err("ExportSurfaceHandle: surface 0x%x is not a render target of a context", sid);
        return VA_STATUS_ERROR_INVALID_SURFACE;
    }
    if (!s->has_frame) {
        /* its frame is from before a size change or from an earlier context: export that
         * (a consumer that keeps the import sees later decodes only after re-exporting) */
        struct vareq_orphan *o = vareq_surface_orphan_get(drv, s);
        if (o) {
            pthread_mutex_unlock(&ctx->lock);
            return export_orphan(drv, s, o, flags, d);
        }
    }
    if (s->pending) {
        /* the export describes the memory the pending decode writes (s->slot is set at
         * submission), and returns only once that decode completed: V4L2 CAPTURE dma-bufs
         * carry no write fence, and ffmpeg 5.1's hwmap reads right after the export
         * without vaSyncSurface (docs/architecture.md "Export rules") */
        st = vareq_ctx_sync_surface(ctx, s);
        if (st == VA_STATUS_SUCCESS && s->status != VA_STATUS_SUCCESS)
            st = s->status;
        if (st != VA_STATUS_SUCCESS) {
            vq_err("ExportSurfaceHandle: the decode into surface 0x%x failed: %s", sid,
                   vaErrorStr(st));
            goto out;
        }
    }
    st = vareq_ctx_ensure_slot(ctx, s);
    if (st != VA_STATUS_SUCCESS)
        goto out;
    slot = s->slot;
    if (slot->n_mem != ctx->cap.n_mem) {
        vq_err("ExportSurfaceHandle: slot %u has %u planes, the format %u", slot->index,
               slot->n_mem, ctx->cap.n_mem);
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto out;
    }
    seq = ++ctx->seq;
    if (vareq_pool_export(&ctx->pool, slot, seq, fds) < 0) {
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto out;
    }
    vareq_ctx_note_export(ctx, s);
    vareq_layout_export(&ctx->cap, fds, slot->length,
                        s->width < ctx->width ? s->width : ctx->width,
                        s->height < ctx->height ? s->height : ctx->height,
                        (flags & VA_EXPORT_SURFACE_COMPOSED_LAYERS) != 0, d);
    atomic_fetch_add(&drv->stats.exports, 1);
    vq_dbg("export: surface 0x%x slot %u %s, %u object(s), pitches %u/%u", sid, slot->index,
           ctx->cap.info->name, ctx->cap.n_mem, ctx->cap.plane_pitch[0],
           ctx->cap.plane_pitch[1]);
out:
    pthread_mutex_unlock(&ctx->lock);
    return st;
}
