#include "fakenode.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#ifdef VAREQ_HAVE_DRM_H
#include <drm.h> /* the kernel's DRM uAPI header, as libdrm installs it */
#endif

#define MAX_FAKE_FDS 64

static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
static int fake_fds[MAX_FAKE_FDS];
static int n_fake_fds;

bool fake_is_render_path(const char *path)
{
    return path && strcmp(path, FAKE_RENDER_PATH) == 0;
}

static const char *const sysfs_dirs[] = {
    "/sys/dev/char/226:128",
    "/sys/dev/char/226:128/device",
    "/sys/dev/char/226:128/device/drm",
};

bool fake_is_sysfs_dir(const char *path)
{
    if (!path)
        return false;
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    for (size_t i = 0; i < sizeof(sysfs_dirs) / sizeof(sysfs_dirs[0]); i++)
        if (strlen(sysfs_dirs[i]) == len && strncmp(sysfs_dirs[i], path, len) == 0)
            return true;
    return false;
}

void fake_fd_remember(int fd)
{
    pthread_mutex_lock(&fd_lock);
    if (n_fake_fds < MAX_FAKE_FDS)
        fake_fds[n_fake_fds++] = fd;
    pthread_mutex_unlock(&fd_lock);
}

void fake_fd_forget(int fd)
{
    pthread_mutex_lock(&fd_lock);
    for (int i = 0; i < n_fake_fds; i++) {
        if (fake_fds[i] == fd) {
            fake_fds[i] = fake_fds[--n_fake_fds];
            break;
        }
    }
    pthread_mutex_unlock(&fd_lock);
}

bool fake_fd_is_fake(int fd)
{
    bool found = false;
    if (fd < 0)
        return false;
    pthread_mutex_lock(&fd_lock);
    for (int i = 0; i < n_fake_fds && !found; i++)
        found = fake_fds[i] == fd;
    pthread_mutex_unlock(&fd_lock);
    return found;
}

/* ---- DRM_IOCTL_VERSION ----
 * What drmGetVersion() (libdrm) asks every DRM node, e.g. ffmpeg's DRM hwcontext
 * (-init_hw_device drm=...:/dev/dri/renderD128) and its render-node scan. Answered as the
 * kernel's drm_version() does: the three version numbers, and for name, date and desc
 * the full string length in *_len, with min(length, the caller's *_len) bytes copied into
 * the caller's buffer (no terminating NUL; nothing when the buffer is NULL or *_len is 0):
 * drmGetVersion calls it once with zero lengths, allocates, then calls it again. */
#define FAKE_DRM_NAME "vareq-fake"
#define FAKE_DRM_DATE "20261121"
#define FAKE_DRM_DESC "vareq fake render node (libvareq-preload.so, no GPU behind it)"
/* the preload's own version (the vareq project, meson.build): no kernel driver answers */
#define FAKE_DRM_MAJOR_VERSION 0
#define FAKE_DRM_MINOR_VERSION 1
#define FAKE_DRM_PATCHLEVEL 0

#ifdef VAREQ_HAVE_DRM_H
static void copy_field(char *buf, __kernel_size_t *buf_len, const char *value)
{
    size_t len = strlen(value);
    size_t n = len < *buf_len ? len : *buf_len;

    if (n && buf)
        memcpy(buf, value, n);
    *buf_len = len;
}

static int drm_version(struct drm_version *v)
{
    if (!v) {
        errno = EFAULT;
        return -1;
    }
    v->version_major = FAKE_DRM_MAJOR_VERSION;
    v->version_minor = FAKE_DRM_MINOR_VERSION;
    v->version_patchlevel = FAKE_DRM_PATCHLEVEL;
    copy_field(v->name, &v->name_len, FAKE_DRM_NAME);
    copy_field(v->date, &v->date_len, FAKE_DRM_DATE);
    copy_field(v->desc, &v->desc_len, FAKE_DRM_DESC);
    return 0;
}
#endif

bool fake_ioctl(int fd, unsigned long req, void *arg, int *ret)
{
#ifdef VAREQ_HAVE_DRM_H
    /* the request first: the fd lookup takes the lock, and every ioctl of the process
     * that is not on a simdev node comes here */
    if (req == DRM_IOCTL_VERSION && fake_fd_is_fake(fd)) {
        *ret = drm_version(arg);
        return true;
    }
#else
    (void)fd;
    (void)req;
    (void)arg;
    (void)ret;
#endif
    return false;
}
