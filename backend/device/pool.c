/* CAPTURE memory pool. Slots are V4L2 CAPTURE buffers; they are not bound to surfaces for
 * life (see va/context.c for the policies). A free slot is one that no surface holds, that
 * is not queued at the device, that no pending request names as a reference and that no
 * derived image maps. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "device/device.h"
#include "util/log.h"

/* CAPTURE buffers allocated by the driver in this process (all contexts). Atomic: pools
 * of different contexts change it under different locks. */
static atomic_uint live_buffers, peak_buffers;
/* orphaned buffers (vareq_pool_orphan .. vareq_orphan_mem_free), all contexts */
static atomic_uint orphaned_buffers;

unsigned vareq_pool_orphaned_buffers(void)
{
    return atomic_load(&orphaned_buffers);
}

unsigned vareq_pool_live_buffers(void)
{
    return atomic_load(&live_buffers);
}

unsigned vareq_pool_peak_buffers(void)
{
    return atomic_load(&peak_buffers);
}

static void count_buffers(unsigned n)
{
    unsigned now = atomic_fetch_add(&live_buffers, n) + n;
    unsigned peak = atomic_load(&peak_buffers);
    while (now > peak && !atomic_compare_exchange_weak(&peak_buffers, &peak, now))
        ;
}

static int map_slot(struct vareq_pool *p, struct vareq_slot *s)
{
    uint32_t off[VAREQ_SLOT_MAX_PLANES], len[VAREQ_SLOT_MAX_PLANES];
    unsigned n = VAREQ_SLOT_MAX_PLANES;

    if (v4l2_querybuf_planes(p->ops, p->fd, p->type, s->index, &n, off, len) < 0) {
        vq_err("CAPTURE QUERYBUF %u: %s", s->index, strerror(errno));
        return -1;
    }
    if (n != p->n_mem) {
        vq_err("CAPTURE buffer %u has %u memory planes, the format has %u", s->index, n,
               p->n_mem);
        errno = EINVAL;
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        s->map[i] = p->ops->mmap(NULL, len[i], PROT_READ | PROT_WRITE, MAP_SHARED, p->fd,
                                 (off_t)off[i]);
        if (s->map[i] == MAP_FAILED) {
            vq_err("CAPTURE mmap %u plane %u (%u bytes): %s", s->index, i, len[i],
                   strerror(errno));
            return -1;
        }
        s->length[i] = len[i];
    }
    s->n_mem = n;
    return 0;
}

int vareq_pool_init(struct vareq_pool *p, const struct vareq_sysops *ops, int fd,
                    uint32_t type, unsigned count, unsigned n_mem)
{
    unsigned got = count;

    memset(p, 0, sizeof(*p));
    p->ops = ops;
    p->fd = fd;
    p->type = type;
    if (n_mem < 1 || n_mem > VAREQ_SLOT_MAX_PLANES) {
        errno = EINVAL;
        return -1;
    }
    p->n_mem = n_mem;
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
    count_buffers(got);
    for (unsigned i = 0; i < got; i++) {
        struct vareq_slot *s = &p->slots[i];
        s->index = i;
        for (unsigned k = 0; k < VAREQ_SLOT_MAX_PLANES; k++) {
            s->dmabuf_fd[k] = -1;
            s->map[k] = MAP_FAILED;
        }
    }
    for (unsigned i = 0; i < got; i++)
        if (map_slot(p, &p->slots[i]) < 0)
            goto fail;
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
        for (unsigned k = 0; k < VAREQ_SLOT_MAX_PLANES; k++) {
            if (s->map[k] != MAP_FAILED && s->map[k])
                p->ops->munmap(s->map[k], s->length[k]);
            if (s->dmabuf_fd[k] >= 0)
                p->ops->close(s->dmabuf_fd[k]);
        }
    }
    atomic_fetch_sub(&live_buffers, p->n);
    free(p->slots);
    p->slots = NULL;
    p->n = 0;
    if (v4l2_reqbufs(p->ops, p->fd, p->type, &zero) < 0)
        vq_warn("CAPTURE REQBUFS(0): %s", strerror(errno));
}

bool vareq_slot_free(const struct vareq_slot *s)
{
    return !s->owner && !s->sharer && !s->queued && !s->pending_refs && !s->pins;
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

void vareq_slot_leave(struct vareq_pool *p, struct vareq_slot *s, const struct vareq_surface *who)
{
    if (s->sharer == who) {
        s->sharer = NULL;
    } else if (s->owner == who) {
        if (s->sharer) {
            s->owner = s->sharer;
            s->sharer = NULL;
        } else { /* the frame is held by no surface: the slot returns to the pool */
            s->owner = NULL;
            s->release_seq = ++p->release_counter;
        }
    }
}

int vareq_pool_export(struct vareq_pool *p, struct vareq_slot *s, uint64_t seq, int *fds)
{
    for (unsigned i = 0; i < s->n_mem; i++) {
        fds[i] = v4l2_expbuf(p->ops, p->fd, p->type, s->index, i, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) {
            vq_err("EXPBUF slot %u plane %u: %s", s->index, i, strerror(errno));
            while (i--)
                p->ops->close(fds[i]);
            return -1;
        }
    }
    for (unsigned i = 0; i < s->n_mem; i++)
        if (s->dmabuf_fd[i] < 0) {
            s->dmabuf_fd[i] =
                v4l2_expbuf(p->ops, p->fd, p->type, s->index, i, O_RDONLY | O_CLOEXEC);
            if (s->dmabuf_fd[i] < 0)
                vq_warn("EXPBUF (own fd for fence waits) slot %u plane %u: %s", s->index, i,
                        strerror(errno));
        }
    s->export_seq = seq;
    return 0;
}

int vareq_pool_wait_readers(struct vareq_pool *p, struct vareq_slot *s, int timeout_ms)
{
    int result = 0;

    if (!s->export_seq)
        return 0;
    for (unsigned i = 0; i < s->n_mem; i++) {
        short rev = 0;
        int r;
        if (s->dmabuf_fd[i] < 0) {
            result = -1;
            continue;
        }
        /* dma-buf poll(POLLOUT): signalled when every fence (readers and writers) is done */
        p->fence_waits++;
        r = vq_poll1(p->ops, s->dmabuf_fd[i], POLLOUT, timeout_ms, &rev);
        if (r == 0) {
            p->fence_timeouts++;
            vq_warn("slot %u plane %u: exported memory still busy after %d ms, reusing it "
                    "anyway (VAREQ_FENCE_TIMEOUT_MS)", s->index, i, timeout_ms);
            result = 1;
        } else if (r < 0 || (rev & (POLLERR | POLLNVAL))) {
            vq_dbg("slot %u plane %u: poll(dma-buf) cannot tell: %s", s->index, i,
                   r < 0 ? strerror(errno) : "POLLERR/POLLNVAL");
            if (!result)
                result = -1;
        }
    }
    return result;
}

void vareq_pool_orphan(struct vareq_pool *p, struct vareq_slot *s, struct vareq_orphan_mem *out)
{
    memset(out, 0, sizeof(*out));
    out->n_mem = s->n_mem;
    for (unsigned i = 0; i < VAREQ_SLOT_MAX_PLANES; i++) {
        out->map[i] = MAP_FAILED;
        out->fd[i] = -1;
    }
    for (unsigned i = 0; i < s->n_mem && i < VAREQ_SLOT_MAX_PLANES; i++) {
        /* the dma-buf must be taken now: EXPBUF needs the queue, which is about to go */
        if (s->dmabuf_fd[i] >= 0) {
            out->fd[i] = s->dmabuf_fd[i];
        } else {
            out->fd[i] = v4l2_expbuf(p->ops, p->fd, p->type, s->index, i, O_RDONLY | O_CLOEXEC);
            if (out->fd[i] < 0)
                vq_warn("EXPBUF of orphaned slot %u plane %u: %s (the frame stays readable "
                        "as an image, not exportable)", s->index, i, strerror(errno));
        }
        s->dmabuf_fd[i] = -1;
        out->map[i] = s->map[i];
        out->length[i] = s->length[i];
        s->map[i] = MAP_FAILED;
    }
    atomic_fetch_add(&orphaned_buffers, 1);
}

void vareq_orphan_mem_free(const struct vareq_sysops *ops, struct vareq_orphan_mem *m)
{
    for (unsigned i = 0; i < VAREQ_SLOT_MAX_PLANES; i++) {
        if (m->map[i] != MAP_FAILED && m->map[i])
            ops->munmap(m->map[i], m->length[i]);
        if (m->fd[i] >= 0)
            ops->close(m->fd[i]);
        m->map[i] = MAP_FAILED;
        m->fd[i] = -1;
    }
    atomic_fetch_sub(&orphaned_buffers, 1);
}

int vareq_orphan_mem_dup(const struct vareq_sysops *ops, const struct vareq_orphan_mem *m,
                         int *fds)
{
    for (unsigned i = 0; i < m->n_mem && i < VAREQ_SLOT_MAX_PLANES; i++) {
        /* dma-buf fds are ordinary descriptors with both providers (simdev's EXPBUF gives
         * a real file description of the buffer's memfd): duplicating one is not device
         * access, there is no seam call for it */
        fds[i] = m->fd[i] >= 0 ? fcntl(m->fd[i], F_DUPFD_CLOEXEC, 0) : -1;
        if (fds[i] < 0) {
            vq_err("export of orphaned memory plane %u: %s", i,
                   m->fd[i] >= 0 ? strerror(errno) : "no dma-buf (EXPBUF had failed)");
            while (i--)
                ops->close(fds[i]);
            return -1;
        }
    }
    return 0;
}
