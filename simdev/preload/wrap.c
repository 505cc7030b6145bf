/* libc wrappers of libvareq-preload.so (LD_PRELOAD): a fake DRM render node, and (with
 * VAREQ_PRELOAD_V4L2=1) simdev's /dev/video0 + /dev/media0 (v4l2node.c).
 *
 * open*() of /dev/dri/renderD128 returns an fd of /dev/null (O_RDWR) that is
 * remembered; the stat family reports it as character device 226:128; the sysfs
 * directories libdrm checks (/sys/dev/char/226:128/device/drm and parents) exist.
 * open*() of /dev/video0 or /dev/media0 goes to simdev; ioctl/mmap/poll/select/close/
 * dup/fcntl(F_DUPFD)/stat of those fds go to simdev too.
 * Everything else goes to the next definition (dlsym(RTLD_NEXT)). */
#undef _FORTIFY_SOURCE
#undef _FILE_OFFSET_BITS /* define the real open/stat symbols, not their 64-bit redirects */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fakenode.h"
#include "v4l2node.h"

#define EXPORT __attribute__((visibility("default")))

/* glibc's pre-2.33 stat ABI, still exported as compat symbols. */
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstat64(int ver, int fd, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

static struct {
    int (*open)(const char *, int, ...);
    int (*open64)(const char *, int, ...);
    int (*openat)(int, const char *, int, ...);
    int (*openat64)(int, const char *, int, ...);
    int (*open_2)(const char *, int);
    int (*open64_2)(const char *, int);
    int (*openat_2)(int, const char *, int);
    int (*openat64_2)(int, const char *, int);
    int (*close)(int);
    int (*stat)(const char *, struct stat *);
    int (*stat64)(const char *, struct stat64 *);
    int (*lstat)(const char *, struct stat *);
    int (*lstat64)(const char *, struct stat64 *);
    int (*fstat)(int, struct stat *);
    int (*fstat64)(int, struct stat64 *);
    int (*fstatat)(int, const char *, struct stat *, int);
    int (*fstatat64)(int, const char *, struct stat64 *, int);
    int (*statx)(int, const char *, int, unsigned, struct statx *);
    int (*xstat)(int, const char *, struct stat *);
    int (*xstat64)(int, const char *, struct stat64 *);
    int (*lxstat)(int, const char *, struct stat *);
    int (*lxstat64)(int, const char *, struct stat64 *);
    int (*fxstat)(int, int, struct stat *);
    int (*fxstat64)(int, int, struct stat64 *);
    int (*fxstatat)(int, int, const char *, struct stat *, int);
    int (*fxstatat64)(int, int, const char *, struct stat64 *, int);
    int (*ioctl)(int, unsigned long, ...);
    void *(*mmap)(void *, size_t, int, int, int, off_t);
    void *(*mmap64)(void *, size_t, int, int, int, off64_t);
    int (*poll)(struct pollfd *, nfds_t, int);
    int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
    int (*select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
    int (*dup)(int);
    int (*dup2)(int, int);
    int (*dup3)(int, int, int);
    int (*fcntl)(int, int, ...);
    FILE *(*fopen)(const char *, const char *);
    FILE *(*fopen64)(const char *, const char *);
    DIR *(*opendir)(const char *);
} real; /* written once under pthread_once, read-only afterwards */

static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void *next_sym(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    if (!p)
        p = dlvsym(RTLD_NEXT, name, "GLIBC_2.2.5"); /* x86_64 compat symbols */
    if (!p)
        p = dlvsym(RTLD_NEXT, name, "GLIBC_2.17"); /* aarch64 */
    return p;
}

static void resolve(void)
{
#define R(field, name) *(void **)&real.field = next_sym(name)
    R(open, "open");
    R(open64, "open64");
    R(openat, "openat");
    R(openat64, "openat64");
    R(open_2, "__open_2");
    R(open64_2, "__open64_2");
    R(openat_2, "__openat_2");
    R(openat64_2, "__openat64_2");
    R(close, "close");
    R(stat, "stat");
    R(stat64, "stat64");
    R(lstat, "lstat");
    R(lstat64, "lstat64");
    R(fstat, "fstat");
    R(fstat64, "fstat64");
    R(fstatat, "fstatat");
    R(fstatat64, "fstatat64");
    R(statx, "statx");
    R(xstat, "__xstat");
    R(xstat64, "__xstat64");
    R(lxstat, "__lxstat");
    R(lxstat64, "__lxstat64");
    R(fxstat, "__fxstat");
    R(fxstat64, "__fxstat64");
    R(fxstatat, "__fxstatat");
    R(fxstatat64, "__fxstatat64");
    R(ioctl, "ioctl");
    R(mmap, "mmap");
    R(mmap64, "mmap64");
    R(poll, "poll");
    R(ppoll, "ppoll");
    R(select, "select");
    R(dup, "dup");
    R(dup2, "dup2");
    R(dup3, "dup3");
    R(fcntl, "fcntl");
    R(fopen, "fopen");
    R(fopen64, "fopen64");
    R(opendir, "opendir");
#undef R
}

#define REAL(field) (pthread_once(&real_once, resolve), real.field)
#define NOSYS_IF_NULL(fn)                                                                \
    do {                                                                               \
        if (!(fn)) {                                                                   \
            errno = ENOSYS;                                                            \
            return -1;                                                                 \
        }                                                                              \
    } while (0)

/* ---- open ---- */

static int open_fake(int flags)
{
    int (*o)(const char *, int, ...) = REAL(open);
    NOSYS_IF_NULL(o);
    int fd = o("/dev/null", O_RDWR | (flags & O_CLOEXEC));
    if (fd >= 0)
        fake_fd_remember(fd);
    return fd;
}

/* The paths the preload serves itself: the fake render node and the simdev video/media
 * nodes. Returns true and sets *fd when path is one of them. */
static bool open_ours(const char *path, int flags, int *fd)
{
    if (fake_is_render_path(path)) {
        *fd = open_fake(flags);
        return true;
    }
    if (v4l2node_is_path(path)) {
        *fd = v4l2node_open(path, flags);
        return true;
    }
    return false;
}

/* Ours, else the real function: the fortified __open*_2 entry points (no mode) as they
 * are, and the tail of OPEN_VARIADIC. */
#define OPEN_FORTIFIED(real_name, call_real)                                             \
    do {                                                                               \
        int fd_;                                                                       \
        if (open_ours(path, flags, &fd_))                                              \
            return fd_;                                                                \
        NOSYS_IF_NULL(real_name);                                                      \
        return call_real;                                                              \
    } while (0)

/* The open(2) family with a variadic mode: ours, else the real function with the mode. */
#define OPEN_VARIADIC(real_name, call_real)                                              \
    do {                                                                               \
        va_list ap;                                                                    \
        va_start(ap, flags);                                                           \
        mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;   \
        va_end(ap);                                                                    \
        OPEN_FORTIFIED(real_name, call_real);                                          \
    } while (0)

EXPORT int open(const char *path, int flags, ...)
{
    int (*o)(const char *, int, ...) = REAL(open);
    OPEN_VARIADIC(o, o(path, flags, mode));
}

EXPORT int open64(const char *path, int flags, ...)
{
    int (*o)(const char *, int, ...) = REAL(open64);
    OPEN_VARIADIC(o, o(path, flags, mode));
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    int (*o)(int, const char *, int, ...) = REAL(openat);
    OPEN_VARIADIC(o, o(dirfd, path, flags, mode));
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    int (*o)(int, const char *, int, ...) = REAL(openat64);
    OPEN_VARIADIC(o, o(dirfd, path, flags, mode));
}

EXPORT int __open_2(const char *path, int flags)
{
    int (*o)(const char *, int) = REAL(open_2);
    OPEN_FORTIFIED(o, o(path, flags));
}

EXPORT int __open64_2(const char *path, int flags)
{
    int (*o)(const char *, int) = REAL(open64_2);
    OPEN_FORTIFIED(o, o(path, flags));
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
    int (*o)(int, const char *, int) = REAL(openat_2);
    OPEN_FORTIFIED(o, o(dirfd, path, flags));
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
    int (*o)(int, const char *, int) = REAL(openat64_2);
    OPEN_FORTIFIED(o, o(dirfd, path, flags));
}

EXPORT int close(int fd)
{
    fake_fd_forget(fd);
    int v = v4l2node_close(fd);
    if (v != -2 && v != -3)
        return v; /* a simdev fd, closed by simdev */
    int (*c)(int) = REAL(close);
    NOSYS_IF_NULL(c);
    return c(fd);
}

/* ---- stat family ---- */

#define FILL_CHR(st)                                                                     \
    do {                                                                               \
        (st)->st_mode = S_IFCHR | 0666;                                                \
        (st)->st_rdev = makedev(FAKE_DRM_MAJOR, FAKE_DRM_MINOR);                       \
    } while (0)

#define FILL_DIR(st, path)                                                               \
    do {                                                                               \
        memset((st), 0, sizeof(*(st)));                                                \
        (st)->st_mode = S_IFDIR | 0755;                                                \
        (st)->st_nlink = 2;                                                            \
        (st)->st_dev = makedev(0, 21);                                                 \
        (st)->st_ino = 0x7a5e0000u + strlen(path);                                     \
        (st)->st_blksize = 4096;                                                       \
    } while (0)

/* Path-based stat: fn is the real function, args after the path. */
#define COPY_NODE_STAT(st, s_)                                                           \
    do {                                                                               \
        memset((st), 0, sizeof(*(st)));                                                \
        (st)->st_mode = (s_).st_mode;                                                  \
        (st)->st_rdev = (s_).st_rdev;                                                  \
        (st)->st_nlink = (s_).st_nlink;                                                \
        (st)->st_blksize = (s_).st_blksize;                                            \
    } while (0)

#define STAT_PATH(fn, path, st, ...)                                                     \
    do {                                                                               \
        struct stat ns_;                                                               \
        if (fake_is_sysfs_dir(path) || v4l2node_is_sysfs_dir(path)) {                  \
            FILL_DIR(st, path);                                                        \
            return 0;                                                                  \
        }                                                                              \
        if (v4l2node_stat_path(path, &ns_)) {                                          \
            COPY_NODE_STAT(st, ns_);                                                   \
            return 0;                                                                  \
        }                                                                              \
        NOSYS_IF_NULL(fn);                                                             \
        if (fake_is_render_path(path)) {                                               \
            int r_ = fn(__VA_ARGS__);                                                  \
            if (r_ == 0)                                                               \
                FILL_CHR(st);                                                          \
            return r_;                                                                 \
        }                                                                              \
    } while (0)

EXPORT int stat(const char *path, struct stat *st)
{
    int (*f)(const char *, struct stat *) = REAL(stat);
    STAT_PATH(f, path, st, "/dev/null", st);
    return f(path, st);
}

EXPORT int stat64(const char *path, struct stat64 *st)
{
    int (*f)(const char *, struct stat64 *) = REAL(stat64);
    STAT_PATH(f, path, st, "/dev/null", st);
    return f(path, st);
}

EXPORT int lstat(const char *path, struct stat *st)
{
    int (*f)(const char *, struct stat *) = REAL(lstat);
    STAT_PATH(f, path, st, "/dev/null", st);
    return f(path, st);
}

EXPORT int lstat64(const char *path, struct stat64 *st)
{
    int (*f)(const char *, struct stat64 *) = REAL(lstat64);
    STAT_PATH(f, path, st, "/dev/null", st);
    return f(path, st);
}

EXPORT int fstat(int fd, struct stat *st)
{
    int (*f)(int, struct stat *) = REAL(fstat);
    NOSYS_IF_NULL(f);
    int r = f(fd, st);
    if (r == 0 && fake_fd_is_fake(fd))
        FILL_CHR(st);
    struct stat ns_;
    if (r == 0 && v4l2node_stat_fd(fd, &ns_))
        COPY_NODE_STAT(st, ns_);
    return r;
}

EXPORT int fstat64(int fd, struct stat64 *st)
{
    int (*f)(int, struct stat64 *) = REAL(fstat64);
    NOSYS_IF_NULL(f);
    int r = f(fd, st);
    if (r == 0 && fake_fd_is_fake(fd))
        FILL_CHR(st);
    struct stat ns_;
    if (r == 0 && v4l2node_stat_fd(fd, &ns_))
        COPY_NODE_STAT(st, ns_);
    return r;
}

static bool empty_path(const char *path, int flags)
{
    return (flags & AT_EMPTY_PATH) && path && path[0] == '\0';
}

EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    int (*f)(int, const char *, struct stat *, int) = REAL(fstatat);
    STAT_PATH(f, path, st, AT_FDCWD, "/dev/null", st, flags);
    NOSYS_IF_NULL(f);
    int r = f(dirfd, path, st, flags);
    if (r == 0 && empty_path(path, flags) && fake_fd_is_fake(dirfd))
        FILL_CHR(st);
    return r;
}

EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
    int (*f)(int, const char *, struct stat64 *, int) = REAL(fstatat64);
    STAT_PATH(f, path, st, AT_FDCWD, "/dev/null", st, flags);
    NOSYS_IF_NULL(f);
    int r = f(dirfd, path, st, flags);
    if (r == 0 && empty_path(path, flags) && fake_fd_is_fake(dirfd))
        FILL_CHR(st);
    return r;
}

static void statx_chr(struct statx *stx)
{
    stx->stx_mode = S_IFCHR | 0666;
    stx->stx_rdev_major = FAKE_DRM_MAJOR;
    stx->stx_rdev_minor = FAKE_DRM_MINOR;
    stx->stx_mask |= STATX_TYPE | STATX_MODE;
}

EXPORT int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *stx)
{
    int (*f)(int, const char *, int, unsigned, struct statx *) = REAL(statx);
    if (fake_is_sysfs_dir(path)) {
        memset(stx, 0, sizeof(*stx));
        stx->stx_mask = STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO;
        stx->stx_mode = S_IFDIR | 0755;
        stx->stx_nlink = 2;
        stx->stx_ino = 0x7a5e0000u + strlen(path);
        stx->stx_blksize = 4096;
        stx->stx_dev_minor = 21;
        return 0;
    }
    NOSYS_IF_NULL(f);
    if (fake_is_render_path(path)) {
        int r = f(AT_FDCWD, "/dev/null", flags, mask, stx);
        if (r == 0)
            statx_chr(stx);
        return r;
    }
    int r = f(dirfd, path, flags, mask, stx);
    if (r == 0 && empty_path(path, flags) && fake_fd_is_fake(dirfd))
        statx_chr(stx);
    return r;
}

/* ---- compat stat ABI (binaries built against glibc < 2.33) ---- */

EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
    int (*f)(int, const char *, struct stat *) = REAL(xstat);
    STAT_PATH(f, path, st, ver, "/dev/null", st);
    return f(ver, path, st);
}

EXPORT int __xstat64(int ver, const char *path, struct stat64 *st)
{
    int (*f)(int, const char *, struct stat64 *) = REAL(xstat64);
    STAT_PATH(f, path, st, ver, "/dev/null", st);
    return f(ver, path, st);
}

EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
    int (*f)(int, const char *, struct stat *) = REAL(lxstat);
    STAT_PATH(f, path, st, ver, "/dev/null", st);
    return f(ver, path, st);
}

EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st)
{
    int (*f)(int, const char *, struct stat64 *) = REAL(lxstat64);
    STAT_PATH(f, path, st, ver, "/dev/null", st);
    return f(ver, path, st);
}

EXPORT int __fxstat(int ver, int fd, struct stat *st)
{
    int (*f)(int, int, struct stat *) = REAL(fxstat);
    NOSYS_IF_NULL(f);
    int r = f(ver, fd, st);
    if (r == 0 && fake_fd_is_fake(fd))
        FILL_CHR(st);
    struct stat ns_;
    if (r == 0 && v4l2node_stat_fd(fd, &ns_))
        COPY_NODE_STAT(st, ns_);
    return r;
}

EXPORT int __fxstat64(int ver, int fd, struct stat64 *st)
{
    int (*f)(int, int, struct stat64 *) = REAL(fxstat64);
    NOSYS_IF_NULL(f);
    int r = f(ver, fd, st);
    if (r == 0 && fake_fd_is_fake(fd))
        FILL_CHR(st);
    struct stat ns_;
    if (r == 0 && v4l2node_stat_fd(fd, &ns_))
        COPY_NODE_STAT(st, ns_);
    return r;
}

EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
    int (*f)(int, int, const char *, struct stat *, int) = REAL(fxstatat);
    STAT_PATH(f, path, st, ver, AT_FDCWD, "/dev/null", st, flags);
    NOSYS_IF_NULL(f);
    int r = f(ver, dirfd, path, st, flags);
    if (r == 0 && empty_path(path, flags) && fake_fd_is_fake(dirfd))
        FILL_CHR(st);
    return r;
}

EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
    int (*f)(int, int, const char *, struct stat64 *, int) = REAL(fxstatat64);
    STAT_PATH(f, path, st, ver, AT_FDCWD, "/dev/null", st, flags);
    NOSYS_IF_NULL(f);
    int r = f(ver, dirfd, path, st, flags);
    if (r == 0 && empty_path(path, flags) && fake_fd_is_fake(dirfd))
        FILL_CHR(st);
    return r;
}

/* ---- simdev V4L2 nodes (v4l2node.c) ---- */

EXPORT int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (v4l2node_is_fd(fd))
        return v4l2node_ioctl(fd, req, arg);
    int fr;
    if (fake_ioctl(fd, req, arg, &fr))
        return fr;
    int (*f)(int, unsigned long, ...) = REAL(ioctl);
    NOSYS_IF_NULL(f);
    return f(fd, req, arg);
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (v4l2node_is_fd(fd))
        return v4l2node_mmap(addr, len, prot, flags, fd, off);
    void *(*f)(void *, size_t, int, int, int, off_t) = REAL(mmap);
    if (!f) {
        errno = ENOSYS;
        return MAP_FAILED;
    }
    return f(addr, len, prot, flags, fd, off);
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
    if (v4l2node_is_fd(fd))
        return v4l2node_mmap(addr, len, prot, flags, fd, (off_t)off);
    void *(*f)(void *, size_t, int, int, int, off64_t) = REAL(mmap64);
    if (!f) {
        errno = ENOSYS;
        return MAP_FAILED;
    }
    return f(addr, len, prot, flags, fd, off);
}

/* glibc declares poll's array write-only; reading .fd/.events here is correct. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    if (v4l2node_any(fds, n))
        return v4l2node_poll(fds, n, timeout_ms);
    int (*f)(struct pollfd *, nfds_t, int) = REAL(poll);
    NOSYS_IF_NULL(f);
    return f(fds, n, timeout_ms);
}

/* The signal mask is not applied when simdev fds are polled (documented). */
EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
    if (v4l2node_any(fds, n)) {
        int ms = -1;
        if (ts)
            ms = (int)(ts->tv_sec * 1000 + ts->tv_nsec / 1000000);
        return v4l2node_poll(fds, n, ms);
    }
    int (*f)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *) = REAL(ppoll);
    NOSYS_IF_NULL(f);
    return f(fds, n, ts, mask);
}

#pragma GCC diagnostic pop

/* select() with simdev fds: converted to poll (readable = POLLIN, writable = POLLOUT,
 * exceptional = POLLPRI; POLLERR counts as readable and writable, as the kernel's
 * select does). */
EXPORT int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
    struct pollfd pf[64];
    nfds_t n = 0;
    bool ours = false;
    for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
        short ev = 0;
        if (rd && FD_ISSET(fd, rd))
            ev |= POLLIN;
        if (wr && FD_ISSET(fd, wr))
            ev |= POLLOUT;
        if (ex && FD_ISSET(fd, ex))
            ev |= POLLPRI;
        if (!ev)
            continue;
        if (n == 64) {
            ours = false;
            break;
        }
        pf[n++] = (struct pollfd){ .fd = fd, .events = ev };
        ours |= v4l2node_is_fd(fd);
    }
    if (!ours) {
        int (*f)(int, fd_set *, fd_set *, fd_set *, struct timeval *) = REAL(select);
        NOSYS_IF_NULL(f);
        return f(nfds, rd, wr, ex, tv);
    }
    int ms = tv ? (int)(tv->tv_sec * 1000 + tv->tv_usec / 1000) : -1;
    int r = v4l2node_poll(pf, n, ms);
    if (r < 0)
        return r;
    if (rd)
        FD_ZERO(rd);
    if (wr)
        FD_ZERO(wr);
    if (ex)
        FD_ZERO(ex);
    int count = 0;
    for (nfds_t i = 0; i < n; i++) {
        short re = pf[i].revents;
        if (rd && (pf[i].events & POLLIN) && (re & (POLLIN | POLLERR | POLLHUP))) {
            FD_SET(pf[i].fd, rd);
            count++;
        }
        if (wr && (pf[i].events & POLLOUT) && (re & (POLLOUT | POLLERR))) {
            FD_SET(pf[i].fd, wr);
            count++;
        }
        if (ex && (pf[i].events & POLLPRI) && (re & POLLPRI)) {
            FD_SET(pf[i].fd, ex);
            count++;
        }
    }
    return count;
}

EXPORT int dup(int fd)
{
    int (*f)(int) = REAL(dup);
    NOSYS_IF_NULL(f);
    int r = f(fd);
    if (r >= 0)
        v4l2node_alias(fd, r);
    return r;
}

EXPORT int dup2(int fd, int newfd)
{
    int (*f)(int, int) = REAL(dup2);
    NOSYS_IF_NULL(f);
    int r = f(fd, newfd);
    if (r >= 0 && r != fd)
        v4l2node_alias(fd, r);
    return r;
}

EXPORT int dup3(int fd, int newfd, int flags)
{
    int (*f)(int, int, int) = REAL(dup3);
    NOSYS_IF_NULL(f);
    int r = f(fd, newfd, flags);
    if (r >= 0)
        v4l2node_alias(fd, r);
    return r;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    int (*f)(int, int, ...) = REAL(fcntl);
    NOSYS_IF_NULL(f);
    int r = f(fd, cmd, arg);
    if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
        v4l2node_alias(fd, r);
    return r;
}

/* sysfs uevent of simdev's nodes (read by media-info's devpath lookup). */
static FILE *uevent_file(const char *path, const char *mode)
{
    const char *text = v4l2node_uevent(path);
    if (!text || !mode || mode[0] != 'r')
        return NULL;
    /* A real fd (memfd), not fmemopen: libstdc++'s ifstream reads through fileno(). */
    int fd = memfd_create("vareq-uevent", MFD_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
        int (*c)(int) = REAL(close);
        if (c)
            c(fd);
        return NULL;
    }
    return fdopen(fd, "r");
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
    FILE *f = uevent_file(path, mode);
    if (f)
        return f;
    FILE *(*o)(const char *, const char *) = REAL(fopen);
    if (!o) {
        errno = ENOSYS;
        return NULL;
    }
    return o(path, mode);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
    FILE *f = uevent_file(path, mode);
    if (f)
        return f;
    FILE *(*o)(const char *, const char *) = REAL(fopen64);
    if (!o) {
        errno = ENOSYS;
        return NULL;
    }
    return o(path, mode);
}

/* /sys/dev/char/81:0 and 250:0 exist as directories (v4l2-compliance's checkDevice only
 * checks that opendir() succeeds): "/" stands in for their listing. */
EXPORT DIR *opendir(const char *path)
{
    DIR *(*o)(const char *) = REAL(opendir);
    if (!o) {
        errno = ENOSYS;
        return NULL;
    }
    if (v4l2node_is_sysfs_dir(path))
        return o("/");
    const char *dev_dir = v4l2node_device_dir(path);
    if (dev_dir)
        return o(dev_dir);
    return o(path);
}
