#include "queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format.h"
#include "log.h"

void sim_queue_init(struct sim_queue *q, unsigned type)
{
    memset(q, 0, sizeof(*q));
    q->type = type;
    q->next_offset = sim_fmt_is_output(type) ? 0 : SIM_CAPTURE_OFF_BASE;
}

static size_t page_align(size_t v)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t p = ps > 0 ? (size_t)ps : 4096;
    return (v + p - 1) / p * p;
}

static struct sim_buffer *buffer_new(unsigned index, size_t size, uint32_t offset)
{
    struct sim_buffer *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->index = index;
    b->length = size;
    b->mem_offset = offset;
    b->request_fd = -1;
    b->memfd = memfd_create("vareq-simdev-buf", MFD_CLOEXEC);
    if (b->memfd < 0)
        goto fail;
    if (ftruncate(b->memfd, (off_t)size) < 0)
        goto fail_fd;
    b->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, b->memfd, 0);
    if (b->map == MAP_FAILED) {
        b->map = NULL;
        goto fail_fd;
    }
    return b;

fail_fd:
    close(b->memfd);
fail:
    sim_log("buffer allocation of %zu bytes failed: %s", size, strerror(errno));
    free(b);
    return NULL;
}

static void buffer_free(struct sim_buffer *b)
{
    if (!b)
        return;
    if (b->map)
        munmap(b->map, b->length);
    if (b->memfd >= 0)
        close(b->memfd);
    free(b);
}

int sim_queue_alloc(struct sim_queue *q, unsigned count, size_t size)
{
    unsigned created = 0;

    if (size == 0)
        return -EINVAL;
    while (created < count && q->count < SIM_MAX_BUFFERS) {
        size_t span = page_align(size);
        if ((uint64_t)q->next_offset + span > UINT32_MAX)
            break;
        struct sim_buffer *b = buffer_new(q->count, size, q->next_offset);
        if (!b)
            break;
        q->next_offset += (uint32_t)span;
        q->bufs[q->count++] = b;
        created++;
    }
    if (created == 0 && count > 0)
        return q->count >= SIM_MAX_BUFFERS ? -ENOBUFS : -ENOMEM;
    return (int)created;
}

void sim_queue_free_all(struct sim_queue *q)
{
    for (unsigned i = 0; i < q->count; i++) {
        buffer_free(q->bufs[i]);
        q->bufs[i] = NULL;
    }
    q->count = 0;
    q->next_offset = sim_fmt_is_output(q->type) ? 0 : SIM_CAPTURE_OFF_BASE;
}

struct sim_buffer *sim_queue_buffer(struct sim_queue *q, unsigned index)
{
    return index < q->count ? q->bufs[index] : NULL;
}

struct sim_buffer *sim_queue_oldest(struct sim_queue *q, enum sim_buf_state state)
{
    struct sim_buffer *best = NULL;
    for (unsigned i = 0; i < q->count; i++) {
        struct sim_buffer *b = q->bufs[i];
        if (b->state == state && (!best || b->order < best->order))
            best = b;
    }
    return best;
}

unsigned sim_queue_count_state(const struct sim_queue *q, enum sim_buf_state state)
{
    unsigned n = 0;
    for (unsigned i = 0; i < q->count; i++)
        n += q->bufs[i]->state == state;
    return n;
}

struct sim_buffer *sim_queue_by_offset(struct sim_queue *q, uint32_t offset)
{
    for (unsigned i = 0; i < q->count; i++)
        if (q->bufs[i]->mem_offset == offset)
            return q->bufs[i];
    return NULL;
}

uint32_t sim_queue_caps(const struct sim_queue *q)
{
    uint32_t caps = V4L2_BUF_CAP_SUPPORTS_MMAP | V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS;
    if (sim_fmt_is_output(q->type))
        caps |= V4L2_BUF_CAP_SUPPORTS_REQUESTS;
    return caps;
}

void sim_queue_fill_buffer(const struct sim_queue *q, const struct sim_buffer *buf,
                           struct v4l2_buffer *b)
{
    struct v4l2_plane *pl = b->m.planes;

    b->index = buf->index;
    b->type = q->type;
    b->memory = V4L2_MEMORY_MMAP;
    b->flags = V4L2_BUF_FLAG_TIMESTAMP_COPY | buf->user_flags;
    switch (buf->state) {
    case SIM_BUF_IN_REQUEST:
        b->flags |= V4L2_BUF_FLAG_IN_REQUEST;
        break;
    case SIM_BUF_QUEUED:
    case SIM_BUF_ACTIVE:
        b->flags |= V4L2_BUF_FLAG_QUEUED;
        break;
    case SIM_BUF_DONE:
        b->flags |= V4L2_BUF_FLAG_DONE;
        break;
    case SIM_BUF_DEQUEUED:
        break;
    }
    if (buf->error)
        b->flags |= V4L2_BUF_FLAG_ERROR;
    if (buf->request_fd >= 0 && buf->state != SIM_BUF_DEQUEUED) {
        b->flags |= V4L2_BUF_FLAG_REQUEST_FD;
        b->request_fd = buf->request_fd;
    } else {
        b->request_fd = 0;
    }
    b->field = V4L2_FIELD_NONE;
    b->timestamp = buf->timestamp;
    b->sequence = buf->sequence;
    memset(&b->timecode, 0, sizeof(b->timecode));
    b->length = 1;
    b->reserved2 = 0;

    memset(pl, 0, sizeof(*pl));
    pl->bytesused = buf->bytesused;
    pl->length = (uint32_t)buf->length;
    pl->m.mem_offset = buf->mem_offset;
    pl->data_offset = buf->data_offset;
}
