/* Shared helpers of the simdev tests (each test program but test_vp9_refcache.c, which
 * drives the VP9 engine directly, drives one simdev library only through its
 * vareq_simdev_sysops() table). A test defines `failures`; the others also `ops`. */
#ifndef SIMDEV_TEST_CHECK_H
#define SIMDEV_TEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vareq/sysops.h>

extern const struct vareq_sysops *ops;
extern int failures;

#define CHECK(cond, ...)                                                                 \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            failures++;                                                                \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);            \
            fprintf(stderr, __VA_ARGS__);                                              \
            fputc('\n', stderr);                                                       \
        }                                                                              \
    } while (0)

#define IOK(fd, req, arg)                                                                \
    do {                                                                               \
        int r_ = ops->ioctl((fd), (req), (arg));                                       \
        CHECK(r_ == 0, "%s failed: %s", #req, strerror(errno));                        \
    } while (0)

#define IERR(fd, req, arg, e)                                                            \
    do {                                                                               \
        errno = 0;                                                                     \
        int r_ = ops->ioctl((fd), (req), (arg));                                       \
        CHECK(r_ == -1 && errno == (e), "%s: expected %s, got %d/%s", #req, strerror(e), \
              r_, strerror(errno));                                                    \
    } while (0)

/* The end of a test: "<name>: N check(s) failed" or "<name>: all checks passed"; the exit
 * status (1 when a check failed). */
static inline int check_exit(const char *name)
{
    if (failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

#define OUT V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE
#define CAP V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE

#endif
