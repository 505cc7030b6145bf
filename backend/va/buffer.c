/* VA buffers: parameter/slice buffers (copied at creation), image buffers, and derived
 * image buffers that map a CAPTURE slot. */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

#define MAX_BUFFER_SIZE (256u << 20)

VAStatus vareq_buffer_create_internal(struct vareq_driver *drv, VAContextID context,
                                      VABufferType type, size_t size, unsigned num,
                                      const void *data, struct vareq_buffer **out)
{
    struct vareq_buffer *b;
    size_t total;

    if (num == 0 || size > MAX_BUFFER_SIZE || num > MAX_BUFFER_SIZE ||
        size * num > MAX_BUFFER_SIZE)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    total = size * num;
    b = calloc(1, sizeof(*b));
    if (!b)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    b->type = type;
    b->context = context;
    b->element_size = size;
    b->num_elements = num;
    b->size = total;
    if (total) {
        b->data = malloc(total);
        if (!b->data) {
            free(b);
            return VA_STATUS_ERROR_ALLOCATION_FAILED;
        }
        if (data)
            memcpy(b->data, data, total);
        else
            memset(b->data, 0, total);
    }
    pthread_mutex_lock(&drv->lock);
    if (vareq_heap_add(&drv->buffers, b, &b->id) < 0) {
        pthread_mutex_unlock(&drv->lock);
        free(b->data);
        free(b);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    pthread_mutex_unlock(&drv->lock);
    *out = b;
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_CreateBuffer(VADriverContextP ctx, VAContextID context, VABufferType type,
                            unsigned int size, unsigned int num, void *data, VABufferID *id)
{
    struct vareq_buffer *b;
    VAStatus st;

    if (!id)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    switch (type) {
    case VAPictureParameterBufferType:
    case VAIQMatrixBufferType:
    case VASliceParameterBufferType:
    case VASliceDataBufferType:
    case VAProbabilityBufferType:
    case VAImageBufferType:
    case VAHuffmanTableBufferType:
    case VABitPlaneBufferType:
        break;
    default:
        vq_dbg("CreateBuffer: unsupported buffer type %d", (int)type);
        return VA_STATUS_ERROR_UNSUPPORTED_BUFFERTYPE;
    }
    st = vareq_buffer_create_internal(vareq_drv(ctx), context, type, size, num, data, &b);
    if (st == VA_STATUS_SUCCESS)
        *id = b->id;
    return st;
}

VAStatus vareq_BufferSetNumElements(VADriverContextP ctx, VABufferID id, unsigned int num)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    struct vareq_buffer *b = vareq_buffer_get(drv, id);

    if (!b)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    if (b->derived_slot || b->derived_orphan || num == 0 || num > b->num_elements)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    b->num_elements = num;
    b->size = b->element_size * num;
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_MapBuffer(VADriverContextP ctx, VABufferID id, void **pbuf)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    struct vareq_buffer *b;
    VAStatus st = VA_STATUS_SUCCESS;

    if (!pbuf)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&drv->lock);
    b = vareq_heap_get(&drv->buffers, id);
    if (!b)
        st = VA_STATUS_ERROR_INVALID_BUFFER;
    else if (!b->data)
        st = VA_STATUS_ERROR_INVALID_BUFFER; /* derived from a destroyed context */
    else {
        b->mapped = true;
        *pbuf = b->data;
    }
    pthread_mutex_unlock(&drv->lock);
    return st;
}

VAStatus vareq_UnmapBuffer(VADriverContextP ctx, VABufferID id)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    struct vareq_buffer *b;

    pthread_mutex_lock(&drv->lock);
    b = vareq_heap_get(&drv->buffers, id);
    if (b)
        b->mapped = false;
    pthread_mutex_unlock(&drv->lock);
    return b ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_INVALID_BUFFER;
}

void vareq_buffer_destroy_obj(struct vareq_driver *drv, struct vareq_buffer *b)
{
    struct vareq_orphan *orphan;
    bool owned;

    pthread_mutex_lock(&drv->lock);
    vareq_heap_remove(&drv->buffers, b->id);
    /* unpin under drv->lock: DestroyContext clears derived_slot under the same lock
     * before the slots are freed */
    if (b->derived_slot)
        atomic_fetch_sub(&b->derived_slot->pins, 1);
    orphan = b->derived_orphan; /* set by DestroyContext under drv->lock */
    owned = !b->derived_slot && !b->derived_ctx && !orphan;
    pthread_mutex_unlock(&drv->lock);
    if (orphan)
        vareq_orphan_put(drv, orphan); /* data points into it */
    else if (owned)
        free(b->data);
    free(b);
}

VAStatus vareq_DestroyBuffer(VADriverContextP ctx, VABufferID id)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    struct vareq_buffer *b = vareq_buffer_get(drv, id);

    if (!b)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    vareq_buffer_destroy_obj(drv, b);
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_BufferInfo(VADriverContextP ctx, VABufferID id, VABufferType *type,
                          unsigned int *size, unsigned int *num)
{
    struct vareq_buffer *b = vareq_buffer_get(vareq_drv(ctx), id);

    if (!b)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    if (type)
        *type = b->type;
    if (size)
        *size = (unsigned)b->element_size;
    if (num)
        *num = b->num_elements;
    return VA_STATUS_SUCCESS;
}
