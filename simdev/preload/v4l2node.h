/* /dev/video0 + /dev/media0 backed by simdev for unmodified programs (opt-in with
 * VAREQ_PRELOAD_V4L2=1). See docs/simdev.md "Preload". */
#ifndef VAREQ_PRELOAD_V4L2NODE_H
#define VAREQ_PRELOAD_V4L2NODE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* path is one of simdev's nodes and the feature is on. */
bool v4l2node_is_path(const char *path);
/* Opens it through simdev; -1/errno on failure. */
int v4l2node_open(const char *path, int flags);
/* fd is (an alias of) a simdev fd. */
bool v4l2node_is_fd(int fd);
int v4l2node_ioctl(int fd, unsigned long req, void *arg);
void *v4l2node_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
/* Closes a simdev fd (or an alias made by dup); returns -2 when fd is not one. */
int v4l2node_close(int fd);
/* Registers newfd as an alias of the simdev fd oldfd (dup/F_DUPFD). */
void v4l2node_alias(int oldfd, int newfd);
/* poll over a set containing simdev fds (any mix). */
int v4l2node_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
/* true if any fd of the set is a simdev fd. */
bool v4l2node_any(const struct pollfd *fds, nfds_t n);
/* Fills a character-device stat for a simdev node fd or path; false if not one. */
bool v4l2node_stat_fd(int fd, struct stat *st);
bool v4l2node_stat_path(const char *path, struct stat *st);

/* /sys/dev/char/81:0 or /sys/dev/char/250:0 (a directory that must exist). */
bool v4l2node_is_sysfs_dir(const char *path);
/* For /sys/dev/char/81:0/device: a real directory whose listing holds "media0" (how
 * media-info's mi_get_media_fd finds the media device of a video node), else NULL. */
const char *v4l2node_device_dir(const char *path);
/* Text of /sys/dev/char/<M>:<m>/uevent for simdev's nodes, or NULL. */
const char *v4l2node_uevent(const char *path);

#endif
