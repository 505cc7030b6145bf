/* simdev device profiles (VAREQ_SIM_PROFILE) against libvareq-simdev with the real codecs:
 * codecs offered, driver names, default formats after open, CAPTURE pitch rules (the
 * "WSI pitch" field failure), the reset-on-free option (the multi-resolution failure),
 * required controls per profile. VP9 must be built in. */
#include <fcntl.h>
#include <linux/media.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

const struct vareq_sysops *ops;
int failures;

static int open_profile(const char *profile)
{
    setenv("VAREQ_SIM_PROFILE", profile, 1);
    int fd = ops->open("/dev/video0", O_RDWR);
    CHECK(fd >= 0, "open with profile %s", profile);
    unsetenv("VAREQ_SIM_PROFILE");
    return fd;
}

static bool offers(int fd, uint32_t pixfmt)
{
    for (unsigned i = 0; i < 16; i++) {
        struct v4l2_fmtdesc d = { .index = i, .type = OUT };
        if (ops->ioctl(fd, VIDIOC_ENUM_FMT, &d) < 0)
            return false;
        if (d.pixelformat == pixfmt)
            return true;
    }
    return false;
}

/* S_FMT(OUTPUT, VP9 w x h), then S_FMT(CAPTURE) asking for bpl; returns the bpl got. */
static unsigned vp9_pitch(int fd, unsigned w, unsigned h, unsigned ask_bpl, unsigned *cap_w)
{
    struct v4l2_format f = { .type = OUT };
    f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_VP9_FRAME;
    f.fmt.pix_mp.width = w;
    f.fmt.pix_mp.height = h;
    IOK(fd, VIDIOC_S_FMT, &f);
    struct v4l2_format g = { .type = CAP };
    IOK(fd, VIDIOC_G_FMT, &g);
    g.fmt.pix_mp.plane_fmt[0].bytesperline = ask_bpl;
    IOK(fd, VIDIOC_S_FMT, &g);
    IOK(fd, VIDIOC_G_FMT, &g);
    if (cap_w)
        *cap_w = g.fmt.pix_mp.width;
    return g.fmt.pix_mp.plane_fmt[0].bytesperline;
}

static void test_generic(void)
{
    int fd = open_profile("generic");
    struct v4l2_capability cap;
    IOK(fd, VIDIOC_QUERYCAP, &cap);
    CHECK(!strcmp((char *)cap.driver, "vareq-simdev"), "driver %s", cap.driver);
    struct v4l2_format f = { .type = OUT };
    IOK(fd, VIDIOC_G_FMT, &f);
    CHECK(f.fmt.pix_mp.width == 1920 && f.fmt.pix_mp.height == 1080, "generic default 1080p");
    unsigned w;
    CHECK(vp9_pitch(fd, 864, 480, 0, &w) == 864 && w == 864, "generic pitch 864");
    CHECK(vp9_pitch(fd, 864, 480, 896, NULL) == 896, "generic honours bytesperline 896");
    ops->close(fd);
}

static void test_rkvdec(void)
{
    int fd = open_profile("rkvdec");
    struct v4l2_capability cap;
    IOK(fd, VIDIOC_QUERYCAP, &cap);
    CHECK(!strcmp((char *)cap.driver, "rkvdec") && !strcmp((char *)cap.bus_info, "platform:rkvdec"),
          "driver %s bus %s", cap.driver, cap.bus_info);
    CHECK(offers(fd, V4L2_PIX_FMT_VP9_FRAME) && !offers(fd, V4L2_PIX_FMT_VP8_FRAME) &&
              !offers(fd, V4L2_PIX_FMT_HEVC_SLICE) && !offers(fd, V4L2_PIX_FMT_MPEG2_SLICE),
          "rkvdec codecs: H.264 + VP9 only");
    /* Default after open: the first coded format at its frmsize minimum. */
    struct v4l2_format f = { .type = OUT };
    IOK(fd, VIDIOC_G_FMT, &f);
    struct v4l2_frmsizeenum fs = { .index = 0, .pixel_format = f.fmt.pix_mp.pixelformat };
    IOK(fd, VIDIOC_ENUM_FRAMESIZES, &fs);
    CHECK(f.fmt.pix_mp.width == fs.stepwise.min_width &&
              f.fmt.pix_mp.height == fs.stepwise.min_height && fs.stepwise.min_width <= 64,
          "rkvdec default %ux%u", f.fmt.pix_mp.width, f.fmt.pix_mp.height);
    fs = (struct v4l2_frmsizeenum){ .index = 0, .pixel_format = V4L2_PIX_FMT_VP9_FRAME };
    IOK(fd, VIDIOC_ENUM_FRAMESIZES, &fs);
    CHECK(fs.stepwise.step_width == 64 && fs.stepwise.min_width == 64, "VP9 step 64");
    unsigned w;
    unsigned bpl = vp9_pitch(fd, 864, 480, 1024, &w);
    CHECK(bpl == 896 && w == 896, "rkvdec VP9: width and pitch rounded to 64 (%u), request ignored",
          bpl);
    struct v4l2_format g = { .type = CAP };
    IOK(fd, VIDIOC_G_FMT, &g);
    CHECK(g.fmt.pix_mp.plane_fmt[0].sizeimage == 896 * 512 * 3 / 2 + 128 * 56 * 32,
          "rkvdec sizeimage with motion vectors %u", g.fmt.pix_mp.plane_fmt[0].sizeimage);
    ops->close(fd);
}

static void test_hantro(void)
{
    int fd = open_profile("hantro");
    CHECK(offers(fd, V4L2_PIX_FMT_VP9_FRAME), "hantro offers VP9");
    unsigned w;
    unsigned bpl = vp9_pitch(fd, 864, 480, 896, &w);
    /* The WSI pitch field failure: 864-wide video gets pitch 864, 896 is ignored. */
    CHECK(bpl == 864 && bpl % 64 != 0, "hantro pitch %u for 864-wide video", bpl);
    ops->close(fd);
}

/* cedrus: the single-planar API (V4L2_CAP_VIDEO_M2M), formats as cedrus_prepare_format. */
static void test_cedrus(void)
{
    int fd = open_profile("cedrus");
    struct v4l2_capability cap;
    IOK(fd, VIDIOC_QUERYCAP, &cap);
    CHECK(!strcmp((char *)cap.driver, "cedrus"), "driver %s", cap.driver);
    CHECK(cap.device_caps & V4L2_CAP_VIDEO_M2M && !(cap.device_caps & V4L2_CAP_VIDEO_M2M_MPLANE),
          "single-planar caps %x", cap.device_caps);
    struct v4l2_fmtdesc d = { .index = 0, .type = OUT };
    IERR(fd, VIDIOC_ENUM_FMT, &d, EINVAL); /* no multi-planar types */
    bool vp9 = false;
    for (unsigned i = 0; i < 8; i++) {
        d = (struct v4l2_fmtdesc){ .index = i, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };
        if (ops->ioctl(fd, VIDIOC_ENUM_FMT, &d) < 0)
            break;
        vp9 |= d.pixelformat == V4L2_PIX_FMT_VP9_FRAME;
    }
    CHECK(!vp9, "cedrus has no VP9");
    struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };
    IOK(fd, VIDIOC_G_FMT, &f);
    CHECK(f.fmt.pix.width == 16 && f.fmt.pix.height == 16 && f.fmt.pix.sizeimage == 1024,
          "cedrus default %ux%u size %u", f.fmt.pix.width, f.fmt.pix.height, f.fmt.pix.sizeimage);
    f.fmt.pix.width = 864;
    f.fmt.pix.height = 470;
    f.fmt.pix.sizeimage = 0;
    IOK(fd, VIDIOC_S_FMT, &f);
    struct v4l2_format g = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
    IOK(fd, VIDIOC_G_FMT, &g);
    g.fmt.pix.bytesperline = 896;
    IOK(fd, VIDIOC_S_FMT, &g);
    CHECK(g.fmt.pix.pixelformat == V4L2_PIX_FMT_NV12 && g.fmt.pix.width == 864 &&
              g.fmt.pix.height == 480 && g.fmt.pix.bytesperline == 864 &&
              g.fmt.pix.sizeimage == 864 * 480 * 3 / 2,
          "cedrus NV12 %ux%u bpl %u size %u", g.fmt.pix.width, g.fmt.pix.height,
          g.fmt.pix.bytesperline, g.fmt.pix.sizeimage);
    struct v4l2_requestbuffers rb = { .count = 2, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                      .memory = V4L2_MEMORY_MMAP };
    IOK(fd, VIDIOC_REQBUFS, &rb);
    struct v4l2_buffer b = { .index = 1, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                             .memory = V4L2_MEMORY_MMAP };
    IOK(fd, VIDIOC_QUERYBUF, &b);
    CHECK(b.length == 864 * 480 * 3 / 2 && b.m.offset >= (1u << 30), "single-planar QUERYBUF");
    void *m = ops->mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
    CHECK(m != MAP_FAILED, "mmap by m.offset");
    IOK(fd, VIDIOC_QBUF, &b);
    CHECK(b.flags & V4L2_BUF_FLAG_QUEUED, "queued");
    ops->close(fd);
}

/* The multi-resolution failure: with +reset-on-free, REQBUFS(0) forgets the format. */
static void test_reset_on_free(void)
{
    for (int opt = 0; opt < 2; opt++) {
        int fd = open_profile(opt ? "rkvdec+reset-on-free" : "rkvdec");
        struct v4l2_format def = { .type = OUT };
        IOK(fd, VIDIOC_G_FMT, &def);
        vp9_pitch(fd, 864, 480, 0, NULL);
        struct v4l2_requestbuffers rb = { .count = 1, .type = CAP, .memory = V4L2_MEMORY_MMAP };
        IOK(fd, VIDIOC_REQBUFS, &rb);
        rb.count = 0;
        IOK(fd, VIDIOC_REQBUFS, &rb);
        struct v4l2_format f = { .type = OUT };
        IOK(fd, VIDIOC_G_FMT, &f);
        if (opt)
            CHECK(f.fmt.pix_mp.width == def.fmt.pix_mp.width &&
                      f.fmt.pix_mp.pixelformat == def.fmt.pix_mp.pixelformat,
                  "reset-on-free: back to the default (%u)", f.fmt.pix_mp.width);
        else
            CHECK(f.fmt.pix_mp.width == 896, "format kept across REQBUFS(0) (%u)",
                  f.fmt.pix_mp.width);
        ops->close(fd);
    }
    setenv("VAREQ_SIM_PROFILE", "rkvdec+bogus", 1);
    errno = 0;
    CHECK(ops->open("/dev/video0", O_RDWR) == -1 && errno == ENODEV, "unknown option");
    unsetenv("VAREQ_SIM_PROFILE");
}

/* rkvdec: every VP9 control is mandatory in a request; generic: the frame control only. */
static void test_required(void)
{
    for (int prof = 0; prof < 2; prof++) {
        int fd = open_profile(prof ? "rkvdec" : "generic");
        setenv("VAREQ_SIM_PROFILE", prof ? "rkvdec" : "generic", 1);
        int media = ops->open("/dev/media0", O_RDWR);
        unsetenv("VAREQ_SIM_PROFILE");
        vp9_pitch(fd, 64, 64, 0, NULL);
        struct v4l2_requestbuffers rb = { .count = 1, .type = OUT, .memory = V4L2_MEMORY_MMAP };
        IOK(fd, VIDIOC_REQBUFS, &rb);
        int req = -1;
        IOK(media, MEDIA_IOC_REQUEST_ALLOC, &req);
        struct v4l2_ctrl_vp9_frame fr;
        memset(&fr, 0, sizeof(fr));
        fr.bit_depth = 8;
        fr.flags = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
        struct v4l2_ext_control c = { .id = V4L2_CID_STATELESS_VP9_FRAME, .size = sizeof(fr),
                                      .ptr = &fr };
        struct v4l2_ext_controls cs = { .which = V4L2_CTRL_WHICH_REQUEST_VAL,
                                        .request_fd = req, .count = 1, .controls = &c };
        IOK(fd, VIDIOC_S_EXT_CTRLS, &cs);
        struct v4l2_plane pl[1] = { { .bytesused = 16 } };
        struct v4l2_buffer b = { .index = 0, .type = OUT, .memory = V4L2_MEMORY_MMAP,
                                 .length = 1, .m.planes = pl, .request_fd = req,
                                 .flags = V4L2_BUF_FLAG_REQUEST_FD };
        IOK(fd, VIDIOC_QBUF, &b);
        errno = 0;
        int r = ops->ioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL);
        if (prof)
            CHECK(r == -1 && errno == ENOENT, "rkvdec: COMPRESSED_HDR missing -> ENOENT");
        else
            CHECK(r == 0, "generic: the frame control is enough (%s)", strerror(errno));
        ops->close(req);
        ops->close(media);
        ops->close(fd);
    }
}

static void test_media_info(void)
{
    setenv("VAREQ_SIM_PROFILE", "hantro", 1);
    int media = ops->open("/dev/media0", O_RDWR);
    unsetenv("VAREQ_SIM_PROFILE");
    struct media_device_info info;
    IOK(media, MEDIA_IOC_DEVICE_INFO, &info);
    CHECK(!strcmp(info.driver, "hantro-vpu"), "media driver %s", info.driver);
    ops->close(media);
}

int main(void)
{
    ops = vareq_simdev_sysops();
    if (!ops || ops->abi_version != VAREQ_SYSOPS_ABI_VERSION) {
        fprintf(stderr, "FAIL: bad sysops table\n");
        return 1;
    }
    test_generic();
    test_rkvdec();
    test_hantro();
    test_cedrus();
    test_reset_on_free();
    test_required();
    test_media_info();
    return check_exit("simdev-profiles");
}
