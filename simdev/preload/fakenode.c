#include "fakenode.h"

#include <pthread.h>
#include <string.h>

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
