/* libc wrappers of libvareq-preload.so (LD_PRELOAD): a fake DRM render node.
 *
 * open*() of /dev/dri/renderD128 returns an fd of /dev/null (O_RDWR) that is
 * remembered; the stat family reports it as character device 226:128; the sysfs
 * directories libdrm checks (/sys/dev/char/226:128/device/drm and parents) exist.
 * Everything else goes to the next definition (dlsym(RTLD_NEXT)). */
#undef _FORTIFY_SOURCE
#undef _FILE_OFFSET_BITS /* define the real open/stat symbols, not their 64-bit redirects */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fakenode.h"

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

static mode_t va_mode(int flags, va_list ap)
{
    return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_mode(flags, ap);
    va_end(ap);
    if (fake_is_render_path(path))
        return open_fake(flags);
    int (*o)(const char *, int, ...) = REAL(open);
    NOSYS_IF_NULL(o);
    return o(path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_mode(flags, ap);
    va_end(ap);
    if (fake_is_render_path(path))
        return open_fake(flags);
    int (*o)(const char *, int, ...) = REAL(open64);
    NOSYS_IF_NULL(o);
    return o(path, flags, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_mode(flags, ap);
    va_end(ap);
    if (fake_is_render_path(path))
        return open_fake(flags);
    int (*o)(int, const char *, int, ...) = REAL(openat);
    NOSYS_IF_NULL(o);
    return o(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_mode(flags, ap);
    va_end(ap);
    if (fake_is_render_path(path))
        return open_fake(flags);
    int (*o)(int, const char *, int, ...) = REAL(openat64);
    NOSYS_IF_NULL(o);
    return o(dirfd, path, flags, mode);
}

EXPORT int __open_2(const char *path, int flags)
{
    if (fake_is_render_path(path))
        return open_fake(flags);
    int (*o)(const char *, int) = REAL(open_2);
    NOSYS_IF_NULL(o);
    return o(path, flags);
}

EXPORT int __open64_2(const char *path, int flags)
{
    if (fake_is_render_path(path))
        return open_fake(flags);
    int (*o)(const char *, int) = REAL(open64_2);
    NOSYS_IF_NULL(o);
    return o(path, flags);
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
    if (fake_is_render_path(path))
        return open_fake(flags);
    int (*o)(int, const char *, int) = REAL(openat_2);
    NOSYS_IF_NULL(o);
    return o(dirfd, path, flags);
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
    if (fake_is_render_path(path))
        return open_fake(flags);
    int (*o)(int, const char *, int) = REAL(openat64_2);
    NOSYS_IF_NULL(o);
    return o(dirfd, path, flags);
}

EXPORT int close(int fd)
{
    fake_fd_forget(fd);
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
#define STAT_PATH(fn, path, st, ...)                                                     \
    do {                                                                               \
        if (fake_is_sysfs_dir(path)) {                                                 \
            FILL_DIR(st, path);                                                        \
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
    return r;
}

EXPORT int fstat64(int fd, struct stat64 *st)
{
    int (*f)(int, struct stat64 *) = REAL(fstat64);
    NOSYS_IF_NULL(f);
    int r = f(fd, st);
    if (r == 0 && fake_fd_is_fake(fd))
        FILL_CHR(st);
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
    return r;
}

EXPORT int __fxstat64(int ver, int fd, struct stat64 *st)
{
    int (*f)(int, int, struct stat64 *) = REAL(fxstat64);
    NOSYS_IF_NULL(f);
    int r = f(ver, fd, st);
    if (r == 0 && fake_fd_is_fake(fd))
        FILL_CHR(st);
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
