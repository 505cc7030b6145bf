/* Images: NV12. vaGetImage copies from the surface's CAPTURE memory; vaDeriveImage maps
 * that memory directly (pitches/offsets are the real layout from G_FMT). */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static const VAImageFormat nv12_format = {
    .fourcc = VA_FOURCC_NV12,
    .byte_order = VA_LSB_FIRST,
    .bits_per_pixel = 12,
};

VAStatus vareq_QueryImageFormats(VADriverContextP ctx, VAImageFormat *list, int *num)
{
    (void)ctx;
    if (!list || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    list[0] = nv12_format;
    *num = 1;
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

VAStatus vareq_CreateImage(VADriverContextP vctx, VAImageFormat *format, int width,
                           int height, VAImage *image)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_image *im;
    struct vareq_buffer *b;
    unsigned pitch, h2;
    size_t size;
    VAStatus st;

    if (!format || !image || width <= 0 || height <= 0 || width > 16384 || height > 16384)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (format->fourcc != VA_FOURCC_NV12)
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    pitch = ((unsigned)width + 15) & ~15u;
    h2 = ((unsigned)height + 1) & ~1u;
    size = (size_t)pitch * h2 + (size_t)pitch * (h2 / 2);
    st = vareq_buffer_create_internal(drv, VA_INVALID_ID, VAImageBufferType, size, 1, NULL, &b);
    if (st != VA_STATUS_SUCCESS)
        return st;
    im = calloc(1, sizeof(*im));
    if (!im) {
        vareq_buffer_destroy_obj(drv, b);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    im->va.format = nv12_format;
    im->va.buf = b->id;
    im->va.width = (uint16_t)width;
    im->va.height = (uint16_t)height;
    im->va.data_size = (uint32_t)size;
    im->va.num_planes = 2;
    im->va.pitches[0] = im->va.pitches[1] = pitch;
    im->va.offsets[0] = 0;
    im->va.offsets[1] = pitch * h2;
    st = add_image(drv, im, image);
    if (st != VA_STATUS_SUCCESS) {
        vareq_buffer_destroy_obj(drv, b);
        free(im);
    }
    return st;
}

/* A surface that is not attached to a context has no CAPTURE memory and no content
 * (clients such as ffmpeg derive a test image right after creating surfaces): give the
 * image private zeroed memory in the same layout family. */
static VAStatus derive_detached(struct vareq_driver *drv, struct vareq_surface *s,
                                VAImage *image)
{
    struct vareq_image *im;
    struct vareq_buffer *b;
    unsigned a = drv->pitch_align ? drv->pitch_align : 1;
    unsigned pitch = (s->width + a - 1) / a * a;
    unsigned h2 = (s->height + 1) & ~1u;
    size_t size = (size_t)pitch * h2 * 3 / 2;
    VAStatus st;

    st = vareq_buffer_create_internal(drv, VA_INVALID_ID, VAImageBufferType, size, 1, NULL, &b);
    if (st != VA_STATUS_SUCCESS)
        return st;
    im = calloc(1, sizeof(*im));
    if (!im) {
        vareq_buffer_destroy_obj(drv, b);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    im->va.format = nv12_format;
    im->va.buf = b->id;
    im->va.width = (uint16_t)s->width;
    im->va.height = (uint16_t)s->height;
    im->va.data_size = (uint32_t)size;
    im->va.num_planes = 2;
    im->va.pitches[0] = im->va.pitches[1] = pitch;
    im->va.offsets[1] = pitch * h2;
    st = add_image(drv, im, image);
    if (st != VA_STATUS_SUCCESS) {
        vareq_buffer_destroy_obj(drv, b);
        free(im);
    }
    return st;
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
    VAStatus st;

    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (!image)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    ctx = vareq_surface_lock_ctx(drv, s);
    if (!ctx)
        return derive_detached(drv, s, image);
    st = vareq_ctx_sync_surface(ctx, s);
    if (st == VA_STATUS_SUCCESS)
        st = vareq_ctx_ensure_slot(ctx, s);
    if (st != VA_STATUS_SUCCESS)
        goto out;
    slot = s->slot;
    need = (size_t)ctx->cap_bpl * ctx->cap_height * 3 / 2;
    if (need > slot->length || s->width > ctx->cap_width || s->height > ctx->cap_height) {
        vq_warn("DeriveImage: surface %ux%u does not fit CAPTURE %ux%u", s->width, s->height,
                ctx->cap_width, ctx->cap_height);
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
    b->data = slot->map;
    b->size = b->element_size = need;
    b->derived_ctx = ctx;
    b->derived_slot = slot;
    atomic_fetch_add(&slot->pins, 1);
    pthread_mutex_unlock(&drv->lock);

    im->va.format = nv12_format;
    im->va.buf = b->id;
    im->va.width = (uint16_t)s->width;
    im->va.height = (uint16_t)s->height;
    im->va.data_size = (uint32_t)need;
    im->va.num_planes = 2;
    im->va.pitches[0] = im->va.pitches[1] = ctx->cap_bpl;
    im->va.offsets[0] = 0;
    im->va.offsets[1] = ctx->cap_bpl * ctx->cap_height;
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

VAStatus vareq_GetImage(VADriverContextP vctx, VASurfaceID sid, int x, int y,
                        unsigned int width, unsigned int height, VAImageID image)
{
    struct vareq_driver *drv = vareq_drv(vctx);
    struct vareq_surface *s = vareq_surface_get(drv, sid);
    struct vareq_image *im = vareq_image_get(drv, image);
    struct vareq_context *ctx;
    struct vareq_buffer *b;
    const uint8_t *src;
    uint8_t *dst;
    size_t spitch, suv, dsize;
    unsigned w, h, cw, ch;
    VAStatus st = VA_STATUS_SUCCESS;

    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (!im)
        return VA_STATUS_ERROR_INVALID_IMAGE;
    if (im->va.format.fourcc != VA_FOURCC_NV12)
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    if (x < 0 || y < 0 || (x & 1) || (y & 1))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    b = vareq_buffer_get(drv, im->va.buf);
    if (!b || !b->data)
        return VA_STATUS_ERROR_INVALID_IMAGE;
    ctx = vareq_surface_lock_ctx(drv, s);
    if (!ctx) {
        vq_info("GetImage: surface 0x%x was never decoded", sid);
        return VA_STATUS_ERROR_INVALID_SURFACE;
    }
    st = vareq_ctx_sync_surface(ctx, s);
    if (st != VA_STATUS_SUCCESS)
        goto out;
    if (!s->has_frame || !s->slot) {
        vq_info("GetImage: surface 0x%x holds no frame", sid);
        st = VA_STATUS_ERROR_INVALID_SURFACE;
        goto out;
    }
    /* clip the region to the surface, the CAPTURE format and the image */
    w = width;
    h = height;
    if ((unsigned)x >= s->width || (unsigned)y >= s->height) {
        st = VA_STATUS_ERROR_INVALID_PARAMETER;
        goto out;
    }
    if (w > s->width - (unsigned)x) w = s->width - (unsigned)x;
    if (h > s->height - (unsigned)y) h = s->height - (unsigned)y;
    if (w > ctx->cap_width - (unsigned)x) w = ctx->cap_width - (unsigned)x;
    if (h > ctx->cap_height - (unsigned)y) h = ctx->cap_height - (unsigned)y;
    if (w > im->va.width) w = im->va.width;
    if (h > im->va.height) h = im->va.height;
    cw = (w + 1) & ~1u;
    ch = (h + 1) / 2;

    src = s->slot->map;
    spitch = ctx->cap_bpl;
    suv = (size_t)ctx->cap_bpl * ctx->cap_height;
    dst = b->data;
    dsize = b->size;
    if (!plane_fits((size_t)y * spitch + (size_t)x, spitch, h, w, s->slot->length) ||
        !plane_fits(suv + (size_t)(y / 2) * spitch + (size_t)x, spitch, ch, cw,
                    s->slot->length) ||
        !plane_fits(im->va.offsets[0], im->va.pitches[0], h, w, dsize) ||
        !plane_fits(im->va.offsets[1], im->va.pitches[1], ch, cw, dsize)) {
        vq_err("GetImage: region %ux%u+%d+%d out of bounds", w, h, x, y);
        st = VA_STATUS_ERROR_INVALID_PARAMETER;
        goto out;
    }
    for (unsigned r = 0; r < h; r++)
        memcpy(dst + im->va.offsets[0] + (size_t)r * im->va.pitches[0],
               src + (size_t)(y + (int)r) * spitch + (size_t)x, w);
    for (unsigned r = 0; r < ch; r++)
        memcpy(dst + im->va.offsets[1] + (size_t)r * im->va.pitches[1],
               src + suv + (size_t)(y / 2 + (int)r) * spitch + (size_t)x, cw);
    atomic_fetch_add(&drv->stats.images_read, 1);
out:
    pthread_mutex_unlock(&ctx->lock);
    return st;
}
