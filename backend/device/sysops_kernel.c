/* Kernel provider of the device I/O seam: plain libc calls. Also holds the seam's
 * process-wide call counters (both providers count; see device.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "device/device.h"

/* Relaxed atomics: counters only, read for the stats file. */
static atomic_ulong seam_counts[VAREQ_SEAM_N_OPS];

void vareq_seam_count(enum vareq_seam_op op)
{
    if ((unsigned)op < VAREQ_SEAM_N_OPS)
        atomic_fetch_add_explicit(&seam_counts[op], 1, memory_order_relaxed);
}

void vareq_seam_counts_get(struct vareq_seam_counts *out)
{
    out->opens = atomic_load_explicit(&seam_counts[VAREQ_SEAM_OPEN], memory_order_relaxed);
    out->ioctls = atomic_load_explicit(&seam_counts[VAREQ_SEAM_IOCTL], memory_order_relaxed);
    out->polls = atomic_load_explicit(&seam_counts[VAREQ_SEAM_POLL], memory_order_relaxed);
    out->mmaps = atomic_load_explicit(&seam_counts[VAREQ_SEAM_MMAP], memory_order_relaxed);
    out->munmaps = atomic_load_explicit(&seam_counts[VAREQ_SEAM_MUNMAP], memory_order_relaxed);
}

static int k_open(const char *path, int flags)
{
    vareq_seam_count(VAREQ_SEAM_OPEN);
    return open(path, flags | O_CLOEXEC);
}

static int k_close(int fd)
{
    return close(fd);
}

static int k_ioctl(int fd, unsigned long request, void *arg)
{
    vareq_seam_count(VAREQ_SEAM_IOCTL);
    return ioctl(fd, request, arg);
}

static void *k_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    vareq_seam_count(VAREQ_SEAM_MMAP);
    return mmap(addr, length, prot, flags, fd, offset);
}

static int k_munmap(void *addr, size_t length)
{
    vareq_seam_count(VAREQ_SEAM_MUNMAP);
    return munmap(addr, length);
}

static int k_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    vareq_seam_count(VAREQ_SEAM_POLL);
    return poll(fds, nfds, timeout_ms);
}

static int k_devnode_path(unsigned major, unsigned minor, char *buf, size_t len)
{
    char path[64], data[512];
    ssize_t n;
    int fd;
    const char *p;

    snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/uevent", major, minor);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    n = read(fd, data, sizeof(data) - 1);
    close(fd);
    if (n <= 0) {
        errno = ENOENT;
        return -1;
    }
    data[n] = 0;
    for (p = data; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (!strncmp(p, "DEVNAME=", 8)) {
            size_t l = strcspn(p + 8, "\n");
            if (5 + l + 1 > len) {
                errno = ENAMETOOLONG;
                return -1;
            }
            memcpy(buf, "/dev/", 5);
            memcpy(buf + 5, p + 8, l);
            buf[5 + l] = 0;
            return 0;
        }
    }
    errno = ENOENT;
    return -1;
}

static const struct vareq_sysops kernel_ops = {
    .abi_version = VAREQ_SYSOPS_ABI_VERSION,
    .name = "kernel",
    .open = k_open,
    .close = k_close,
    .ioctl = k_ioctl,
    .mmap = k_mmap,
    .munmap = k_munmap,
    .poll = k_poll,
    .devnode_path = k_devnode_path,
};

const struct vareq_sysops *vareq_sysops_kernel(void)
{
    return &kernel_ops;
}
