/* What vainfo -a shows must be the device's truth: for the simdev profile in
 * VAREQ_SIM_PROFILE, the test asks the device itself (through simdev's seam table, the
 * instance the driver loaded) which coded formats it decodes, their size ranges
 * (ENUM_FRAMESIZES, or TRY_FMT clamping where the driver has none) and the CAPTURE
 * formats it enumerates for 8-bit and for 10-bit streams (the codec's bit-depth control
 * set as current value, as rkvdec/hantro need); then checks through the VA driver:
 *  - a VA profile is advertised iff the device decodes its codec and offers a CAPTURE
 *    format of one of the profile's depths;
 *  - per config: VAConfigAttribRTFormat, MaxPictureWidth/Height, and the surface
 *    attributes (pixel formats, min/max width/height) equal what the device says.
 *   test-va-attribs DRIVER.so   (VAREQ_SIMDEV_LIB: the simdev library) */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <va/va.h>
#include <va/va_backend.h>

#include <vareq/sysops.h>
#include <vareq/v4l2-av1.h>

#include "check.h"

static int failures;

enum { DEPTH8 = 1, DEPTH10 = 2 };

/* VA profiles the driver may advertise: codec OUTPUT format and the depths it decodes */
static const struct {
    VAProfile va;
    const char *name;
    uint32_t pixfmt;
    unsigned depths;
} profiles[] = {
    {VAProfileVP9Profile0, "VP9Profile0", V4L2_PIX_FMT_VP9_FRAME, DEPTH8},
    {VAProfileVP9Profile2, "VP9Profile2", V4L2_PIX_FMT_VP9_FRAME, DEPTH10},
    {VAProfileVP8Version0_3, "VP8Version0_3", V4L2_PIX_FMT_VP8_FRAME, DEPTH8},
    {VAProfileAV1Profile0, "AV1Profile0", V4L2_PIX_FMT_AV1_FRAME, DEPTH8 | DEPTH10},
    {VAProfileH264ConstrainedBaseline, "H264ConstrainedBaseline", V4L2_PIX_FMT_H264_SLICE,
     DEPTH8},
    {VAProfileH264Main, "H264Main", V4L2_PIX_FMT_H264_SLICE, DEPTH8},
    {VAProfileH264High, "H264High", V4L2_PIX_FMT_H264_SLICE, DEPTH8},
};
#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

/* What the device says about one coded format. */
struct dev_codec {
    bool decodes;
    unsigned min_w, min_h, max_w, max_h;
    bool nv12_8, p010_10; /* NV12/NV12M for 8-bit streams, P010 for 10-bit ones */
};

static const struct vareq_sysops *sim_ops(void)
{
    const char *path = getenv("VAREQ_SIMDEV_LIB");
    void *h = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) : NULL;
    vareq_simdev_sysops_fn fn = h ? (vareq_simdev_sysops_fn)dlsym(h, VAREQ_SIMDEV_SYSOPS_SYMBOL)
                                  : NULL;
    return fn ? fn() : NULL;
}

static bool enum_has(const struct vareq_sysops *ops, int fd, uint32_t type, uint32_t a,
                     uint32_t b)
{
    for (unsigned i = 0; i < 64; i++) {
        struct v4l2_fmtdesc d = {.index = i, .type = type};
        if (ops->ioctl(fd, VIDIOC_ENUM_FMT, &d) < 0)
            return false;
        if (d.pixelformat == a || d.pixelformat == b)
            return true;
    }
    return false;
}

/* TRY_FMT(OUTPUT) of w x h: the size the device clamps it to. */
static int try_size(const struct vareq_sysops *ops, int fd, bool mp, uint32_t pixfmt,
                    unsigned w, unsigned h, unsigned *ow, unsigned *oh)
{
    struct v4l2_format f;
    memset(&f, 0, sizeof(f));
    f.type = mp ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
    if (mp) {
        f.fmt.pix_mp.pixelformat = pixfmt;
        f.fmt.pix_mp.width = w;
        f.fmt.pix_mp.height = h;
        f.fmt.pix_mp.num_planes = 1;
    } else {
        f.fmt.pix.pixelformat = pixfmt;
        f.fmt.pix.width = w;
        f.fmt.pix.height = h;
    }
    if (ops->ioctl(fd, VIDIOC_TRY_FMT, &f) < 0)
        return -1;
    *ow = mp ? f.fmt.pix_mp.width : f.fmt.pix.width;
    *oh = mp ? f.fmt.pix_mp.height : f.fmt.pix.height;
    return 0;
}

/* The codec's bit-depth control as current value (what a driver reads the depth from). */
static int set_depth(const struct vareq_sysops *ops, int fd, uint32_t pixfmt, unsigned depth)
{
    struct v4l2_ctrl_vp9_frame vp9;
    struct v4l2_ctrl_av1_sequence av1;
    struct v4l2_ext_control c;
    struct v4l2_ext_controls ec;

    memset(&c, 0, sizeof(c));
    if (pixfmt == V4L2_PIX_FMT_VP9_FRAME) {
        memset(&vp9, 0, sizeof(vp9));
        vp9.bit_depth = (uint8_t)depth;
        vp9.profile = depth == 10 ? 2 : 0;
        vp9.flags = V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
                    V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
        vp9.frame_width_minus_1 = 319;
        vp9.frame_height_minus_1 = 239;
        vp9.interpolation_filter = V4L2_VP9_INTERP_FILTER_EIGHTTAP;
        c.id = V4L2_CID_STATELESS_VP9_FRAME;
        c.size = sizeof(vp9);
        c.ptr = &vp9;
    } else if (pixfmt == V4L2_PIX_FMT_AV1_FRAME) {
        memset(&av1, 0, sizeof(av1));
        av1.bit_depth = (uint8_t)depth;
        av1.seq_profile = 0;
        av1.flags = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X | V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y;
        av1.max_frame_width_minus_1 = 319;
        av1.max_frame_height_minus_1 = 239;
        c.id = V4L2_CID_STATELESS_AV1_SEQUENCE;
        c.size = sizeof(av1);
        c.ptr = &av1;
    } else {
        errno = ENOTTY;
        return -1;
    }
    memset(&ec, 0, sizeof(ec));
    ec.which = V4L2_CTRL_WHICH_CUR_VAL;
    ec.count = 1;
    ec.controls = &c;
    return ops->ioctl(fd, VIDIOC_S_EXT_CTRLS, &ec);
}

static void probe_device(const struct vareq_sysops *ops, struct dev_codec *out)
{
    struct v4l2_capability cap;
    uint32_t caps, out_type, cap_type;
    bool mp;
    int fd = ops->open("/dev/video0", O_RDWR | O_NONBLOCK);

    memset(out, 0, sizeof(*out) * N_PROFILES);
    if (fd < 0) {
        CHECK(0, "open /dev/video0: %s", strerror(errno));
        return;
    }
    memset(&cap, 0, sizeof(cap));
    CHECK(ops->ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0, "QUERYCAP");
    caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    mp = (caps & V4L2_CAP_VIDEO_M2M_MPLANE) != 0;
    out_type = mp ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
    cap_type = mp ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fprintf(stderr, "device %s: %s API\n", (const char *)cap.driver,
            mp ? "multi-planar" : "single-planar");
    for (unsigned p = 0; p < N_PROFILES; p++) {
        struct dev_codec *d = &out[p];
        struct v4l2_frmsizeenum fs = {.index = 0, .pixel_format = profiles[p].pixfmt};
        struct v4l2_format f;
        char a[5] = {0};

        if (!enum_has(ops, fd, out_type, profiles[p].pixfmt, profiles[p].pixfmt))
            continue;
        d->decodes = true;
        if (ops->ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0 &&
            fs.type != V4L2_FRMSIZE_TYPE_DISCRETE) {
            d->min_w = fs.stepwise.min_width;
            d->min_h = fs.stepwise.min_height;
            d->max_w = fs.stepwise.max_width;
            d->max_h = fs.stepwise.max_height;
        } else {
            CHECK(try_size(ops, fd, mp, profiles[p].pixfmt, 1, 1, &d->min_w, &d->min_h) == 0 &&
                      try_size(ops, fd, mp, profiles[p].pixfmt, 65536, 65536, &d->max_w,
                               &d->max_h) == 0,
                  "TRY_FMT");
        }
        memset(&f, 0, sizeof(f));
        f.type = out_type;
        if (mp) {
            f.fmt.pix_mp.pixelformat = profiles[p].pixfmt;
            f.fmt.pix_mp.width = 320;
            f.fmt.pix_mp.height = 240;
            f.fmt.pix_mp.num_planes = 1;
        } else {
            f.fmt.pix.pixelformat = profiles[p].pixfmt;
            f.fmt.pix.width = 320;
            f.fmt.pix.height = 240;
        }
        CHECK(ops->ioctl(fd, VIDIOC_S_FMT, &f) == 0, "S_FMT OUTPUT");
        if (set_depth(ops, fd, profiles[p].pixfmt, 8) < 0 && errno != ENOTTY)
            CHECK(0, "8-bit control: %s", strerror(errno));
        d->nv12_8 = enum_has(ops, fd, cap_type, V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M);
        if (set_depth(ops, fd, profiles[p].pixfmt, 10) == 0)
            d->p010_10 = enum_has(ops, fd, cap_type, V4L2_PIX_FMT_P010, V4L2_PIX_FMT_P010);
        set_depth(ops, fd, profiles[p].pixfmt, 8);
        memcpy(a, &profiles[p].pixfmt, 4);
        fprintf(stderr, "  %s (%s): %ux%u..%ux%u, 8-bit NV12 %s, 10-bit P010 %s\n",
                profiles[p].name, a, d->min_w, d->min_h, d->max_w, d->max_h,
                d->nv12_8 ? "yes" : "no", d->p010_10 ? "yes" : "no");
    }
    ops->close(fd);
}

int main(int argc, char **argv)
{
    struct VADriverContext ctx;
    struct VADriverVTable vt;
    VAStatus (*init)(VADriverContextP);
    const struct vareq_sysops *ops;
    struct dev_codec dev[N_PROFILES];
    VAProfile list[64];
    int n_list = 0;
    void *h;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DRIVER.so\n", argv[0]);
        return 2;
    }
    setenv("VAREQ_DEVICE", "sim", 0);
    h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    init = h ? (VAStatus(*)(VADriverContextP))dlsym(h, "__vaDriverInit_1_17") : NULL;
    if (!init) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    memset(&ctx, 0, sizeof(ctx));
    memset(&vt, 0, sizeof(vt));
    ctx.vtable = &vt;
    ctx.display_type = VA_DISPLAY_DRM;
    if (init(&ctx) != VA_STATUS_SUCCESS) {
        fprintf(stderr, "driver init failed\n");
        return 1;
    }
    ops = sim_ops();
    if (!ops) {
        fprintf(stderr, "simdev sysops unavailable (VAREQ_SIMDEV_LIB)\n");
        return 1;
    }
    probe_device(ops, dev);
    CHECK(vt.vaQueryConfigProfiles(&ctx, list, &n_list) == VA_STATUS_SUCCESS, "profiles");

    for (unsigned p = 0; p < N_PROFILES; p++) {
        const struct dev_codec *d = &dev[p];
        uint32_t want_rt = ((profiles[p].depths & DEPTH8) && d->nv12_8 ? VA_RT_FORMAT_YUV420 : 0) |
                           ((profiles[p].depths & DEPTH10) && d->p010_10 ? VA_RT_FORMAT_YUV420_10
                                                                         : 0);
        bool want = d->decodes && want_rt, listed = false;
        VAConfigAttrib ca[3] = {{.type = VAConfigAttribRTFormat},
                                {.type = VAConfigAttribMaxPictureWidth},
                                {.type = VAConfigAttribMaxPictureHeight}};
        VASurfaceAttrib sa[64];
        unsigned n_sa = 64;
        bool nv12 = false, p010 = false;
        int min_w = -1, min_h = -1, max_w = -1, max_h = -1;
        VAConfigID cfg;

        for (int i = 0; i < n_list; i++)
            listed |= list[i] == profiles[p].va;
        CHECK(listed == want, "%s: advertised %d, the device %s", profiles[p].name, listed,
              want ? "decodes it" : "cannot decode it");
        if (!listed || !want)
            continue;
        CHECK(vt.vaGetConfigAttributes(&ctx, profiles[p].va, VAEntrypointVLD, ca, 3) ==
                  VA_STATUS_SUCCESS, "GetConfigAttributes");
        /* libva's VA_RT_FORMAT_YUV420_10BPP alias is the same bit as YUV420_10 */
        CHECK((ca[0].value & (VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10)) == want_rt,
              "%s: RTFormat 0x%x, device 0x%x", profiles[p].name, ca[0].value, want_rt);
        CHECK(ca[1].value == d->max_w && ca[2].value == d->max_h,
              "%s: MaxPicture %ux%u, device %ux%u", profiles[p].name, ca[1].value, ca[2].value,
              d->max_w, d->max_h);
        if (vt.vaCreateConfig(&ctx, profiles[p].va, VAEntrypointVLD, NULL, 0, &cfg) !=
            VA_STATUS_SUCCESS) {
            CHECK(0, "%s: CreateConfig", profiles[p].name);
            continue;
        }
        CHECK(vt.vaQuerySurfaceAttributes(&ctx, cfg, sa, &n_sa) == VA_STATUS_SUCCESS,
              "QuerySurfaceAttributes");
        for (unsigned i = 0; i < n_sa; i++) {
            int v = sa[i].value.value.i;
            switch (sa[i].type) {
            case VASurfaceAttribPixelFormat:
                nv12 |= v == (int)VA_FOURCC_NV12;
                p010 |= v == (int)VA_FOURCC_P010;
                CHECK(v == (int)VA_FOURCC_NV12 || v == (int)VA_FOURCC_P010,
                      "%s: pixel format %.4s", profiles[p].name, (const char *)&v);
                break;
            case VASurfaceAttribMinWidth: min_w = v; break;
            case VASurfaceAttribMinHeight: min_h = v; break;
            case VASurfaceAttribMaxWidth: max_w = v; break;
            case VASurfaceAttribMaxHeight: max_h = v; break;
            default: break;
            }
        }
        fprintf(stderr, "%-24s RT 0x%x, max %ux%u; surfaces %s%s, %dx%d..%dx%d\n",
                profiles[p].name, ca[0].value, ca[1].value, ca[2].value, nv12 ? "NV12 " : "",
                p010 ? "P010" : "", min_w, min_h, max_w, max_h);
        CHECK(nv12 == !!(want_rt & VA_RT_FORMAT_YUV420) &&
                  p010 == !!(want_rt & VA_RT_FORMAT_YUV420_10),
              "%s: surface formats NV12 %d P010 %d, device RT 0x%x", profiles[p].name, nv12,
              p010, want_rt);
        CHECK(min_w == (int)d->min_w && min_h == (int)d->min_h && max_w == (int)d->max_w &&
                  max_h == (int)d->max_h,
              "%s: surface size %dx%d..%dx%d, device %ux%u..%ux%u", profiles[p].name, min_w,
              min_h, max_w, max_h, d->min_w, d->min_h, d->max_w, d->max_h);
        vt.vaDestroyConfig(&ctx, cfg);
    }
    vt.vaTerminate(&ctx);
    return check_exit("attribs", failures);
}
