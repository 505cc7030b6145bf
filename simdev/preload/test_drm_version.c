/* preload-drm-version: run with LD_PRELOAD=libvareq-preload.so. The fake render node
 * answers DRM_IOCTL_VERSION as the kernel's drm_version() does: version numbers, full
 * string lengths in *_len, and min(length, the caller's *_len) bytes copied into each
 * buffer, no terminating NUL, nothing written past the given length; drmGetVersion's
 * two-call pattern (lengths first, then buffers) gives the whole strings. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <drm.h>

#include "check.h"

int failures;

int main(void)
{
    struct drm_version v;
    char name[64], date[64], desc[128], small[8];
    int fd = open("/dev/dri/renderD128", O_RDWR);

    if (fd < 0) {
        fprintf(stderr, "open /dev/dri/renderD128: %s (is LD_PRELOAD set?)\n", strerror(errno));
        return 1;
    }
    /* 1: lengths only (NULL buffers, zero lengths) */
    memset(&v, 0, sizeof(v));
    CHECK(ioctl(fd, DRM_IOCTL_VERSION, &v) == 0, "DRM_IOCTL_VERSION: %s", strerror(errno));
    CHECK(v.name_len == strlen("vareq-fake"), "name_len %zu", (size_t)v.name_len);
    CHECK(v.date_len > 0 && v.desc_len > 0, "date_len %zu desc_len %zu", (size_t)v.date_len,
          (size_t)v.desc_len);
    CHECK(v.version_major == 0 && v.version_minor == 1 && v.version_patchlevel == 0,
          "version %d.%d.%d", v.version_major, v.version_minor, v.version_patchlevel);
    CHECK(v.name_len < sizeof(name) && v.date_len < sizeof(date) && v.desc_len < sizeof(desc),
          "strings longer than the test's buffers");

    /* 2: buffers of the reported lengths: the whole strings, no NUL written */
    memset(name, 'X', sizeof(name));
    memset(date, 'X', sizeof(date));
    memset(desc, 'X', sizeof(desc));
    v.name = name;
    v.date = date;
    v.desc = desc;
    CHECK(ioctl(fd, DRM_IOCTL_VERSION, &v) == 0, "second call: %s", strerror(errno));
    CHECK(!memcmp(name, "vareq-fake", 10) && name[10] == 'X', "name '%.12s'", name);
    CHECK(date[v.date_len] == 'X' && desc[v.desc_len] == 'X', "wrote past the lengths");

    /* 3: a buffer shorter than the string: 3 bytes copied, full length reported */
    memset(&v, 0, sizeof(v));
    memset(small, 'X', sizeof(small));
    v.name = small;
    v.name_len = 3;
    CHECK(ioctl(fd, DRM_IOCTL_VERSION, &v) == 0, "short buffer: %s", strerror(errno));
    CHECK(!memcmp(small, "var", 3) && small[3] == 'X', "short copy '%.8s'", small);
    CHECK(v.name_len == 10, "name_len after a short buffer %zu", (size_t)v.name_len);

    /* other DRM ioctls are not answered */
    CHECK(ioctl(fd, DRM_IOCTL_GET_MAGIC, &(struct drm_auth){0}) < 0, "GET_MAGIC answered");
    close(fd);
    return check_exit("preload-drm-version");
}
