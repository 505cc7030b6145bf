#include "v4l2node.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/media.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vareq/sysops.h>

/* Must match simdev/core/device.h. */
#define SIM_VIDEO_PATH "/dev/video0"
#define SIM_MEDIA_PATH "/dev/media0"
#define SIM_VIDEO_MAJOR 81u
#define SIM_VIDEO_MINOR 0u
#define SIM_MEDIA_MAJOR 250u
#define SIM_MEDIA_MINOR 0u

#define MAX_FDS 256

enum kind { K_VIDEO = 1, K_MEDIA, K_REQUEST };

struct entry {
    int fd;     /* the fd the program holds */
    int target; /* the simdev fd (== fd unless an alias made by dup) */
    enum kind kind;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry table[MAX_FDS];
static int ntable;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct vareq_sysops *sops; /* set once under `once` */

static void load(void)
{
    const char *env = getenv("VAREQ_PRELOAD_V4L2");
    if (!env || !env[0] || !strcmp(env, "0"))
        return;
    const char *lib = getenv("VAREQ_SIMDEV_LIB");
    char path[4096];
    if (!lib || !lib[0]) {
        /* Next to this library: <build>/simdev/preload/ -> <build>/simdev/ */
        Dl_info info;
        if (dladdr((void *)load, &info) && info.dli_fname) {
            strncpy(path, info.dli_fname, sizeof(path) - 1);
            path[sizeof(path) - 1] = '\0';
            char *slash = strrchr(path, '/');
            if (slash && (size_t)(slash - path) + 32 < sizeof(path)) {
                strcpy(slash, "/../libvareq-simdev.so");
                lib = path;
            }
        }
    }
    void *h = lib ? dlopen(lib, RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!h)
        h = dlopen("libvareq-simdev.so", RTLD_NOW | RTLD_LOCAL);
    vareq_simdev_sysops_fn fn = h ? (vareq_simdev_sysops_fn)dlsym(h, VAREQ_SIMDEV_SYSOPS_SYMBOL)
                                  : NULL;
    const struct vareq_sysops *o = fn ? fn() : NULL;
    if (o && o->abi_version == VAREQ_SYSOPS_ABI_VERSION)
        sops = o;
}

static const struct vareq_sysops *ops(void)
{
    pthread_once(&once, load);
    return sops;
}

static struct entry *find(int fd)
{
    for (int i = 0; i < ntable; i++)
        if (table[i].fd == fd)
            return &table[i];
    return NULL;
}

static void add(int fd, int target, enum kind k)
{
    pthread_mutex_lock(&lock);
    if (ntable < MAX_FDS && !find(fd))
        table[ntable++] = (struct entry){ fd, target, k };
    pthread_mutex_unlock(&lock);
}

/* Copies the entry of fd (false if none). */
static bool lookup(int fd, struct entry *out)
{
    if (fd < 0)
        return false;
    pthread_mutex_lock(&lock);
    struct entry *e = find(fd);
    if (e)
        *out = *e;
    pthread_mutex_unlock(&lock);
    return e != NULL;
}

bool v4l2node_is_path(const char *path)
{
    return path && (!strcmp(path, SIM_VIDEO_PATH) || !strcmp(path, SIM_MEDIA_PATH)) && ops();
}

int v4l2node_open(const char *path, int flags)
{
    const struct vareq_sysops *o = ops();
    if (!o) {
        errno = ENOENT;
        return -1;
    }
    int fd = o->open(path, flags);
    if (fd >= 0)
        add(fd, fd, !strcmp(path, SIM_VIDEO_PATH) ? K_VIDEO : K_MEDIA);
    return fd;
}

bool v4l2node_is_fd(int fd)
{
    struct entry e;
    return sops && lookup(fd, &e);
}

int v4l2node_ioctl(int fd, unsigned long req, void *arg)
{
    struct entry e;
    if (!lookup(fd, &e)) {
        errno = EBADF;
        return -1;
    }
    int r = sops->ioctl(e.target, req, arg);
    if (r == 0 && e.kind == K_MEDIA && req == MEDIA_IOC_REQUEST_ALLOC && arg)
        add(*(int *)arg, *(int *)arg, K_REQUEST);
    return r;
}

void *v4l2node_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    struct entry e;
    if (!lookup(fd, &e)) {
        errno = EBADF;
        return MAP_FAILED;
    }
    return sops->mmap(addr, len, prot, flags, e.target, off);
}

int v4l2node_close(int fd)
{
    if (!sops || fd < 0)
        return -2;
    pthread_mutex_lock(&lock);
    struct entry *e = find(fd);
    struct entry copy = e ? *e : (struct entry){ -1, -1, 0 };
    if (e)
        *e = table[--ntable];
    pthread_mutex_unlock(&lock);
    if (copy.fd < 0)
        return -2;
    if (copy.target != copy.fd)
        return -3; /* an alias: the caller closes the real fd only */
    return sops->close(fd);
}

void v4l2node_alias(int oldfd, int newfd)
{
    struct entry e;
    if (newfd >= 0 && lookup(oldfd, &e))
        add(newfd, e.target, e.kind);
}

bool v4l2node_any(const struct pollfd *fds, nfds_t n)
{
    if (!sops)
        return false;
    struct entry e;
    for (nfds_t i = 0; i < n; i++)
        if (lookup(fds[i].fd, &e))
            return true;
    return false;
}

int v4l2node_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    /* Aliases poll as their target. */
    int saved[64];
    nfds_t m = n < 64 ? n : 64;
    for (nfds_t i = 0; i < m; i++) {
        struct entry e;
        saved[i] = fds[i].fd;
        if (lookup(fds[i].fd, &e))
            fds[i].fd = e.target;
    }
    int r = sops->poll(fds, n, timeout_ms);
    for (nfds_t i = 0; i < m; i++)
        fds[i].fd = saved[i];
    return r;
}

static void fill(struct stat *st, unsigned major_, unsigned minor_)
{
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFCHR | 0666;
    st->st_rdev = makedev(major_, minor_);
    st->st_nlink = 1;
    st->st_blksize = 4096;
}

bool v4l2node_stat_fd(int fd, struct stat *st)
{
    struct entry e;
    if (!sops || !lookup(fd, &e) || e.kind == K_REQUEST)
        return false;
    if (e.kind == K_VIDEO)
        fill(st, SIM_VIDEO_MAJOR, SIM_VIDEO_MINOR);
    else
        fill(st, SIM_MEDIA_MAJOR, SIM_MEDIA_MINOR);
    return true;
}

bool v4l2node_stat_path(const char *path, struct stat *st)
{
    if (!v4l2node_is_path(path))
        return false;
    if (!strcmp(path, SIM_VIDEO_PATH))
        fill(st, SIM_VIDEO_MAJOR, SIM_VIDEO_MINOR);
    else
        fill(st, SIM_MEDIA_MAJOR, SIM_MEDIA_MINOR);
    return true;
}

const char *v4l2node_uevent(const char *path)
{
    /* The path first: loading simdev (dlopen) may itself call fopen. */
    if (path && !strcmp(path, "/sys/dev/char/81:0/uevent"))
        return ops() ? "MAJOR=81\nMINOR=0\nDEVNAME=video0\n" : NULL;
    if (path && !strcmp(path, "/sys/dev/char/250:0/uevent"))
        return ops() ? "MAJOR=250\nMINOR=0\nDEVNAME=media0\n" : NULL;
    return NULL;
}

bool v4l2node_is_sysfs_dir(const char *path)
{
    if (!path)
        return false;
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    static const char *const dirs[] = { "/sys/dev/char/81:0", "/sys/dev/char/250:0" };
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (strlen(dirs[i]) == len && !strncmp(dirs[i], path, len))
            return ops() != NULL;
    return false;
}

static pthread_once_t dir_once = PTHREAD_ONCE_INIT;
static char dev_dir[64]; /* written once under dir_once */
static char media_dir[80];

static void remove_dir(void)
{
    if (media_dir[0])
        rmdir(media_dir);
    if (dev_dir[0])
        rmdir(dev_dir);
}

static void make_dir(void)
{
    char tmpl[] = "/tmp/vareq-sysfs-XXXXXX";
    if (!mkdtemp(tmpl))
        return;
    snprintf(media_dir, sizeof(media_dir), "%s/media0", tmpl);
    if (mkdir(media_dir, 0755) != 0) {
        media_dir[0] = '\0';
        rmdir(tmpl);
        return;
    }
    strncpy(dev_dir, tmpl, sizeof(dev_dir) - 1);
    atexit(remove_dir);
}

const char *v4l2node_device_dir(const char *path)
{
    if (!path || strncmp(path, "/sys/dev/char/81:0/device", 25) != 0 ||
        (path[25] && strcmp(path + 25, "/")))
        return NULL;
    if (!ops())
        return NULL;
    pthread_once(&dir_once, make_dir);
    return dev_dir[0] ? dev_dir : NULL;
}
