/* The fake DRM render node presented by libvareq-preload.so. */
#ifndef VAREQ_PRELOAD_FAKENODE_H
#define VAREQ_PRELOAD_FAKENODE_H

#include <stdbool.h>
#include <sys/types.h>

#define FAKE_RENDER_PATH "/dev/dri/renderD128"
#define FAKE_DRM_MAJOR 226u
#define FAKE_DRM_MINOR 128u

bool fake_is_render_path(const char *path);
/* A sysfs directory libdrm stats to recognise a DRM node (also its parents). */
bool fake_is_sysfs_dir(const char *path);

/* Set of fds opened for the fake node (locked). */
void fake_fd_remember(int fd);
void fake_fd_forget(int fd);
bool fake_fd_is_fake(int fd);

/* ioctl on any fd: true when fd is a fake node and the preload answers req itself (*ret =
 * 0 or -1 with errno): DRM_IOCTL_VERSION ("vareq-fake"). Other requests on a fake node go
 * to /dev/null (ENOTTY). */
bool fake_ioctl(int fd, unsigned long req, void *arg, int *ret);

#endif
