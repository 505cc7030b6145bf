/* The exported seam: vareq_simdev_sysops(). Dispatches libc-shaped calls to the model. */
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vareq/sysops.h>

#include "config.h"
#include "context.h"
#include "device.h"
#include "fences.h"
#include "log.h"
#include "media.h"
#include "poll.h"
#include "request.h"

static int ret_errno(int ret)
{
    if (ret < 0) {
        errno = -ret;
        return -1;
    }
    return ret;
}

static int sim_open(const char *path, int flags)
{
    if (!path)
        return ret_errno(-EFAULT);
    bool video = strcmp(path, SIM_VIDEO_PATH) == 0;
    bool media = strcmp(path, SIM_MEDIA_PATH) == 0;
    if (!video && !media)
        return ret_errno(-ENOENT);

    sim_lock();
    int ret;
    if (sim_dev_gone()) {
        ret = -ENODEV;
    } else if (video) {
        ret = sim_ctx_open(flags);
    } else {
        struct sim_config cfg;
        ret = sim_config_parse(&cfg);
        if (ret == 0)
            ret = sim_fd_add(SIM_OBJ_MEDIA, (void *)(uintptr_t)cfg.profile);
    }
    sim_unlock();
    return ret_errno(ret);
}

static int sim_close(int fd)
{
    struct sim_fd_entry e;

    sim_lock();
    if (sim_fd_remove(fd, &e) != 0) {
        sim_unlock();
        return close(fd); /* not ours (exported buffers etc.): the kernel's */
    }
    switch (e.type) {
    case SIM_OBJ_VIDEO:
        sim_ctx_release(e.obj);
        break;
    case SIM_OBJ_REQUEST:
        sim_request_release_fd(e.obj);
        break;
    case SIM_OBJ_MEDIA:
        break;
    }
    sim_event_broadcast();
    sim_unlock();
    return 0;
}

static int sim_ioctl(int fd, unsigned long cmd, void *arg)
{
    sim_lock();
    const struct sim_fd_entry *e = sim_fd_lookup(fd);
    if (!e) {
        /* Fences of exported memory (fences.h); everything else is the kernel's. */
        int fr = cmd == DMA_BUF_IOCTL_IMPORT_SYNC_FILE ? sim_fence_import(fd, arg) : -ENOTTY;
        sim_unlock();
        if (fr != -ENOTTY)
            return ret_errno(fr);
        return ioctl(fd, cmd, arg);
    }
    int ret;
    if (sim_dev_gone()) {
        sim_unlock();
        return ret_errno(-ENODEV);
    }
    switch (e->type) {
    case SIM_OBJ_VIDEO:
        ret = sim_ctx_fault_ioctl(e->obj, cmd);
        if (!ret)
            ret = sim_video_ioctl(e->obj, cmd, arg);
        break;
    case SIM_OBJ_REQUEST: {
        struct sim_request *req = e->obj;
        ret = req->ctx ? sim_ctx_fault_ioctl(req->ctx, cmd) : 0;
        if (!ret)
            ret = sim_request_ioctl(req, cmd, arg);
        break;
    }
    case SIM_OBJ_MEDIA:
        ret = sim_media_ioctl((const struct sim_profile *)e->obj, cmd, arg);
        break;
    default:
        ret = -ENOTTY;
        break;
    }
    sim_unlock();
    return ret_errno(ret);
}

static void *sim_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    sim_lock();
    const struct sim_fd_entry *e = sim_fd_lookup(fd);
    if (!e) {
        sim_unlock();
        return mmap(addr, length, prot, flags, fd, offset);
    }
    if (e->type != SIM_OBJ_VIDEO || sim_dev_gone()) {
        sim_unlock();
        errno = ENODEV;
        return MAP_FAILED;
    }
    struct sim_ctx *ctx = e->obj;
    struct sim_buffer *b = NULL;
    unsigned plane = 0;
    if (offset >= 0 && (uint64_t)offset <= UINT32_MAX) {
        struct sim_queue *q = (uint64_t)offset >= SIM_CAPTURE_OFF_BASE ? &ctx->cap : &ctx->out;
        b = sim_queue_by_offset(q, (uint32_t)offset, &plane);
    }
    int err = 0;
    if (!b)
        err = EINVAL;
    else if (!(flags & MAP_SHARED))
        err = EINVAL; /* vb2_mmap: "invalid vma flags, VM_SHARED needed" */
    else if (length == 0 || length > ((b->planes[plane].length + 4095) & ~(size_t)4095))
        err = EINVAL;
    void *p = MAP_FAILED;
    if (!err) {
        p = mmap(addr, length, prot, flags, b->planes[plane].memfd, 0);
        if (p == MAP_FAILED)
            err = errno;
    }
    sim_unlock();
    if (err)
        errno = err;
    return p;
}

static int sim_munmap(void *addr, size_t length)
{
    return munmap(addr, length);
}

static int sim_devnode_path(unsigned major, unsigned minor, char *buf, size_t len)
{
    const char *path = NULL;
    if (major == SIM_VIDEO_MAJOR && minor == SIM_VIDEO_MINOR)
        path = SIM_VIDEO_PATH;
    else if (major == SIM_MEDIA_MAJOR && minor == SIM_MEDIA_MINOR)
        path = SIM_MEDIA_PATH;
    if (!path)
        return ret_errno(-ENOENT);
    if (!buf || strlen(path) + 1 > len)
        return ret_errno(-ERANGE);
    memcpy(buf, path, strlen(path) + 1);
    return 0;
}

static const struct vareq_sysops simdev_sysops = {
    .abi_version = VAREQ_SYSOPS_ABI_VERSION,
    .name = "simdev",
    .open = sim_open,
    .close = sim_close,
    .ioctl = sim_ioctl,
    .mmap = sim_mmap,
    .munmap = sim_munmap,
    .poll = sim_poll,
    .devnode_path = sim_devnode_path,
};

__attribute__((visibility("default"))) const struct vareq_sysops *vareq_simdev_sysops(void)
{
    return &simdev_sysops;
}
