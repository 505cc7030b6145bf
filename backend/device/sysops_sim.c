/* simdev provider of the device I/O seam: dlopen libvareq-simdev.so and ask it for its
 * table. Search order: $VAREQ_SIMDEV_LIB; next to the driver .so; <driver dir>/../simdev
 * (the meson build tree); the install path. The driver gets a wrapper table that counts
 * each call (device.h, seam counters) and forwards it to simdev's. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/device.h"
#include "util/log.h"

#ifndef VAREQ_SIMDEV_INSTALL_PATH
#define VAREQ_SIMDEV_INSTALL_PATH "/usr/local/lib/vareq/libvareq-simdev.so"
#endif

#define SIMDEV_NAME "libvareq-simdev.so"

/* simdev's own table, set once loaded (the same library, hence the same table, for every
 * driver of the process). */
static _Atomic(const struct vareq_sysops *) sim_inner;

static const struct vareq_sysops *inner(void)
{
    return atomic_load_explicit(&sim_inner, memory_order_acquire);
}

static int w_open(const char *path, int flags)
{
    vareq_seam_count(VAREQ_SEAM_OPEN);
    return inner()->open(path, flags);
}

static int w_close(int fd)
{
    return inner()->close(fd);
}

static int w_ioctl(int fd, unsigned long request, void *arg)
{
    vareq_seam_count(VAREQ_SEAM_IOCTL);
    return inner()->ioctl(fd, request, arg);
}

static void *w_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    vareq_seam_count(VAREQ_SEAM_MMAP);
    return inner()->mmap(addr, length, prot, flags, fd, offset);
}

static int w_munmap(void *addr, size_t length)
{
    vareq_seam_count(VAREQ_SEAM_MUNMAP);
    return inner()->munmap(addr, length);
}

static int w_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    vareq_seam_count(VAREQ_SEAM_POLL);
    return inner()->poll(fds, nfds, timeout_ms);
}

static int w_devnode_path(unsigned major, unsigned minor, char *buf, size_t len)
{
    return inner()->devnode_path(major, minor, buf, len);
}

static const struct vareq_sysops counted_ops = {
    .abi_version = VAREQ_SYSOPS_ABI_VERSION,
    .name = "simdev",
    .open = w_open,
    .close = w_close,
    .ioctl = w_ioctl,
    .mmap = w_mmap,
    .munmap = w_munmap,
    .poll = w_poll,
    .devnode_path = w_devnode_path,
};

/* Remembers simdev's table and returns the counting wrapper. */
static const struct vareq_sysops *counted(const struct vareq_sysops *ops)
{
    const struct vareq_sysops *expected = NULL;

    if (!ops)
        return NULL;
    if (!atomic_compare_exchange_strong(&sim_inner, &expected, ops) && expected != ops) {
        /* a second, different simdev library in one process: use it uncounted rather
         * than forward the first one's calls to it */
        vq_warn("simdev: a second provider table; its calls are not counted");
        return ops;
    }
    return &counted_ops;
}

static const struct vareq_sysops *try_load(const char *path)
{
    void *h;
    vareq_simdev_sysops_fn fn;
    const struct vareq_sysops *ops;

    if (access(path, R_OK) != 0) {
        vq_dbg("simdev: %s: not found", path);
        return NULL;
    }
    /* never dlclose'd: the device model may run threads and hold memory we mapped */
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h) {
        vq_warn("simdev: dlopen %s: %s", path, dlerror());
        return NULL;
    }
    fn = (vareq_simdev_sysops_fn)dlsym(h, VAREQ_SIMDEV_SYSOPS_SYMBOL);
    if (!fn) {
        vq_warn("simdev: %s has no %s", path, VAREQ_SIMDEV_SYSOPS_SYMBOL);
        return NULL;
    }
    ops = fn();
    if (!ops || ops->abi_version != VAREQ_SYSOPS_ABI_VERSION || !ops->open || !ops->close ||
        !ops->ioctl || !ops->mmap || !ops->munmap || !ops->poll || !ops->devnode_path) {
        vq_warn("simdev: %s: incompatible sysops table", path);
        return NULL;
    }
    vq_info("simdev: loaded %s", path);
    return ops;
}

const struct vareq_sysops *vareq_sysops_sim(void)
{
    const char *env = getenv("VAREQ_SIMDEV_LIB");
    const struct vareq_sysops *ops;
    char dir[PATH_MAX], path[PATH_MAX + 64];
    Dl_info info;

    if (env && *env) {
        ops = try_load(env);
        if (!ops)
            vq_err("VAREQ_SIMDEV_LIB=%s cannot be loaded", env);
        return counted(ops);
    }
    if (dladdr((void *)vareq_sysops_sim, &info) && info.dli_fname) {
        const char *slash = strrchr(info.dli_fname, '/');
        if (slash && (size_t)(slash - info.dli_fname) < sizeof(dir)) {
            memcpy(dir, info.dli_fname, (size_t)(slash - info.dli_fname));
            dir[slash - info.dli_fname] = 0;
            snprintf(path, sizeof(path), "%s/%s", dir, SIMDEV_NAME);
            if ((ops = try_load(path)))
                return counted(ops);
            snprintf(path, sizeof(path), "%s/../simdev/%s", dir, SIMDEV_NAME);
            if ((ops = try_load(path)))
                return counted(ops);
        }
    }
    if ((ops = try_load(VAREQ_SIMDEV_INSTALL_PATH)))
        return counted(ops);
    vq_err("simdev: %s not found (set VAREQ_SIMDEV_LIB)", SIMDEV_NAME);
    return NULL;
}

const struct vareq_sysops *vareq_sysops_select(char *name, size_t len)
{
    const char *dev = getenv("VAREQ_DEVICE");

    if (dev && !strcmp(dev, "sim")) {
        snprintf(name, len, "sim");
        return vareq_sysops_sim();
    }
    if (dev && *dev && strcmp(dev, "kernel"))
        vq_warn("unknown VAREQ_DEVICE=%s, using kernel", dev);
    snprintf(name, len, "kernel");
    return vareq_sysops_kernel();
}
