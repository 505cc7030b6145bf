/* Images: NV12 and P010. vaGetImage copies from the surface's CAPTURE memory (NV12,
 * NV12M, P010; same format only, no conversion); vaDeriveImage maps that memory directly
 * when it is one buffer (NV12, P010; pitches/offsets are the real layout from G_FMT). */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "driver.h"

VAStatus vareq_QueryImageFormats(VADriverContextP ctx, VAImageFormat *list, int *num)
{
    static const uint32_t fourccs[] = {VA_FOURCC_NV12, VA_FOURCC_P010};
    VAImage im;
    int n = 0;

    (void)ctx;
    if (!list || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (unsigned i = 0; i < sizeof(fourccs) / sizeof(fourccs[0]); i++)
        if (vareq_layout_image(fourccs[i], 16, 16, &im) == 0)
            list[n++] = im.format;
    *num = n;
    return VA_STATUS_SUCCESS;
}

static VAStatus add_image(struct vareq_driver *drv, struct vareq_image *im, VAImage *out)
{
    pthread_mutex_lock(&drv->lock);
    if (vareq_heap_add(&drv->images, im, &im->va.image_id) < 0) {
        pthread_mutex_unlock(&drv->lock);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    pthread_mutex_unlock(&drv->lock);
    *out = im->va;
    return VA_STATUS_SUCCESS;
}

/* A copy image: private memory, tightly packed (64-byte aligned pitch). */
static VAStatus create_copy_image(struct vareq_driver *drv, uint32_t fourcc, unsigned width,
                                  unsigned height, VAImage *image)
{
    struct vareq_image *im;
    struct vareq_buffer *b;
    VAImage layout;
    VAStatus st;

    if (vareq_layout_image(fourcc, width, height, &layout) < 0)
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    st = vareq_buffer_create_internal(drv, VA_INVALID_ID, VAImageBufferType, layout.data_size,
                                      1, NULL, &b);
    if (st != VA_STATUS_SUCCESS)
        return st;
    im = calloc(1, sizeof(*im));
    if (!im) {
        vareq_buffer_destroy_obj(drv, b);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    im->va = layout;
    im->va.buf = b->id;
    st = add_image(drv, im, image);
    if (st != VA_STATUS_SUCCESS) {
        vareq_buffer_destroy_obj(drv, b);
        free(im);
    }
    return st;
}

VAStatus vareq_CreateImage(VADriverContextP vctx, VAImageFormat *format, int width,
                           int height, VAImage *image)
{
    if (!format || !image || width <= 0 || height <= 0 || width > 16384 || height > 16384)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (!vareq_pixfmt_by_va(format->fourcc))
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    return create_copy_image(vareq_drv(vctx), format->fourcc, (unsigned)width,
                             (unsigned)height, image);
}

/* A surface that is not attached to a context has no CAPTURE memory and no content
 * (clients such as ffmpeg derive a test image right after creating surfaces): give the
 * image private zeroed memory in the surface's format. */
static VAStatus derive_detached(struct vareq_driver *drv, struct vareq_surface *s,
                                VAImage *image)
{
    return create_copy_image(drv, s->fourcc, s->width, s->height, image);
}

/* A surface whose frame is in orphaned memory (its context was destroyed or changed size
 * since): the image maps that memory, holding a reference (o's reference moves to the
 * image buffer on success, is dropped on failure). */
static VAStatus derive_orphan(struct vareq_driver *drv, struct vareq_surface *s,
                              struct vareq_orphan *o, VAImage *image)
{
    struct vareq_image *im;
    struct vareq_buffer *b;
    unsigned w, h;
    size_t need;
    VAStatus st;

    if (o->mem.n_mem != 1 || o->cap.n_mem != 1 || o->mem.map[0] == MAP_FAILED) {
        vq_info("DeriveImage: CAPTURE format %s has %u memory planes: not derivable",
                o->cap.info->name, o->cap.n_mem);
        vareq_orphan_put(drv, o);
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    w = s->width < o->cap_width ? s->width : o->cap_width;
    h = s->height < o->cap_height ? s->height : o->cap_height;
    need = o->cap.mem_size[0];
    if (need > o->mem.length[0] || !vareq_layout_plane_fits(&o->cap, 0, w, h, need) ||
        !vareq_layout_plane_fits(&o->cap, 1, w, h, need)) {
        vq_warn("DeriveImage: %ux%u does not fit CAPTURE memory", w, h);
        vareq_orphan_put(drv, o);
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    st = vareq_buffer_create_internal(drv, VA_INVALID_ID, VAImageBufferType, 0, 1, NULL, &b);
    if (st != VA_STATUS_SUCCESS) {
        vareq_orphan_put(drv, o);
        return st;
    }
    im = calloc(1, sizeof(*im));
    if (!im) {
        vareq_buffer_destroy_obj(drv, b);
        vareq_orphan_put(drv, o);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    pthread_mutex_lock(&drv->lock);
    b->data = o->mem.map[0];
    b->size = b->element_size = need;
    b->derived_orphan = o; /* the buffer owns the reference from now on */
    pthread_mutex_unlock(&drv->lock);
    if (vareq_layout_image(o->cap.info->va_fourcc, w, h, &im->va) < 0) {
        vareq_buffer_destroy_obj(drv, b);
        free(im);
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    im->va.buf = b->id;
    im->va.data_size = (uint32_t)need;
    for (unsigned p = 0; p < 2; p++) {
        im->va.pitches[p] = o->cap.plane_pitch[p];
        im->va.offsets[p] = (uint32_t)o->cap.plane_offset[p];
    }
    st = add_image(drv, im, image);
    if (st != VA_STATUS_SUCCESS) {
        vareq_buffer_destroy_obj(drv, b);
        free(im);
        return st;
    }
    atomic_fetch_add(&drv->stats.images_read, 1);
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_DeriveImage(VADriverContextP vctx, VASurfaceID sid, VAImage *image)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_surface *s = vareq_surface_get(drv, sid);
    struct vareq_context *ctx;
    struct vareq_image *im;
    struct vareq_buffer *b;
    struct vareq_slot *slot;
    size_t need;
    unsigned w, h;
    VAStatus st;

    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (!image)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    ctx = vareq_surface_lock_ctx(drv, s);
    if (!ctx) {
        struct vareq_orphan *o = vareq_surface_orphan_get(drv, s);
        return o ? derive_orphan(drv, s, o, image) : derive_detached(drv, s, image);
    }
    st = vareq_ctx_sync_surface(ctx, s);
    if (st == VA_STATUS_SUCCESS && !s->has_frame) {
        /* its frame is from before a size change or from an earlier context */
        struct vareq_orphan *o = vareq_surface_orphan_get(drv, s);
        if (o) {
            pthread_mutex_unlock(&ctx->lock);
            return derive_orphan(drv, s, o, image);
        }
    }
    if (st == VA_STATUS_SUCCESS)
        st = vareq_ctx_ensure_slot(ctx, s);
    if (st != VA_STATUS_SUCCESS)
        goto out;
    slot = s->slot;
    if (ctx->cap.n_mem != 1 || slot->n_mem != 1) {
        /* NV12M: Y and CbCr are separate buffers; a VAImage has one (clients fall back
         * to vaCreateImage + vaGetImage) */
        vq_info("DeriveImage: CAPTURE format %s has %u memory planes: not derivable",
                ctx->cap.info->name, ctx->cap.n_mem);
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto out;
    }
    w = s->width < ctx->cap_width ? s->width : ctx->cap_width;
    h = s->height < ctx->cap_height ? s->height : ctx->cap_height;
    need = ctx->cap.mem_size[0];
    if (need > slot->length[0] || !vareq_layout_plane_fits(&ctx->cap, 0, w, h, need) ||
        !vareq_layout_plane_fits(&ctx->cap, 1, w, h, need)) {
        vq_warn("DeriveImage: %ux%u does not fit CAPTURE memory", w, h);
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto out;
    }
    st = vareq_buffer_create_internal(drv, VA_INVALID_ID, VAImageBufferType, 0, 1, NULL, &b);
    if (st != VA_STATUS_SUCCESS)
        goto out;
    im = calloc(1, sizeof(*im));
    if (!im) {
        vareq_buffer_destroy_obj(drv, b);
        st = VA_STATUS_ERROR_ALLOCATION_FAILED;
        goto out;
    }
    pthread_mutex_lock(&drv->lock);
    b->data = slot->map[0];
    b->size = b->element_size = need;
    b->derived_ctx = ctx;
    b->derived_slot = slot;
    atomic_fetch_add(&slot->pins, 1);
    pthread_mutex_unlock(&drv->lock);

    if (vareq_layout_image(ctx->cap.info->va_fourcc, w, h, &im->va) < 0) {
        vareq_buffer_destroy_obj(drv, b);
        free(im);
        st = VA_STATUS_ERROR_OPERATION_FAILED;
        goto out;
    }
    im->va.buf = b->id;
    im->va.data_size = (uint32_t)need;
    for (unsigned p = 0; p < 2; p++) {
        im->va.pitches[p] = ctx->cap.plane_pitch[p];
        im->va.offsets[p] = (uint32_t)ctx->cap.plane_offset[p];
    }
    st = add_image(drv, im, image);
    if (st != VA_STATUS_SUCCESS) {
        vareq_buffer_destroy_obj(drv, b);
        free(im);
        goto out;
    }
    if (s->has_frame)
        atomic_fetch_add(&drv->stats.images_read, 1);
out:
    pthread_mutex_unlock(&ctx->lock);
    return st;
}

VAStatus vareq_DestroyImage(VADriverContextP vctx, VAImageID id)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_image *im;
    struct vareq_buffer *b;

    pthread_mutex_lock(&drv->lock);
    im = vareq_heap_remove(&drv->images, id);
    pthread_mutex_unlock(&drv->lock);
    if (!im)
        return VA_STATUS_ERROR_INVALID_IMAGE;
    b = vareq_buffer_get(drv, im->va.buf);
    if (b)
        vareq_buffer_destroy_obj(drv, b);
    free(im);
    return VA_STATUS_SUCCESS;
}

static bool plane_fits(size_t off, size_t pitch, size_t rows, size_t row_bytes, size_t size)
{
    if (!rows)
        return true;
    if (row_bytes > pitch || off > size)
        return false;
    /* last byte = off + (rows-1)*pitch + row_bytes */
    if ((rows - 1) > (size - off) / (pitch ? pitch : 1))
        return false;
    return off + (rows - 1) * pitch + row_bytes <= size;
}

/* Copies a region of a frame in memory of layout l (CAPTURE format size cap_w x cap_h)
 * into the image buffer b; x, y even. */
static VAStatus copy_frame(const struct vareq_layout *l, unsigned cap_w, unsigned cap_h,
                           void *const *maps, const size_t *lengths, unsigned n_mem,
                           const struct vareq_surface *s, int x, int y, unsigned width,
                           unsigned height, const struct vareq_image *im,
                           struct vareq_buffer *b)
{
    unsigned w, h, bps;

    if (im->va.format.fourcc != l->info->va_fourcc) {
        vq_info("GetImage: image format 0x%08x, the surface holds %s (no conversion)",
                im->va.format.fourcc, l->info->name);
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    }
    bps = l->info->bytes_per_sample;
    /* clip the region to the surface, the CAPTURE format and the image */
    w = width;
    h = height;
    if ((unsigned)x >= s->width || (unsigned)y >= s->height || (unsigned)x >= cap_w ||
        (unsigned)y >= cap_h)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (w > s->width - (unsigned)x) w = s->width - (unsigned)x;
    if (h > s->height - (unsigned)y) h = s->height - (unsigned)y;
    if (w > cap_w - (unsigned)x) w = cap_w - (unsigned)x;
    if (h > cap_h - (unsigned)y) h = cap_h - (unsigned)y;
    if (w > im->va.width) w = im->va.width;
    if (h > im->va.height) h = im->va.height;

    for (unsigned p = 0; p < 2; p++) {
        unsigned m = l->plane_mem[p];
        unsigned rows = p == 0 ? h : (h + 1) / 2;
        size_t row_bytes = (size_t)(p == 0 ? w : ((w + 1) & ~1u)) * bps;
        size_t src_off = l->plane_offset[p] + (size_t)(p == 0 ? y : y / 2) * l->plane_pitch[p] +
                         (size_t)x * bps;
        const uint8_t *src;
        uint8_t *dst = b->data;
        if (m >= n_mem || m >= VAREQ_SLOT_MAX_PLANES || maps[m] == MAP_FAILED || !maps[m] ||
            !plane_fits(src_off, l->plane_pitch[p], rows, row_bytes, lengths[m]) ||
            !plane_fits(im->va.offsets[p], im->va.pitches[p], rows, row_bytes, b->size)) {
            vq_err("GetImage: region %ux%u+%d+%d plane %u out of bounds", w, h, x, y, p);
            return VA_STATUS_ERROR_INVALID_PARAMETER;
        }
        src = (const uint8_t *)maps[m] + src_off;
        for (unsigned r = 0; r < rows; r++)
            memcpy(dst + im->va.offsets[p] + (size_t)r * im->va.pitches[p],
                   src + (size_t)r * l->plane_pitch[p], row_bytes);
        vareq_stats_pixel_copy((size_t)rows * row_bytes);
    }
    return VA_STATUS_SUCCESS;
}

/* GetImage from orphaned memory (consumes the reference). */
static VAStatus get_image_orphan(struct vareq_driver *drv, struct vareq_surface *s,
                                 struct vareq_orphan *o, int x, int y, unsigned width,
                                 unsigned height, const struct vareq_image *im,
                                 struct vareq_buffer *b)
{
    VAStatus st = copy_frame(&o->cap, o->cap_width, o->cap_height, o->mem.map, o->mem.length,
                             o->mem.n_mem, s, x, y, width, height, im, b);
    vareq_orphan_put(drv, o);
    if (st == VA_STATUS_SUCCESS)
        atomic_fetch_add(&drv->stats.images_read, 1);
    return st;
}

VAStatus vareq_GetImage(VADriverContextP vctx, VASurfaceID sid, int x, int y,
                        unsigned int width, unsigned int height, VAImageID image)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_surface *s = vareq_surface_get(drv, sid);
    struct vareq_image *im = vareq_image_get(drv, image);
    struct vareq_context *ctx;
    struct vareq_orphan *o;
    struct vareq_buffer *b;
    VAStatus st = VA_STATUS_SUCCESS;

    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (!im)
        return VA_STATUS_ERROR_INVALID_IMAGE;
    if (x < 0 || y < 0 || (x & 1) || (y & 1))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    b = vareq_buffer_get(drv, im->va.buf);
    if (!b || !b->data)
        return VA_STATUS_ERROR_INVALID_IMAGE;
    ctx = vareq_surface_lock_ctx(drv, s);
    if (!ctx) {
        o = vareq_surface_orphan_get(drv, s);
        if (o)
            return get_image_orphan(drv, s, o, x, y, width, height, im, b);
        vq_info("GetImage: surface 0x%x was never decoded", sid);
        return VA_STATUS_ERROR_INVALID_SURFACE;
    }
    st = vareq_ctx_sync_surface(ctx, s);
    if (st != VA_STATUS_SUCCESS)
        goto out;
    if (!s->has_frame || !s->slot) {
        /* a frame from before a size change or from an earlier context? */
        o = vareq_surface_orphan_get(drv, s);
        pthread_mutex_unlock(&ctx->lock);
        if (o)
            return get_image_orphan(drv, s, o, x, y, width, height, im, b);
        vq_info("GetImage: surface 0x%x holds no frame", sid);
        return VA_STATUS_ERROR_INVALID_SURFACE;
    }
    st = copy_frame(&ctx->cap, ctx->cap_width, ctx->cap_height, s->slot->map,
                    s->slot->length, s->slot->n_mem, s, x, y, width, height, im, b);
    if (st == VA_STATUS_SUCCESS)
        atomic_fetch_add(&drv->stats.images_read, 1);
out:
    pthread_mutex_unlock(&ctx->lock);
    return st;
}
