#include "fences.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <poll.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define MAX_EXPORTS 256
#define MAX_FENCES 16

struct fence {
    int fd;     /* simdev's dup of the sync_file */
    bool write; /* DMA_BUF_SYNC_WRITE usage (readers otherwise) */
};

struct export {
    dev_t dev;
    ino_t ino;
    struct fence fences[MAX_FENCES];
    unsigned nfences;
};

/* Protected by the device lock. */
static struct export exports[MAX_EXPORTS];
static unsigned nexports;

static struct export *find(int fd)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        return NULL;
    for (unsigned i = 0; i < nexports; i++)
        if (exports[i].dev == st.st_dev && exports[i].ino == st.st_ino)
            return &exports[i];
    return NULL;
}

void sim_fence_exported(int memfd)
{
    struct stat st;
    if (find(memfd) || fstat(memfd, &st) != 0)
        return;
    if (nexports == MAX_EXPORTS) {
        sim_log("fences: more than %d exported buffers, not tracked", MAX_EXPORTS);
        return;
    }
    exports[nexports++] = (struct export){ .dev = st.st_dev, .ino = st.st_ino };
}

void sim_fence_forget(int memfd)
{
    struct export *e = find(memfd);
    if (!e)
        return;
    for (unsigned k = 0; k < e->nfences; k++)
        close(e->fences[k].fd);
    *e = exports[--nexports];
}

static bool signalled(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL));
}

/* Drops signalled fences. */
static void prune(struct export *e)
{
    unsigned k = 0;
    while (k < e->nfences) {
        if (signalled(e->fences[k].fd)) {
            close(e->fences[k].fd);
            e->fences[k] = e->fences[--e->nfences];
        } else {
            k++;
        }
    }
}

int sim_fence_import(int fd, void *arg)
{
    struct export *e = find(fd);
    if (!e)
        return -ENOTTY;
    const struct dma_buf_import_sync_file *in = arg;
    if (!in)
        return -EFAULT;
    /* dma_buf_import_sync_file(): READ, WRITE or both, nothing else. */
    if (in->flags & ~DMA_BUF_SYNC_RW || !(in->flags & DMA_BUF_SYNC_RW))
        return -EINVAL;
    prune(e);
    if (e->nfences == MAX_FENCES)
        return -ENOMEM;
    int dup_fd = fcntl(in->fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return -EINVAL; /* sync_file_get_fence() fails on a bad fd */
    e->fences[e->nfences++] = (struct fence){ dup_fd, (in->flags & DMA_BUF_SYNC_WRITE) != 0 };
    return 0;
}

bool sim_fence_poll(int fd, short events, short *revents)
{
    struct export *e = find(fd);
    if (!e)
        return false;
    prune(e);
    bool writer = false;
    for (unsigned k = 0; k < e->nfences; k++)
        writer |= e->fences[k].write;
    short r = 0;
    if (!writer)
        r |= POLLIN;
    if (e->nfences == 0)
        r |= POLLOUT;
    *revents = r & events;
    return true;
}
