#include "queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fences.h"
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

static void plane_release(struct sim_buf_plane *pl)
{
    if (pl->memfd >= 0)
        sim_fence_forget(pl->memfd);
    if (pl->map)
        munmap(pl->map, pl->length);
    if (pl->memfd >= 0)
        close(pl->memfd);
    pl->map = NULL;
    pl->memfd = -1;
}

static struct sim_buffer *buffer_new(unsigned index, uint32_t memory, unsigned nplanes,
                                     const size_t sizes[], uint32_t offset)
{
    struct sim_buffer *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->index = index;
    b->memory = memory;
    b->num_planes = nplanes;
    b->request_fd = -1;
    for (unsigned p = 0; p < SIM_MAX_PLANES; p++) {
        b->planes[p].memfd = -1;
        b->planes[p].user_fd = -1;
    }
    for (unsigned p = 0; p < nplanes; p++) {
        struct sim_buf_plane *pl = &b->planes[p];
        pl->min_length = sizes[p];
        if (memory != V4L2_MEMORY_MMAP)
            continue; /* DMABUF: memory comes with QBUF */
        pl->length = sizes[p];
        pl->mem_offset = offset;
        offset += (uint32_t)page_align(sizes[p]);
        pl->memfd = memfd_create("vareq-simdev-buf", MFD_CLOEXEC);
        if (pl->memfd < 0 || ftruncate(pl->memfd, (off_t)sizes[p]) < 0)
            goto fail;
        pl->map = mmap(NULL, sizes[p], PROT_READ | PROT_WRITE, MAP_SHARED, pl->memfd, 0);
        if (pl->map == MAP_FAILED) {
            pl->map = NULL;
            goto fail;
        }
    }
    return b;

fail:
    sim_log("buffer allocation of %zu bytes failed: %s", sizes[0], strerror(errno));
    for (unsigned p = 0; p < nplanes; p++)
        plane_release(&b->planes[p]);
    free(b);
    return NULL;
}

static void buffer_free(struct sim_buffer *b)
{
    if (!b)
        return;
    for (unsigned p = 0; p < b->num_planes; p++)
        plane_release(&b->planes[p]);
    free(b);
}

int sim_buffer_attach_dmabuf(struct sim_buffer *buf, unsigned p, int fd)
{
    if (p >= buf->num_planes || fd < 0)
        return -EINVAL;
    struct sim_buf_plane *pl = &buf->planes[p];
    /* Same memory as attached already (same open file)? Keep the mapping. */
    if (pl->memfd >= 0) {
        struct stat a, b;
        if (fstat(fd, &a) == 0 && fstat(pl->memfd, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            pl->user_fd = fd;
            return 0;
        }
    }
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0 || (uint64_t)end < pl->min_length) {
        sim_log("dmabuf fd %d: size %lld smaller than the plane (%zu)", fd, (long long)end,
                pl->min_length);
        return -EINVAL; /* vb2: "invalid dmabuf length" */
    }
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return -errno;
    void *map = mmap(NULL, (size_t)end, PROT_READ | PROT_WRITE, MAP_SHARED, dup_fd, 0);
    if (map == MAP_FAILED) {
        int err = errno;
        close(dup_fd);
        sim_log("dmabuf fd %d cannot be mapped: %s", fd, strerror(err));
        return -EINVAL;
    }
    plane_release(pl);
    pl->memfd = dup_fd;
    pl->map = map;
    pl->length = (size_t)end;
    pl->user_fd = fd;
    return 0;
}

int sim_queue_alloc(struct sim_queue *q, uint32_t memory, unsigned count, unsigned nplanes,
                    const size_t sizes[])
{
    unsigned created = 0;

    if (nplanes == 0 || nplanes > SIM_MAX_PLANES)
        return -EINVAL;
    for (unsigned p = 0; p < nplanes; p++)
        if (sizes[p] == 0)
            return -EINVAL;
    while (created < count && q->count < SIM_MAX_BUFFERS) {
        uint64_t span = 0;
        for (unsigned p = 0; p < nplanes; p++)
            span += page_align(sizes[p]);
        if ((uint64_t)q->next_offset + span > UINT32_MAX)
            break;
        struct sim_buffer *b = buffer_new(q->count, memory, nplanes, sizes, q->next_offset);
        if (!b)
            break;
        if (memory == V4L2_MEMORY_MMAP)
            q->next_offset += (uint32_t)span;
        q->bufs[q->count++] = b;
        created++;
    }
    if (created == 0 && count > 0)
        return q->count >= SIM_MAX_BUFFERS ? -ENOBUFS : -ENOMEM;
    if (created > 0)
        q->memory = memory;
    return (int)created;
}

void sim_queue_free_all(struct sim_queue *q)
{
    for (unsigned i = 0; i < q->count; i++) {
        buffer_free(q->bufs[i]);
        q->bufs[i] = NULL;
    }
    q->count = 0;
    q->memory = 0;
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

struct sim_buffer *sim_queue_by_offset(struct sim_queue *q, uint32_t offset, unsigned *plane)
{
    for (unsigned i = 0; i < q->count; i++) {
        struct sim_buffer *b = q->bufs[i];
        if (b->memory != V4L2_MEMORY_MMAP)
            continue;
        for (unsigned p = 0; p < b->num_planes; p++) {
            if (b->planes[p].mem_offset == offset) {
                *plane = p;
                return b;
            }
        }
    }
    return NULL;
}

void sim_queue_fill_buffer(const struct sim_queue *q, const struct sim_buffer *buf,
                           struct v4l2_buffer *b)
{
    struct v4l2_plane *pl = b->m.planes;

    b->index = buf->index;
    b->type = q->type;
    b->memory = buf->memory;
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
    if (buf->prepared)
        b->flags |= V4L2_BUF_FLAG_PREPARED;
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
    b->length = buf->num_planes;
    b->reserved2 = 0;

    for (unsigned p = 0; p < buf->num_planes; p++) {
        const struct sim_buf_plane *sp = &buf->planes[p];
        memset(&pl[p], 0, sizeof(pl[p]));
        pl[p].bytesused = sp->bytesused;
        if (buf->memory == V4L2_MEMORY_MMAP) {
            pl[p].length = (uint32_t)sp->length;
            pl[p].m.mem_offset = sp->mem_offset;
        } else {
            pl[p].length = (uint32_t)(sp->map ? sp->length : sp->min_length);
            pl[p].m.fd = sp->user_fd;
        }
        pl[p].data_offset = sp->data_offset;
    }
}
