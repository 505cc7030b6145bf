/* simdev fault injection (VAREQ_SIM_FAULTS, VAREQ_SIM_FAULTS_FILE), one test per fault,
 * against libvareq-simdev-test ("simtest" codec). */
#include <fcntl.h>
#include <linux/media.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "simtest_util.h"

const struct vareq_sysops *ops;
int failures;

static const uint8_t bytes[] = { 1, 2, 3, 4 };

static int open_with(const char *faults)
{
    setenv("VAREQ_SIM_FAULTS", faults, 1);
    int fd = ops->open("/dev/video0", O_RDWR | O_NONBLOCK);
    unsetenv("VAREQ_SIM_FAULTS");
    return fd;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void test_ioctl_once_and_every(void)
{
    int fd = open_with("ioctl:QUERYCAP:EIO:once,ioctl:G_FMT:EPIPE:every=3");
    CHECK(fd >= 0, "open");
    struct v4l2_capability cap;
    IERR(fd, VIDIOC_QUERYCAP, &cap, EIO);
    IOK(fd, VIDIOC_QUERYCAP, &cap);
    IOK(fd, VIDIOC_QUERYCAP, &cap);
    for (int i = 1; i <= 6; i++) {
        struct v4l2_format f = { .type = OUT };
        if (i % 3 == 0)
            IERR(fd, VIDIOC_G_FMT, &f, EPIPE);
        else
            IOK(fd, VIDIOC_G_FMT, &f);
    }
    ops->close(fd);
    const char *bad[] = { "ioctl:NOSUCH:EIO", "ioctl:QBUF:EWHAT", "ioctl:QBUF",
                          "ioctl:QBUF:EIO:every=0", "late=abc", "never:sometimes",
                          "disappear-after=" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        int r = open_with(bad[i]);
        CHECK(r == -1 && errno == ENODEV, "malformed fault '%s' refused", bad[i]);
        if (r >= 0)
            ops->close(r);
    }
}

static void test_alloc_fail(void)
{
    int fd = open_with("alloc-fail");
    struct v4l2_requestbuffers rb = { .count = 2, .type = CAP, .memory = V4L2_MEMORY_MMAP };
    IERR(fd, VIDIOC_REQBUFS, &rb, ENOMEM);
    IOK(fd, VIDIOC_REQBUFS, &rb);
    CHECK(rb.count == 2, "second allocation works");
    ops->close(fd);
    fd = open_with("alloc-fail:every=2");
    struct v4l2_create_buffers cb = { .count = 1, .memory = V4L2_MEMORY_MMAP };
    cb.format.type = CAP;
    IOK(fd, VIDIOC_G_FMT, &cb.format);
    IOK(fd, VIDIOC_CREATE_BUFS, &cb);
    IERR(fd, VIDIOC_CREATE_BUFS, &cb, ENOMEM);
    IOK(fd, VIDIOC_CREATE_BUFS, &cb);
    ops->close(fd);
}

/* Decodes one frame with timestamp ts into CAPTURE buffer cap_index; returns the request. */
static int decode_one(int fd, unsigned out_index, uint8_t *om, unsigned cap_index, uint64_t ts)
{
    qbuf_cap(fd, cap_index);
    int req = submit(fd, out_index, om, bytes, sizeof(bytes), ts, false, 0, true);
    IOK(req, MEDIA_REQUEST_IOC_QUEUE, NULL);
    return req;
}

static void test_cap_error(void)
{
    int fd = open_with("cap-error:every=2");
    setup(fd, V4L2_PIX_FMT_NV12, V4L2_MEMORY_MMAP, 2);
    uint8_t *om0 = map_out(fd, 0), *om1 = map_out(fd, 1);
    int r1 = decode_one(fd, 0, om0, 0, 1000);
    CHECK(wait_req(r1) == 1, "frame 1");
    int r2 = decode_one(fd, 1, om1, 1, 2000);
    CHECK(wait_req(r2) == 1, "frame 2");
    struct v4l2_buffer b;
    struct v4l2_plane pl[2];
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &b, pl) == 0 && !(b.flags & V4L2_BUF_FLAG_ERROR),
          "frame 1 fine");
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &b, pl) == 0 && (b.flags & V4L2_BUF_FLAG_ERROR) &&
              pl[0].bytesused == 0,
          "frame 2 completes with V4L2_BUF_FLAG_ERROR");
    ops->close(r1);
    ops->close(r2);
    ops->close(fd);
}

static void test_late(void)
{
    int fd = open_with("late=300");
    setup(fd, V4L2_PIX_FMT_NV12, V4L2_MEMORY_MMAP, 1);
    uint8_t *om = map_out(fd, 0);
    double t0 = now_ms();
    int r = decode_one(fd, 0, om, 0, 1000);
    struct pollfd p = { .fd = r, .events = POLLPRI };
    CHECK(ops->poll(&p, 1, 100) == 0, "not complete after 100 ms");
    CHECK(wait_req(r) == 1 && now_ms() - t0 >= 250.0, "completes after ~300 ms (%.0f)",
          now_ms() - t0);
    ops->close(r);
    ops->close(fd);
}

static void test_never(void)
{
    int fd = open_with("never");
    setup(fd, V4L2_PIX_FMT_NV12, V4L2_MEMORY_MMAP, 2);
    uint8_t *om0 = map_out(fd, 0), *om1 = map_out(fd, 1);
    int r1 = decode_one(fd, 0, om0, 0, 1000);
    struct pollfd p = { .fd = r1, .events = POLLPRI };
    CHECK(ops->poll(&p, 1, 300) == 0, "request 1 never completes");
    int r2 = decode_one(fd, 1, om1, 1, 2000);
    CHECK(wait_req(r2) == 1, "later requests still run");
    int t = OUT;
    IOK(fd, VIDIOC_STREAMOFF, &t);
    CHECK(ops->poll(&p, 1, 1000) == 1 && (p.revents & POLLPRI), "STREAMOFF completes it");
    ops->close(r1);
    ops->close(r2);
    ops->close(fd);
}

static void test_disappear(void)
{
    int fd = open_with("disappear-after=3");
    struct v4l2_capability cap;
    IOK(fd, VIDIOC_QUERYCAP, &cap);
    IOK(fd, VIDIOC_QUERYCAP, &cap);
    struct v4l2_requestbuffers rb = { .count = 1, .type = CAP, .memory = V4L2_MEMORY_MMAP };
    IOK(fd, VIDIOC_REQBUFS, &rb);
    IERR(fd, VIDIOC_QUERYCAP, &cap, ENODEV);
    IERR(media_fd, MEDIA_IOC_DEVICE_INFO, &cap, ENODEV); /* every node */
    errno = 0;
    CHECK(ops->open("/dev/video0", O_RDWR) == -1 && errno == ENODEV, "open -> ENODEV");
    errno = 0;
    CHECK(ops->mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 1u << 30) == MAP_FAILED &&
              errno == ENODEV,
          "mmap -> ENODEV");
    struct pollfd p = { .fd = fd, .events = POLLIN };
    CHECK(ops->poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
          "poll -> POLLERR|POLLHUP");
    CHECK(ops->close(fd) == 0, "close works");
    CHECK(ops->close(media_fd) == 0, "close media");
    media_fd = ops->open("/dev/media0", O_RDWR);
    CHECK(media_fd >= 0, "back after every fd was closed");
}

static void test_fault_file(void)
{
    char path[] = "/tmp/simdev-faults-XXXXXX";
    int tfd = mkstemp(path);
    const char text[] = "# test faults\n\n  ioctl:ENUM_FMT:EBUSY   # first ENUM_FMT fails\n";
    CHECK(tfd >= 0 && write(tfd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1),
          "fault file");
    close(tfd);
    setenv("VAREQ_SIM_FAULTS_FILE", path, 1);
    int fd = ops->open("/dev/video0", O_RDWR);
    unsetenv("VAREQ_SIM_FAULTS_FILE");
    CHECK(fd >= 0, "open with a fault file");
    struct v4l2_fmtdesc d = { .type = OUT };
    IERR(fd, VIDIOC_ENUM_FMT, &d, EBUSY);
    IOK(fd, VIDIOC_ENUM_FMT, &d);
    ops->close(fd);
    unlink(path);
    setenv("VAREQ_SIM_FAULTS_FILE", path, 1);
    errno = 0;
    CHECK(ops->open("/dev/video0", O_RDWR) == -1 && errno == ENODEV, "missing fault file");
    unsetenv("VAREQ_SIM_FAULTS_FILE");
}

int main(void)
{
    ops = vareq_simdev_sysops();
    if (!ops || ops->abi_version != VAREQ_SYSOPS_ABI_VERSION) {
        fprintf(stderr, "FAIL: bad sysops table\n");
        return 1;
    }
    media_fd = ops->open("/dev/media0", O_RDWR);
    CHECK(media_fd >= 0, "open media");
    test_ioctl_once_and_every();
    test_alloc_fail();
    test_cap_error();
    test_late();
    test_never();
    test_fault_file();
    test_disappear();
    ops->close(media_fd);
    return check_exit("simdev-faults");
}
