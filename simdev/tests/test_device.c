/* simdev device-model test: drives the device only through vareq_simdev_sysops(). */
#include <errno.h>
#include <fcntl.h>
#include <linux/media.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <vareq/sysops.h>

/* MEDIA_LNK_FL_LINK_TYPE is (0xf << 28), which overflows int. */
#define LINK_TYPE_MASK 0xf0000000u

#include "check.h"

const struct vareq_sysops *ops;
int failures;

static void test_open(void)
{
    errno = 0;
    CHECK(ops->open("/dev/video1", O_RDWR) == -1 && errno == ENOENT, "open of unknown node");
    int a = ops->open("/dev/video0", O_RDWR), b = ops->open("/dev/video0", O_RDWR);
    CHECK(a >= 0 && b >= 0 && a != b, "two contexts %d %d", a, b);
    CHECK(fcntl(a, F_GETFD) >= 0, "fd is a real fd");
    CHECK(ops->close(a) == 0 && ops->close(b) == 0, "close");
    char path[64];
    CHECK(ops->devnode_path(81, 0, path, sizeof(path)) == 0 && !strcmp(path, "/dev/video0"),
          "devnode_path 81:0");
    errno = 0;
    CHECK(ops->devnode_path(81, 7, path, sizeof(path)) == -1 && errno == ENOENT,
          "devnode_path unknown");

    setenv("VAREQ_SIM_PROFILE", "nosuch", 1);
    errno = 0;
    CHECK(ops->open("/dev/video0", O_RDWR) == -1 && errno == ENODEV, "unknown profile");
    unsetenv("VAREQ_SIM_PROFILE");
    setenv("VAREQ_SIM_FAULTS", "vp9-swap-ref-ts,vp9-corrupt-base-q", 1);
    int c = ops->open("/dev/video0", O_RDWR);
    CHECK(c >= 0, "known faults accepted");
    ops->close(c);
    setenv("VAREQ_SIM_FAULTS", "bogus", 1);
    errno = 0;
    CHECK(ops->open("/dev/video0", O_RDWR) == -1 && errno == ENODEV, "unknown fault");
    unsetenv("VAREQ_SIM_FAULTS");
}

static void test_caps_and_formats(int fd)
{
    struct v4l2_capability cap;
    IOK(fd, VIDIOC_QUERYCAP, &cap);
    CHECK(!strcmp((char *)cap.driver, "vareq-simdev"), "driver %s", cap.driver);
    CHECK(cap.device_caps == (V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING |
                              V4L2_CAP_EXT_PIX_FORMAT),
          "device_caps");
    CHECK(cap.capabilities & V4L2_CAP_DEVICE_CAPS, "DEVICE_CAPS");

    /* generic: every codec built in, VP9 first (the registry's order). */
    struct v4l2_fmtdesc d = { .index = 0, .type = OUT };
    IOK(fd, VIDIOC_ENUM_FMT, &d);
    CHECK(d.pixelformat == V4L2_PIX_FMT_VP9_FRAME, "OUTPUT fmt");
    CHECK(d.flags == V4L2_FMT_FLAG_COMPRESSED, "flags %x", d.flags);
    unsigned nout = 1;
    for (;; nout++) {
        d = (struct v4l2_fmtdesc){ .index = nout, .type = OUT };
        if (ops->ioctl(fd, VIDIOC_ENUM_FMT, &d) < 0)
            break;
        CHECK(d.pixelformat != V4L2_PIX_FMT_VP9_FRAME, "VP9 listed twice");
    }
    CHECK(errno == EINVAL && nout <= 6, "OUTPUT formats end with EINVAL after %u", nout);
    d = (struct v4l2_fmtdesc){ .index = 0, .type = CAP };
    IOK(fd, VIDIOC_ENUM_FMT, &d);
    CHECK(d.pixelformat == V4L2_PIX_FMT_NV12, "CAPTURE fmt");
    d = (struct v4l2_fmtdesc){ .index = 1, .type = CAP };
    IOK(fd, VIDIOC_ENUM_FMT, &d);
    CHECK(d.pixelformat == V4L2_PIX_FMT_NV12M, "CAPTURE fmt 2 NV12M");
    d = (struct v4l2_fmtdesc){ .index = 2, .type = CAP };
    IERR(fd, VIDIOC_ENUM_FMT, &d, EINVAL);
    d = (struct v4l2_fmtdesc){ .index = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
    IERR(fd, VIDIOC_ENUM_FMT, &d, EINVAL);

    struct v4l2_frmsizeenum fs = { .index = 0, .pixel_format = V4L2_PIX_FMT_VP9_FRAME };
    IOK(fd, VIDIOC_ENUM_FRAMESIZES, &fs);
    CHECK(fs.type == V4L2_FRMSIZE_TYPE_STEPWISE && fs.stepwise.max_width == 4096 &&
              fs.stepwise.max_height == 2304 && fs.stepwise.min_width == 16,
          "frame sizes");

    /* OUTPUT 864x480 drives CAPTURE. */
    struct v4l2_format f = { .type = OUT };
    f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_VP9_FRAME;
    f.fmt.pix_mp.width = 864;
    f.fmt.pix_mp.height = 470;
    f.fmt.pix_mp.num_planes = 1;
    IOK(fd, VIDIOC_S_FMT, &f);
    CHECK(f.fmt.pix_mp.width == 864 && f.fmt.pix_mp.height == 470, "OUTPUT size kept");
    CHECK(f.fmt.pix_mp.plane_fmt[0].sizeimage == 864 * 470 * 3 / 2, "OUTPUT sizeimage %u",
          f.fmt.pix_mp.plane_fmt[0].sizeimage);
    struct v4l2_format g = { .type = CAP };
    IOK(fd, VIDIOC_G_FMT, &g);
    CHECK(g.fmt.pix_mp.pixelformat == V4L2_PIX_FMT_NV12 && g.fmt.pix_mp.width == 864 &&
              g.fmt.pix_mp.height == 480 && g.fmt.pix_mp.plane_fmt[0].bytesperline == 864 &&
              g.fmt.pix_mp.plane_fmt[0].sizeimage == 864 * 480 * 3 / 2,
          "CAPTURE derived %ux%u bpl %u size %u", g.fmt.pix_mp.width, g.fmt.pix_mp.height,
          g.fmt.pix_mp.plane_fmt[0].bytesperline, g.fmt.pix_mp.plane_fmt[0].sizeimage);

    /* Ask for a 64-aligned pitch. */
    g.fmt.pix_mp.plane_fmt[0].bytesperline = 896;
    IOK(fd, VIDIOC_S_FMT, &g);
    CHECK(g.fmt.pix_mp.plane_fmt[0].bytesperline == 896 &&
              g.fmt.pix_mp.plane_fmt[0].sizeimage == 896 * 480 * 3 / 2,
          "bytesperline 896 honoured: %u", g.fmt.pix_mp.plane_fmt[0].bytesperline);
    g.fmt.pix_mp.plane_fmt[0].bytesperline = 900; /* not a multiple of 16 */
    IOK(fd, VIDIOC_TRY_FMT, &g);
    CHECK(g.fmt.pix_mp.plane_fmt[0].bytesperline == 864, "bad bytesperline ignored: %u",
          g.fmt.pix_mp.plane_fmt[0].bytesperline);
    g.fmt.pix_mp.plane_fmt[0].bytesperline = 32768;
    IOK(fd, VIDIOC_TRY_FMT, &g);
    CHECK(g.fmt.pix_mp.plane_fmt[0].bytesperline == 864, "huge bytesperline ignored");

    /* Small OUTPUT: min sizeimage, clamping. */
    f.fmt.pix_mp.width = 8;
    f.fmt.pix_mp.height = 9000;
    f.fmt.pix_mp.plane_fmt[0].sizeimage = 0;
    IOK(fd, VIDIOC_TRY_FMT, &f);
    CHECK(f.fmt.pix_mp.width == 16 && f.fmt.pix_mp.height == 2304, "clamped %ux%u",
          f.fmt.pix_mp.width, f.fmt.pix_mp.height);
    f.fmt.pix_mp.width = 64;
    f.fmt.pix_mp.height = 64;
    IOK(fd, VIDIOC_TRY_FMT, &f);
    CHECK(f.fmt.pix_mp.plane_fmt[0].sizeimage == 256 * 1024, "min coded size");
    f.fmt.pix_mp.plane_fmt[0].sizeimage = 1 << 20;
    IOK(fd, VIDIOC_TRY_FMT, &f);
    CHECK(f.fmt.pix_mp.plane_fmt[0].sizeimage == 1 << 20, "larger coded size honoured");

    /* Setting OUTPUT resets CAPTURE (bytesperline back to the width). */
    f.fmt.pix_mp.width = 320;
    f.fmt.pix_mp.height = 240;
    IOK(fd, VIDIOC_S_FMT, &f);
    IOK(fd, VIDIOC_G_FMT, &g);
    CHECK(g.fmt.pix_mp.width == 320 && g.fmt.pix_mp.height == 240 &&
              g.fmt.pix_mp.plane_fmt[0].bytesperline == 320,
          "CAPTURE reset by OUTPUT");
}

static int reqbufs(int fd, unsigned type, unsigned count, struct v4l2_requestbuffers *out)
{
    struct v4l2_requestbuffers rb = { .count = count, .type = type, .memory = V4L2_MEMORY_MMAP };
    int r = ops->ioctl(fd, VIDIOC_REQBUFS, &rb);
    if (out)
        *out = rb;
    return r;
}

static void test_buffers(int fd)
{
    struct v4l2_requestbuffers rb;
    CHECK(reqbufs(fd, OUT, 2, &rb) == 0 && rb.count == 2, "REQBUFS OUTPUT");
    CHECK(rb.capabilities & V4L2_BUF_CAP_SUPPORTS_REQUESTS, "OUTPUT supports requests");
    CHECK(reqbufs(fd, CAP, 4, &rb) == 0 && rb.count == 4, "REQBUFS CAPTURE");
    CHECK(!(rb.capabilities & V4L2_BUF_CAP_SUPPORTS_REQUESTS), "CAPTURE has no requests");

    struct v4l2_format f = { .type = CAP };
    IOK(fd, VIDIOC_G_FMT, &f);
    IERR(fd, VIDIOC_S_FMT, &f, EBUSY);
    f.type = OUT;
    IOK(fd, VIDIOC_G_FMT, &f);
    IERR(fd, VIDIOC_S_FMT, &f, EBUSY);

    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    struct v4l2_buffer b = { .type = CAP, .index = 1, .memory = V4L2_MEMORY_MMAP,
                             .length = 1, .m.planes = planes };
    IOK(fd, VIDIOC_QUERYBUF, &b);
    CHECK(planes[0].length == 320 * 240 * 3 / 2, "plane length %u", planes[0].length);
    CHECK(planes[0].m.mem_offset >= (1u << 30), "CAPTURE offsets above 1 GiB");
    uint8_t *p = ops->mmap(NULL, planes[0].length, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                           planes[0].m.mem_offset);
    CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
    errno = 0;
    CHECK(ops->mmap(NULL, planes[0].length, PROT_READ, MAP_PRIVATE, fd,
                    planes[0].m.mem_offset) == MAP_FAILED && errno == EINVAL,
          "MAP_PRIVATE refused");
    CHECK(ops->mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 12345 * 4096) == MAP_FAILED,
          "bad offset refused");

    struct v4l2_exportbuffer e = { .type = CAP, .index = 1, .flags = O_CLOEXEC | O_RDWR };
    IOK(fd, VIDIOC_EXPBUF, &e);
    CHECK(e.fd >= 0, "EXPBUF fd");
    if (p != MAP_FAILED && e.fd >= 0) {
        p[100] = 0x5a;
        uint8_t *q = ops->mmap(NULL, planes[0].length, PROT_READ, MAP_SHARED, e.fd, 0);
        CHECK(q != MAP_FAILED && q[100] == 0x5a, "exported fd maps the same memory");
        if (q != MAP_FAILED)
            ops->munmap(q, planes[0].length);
        ops->close(e.fd);
    }
    if (p != MAP_FAILED)
        ops->munmap(p, planes[0].length);

    b.index = 9;
    IERR(fd, VIDIOC_QUERYBUF, &b, EINVAL);

    /* OUTPUT QBUF without a request is refused; CAPTURE with one too. */
    struct v4l2_buffer ob = { .type = OUT, .index = 0, .memory = V4L2_MEMORY_MMAP,
                              .length = 1, .m.planes = planes };
    memset(planes, 0, sizeof(planes));
    planes[0].bytesused = 100;
    IERR(fd, VIDIOC_QBUF, &ob, EBADR);

    /* CREATE_BUFS adds after the existing ones. */
    struct v4l2_create_buffers cb = { .count = 2, .memory = V4L2_MEMORY_MMAP };
    cb.format.type = CAP;
    IOK(fd, VIDIOC_G_FMT, &cb.format);
    IOK(fd, VIDIOC_CREATE_BUFS, &cb);
    CHECK(cb.index == 4 && cb.count == 2, "CREATE_BUFS index %u count %u", cb.index, cb.count);
    cb.format.fmt.pix_mp.plane_fmt[0].sizeimage = 100;
    IERR(fd, VIDIOC_CREATE_BUFS, &cb, EINVAL);

    int t = CAP;
    IOK(fd, VIDIOC_STREAMON, &t);
    CHECK(reqbufs(fd, CAP, 0, NULL) == -1 && errno == EBUSY, "REQBUFS while streaming");
    IOK(fd, VIDIOC_STREAMOFF, &t);
    CHECK(reqbufs(fd, CAP, 0, NULL) == 0, "REQBUFS(0)");
    CHECK(reqbufs(fd, OUT, 0, NULL) == 0, "REQBUFS(0) OUTPUT");
    f.type = OUT;
    IOK(fd, VIDIOC_S_FMT, &f); /* allowed again */
}

static void test_topology(void)
{
    int m = ops->open("/dev/media0", O_RDWR);
    CHECK(m >= 0, "open media");
    struct media_device_info info;
    IOK(m, MEDIA_IOC_DEVICE_INFO, &info);
    CHECK(!strcmp(info.driver, "vareq-simdev"), "media driver name");

    struct media_v2_topology topo;
    memset(&topo, 0, sizeof(topo));
    IOK(m, MEDIA_IOC_G_TOPOLOGY, &topo);
    CHECK(topo.num_entities == 3 && topo.num_interfaces == 1 && topo.num_pads == 4 &&
              topo.num_links == 4,
          "counts %u %u %u %u", topo.num_entities, topo.num_interfaces, topo.num_pads,
          topo.num_links);

    struct media_v2_entity ents[8];
    struct media_v2_interface intfs[4];
    struct media_v2_pad pads[8];
    struct media_v2_link links[8];
    topo.ptr_entities = (uintptr_t)ents;
    topo.ptr_interfaces = (uintptr_t)intfs;
    topo.ptr_pads = (uintptr_t)pads;
    topo.ptr_links = (uintptr_t)links;
    IOK(m, MEDIA_IOC_G_TOPOLOGY, &topo);

    /* Find the decoder entity, then the interface linked to an io entity connected
     * to it by a data link, then its devnode. */
    uint32_t dec = 0;
    for (uint32_t i = 0; i < topo.num_entities; i++)
        if (ents[i].function == MEDIA_ENT_F_PROC_VIDEO_DECODER)
            dec = ents[i].id;
    CHECK(dec != 0, "decoder entity");
    uint32_t io_ent = 0;
    for (uint32_t l = 0; l < topo.num_links && !io_ent; l++) {
        if ((links[l].flags & LINK_TYPE_MASK) != MEDIA_LNK_FL_DATA_LINK)
            continue;
        uint32_t src_ent = 0, sink_ent = 0;
        for (uint32_t p = 0; p < topo.num_pads; p++) {
            if (pads[p].id == links[l].source_id)
                src_ent = pads[p].entity_id;
            if (pads[p].id == links[l].sink_id)
                sink_ent = pads[p].entity_id;
        }
        if (sink_ent == dec)
            io_ent = src_ent;
    }
    CHECK(io_ent != 0, "io entity feeding the decoder");
    char path[64] = "";
    for (uint32_t l = 0; l < topo.num_links; l++) {
        if ((links[l].flags & LINK_TYPE_MASK) != MEDIA_LNK_FL_INTERFACE_LINK ||
            links[l].sink_id != io_ent)
            continue;
        for (uint32_t i = 0; i < topo.num_interfaces; i++) {
            if (intfs[i].id == links[l].source_id && intfs[i].intf_type == MEDIA_INTF_T_V4L_VIDEO)
                ops->devnode_path(intfs[i].devnode.major, intfs[i].devnode.minor, path,
                                  sizeof(path));
        }
    }
    CHECK(!strcmp(path, "/dev/video0"), "resolved devnode '%s'", path);

    topo.num_entities = 1;
    IERR(m, MEDIA_IOC_G_TOPOLOGY, &topo, ENOSPC);
    ops->close(m);
}

static void init_frame(struct v4l2_ctrl_vp9_frame *fr)
{
    memset(fr, 0, sizeof(*fr));
    fr->flags = V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
                V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
    fr->bit_depth = 8;
    fr->frame_width_minus_1 = 319;
    fr->frame_height_minus_1 = 239;
}

static int set_frame(int fd, int req_fd, unsigned which, struct v4l2_ctrl_vp9_frame *fr,
                     unsigned long cmd, struct v4l2_ext_controls *out)
{
    struct v4l2_ext_control c = { .id = V4L2_CID_STATELESS_VP9_FRAME, .size = sizeof(*fr),
                                  .ptr = fr };
    struct v4l2_ext_controls cs = { .which = which, .count = 1, .request_fd = req_fd,
                                    .controls = &c };
    int r = ops->ioctl(fd, cmd, &cs);
    if (out)
        *out = cs;
    return r;
}

static void test_controls(int fd)
{
    struct v4l2_query_ext_ctrl q = { .id = V4L2_CID_STATELESS_VP9_FRAME };
    IOK(fd, VIDIOC_QUERY_EXT_CTRL, &q);
    CHECK(q.type == V4L2_CTRL_TYPE_VP9_FRAME && q.elem_size == sizeof(struct v4l2_ctrl_vp9_frame),
          "VP9 frame query");
    q = (struct v4l2_query_ext_ctrl){ .id = V4L2_CID_STATELESS_VP9_COMPRESSED_HDR };
    IOK(fd, VIDIOC_QUERY_EXT_CTRL, &q);
    CHECK(q.type == V4L2_CTRL_TYPE_VP9_COMPRESSED_HDR, "VP9 hdr query");
    struct v4l2_queryctrl qc = { .id = V4L2_CID_STATELESS_VP9_FRAME };
    IOK(fd, VIDIOC_QUERYCTRL, &qc);
    /* Enumeration walks every control in id order and reaches both VP9 controls. */
    q = (struct v4l2_query_ext_ctrl){ .id = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND };
    uint32_t last = 0;
    unsigned seen = 0, n = 0;
    while (ops->ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0 && n++ < 1000) {
        CHECK(q.id > last, "enumeration in id order (0x%x after 0x%x)", q.id, last);
        last = q.id;
        seen += q.id == V4L2_CID_STATELESS_VP9_FRAME || q.id == V4L2_CID_STATELESS_VP9_COMPRESSED_HDR;
        q.id |= V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    }
    CHECK(errno == EINVAL && seen == 2, "enumeration ends with EINVAL, VP9 controls seen %u", seen);

    struct v4l2_ctrl_vp9_frame fr;
    struct v4l2_ext_controls cs;
    init_frame(&fr);
    CHECK(set_frame(fd, -1, V4L2_CTRL_WHICH_CUR_VAL, &fr, VIDIOC_TRY_EXT_CTRLS, NULL) == 0,
          "valid frame accepted: %s", strerror(errno));
    fr.lf.level = 64;
    CHECK(set_frame(fd, -1, V4L2_CTRL_WHICH_CUR_VAL, &fr, VIDIOC_S_EXT_CTRLS, &cs) == -1 &&
              errno == EINVAL && cs.error_idx == 0,
          "lf level 64 rejected (errno %d idx %u)", errno, cs.error_idx);
    init_frame(&fr);
    fr.profile = 0;
    fr.bit_depth = 10;
    CHECK(set_frame(fd, -1, 0, &fr, VIDIOC_S_EXT_CTRLS, NULL) == -1 && errno == EINVAL,
          "bit depth 10 in profile 0 rejected");
    init_frame(&fr);
    fr.tile_cols_log2 = 7;
    CHECK(set_frame(fd, -1, 0, &fr, VIDIOC_S_EXT_CTRLS, NULL) == -1 && errno == EINVAL,
          "tile_cols_log2 7 rejected");
    init_frame(&fr);
    fr.seg.feature_data[0][1] = 64;
    CHECK(set_frame(fd, -1, 0, &fr, VIDIOC_S_EXT_CTRLS, NULL) == -1 && errno == EINVAL,
          "seg alt-lf 64 rejected");
    init_frame(&fr);
    fr.flags |= 0x8000;
    CHECK(set_frame(fd, -1, 0, &fr, VIDIOC_S_EXT_CTRLS, NULL) == -1 && errno == EINVAL,
          "unknown flag rejected");
    init_frame(&fr);
    fr.flags |= V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT | V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX;
    CHECK(set_frame(fd, -1, 0, &fr, VIDIOC_S_EXT_CTRLS, NULL) == -1 && errno == EINVAL,
          "error resilient + refresh ctx rejected");

    /* Reserved fields: the kernel clears them (zero_reserved), it does not reject. */
    init_frame(&fr);
    fr.reserved[3] = 7;
    fr.lf.reserved[0] = 1;
    CHECK(set_frame(fd, -1, 0, &fr, VIDIOC_S_EXT_CTRLS, NULL) == 0, "S_EXT_CTRLS cur");
    memset(&fr, 0xff, sizeof(fr));
    CHECK(set_frame(fd, -1, 0, &fr, VIDIOC_G_EXT_CTRLS, NULL) == 0 && fr.reserved[3] == 0 &&
              fr.lf.reserved[0] == 0 && fr.frame_width_minus_1 == 319,
          "reserved fields cleared on read-back");

    /* Small size: EFAULT on set, ENOSPC (+size) on get. */
    struct v4l2_ext_control c = { .id = V4L2_CID_STATELESS_VP9_FRAME, .size = 4, .ptr = &fr };
    struct v4l2_ext_controls cs2 = { .count = 1, .controls = &c };
    IERR(fd, VIDIOC_G_EXT_CTRLS, &cs2, ENOSPC);
    CHECK(c.size == sizeof(fr), "size reported");
    c.size = 4;
    IERR(fd, VIDIOC_S_EXT_CTRLS, &cs2, EFAULT);
    c.id = 0x00990001; /* not ours */
    c.size = sizeof(fr);
    IERR(fd, VIDIOC_S_EXT_CTRLS, &cs2, EINVAL);
    struct v4l2_ctrl_vp9_compressed_hdr hdr;
    memset(&hdr, 0, sizeof(hdr));
    hdr.tx_mode = 5;
    c = (struct v4l2_ext_control){ .id = V4L2_CID_STATELESS_VP9_COMPRESSED_HDR,
                                   .size = sizeof(hdr), .ptr = &hdr };
    IERR(fd, VIDIOC_S_EXT_CTRLS, &cs2, EINVAL);
}

static int setup_streaming(int fd)
{
    struct v4l2_format f = { .type = OUT };
    f.fmt.pix_mp.width = 320;
    f.fmt.pix_mp.height = 240;
    f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_VP9_FRAME;
    if (ops->ioctl(fd, VIDIOC_S_FMT, &f))
        return -1;
    if (reqbufs(fd, OUT, 2, NULL) || reqbufs(fd, CAP, 2, NULL))
        return -1;
    return 0;
}

static int qbuf_out(int fd, unsigned index, int req_fd, uint64_t ts_us)
{
    struct v4l2_plane planes[1];
    memset(planes, 0, sizeof(planes));
    planes[0].bytesused = 64;
    struct v4l2_buffer b = { .type = OUT, .index = index, .memory = V4L2_MEMORY_MMAP,
                             .length = 1, .m.planes = planes,
                             .flags = V4L2_BUF_FLAG_REQUEST_FD, .request_fd = req_fd };
    b.timestamp.tv_sec = (time_t)(ts_us / 1000000);
    b.timestamp.tv_usec = (suseconds_t)(ts_us % 1000000);
    return ops->ioctl(fd, VIDIOC_QBUF, &b);
}

static void test_requests(int fd)
{
    int m = ops->open("/dev/media0", O_RDWR);
    CHECK(m >= 0, "open media");
    int r1 = -1, r2 = -1;
    IOK(m, MEDIA_IOC_REQUEST_ALLOC, &r1);
    IOK(m, MEDIA_IOC_REQUEST_ALLOC, &r2);
    CHECK(r1 >= 0 && r2 >= 0 && r1 != r2, "request fds");
    CHECK(setup_streaming(fd) == 0, "setup streaming");

    /* Empty request: ENOENT. */
    IERR(r1, MEDIA_REQUEST_IOC_QUEUE, NULL, ENOENT);
    /* Buffer but no frame control: ENOENT. */
    CHECK(qbuf_out(fd, 0, r1, 1000) == 0, "QBUF OUTPUT with request: %s", strerror(errno));
    IERR(r1, MEDIA_REQUEST_IOC_QUEUE, NULL, ENOENT);
    struct v4l2_plane planes[1];
    struct v4l2_buffer qb = { .type = OUT, .index = 0, .length = 1, .m.planes = planes };
    IOK(fd, VIDIOC_QUERYBUF, &qb);
    CHECK(qb.flags & V4L2_BUF_FLAG_IN_REQUEST, "buffer in request");
    /* Same buffer again: not dequeued. */
    CHECK(qbuf_out(fd, 0, r2, 2000) == -1 && errno == EINVAL, "QBUF of a bound buffer");
    /* Bad request fd. */
    CHECK(qbuf_out(fd, 1, 12345, 2000) == -1 && errno == EINVAL, "bad request fd");

    struct v4l2_ctrl_vp9_frame fr;
    init_frame(&fr);
    fr.lf.level = 64;
    CHECK(set_frame(fd, r1, V4L2_CTRL_WHICH_REQUEST_VAL, &fr, VIDIOC_S_EXT_CTRLS, NULL) == -1 &&
              errno == EINVAL,
          "invalid control in request rejected");
    init_frame(&fr);
    CHECK(set_frame(fd, r1, V4L2_CTRL_WHICH_REQUEST_VAL, &fr, VIDIOC_S_EXT_CTRLS, NULL) == 0,
          "S_EXT_CTRLS request: %s", strerror(errno));
    CHECK(set_frame(fd, r1, V4L2_CTRL_WHICH_REQUEST_VAL, &fr, VIDIOC_G_EXT_CTRLS, NULL) == -1 &&
              errno == EACCES,
          "G_EXT_CTRLS of an incomplete request");
    IOK(r1, MEDIA_REQUEST_IOC_QUEUE, NULL);
    IERR(r1, MEDIA_REQUEST_IOC_QUEUE, NULL, EBUSY);
    IERR(r1, MEDIA_REQUEST_IOC_REINIT, NULL, EBUSY);
    CHECK(set_frame(fd, r1, V4L2_CTRL_WHICH_REQUEST_VAL, &fr, VIDIOC_S_EXT_CTRLS, NULL) == -1 &&
              errno == EBUSY,
          "S_EXT_CTRLS into a queued request");

    /* Nothing can run (queues not streaming): the request is pending, poll times out. */
    struct pollfd pfd = { .fd = r1, .events = POLLPRI };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int pr = ops->poll(&pfd, 1, 100);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(pr == 0 && ms >= 90, "poll timeout on a pending request (r=%d, %ld ms)", pr, ms);

    /* Idle request polls POLLERR (media_request_poll). */
    pfd = (struct pollfd){ .fd = r2, .events = POLLPRI };
    CHECK(ops->poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR), "idle request POLLERR");

    /* Video fd with CAPTURE streaming and a queued CAPTURE buffer, no request running:
     * poll times out. Mixed with the pending request fd. */
    int t = CAP;
    struct v4l2_plane cp[1];
    memset(cp, 0, sizeof(cp));
    struct v4l2_buffer cb = { .type = CAP, .index = 0, .memory = V4L2_MEMORY_MMAP, .length = 1,
                              .m.planes = cp };
    IOK(fd, VIDIOC_QBUF, &cb);
    IOK(fd, VIDIOC_STREAMON, &t);
    struct pollfd two[2] = { { .fd = fd, .events = POLLIN | POLLOUT },
                             { .fd = r1, .events = POLLPRI } };
    CHECK(ops->poll(two, 2, 50) == 0, "mixed poll timeout");

    /* STREAMOFF(OUTPUT) on a non-streaming queue completes the queued request. */
    t = OUT;
    IOK(fd, VIDIOC_STREAMOFF, &t);
    pfd = (struct pollfd){ .fd = r1, .events = POLLPRI };
    CHECK(ops->poll(&pfd, 1, 100) == 1 && (pfd.revents & POLLPRI), "cancelled request completes");
    IOK(fd, VIDIOC_QUERYBUF, &qb);
    CHECK(!(qb.flags & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_IN_REQUEST)),
          "OUTPUT buffer back to dequeued (flags %x)", qb.flags);
    IOK(r1, MEDIA_REQUEST_IOC_REINIT, NULL);

    /* REINIT returns a bound buffer to userspace. */
    CHECK(qbuf_out(fd, 1, r2, 3000) == 0, "QBUF into r2");
    IOK(r2, MEDIA_REQUEST_IOC_REINIT, NULL);
    qb.index = 1;
    IOK(fd, VIDIOC_QUERYBUF, &qb);
    CHECK(!(qb.flags & V4L2_BUF_FLAG_IN_REQUEST), "REINIT unbinds the buffer");

    /* Closing a request fd with a bound buffer also frees the buffer. */
    CHECK(qbuf_out(fd, 1, r2, 3000) == 0, "QBUF into r2 again");
    ops->close(r2);
    IOK(fd, VIDIOC_QUERYBUF, &qb);
    CHECK(!(qb.flags & V4L2_BUF_FLAG_IN_REQUEST), "close unbinds the buffer");

    t = CAP;
    IOK(fd, VIDIOC_STREAMOFF, &t);
    ops->close(r1);
    ops->close(m);
}

/* A decode attempt whose inter frame names a missing reference: must complete with
 * V4L2_BUF_FLAG_ERROR (whatever the engine does with the garbage bitstream). */
static void test_decode_error_path(void)
{
    int fd = ops->open("/dev/video0", O_RDWR | O_NONBLOCK);
    int m = ops->open("/dev/media0", O_RDWR);
    int r = -1;
    CHECK(fd >= 0 && m >= 0, "open");
    IOK(m, MEDIA_IOC_REQUEST_ALLOC, &r);
    CHECK(setup_streaming(fd) == 0, "setup");
    struct v4l2_ctrl_vp9_frame fr;
    init_frame(&fr);
    fr.flags &= ~V4L2_VP9_FRAME_FLAG_KEY_FRAME;
    fr.last_frame_ts = fr.golden_frame_ts = fr.alt_frame_ts = 999000;
    CHECK(qbuf_out(fd, 0, r, 5000) == 0, "QBUF");
    CHECK(set_frame(fd, r, V4L2_CTRL_WHICH_REQUEST_VAL, &fr, VIDIOC_S_EXT_CTRLS, NULL) == 0,
          "ctrls");
    IOK(r, MEDIA_REQUEST_IOC_QUEUE, NULL);
    struct v4l2_plane cp[1];
    memset(cp, 0, sizeof(cp));
    struct v4l2_buffer cb = { .type = CAP, .index = 0, .memory = V4L2_MEMORY_MMAP, .length = 1,
                              .m.planes = cp };
    IOK(fd, VIDIOC_QBUF, &cb);
    IERR(fd, VIDIOC_DQBUF, &cb, EINVAL); /* not streaming */
    int t = OUT;
    IOK(fd, VIDIOC_STREAMON, &t);
    t = CAP;
    IOK(fd, VIDIOC_STREAMON, &t);
    struct pollfd pfd = { .fd = r, .events = POLLPRI };
    CHECK(ops->poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLPRI), "request completes");
    pfd = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
    CHECK(ops->poll(&pfd, 1, 1000) == 1 && (pfd.revents & (POLLIN | POLLOUT)) == (POLLIN | POLLOUT),
          "video fd POLLIN|POLLOUT (revents %x)", pfd.revents);
    memset(&cb, 0, sizeof(cb));
    cb.type = CAP;
    cb.memory = V4L2_MEMORY_MMAP;
    cb.length = 1;
    cb.m.planes = cp;
    IOK(fd, VIDIOC_DQBUF, &cb);
    CHECK(cb.flags & V4L2_BUF_FLAG_ERROR, "missing reference flags the CAPTURE buffer");
    CHECK(cb.timestamp.tv_usec == 5000 % 1000000 && cb.timestamp.tv_sec == 0,
          "timestamp copied OUTPUT -> CAPTURE");
    struct v4l2_buffer ob = { .type = OUT, .memory = V4L2_MEMORY_MMAP, .length = 1, .m.planes = cp };
    IOK(fd, VIDIOC_DQBUF, &ob);
    CHECK(ob.index == 0, "OUTPUT buffer done");
    IERR(fd, VIDIOC_DQBUF, &ob, EAGAIN);

    /* The completed request reports its control values. */
    memset(&fr, 0, sizeof(fr));
    CHECK(set_frame(fd, r, V4L2_CTRL_WHICH_REQUEST_VAL, &fr, VIDIOC_G_EXT_CTRLS, NULL) == 0 &&
              fr.last_frame_ts == 999000,
          "G_EXT_CTRLS of a completed request");
    IOK(r, MEDIA_REQUEST_IOC_REINIT, NULL);
    ops->close(r);
    ops->close(m);
    ops->close(fd); /* closes with streaming queues */
}

struct dq_arg {
    int fd;
    int ret;
    int err;
};

static void *dq_thread(void *p)
{
    struct dq_arg *a = p;
    struct v4l2_plane pl[1];
    struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP, .length = 1, .m.planes = pl };
    errno = 0;
    a->ret = ops->ioctl(a->fd, VIDIOC_DQBUF, &b);
    a->err = errno;
    return NULL;
}

/* A blocking DQBUF is woken by STREAMOFF (EINVAL) and by close() of the fd. */
static void test_blocking_dqbuf(void)
{
    for (int mode = 0; mode < 2; mode++) {
        int fd = ops->open("/dev/video0", O_RDWR);
        CHECK(fd >= 0 && setup_streaming(fd) == 0, "setup");
        struct v4l2_plane cp[1];
        memset(cp, 0, sizeof(cp));
        struct v4l2_buffer cb = { .type = CAP, .index = 0, .memory = V4L2_MEMORY_MMAP,
                                  .length = 1, .m.planes = cp };
        IOK(fd, VIDIOC_QBUF, &cb);
        int t = CAP;
        IOK(fd, VIDIOC_STREAMON, &t);
        struct dq_arg a = { .fd = fd };
        pthread_t th;
        pthread_create(&th, NULL, dq_thread, &a);
        struct timespec ts = { 0, 50 * 1000000L };
        nanosleep(&ts, NULL);
        if (mode == 0) {
            IOK(fd, VIDIOC_STREAMOFF, &t);
            pthread_join(th, NULL);
            CHECK(a.ret == -1 && a.err == EINVAL, "DQBUF woken by STREAMOFF: %d/%d", a.ret, a.err);
            ops->close(fd);
        } else {
            ops->close(fd);
            pthread_join(th, NULL);
            CHECK(a.ret == -1, "DQBUF woken by close: %d/%d", a.ret, a.err);
        }
    }
}

int main(void)
{
    ops = vareq_simdev_sysops();
    if (!ops || ops->abi_version != VAREQ_SYSOPS_ABI_VERSION || strcmp(ops->name, "simdev")) {
        fprintf(stderr, "FAIL: bad sysops table\n");
        return 1;
    }
    test_open();
    int fd = ops->open("/dev/video0", O_RDWR);
    CHECK(fd >= 0, "open video");
    test_caps_and_formats(fd);
    test_buffers(fd);
    test_controls(fd);
    test_topology();
    test_requests(fd);
    ops->close(fd);
    test_blocking_dqbuf();
    if (!getenv("SIMDEV_TEST_SKIP_DECODE"))
        test_decode_error_path();

    return check_exit("simdev-device");
}
