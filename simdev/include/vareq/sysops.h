/* The device I/O seam shared by the driver (backend/) and the virtual device (simdev/).
 *
 * Every access the driver makes to a V4L2 video node, a media node, a request fd or a
 * buffer mapping goes through one of these tables. Two providers exist:
 *   - the kernel provider (backend/device/sysops_kernel.c): plain libc calls;
 *   - simdev (libvareq-simdev.so, loaded with dlopen): an in-process model of a kernel
 *     V4L2 stateless decoder and its media device.
 * The calling conventions are exactly libc's: -1 with errno set on failure.
 */
#ifndef VAREQ_SYSOPS_H
#define VAREQ_SYSOPS_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

#define VAREQ_SYSOPS_ABI_VERSION 1

struct vareq_sysops {
    unsigned abi_version; /* VAREQ_SYSOPS_ABI_VERSION */
    const char *name;     /* "kernel" or "simdev" */

    int (*open)(const char *path, int flags);
    int (*close)(int fd);
    int (*ioctl)(int fd, unsigned long request, void *arg);
    void *(*mmap)(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    int (*munmap)(void *addr, size_t length);
    int (*poll)(struct pollfd *fds, nfds_t nfds, int timeout_ms);

    /* Name of the device node with this char major:minor (as MEDIA_IOC_G_TOPOLOGY reports
     * it for an interface), written to buf. 0 on success, -1/errno otherwise.
     * Kernel: read /sys/dev/char/M:m/uevent (DEVNAME). simdev: its own nodes. */
    int (*devnode_path)(unsigned major, unsigned minor, char *buf, size_t len);
};

/* Exported by libvareq-simdev.so. */
const struct vareq_sysops *vareq_simdev_sysops(void);
typedef const struct vareq_sysops *(*vareq_simdev_sysops_fn)(void);
#define VAREQ_SIMDEV_SYSOPS_SYMBOL "vareq_simdev_sysops"

#endif
