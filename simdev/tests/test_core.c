/* simdev core tests against libvareq-simdev-test (the "simtest" codec of
 * sim_test_codec.c, generic profile): menu/integer controls, dynamic arrays, bit depth ->
 * P010, NV12M, DMABUF, PREPARE_BUF, CREATE_BUFS, HOLD_CAPTURE_BUF + DECODER_CMD FLUSH,
 * required controls. */
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/media.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "simtest_util.h"

const struct vareq_sysops *ops;
int failures;


static void test_formats_and_menus(int fd)
{
    struct v4l2_fmtdesc d = { .index = 0, .type = OUT };
    IOK(fd, VIDIOC_ENUM_FMT, &d);
    CHECK(d.pixelformat == STST, "simtest is the only codec");
    d.index = 1;
    IERR(fd, VIDIOC_ENUM_FMT, &d, EINVAL);

    struct v4l2_querymenu m = { .id = V4L2_CID_STATELESS_H264_START_CODE, .index = 0 };
    IERR(fd, VIDIOC_QUERYMENU, &m, EINVAL); /* skipped item */
    m.index = 1;
    IOK(fd, VIDIOC_QUERYMENU, &m);
    CHECK(!strcmp((char *)m.name, "Annex B Start Code"), "menu name %s", m.name);
    m.index = 2;
    IERR(fd, VIDIOC_QUERYMENU, &m, EINVAL);

    struct v4l2_query_ext_ctrl q = { .id = V4L2_CID_STATELESS_H264_START_CODE };
    IOK(fd, VIDIOC_QUERY_EXT_CTRL, &q);
    CHECK(q.type == V4L2_CTRL_TYPE_MENU && q.minimum == 0 && q.maximum == 1 &&
              q.default_value == 1 && !(q.flags & V4L2_CTRL_FLAG_HAS_PAYLOAD),
          "menu query");
    struct v4l2_control c = { .id = V4L2_CID_STATELESS_H264_START_CODE };
    IOK(fd, VIDIOC_G_CTRL, &c);
    CHECK(c.value == 1, "menu default %d", c.value);
    c.value = 0;
    IERR(fd, VIDIOC_S_CTRL, &c, EINVAL); /* skipped */
    c.value = 7;
    IERR(fd, VIDIOC_S_CTRL, &c, ERANGE); /* out of range: std_validate_elem -ERANGE */
    c = (struct v4l2_control){ .id = V4L2_CID_STATELESS_H264_DECODE_MODE, .value = 1 };
    IOK(fd, VIDIOC_S_CTRL, &c);
    c.value = -1;
    IOK(fd, VIDIOC_G_CTRL, &c);
    CHECK(c.value == 1, "menu set %d", c.value);

    /* INTEGER: rounded into range and step like ROUND_TO_RANGE. */
    c = (struct v4l2_control){ .id = V4L2_CID_MPEG_VIDEO_H264_I_PERIOD, .value = 44 };
    IOK(fd, VIDIOC_S_CTRL, &c);
    CHECK(c.value == 40, "integer rounded to the step: %d", c.value);
    c.value = 1000;
    IOK(fd, VIDIOC_S_CTRL, &c);
    CHECK(c.value == 100, "integer clamped: %d", c.value);
    c = (struct v4l2_control){ .id = V4L2_CID_STATELESS_HEVC_SPS };
    IERR(fd, VIDIOC_G_CTRL, &c, EINVAL); /* compound through G_CTRL */
}

static void test_dynamic_array(int fd)
{
    struct v4l2_query_ext_ctrl q = { .id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS };
    IOK(fd, VIDIOC_QUERY_EXT_CTRL, &q);
    CHECK((q.flags & V4L2_CTRL_FLAG_DYNAMIC_ARRAY) && (q.flags & V4L2_CTRL_FLAG_HAS_PAYLOAD) &&
              q.nr_of_dims == 1 && q.dims[0] == 16 && q.elems == 1 &&
              q.elem_size == sizeof(struct v4l2_ctrl_hevc_slice_params),
          "dynamic array query flags %x dims %u elems %u", q.flags, q.dims[0], q.elems);

    const size_t es = sizeof(struct v4l2_ctrl_hevc_slice_params);
    struct v4l2_ctrl_hevc_slice_params sl[17];
    memset(sl, 0, sizeof(sl));
    struct v4l2_ext_control c = { .id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS,
                                  .size = (uint32_t)(3 * es), .ptr = sl };
    struct v4l2_ext_controls cs = { .which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1,
                                    .controls = &c };
    IOK(fd, VIDIOC_S_EXT_CTRLS, &cs);
    q = (struct v4l2_query_ext_ctrl){ .id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS };
    IOK(fd, VIDIOC_QUERY_EXT_CTRL, &q);
    CHECK(q.elems == 3, "elems after setting 3: %u", q.elems);
    c.size = (uint32_t)es;
    IERR(fd, VIDIOC_G_EXT_CTRLS, &cs, ENOSPC);
    CHECK(c.size == 3 * es, "ENOSPC reports the needed size %u", c.size);
    c.size = (uint32_t)(17 * es);
    IOK(fd, VIDIOC_G_EXT_CTRLS, &cs);
    CHECK(c.size == 3 * es, "get returns 3 elements (%u)", c.size);
    c.size = (uint32_t)(17 * es);
    IERR(fd, VIDIOC_S_EXT_CTRLS, &cs, ENOSPC); /* more than dims[0] */
    c.size = 0;
    IERR(fd, VIDIOC_S_EXT_CTRLS, &cs, EFAULT);
    sl[1].slice_type = 5; /* validate() of element 1 */
    c.size = (uint32_t)(2 * es);
    IERR(fd, VIDIOC_TRY_EXT_CTRLS, &cs, EINVAL);
    CHECK(cs.error_idx == 0, "error_idx %u", cs.error_idx);
}

static const uint8_t bytes_a[] = { 10, 20, 30, 40, 50, 60, 70 };
static const uint8_t bytes_b[] = { 200, 201 };

static void test_nv12m_decode(void)
{
    int fd = ops->open("/dev/video0", O_RDWR);
    setup(fd, V4L2_PIX_FMT_NV12M, V4L2_MEMORY_MMAP, 1);
    struct v4l2_format g = { .type = CAP };
    IOK(fd, VIDIOC_G_FMT, &g);
    CHECK(g.fmt.pix_mp.pixelformat == V4L2_PIX_FMT_NV12M && g.fmt.pix_mp.num_planes == 2 &&
              g.fmt.pix_mp.plane_fmt[0].sizeimage == W * H &&
              g.fmt.pix_mp.plane_fmt[1].sizeimage == W * H / 2,
          "NV12M format");
    struct v4l2_plane pl[2];
    struct v4l2_buffer b = { .index = 0, .type = CAP, .memory = V4L2_MEMORY_MMAP,
                             .length = 1, .m.planes = pl };
    IERR(fd, VIDIOC_QUERYBUF, &b, EINVAL); /* room for 1 plane, buffer has 2 */
    b.length = 2;
    IOK(fd, VIDIOC_QUERYBUF, &b);
    CHECK(b.length == 2 && pl[0].m.mem_offset != pl[1].m.mem_offset &&
              pl[1].length == W * H / 2,
          "two planes with their own offsets");
    uint8_t *y = ops->mmap(NULL, pl[0].length, PROT_READ, MAP_SHARED, fd, pl[0].m.mem_offset);
    uint8_t *uv = ops->mmap(NULL, pl[1].length, PROT_READ, MAP_SHARED, fd, pl[1].m.mem_offset);
    CHECK(y != MAP_FAILED && uv != MAP_FAILED, "mmap planes");
    struct v4l2_exportbuffer e = { .type = CAP, .index = 0, .plane = 1 };
    IOK(fd, VIDIOC_EXPBUF, &e);
    close(e.fd);
    e.plane = 2;
    IERR(fd, VIDIOC_EXPBUF, &e, EINVAL);

    qbuf_cap(fd, 0);
    uint8_t *om = map_out(fd, 0);
    int req = submit(fd, 0, om, bytes_a, sizeof(bytes_a), 1000, false, 0, true);
    IOK(req, MEDIA_REQUEST_IOC_QUEUE, NULL);
    CHECK(wait_req(req) == 1, "request completes");
    struct v4l2_buffer cb;
    struct v4l2_plane cpl[2];
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &cb, cpl) == 0 && !(cb.flags & V4L2_BUF_FLAG_ERROR),
          "decoded into NV12M");
    CHECK(cpl[0].bytesused == W * H && cpl[1].bytesused == W * H / 2, "bytesused per plane");
    if (y != MAP_FAILED && uv != MAP_FAILED) {
        CHECK(y[2 * W + 3] == bytes_a[5] && y[0] == bytes_a[0], "luma from the bitstream");
        CHECK(uv[0] == 128 && uv[(H / 2 - 1) * W + W - 1] == 128, "chroma plane written");
    }
    dq_out(fd);
    ops->close(req);
    ops->close(fd);
}

static void test_p010(void)
{
    int fd = ops->open("/dev/video0", O_RDWR);
    struct v4l2_format f = { .type = OUT };
    f.fmt.pix_mp.pixelformat = STST;
    f.fmt.pix_mp.width = W;
    f.fmt.pix_mp.height = H;
    IOK(fd, VIDIOC_S_FMT, &f);
    set_sps(fd, -1, 1, EINVAL); /* 9-bit: not a depth this codec offers */
    set_sps(fd, -1, 2, 0);      /* 10-bit: CAPTURE becomes P010 */
    struct v4l2_fmtdesc d = { .index = 0, .type = CAP };
    IOK(fd, VIDIOC_ENUM_FMT, &d);
    CHECK(d.pixelformat == V4L2_PIX_FMT_P010, "10-bit offers P010");
    d.index = 1;
    IERR(fd, VIDIOC_ENUM_FMT, &d, EINVAL);
    struct v4l2_format g = { .type = CAP };
    IOK(fd, VIDIOC_G_FMT, &g);
    CHECK(g.fmt.pix_mp.pixelformat == V4L2_PIX_FMT_P010 &&
              g.fmt.pix_mp.plane_fmt[0].bytesperline == 2 * W &&
              g.fmt.pix_mp.plane_fmt[0].sizeimage == 2 * W * H * 3 / 2,
          "P010 format bpl %u", g.fmt.pix_mp.plane_fmt[0].bytesperline);
    struct v4l2_requestbuffers rb = { .count = 1, .type = CAP, .memory = V4L2_MEMORY_MMAP };
    IOK(fd, VIDIOC_REQBUFS, &rb);
    set_sps(fd, -1, 0, EBUSY); /* depth change while CAPTURE has buffers */
    rb = (struct v4l2_requestbuffers){ .count = 2, .type = OUT, .memory = V4L2_MEMORY_MMAP };
    IOK(fd, VIDIOC_REQBUFS, &rb);
    int t = OUT;
    IOK(fd, VIDIOC_STREAMON, &t);
    t = CAP;
    IOK(fd, VIDIOC_STREAMON, &t);
    struct v4l2_plane pl[2];
    struct v4l2_buffer b = { .index = 0, .type = CAP, .memory = V4L2_MEMORY_MMAP,
                             .length = 1, .m.planes = pl };
    IOK(fd, VIDIOC_QUERYBUF, &b);
    uint8_t *m = ops->mmap(NULL, pl[0].length, PROT_READ, MAP_SHARED, fd, pl[0].m.mem_offset);
    qbuf_cap(fd, 0);
    uint8_t *om = map_out(fd, 0);
    int req = -1;
    IOK(media_fd, MEDIA_IOC_REQUEST_ALLOC, &req);
    memcpy(om, bytes_a, sizeof(bytes_a));
    set_sps(fd, req, 2, 0);
    set_slices(fd, req, 1, 0);
    struct v4l2_plane opl[1] = { { .bytesused = sizeof(bytes_a) } };
    struct v4l2_buffer ob = { .index = 0, .type = OUT, .memory = V4L2_MEMORY_MMAP, .length = 1,
                              .m.planes = opl, .request_fd = req,
                              .flags = V4L2_BUF_FLAG_REQUEST_FD };
    IOK(fd, VIDIOC_QBUF, &ob);
    IOK(req, MEDIA_REQUEST_IOC_QUEUE, NULL);
    CHECK(wait_req(req) == 1, "P010 request completes");
    struct v4l2_buffer cb;
    struct v4l2_plane cpl[2];
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &cb, cpl) == 0 && !(cb.flags & V4L2_BUF_FLAG_ERROR),
          "P010 decode");
    if (m != MAP_FAILED) {
        /* sample (1, 0) = bytes_a[1] << 8, little endian */
        CHECK(m[2] == 0 && m[3] == bytes_a[1], "P010 luma sample %02x %02x", m[2], m[3]);
        size_t uv = (size_t)2 * W * H;
        CHECK(m[uv] == 0 && m[uv + 1] == 128, "P010 chroma sample");
    }
    ops->close(req);
    ops->close(fd);
}

static void test_dmabuf_prepare(void)
{
    int fd = ops->open("/dev/video0", O_RDWR);
    setup(fd, V4L2_PIX_FMT_NV12, V4L2_MEMORY_DMABUF, 2);
    struct v4l2_format g = { .type = CAP };
    IOK(fd, VIDIOC_G_FMT, &g);
    size_t size = g.fmt.pix_mp.plane_fmt[0].sizeimage;
    int small = memfd_create("small", MFD_CLOEXEC), good = memfd_create("dmabuf", MFD_CLOEXEC);
    CHECK(ftruncate(small, 16) == 0 && ftruncate(good, (off_t)size) == 0, "memfds");

    struct v4l2_plane pl[2] = { { .m.fd = small } };
    struct v4l2_buffer b = { .index = 0, .type = CAP, .memory = V4L2_MEMORY_DMABUF,
                             .length = 1, .m.planes = pl };
    IERR(fd, VIDIOC_QBUF, &b, EINVAL); /* smaller than sizeimage */
    b.memory = V4L2_MEMORY_MMAP;
    pl[0].m.fd = good;
    IERR(fd, VIDIOC_QBUF, &b, EINVAL); /* memory type of the queue is DMABUF */
    struct v4l2_exportbuffer e = { .type = CAP, .index = 0 };
    IERR(fd, VIDIOC_EXPBUF, &e, EINVAL);
    struct v4l2_create_buffers cr = { .count = 1, .memory = V4L2_MEMORY_MMAP };
    cr.format.type = CAP;
    IERR(fd, VIDIOC_CREATE_BUFS, &cr, EINVAL); /* vb2_create_bufs: num_planes 0 */
    IOK(fd, VIDIOC_G_FMT, &cr.format);
    IERR(fd, VIDIOC_CREATE_BUFS, &cr, EINVAL); /* other memory type than the queue */
    cr.memory = V4L2_MEMORY_DMABUF;
    IOK(fd, VIDIOC_CREATE_BUFS, &cr);
    CHECK(cr.index == 2 && cr.count == 1, "CREATE_BUFS appends index %u", cr.index);

    /* PREPARE_BUF, then QBUF. */
    b = (struct v4l2_buffer){ .index = 0, .type = CAP, .memory = V4L2_MEMORY_DMABUF,
                              .length = 1, .m.planes = pl };
    pl[0].m.fd = good;
    IOK(fd, VIDIOC_PREPARE_BUF, &b);
    CHECK(b.flags & V4L2_BUF_FLAG_PREPARED, "PREPARED flag");
    IERR(fd, VIDIOC_PREPARE_BUF, &b, EINVAL); /* already prepared */
    IOK(fd, VIDIOC_QBUF, &b);

    uint8_t *om = map_out(fd, 0);
    int req = submit(fd, 0, om, bytes_b, sizeof(bytes_b), 5000, false, 0, true);
    IOK(req, MEDIA_REQUEST_IOC_QUEUE, NULL);
    CHECK(wait_req(req) == 1, "DMABUF request completes");
    struct v4l2_buffer cb;
    struct v4l2_plane cpl[2];
    CHECK(dq_cap(fd, V4L2_MEMORY_DMABUF, &cb, cpl) == 0 && !(cb.flags & V4L2_BUF_FLAG_ERROR) &&
              cpl[0].m.fd == good,
          "decoded into the client's dmabuf");
    uint8_t *m = mmap(NULL, size, PROT_READ, MAP_SHARED, good, 0);
    CHECK(m != MAP_FAILED && m[0] == bytes_b[0] && m[1] == bytes_b[1] && m[W] == bytes_b[1] &&
              m[(size_t)W * H] == 128,
          "dmabuf content");
    if (m != MAP_FAILED)
        munmap(m, size);
    ops->close(req);
    ops->close(fd);
    close(small);
    close(good);
}

static void test_hold_and_flush(void)
{
    int fd = ops->open("/dev/video0", O_RDWR | O_NONBLOCK);
    setup(fd, V4L2_PIX_FMT_NV12, V4L2_MEMORY_MMAP, 2);
    struct v4l2_requestbuffers rb = { .count = 0, .type = OUT, .memory = V4L2_MEMORY_MMAP };
    int t = OUT;
    IOK(fd, VIDIOC_STREAMOFF, &t);
    rb.count = 3;
    IOK(fd, VIDIOC_REQBUFS, &rb);
    CHECK(rb.capabilities & V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF, "HOLD offered");
    IOK(fd, VIDIOC_STREAMON, &t);
    struct v4l2_plane cp[2];
    struct v4l2_buffer b = { .index = 0, .type = CAP, .memory = V4L2_MEMORY_MMAP,
                             .length = 1, .m.planes = cp };
    IOK(fd, VIDIOC_QUERYBUF, &b);
    uint8_t *m0 = ops->mmap(NULL, cp[0].length, PROT_READ, MAP_SHARED, fd, cp[0].m.mem_offset);
    qbuf_cap(fd, 0);
    qbuf_cap(fd, 1);
    uint8_t *om[3] = { map_out(fd, 0), map_out(fd, 1), map_out(fd, 2) };

    /* Slice 1 (rows 0..), then slice 2 (rows 16..) of the frame with timestamp 1000. */
    int r1 = submit(fd, 0, om[0], bytes_a, sizeof(bytes_a), 1000, true, 0, true);
    IOK(r1, MEDIA_REQUEST_IOC_QUEUE, NULL);
    CHECK(wait_req(r1) == 1, "slice 1 done");
    struct v4l2_buffer cb;
    struct v4l2_plane cpl[2];
    errno = 0;
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &cb, cpl) == -1 && errno == EAGAIN,
          "CAPTURE held after slice 1");
    int r2 = submit(fd, 1, om[1], bytes_b, sizeof(bytes_b), 1000, true, 16, true);
    IOK(r2, MEDIA_REQUEST_IOC_QUEUE, NULL);
    CHECK(wait_req(r2) == 1, "slice 2 done");
    errno = 0;
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &cb, cpl) == -1 && errno == EAGAIN,
          "CAPTURE still held after slice 2");
    /* A new timestamp releases the held buffer; the new frame goes to buffer 1. */
    int r3 = submit(fd, 2, om[2], bytes_b, sizeof(bytes_b), 2000, true, 0, true);
    IOK(r3, MEDIA_REQUEST_IOC_QUEUE, NULL);
    CHECK(wait_req(r3) == 1, "frame 2 done");
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &cb, cpl) == 0 && cb.index == 0 &&
              !(cb.flags & V4L2_BUF_FLAG_ERROR) && cb.timestamp.tv_usec == 1000,
          "frame 1 released by the next timestamp (index %u)", cb.index);
    if (m0 != MAP_FAILED) {
        CHECK(m0[0] == bytes_a[0] && m0[15 * W + 1] == bytes_a[16 % sizeof(bytes_a)],
              "rows of slice 1 kept");
        CHECK(m0[16 * W] == bytes_b[0] && m0[16 * W + 1] == bytes_b[1], "rows of slice 2");
    }
    errno = 0;
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &cb, cpl) == -1 && errno == EAGAIN, "frame 2 held");
    struct v4l2_decoder_cmd dc = { .cmd = V4L2_DEC_CMD_STOP };
    IERR(fd, VIDIOC_TRY_DECODER_CMD, &dc, EINVAL);
    dc = (struct v4l2_decoder_cmd){ .cmd = V4L2_DEC_CMD_FLUSH, .flags = 3 };
    IOK(fd, VIDIOC_DECODER_CMD, &dc);
    CHECK(dc.flags == 0, "flags cleared");
    CHECK(dq_cap(fd, V4L2_MEMORY_MMAP, &cb, cpl) == 0 && cb.index == 1, "FLUSH releases frame 2");
    ops->close(r1);
    ops->close(r2);
    ops->close(r3);
    ops->close(fd);
}

static void test_priority_and_events(void)
{
    int a = ops->open("/dev/video0", O_RDWR), b = ops->open("/dev/video0", O_RDWR);
    uint32_t prio = 0;
    IOK(a, VIDIOC_G_PRIORITY, &prio);
    CHECK(prio == V4L2_PRIORITY_DEFAULT, "default priority %u", prio);
    prio = V4L2_PRIORITY_RECORD;
    IOK(a, VIDIOC_S_PRIORITY, &prio);
    prio = 0;
    IOK(b, VIDIOC_G_PRIORITY, &prio);
    CHECK(prio == V4L2_PRIORITY_RECORD, "G_PRIORITY is the maximum (%u)", prio);
    struct v4l2_format f = { .type = OUT };
    IOK(b, VIDIOC_G_FMT, &f);
    IERR(b, VIDIOC_S_FMT, &f, EBUSY); /* another handle records */
    prio = V4L2_PRIORITY_RECORD;
    IERR(b, VIDIOC_S_PRIORITY, &prio, EBUSY);
    IOK(a, VIDIOC_S_FMT, &f);
    prio = 7;
    IERR(a, VIDIOC_S_PRIORITY, &prio, EINVAL);
    ops->close(a); /* its RECORD priority goes with it */
    IOK(b, VIDIOC_S_FMT, &f);

    struct v4l2_event ev;
    IERR(b, VIDIOC_DQEVENT, &ev, ENOENT);
    struct v4l2_event_subscription sub = { .type = V4L2_EVENT_CTRL, .id = 0x12345678 };
    IERR(b, VIDIOC_SUBSCRIBE_EVENT, &sub, EINVAL);
    sub = (struct v4l2_event_subscription){ .type = V4L2_EVENT_SOURCE_CHANGE };
    IERR(b, VIDIOC_SUBSCRIBE_EVENT, &sub, EINVAL);
    sub = (struct v4l2_event_subscription){ .type = V4L2_EVENT_CTRL,
                                            .id = V4L2_CID_STATELESS_H264_START_CODE,
                                            .flags = V4L2_EVENT_SUB_FL_SEND_INITIAL |
                                                     V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK };
    IOK(b, VIDIOC_SUBSCRIBE_EVENT, &sub);
    struct pollfd p = { .fd = b, .events = POLLPRI };
    CHECK(ops->poll(&p, 1, 0) == 1 && (p.revents & POLLPRI), "POLLPRI with an event pending");
    IOK(b, VIDIOC_DQEVENT, &ev);
    CHECK(ev.type == V4L2_EVENT_CTRL && ev.id == V4L2_CID_STATELESS_H264_START_CODE &&
              ev.u.ctrl.value == 1 && ev.u.ctrl.maximum == 1 &&
              (ev.u.ctrl.changes & V4L2_EVENT_CTRL_CH_VALUE) && ev.pending == 0,
          "initial control event");
    struct v4l2_control c = { .id = V4L2_CID_STATELESS_H264_START_CODE, .value = 1 };
    IOK(b, VIDIOC_S_CTRL, &c);
    IOK(b, VIDIOC_DQEVENT, &ev);
    CHECK(ev.sequence == 1, "value change event (feedback) sequence %u", ev.sequence);
    sub.type = V4L2_EVENT_ALL;
    IOK(b, VIDIOC_UNSUBSCRIBE_EVENT, &sub);
    IOK(b, VIDIOC_S_CTRL, &c);
    IERR(b, VIDIOC_DQEVENT, &ev, ENOENT);
    ops->close(b);
}

/* The reader-fence model of exported buffers (fences.h): an exported CAPTURE buffer is
 * not writable (POLLOUT) while a read fence imported with DMA_BUF_IOCTL_IMPORT_SYNC_FILE
 * is unsignalled, as dma_buf_poll() does. */
static void test_export_fences(void)
{
    int fd = ops->open("/dev/video0", O_RDWR);
    setup(fd, V4L2_PIX_FMT_NV12, V4L2_MEMORY_MMAP, 1);
    struct v4l2_exportbuffer e = { .type = CAP, .index = 0, .flags = O_RDWR };
    IOK(fd, VIDIOC_EXPBUF, &e);
    struct pollfd p = { .fd = e.fd, .events = POLLOUT | POLLIN };
    CHECK(ops->poll(&p, 1, 0) == 1 && (p.revents & POLLOUT), "idle export is writable");
    int reader = eventfd(0, EFD_CLOEXEC), writer = eventfd(0, EFD_CLOEXEC);
    struct dma_buf_import_sync_file imp = { .flags = 0, .fd = reader };
    IERR(e.fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp, EINVAL);
    imp.flags = DMA_BUF_SYNC_READ;
    IOK(e.fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp);
    p = (struct pollfd){ .fd = e.fd, .events = POLLOUT };
    CHECK(ops->poll(&p, 1, 50) == 0, "a reader holds it: no POLLOUT");
    p = (struct pollfd){ .fd = e.fd, .events = POLLIN };
    CHECK(ops->poll(&p, 1, 0) == 1, "readers do not block reading (POLLIN)");
    uint64_t one = 1;
    CHECK(write(reader, &one, sizeof(one)) == sizeof(one), "signal the read fence");
    p = (struct pollfd){ .fd = e.fd, .events = POLLOUT };
    CHECK(ops->poll(&p, 1, 100) == 1 && (p.revents & POLLOUT), "writable after the reader");
    imp = (struct dma_buf_import_sync_file){ .flags = DMA_BUF_SYNC_WRITE, .fd = writer };
    IOK(e.fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp);
    p = (struct pollfd){ .fd = e.fd, .events = POLLIN };
    CHECK(ops->poll(&p, 1, 20) == 0, "a writer blocks POLLIN");
    int other = eventfd(0, EFD_CLOEXEC);
    errno = 0;
    CHECK(ops->ioctl(other, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp) == -1 && errno == ENOTTY,
          "not an exported buffer: the kernel's answer");
    close(other);
    close(reader);
    close(writer);
    close(e.fd);
    ops->close(fd);
}

static void test_required(void)
{
    int fd = ops->open("/dev/video0", O_RDWR);
    setup(fd, V4L2_PIX_FMT_NV12, V4L2_MEMORY_MMAP, 1);
    qbuf_cap(fd, 0);
    uint8_t *om = map_out(fd, 0);
    int req = submit(fd, 0, om, bytes_a, sizeof(bytes_a), 1000, false, 0, false);
    IERR(req, MEDIA_REQUEST_IOC_QUEUE, NULL, ENOENT); /* SPS is SIM_CTRL_REQUIRED */
    set_sps(fd, req, 0, 0);
    IOK(req, MEDIA_REQUEST_IOC_QUEUE, NULL);
    CHECK(wait_req(req) == 1, "completes with the SPS");
    ops->close(req);
    ops->close(fd);
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
    int fd = ops->open("/dev/video0", O_RDWR);
    CHECK(fd >= 0, "open video");
    test_formats_and_menus(fd);
    test_dynamic_array(fd);
    ops->close(fd);
    test_nv12m_decode();
    test_p010();
    test_dmabuf_prepare();
    test_hold_and_flush();
    test_required();
    test_priority_and_events();
    test_export_fences();
    ops->close(media_fd);
    return check_exit("simdev-core");
}
