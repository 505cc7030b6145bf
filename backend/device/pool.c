/* CAPTURE memory pool. Slots are V4L2 CAPTURE buffers; they are not bound to surfaces for
 * life (see va/context.c for the policies). A free slot is one that no surface holds, that
 * is not queued at the device, that no pending request names as a reference and that no
 * derived image maps. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "device/device.h"
#include "util/log.h"

int vareq_pool_init(struct vareq_pool *p, const struct vareq_sysops *ops, int fd,
                    uint32_t type, unsigned count)
{
    unsigned got = count;

    memset(p, 0, sizeof(*p));
    p->ops = ops;
    p->fd = fd;
    p->type = type;
    if (v4l2_reqbufs(ops, fd, type, &got) < 0) {
        vq_err("CAPTURE REQBUFS(%u): %s", count, strerror(errno));
        return -1;
    }
    if (got == 0) {
        vq_err("CAPTURE REQBUFS(%u) gave no buffers", count);
        errno = ENOMEM;
        return -1;
    }
    if (got < count)
        vq_warn("CAPTURE REQBUFS: asked %u buffers, got %u", count, got);
    p->slots = calloc(got, sizeof(*p->slots));
    if (!p->slots) {
        unsigned zero = 0;
        v4l2_reqbufs(ops, fd, type, &zero);
        errno = ENOMEM;
        return -1;
    }
    p->n = got;
    for (unsigned i = 0; i < got; i++) {
        struct vareq_slot *s = &p->slots[i];
        uint32_t off, len;
        s->index = i;
        s->dmabuf_fd = -1;
        s->map = MAP_FAILED;
        if (v4l2_querybuf(ops, fd, type, i, &off, &len) < 0) {
            vq_err("CAPTURE QUERYBUF %u: %s", i, strerror(errno));
            goto fail;
        }
        s->map = ops->mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
        if (s->map == MAP_FAILED) {
            vq_err("CAPTURE mmap %u (%u bytes): %s", i, len, strerror(errno));
            goto fail;
        }
        s->length = len;
    }
    return 0;
fail:
    vareq_pool_fini(p);
    errno = EIO;
    return -1;
}

void vareq_pool_fini(struct vareq_pool *p)
{
    unsigned zero = 0;

    if (!p->slots)
        return;
    for (unsigned i = 0; i < p->n; i++) {
        struct vareq_slot *s = &p->slots[i];
        if (s->map != MAP_FAILED && s->map)
            p->ops->munmap(s->map, s->length);
        if (s->dmabuf_fd >= 0)
            p->ops->close(s->dmabuf_fd);
    }
    free(p->slots);
    p->slots = NULL;
    p->n = 0;
    if (v4l2_reqbufs(p->ops, p->fd, p->type, &zero) < 0)
        vq_warn("CAPTURE REQBUFS(0): %s", strerror(errno));
}

bool vareq_slot_free(const struct vareq_slot *s)
{
    return !s->owner && !s->queued && !s->pending_refs && !s->pins;
}

struct vareq_slot *vareq_pool_pick(struct vareq_pool *p)
{
    struct vareq_slot *best = NULL;

    for (unsigned i = 0; i < p->n; i++) {
        struct vareq_slot *s = &p->slots[i];
        if (!vareq_slot_free(s))
            continue;
        /* never exported (0) first, then least recently exported; ties: longest free */
        if (!best || s->export_seq < best->export_seq ||
            (s->export_seq == best->export_seq && s->release_seq < best->release_seq))
            best = s;
    }
    return best;
}

void vareq_pool_release(struct vareq_pool *p, struct vareq_slot *s)
{
    s->owner = NULL;
    s->release_seq = ++p->release_counter;
}

int vareq_pool_export(struct vareq_pool *p, struct vareq_slot *s, uint64_t seq)
{
    int fd = v4l2_expbuf(p->ops, p->fd, p->type, s->index, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        vq_err("EXPBUF slot %u: %s", s->index, strerror(errno));
        return -1;
    }
    if (s->dmabuf_fd < 0) {
        s->dmabuf_fd = v4l2_expbuf(p->ops, p->fd, p->type, s->index, O_RDONLY | O_CLOEXEC);
        if (s->dmabuf_fd < 0)
            vq_dbg("EXPBUF (own fd) slot %u: %s", s->index, strerror(errno));
    }
    s->export_seq = seq;
    return fd;
}

void vareq_pool_wait_readers(struct vareq_pool *p, struct vareq_slot *s, int timeout_ms)
{
    short rev = 0;
    int r;

    if (s->dmabuf_fd < 0 || !s->export_seq)
        return;
    /* dma-buf poll(POLLOUT) signals when all fences (readers and writers) are done */
    r = vq_poll1(p->ops, s->dmabuf_fd, POLLOUT, timeout_ms, &rev);
    if (r == 0)
        vq_warn("slot %u: exported memory still busy after %d ms, reusing it anyway",
                s->index, timeout_ms);
    else if (r < 0)
        vq_dbg("slot %u: poll(dma-buf): %s", s->index, strerror(errno));
}
