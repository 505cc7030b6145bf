/* Helpers of the tests that run the "simtest" codec (sim_test_codec.c). */
#include "simtest_util.h"

#include <fcntl.h>
#include <linux/media.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>

int media_fd = -1;

void set_sps(int fd, int req_fd, unsigned depth_minus8, int expect_errno)
{
    struct v4l2_ctrl_hevc_sps sps;
    memset(&sps, 0, sizeof(sps));
    sps.pic_width_in_luma_samples = W;
    sps.pic_height_in_luma_samples = H;
    sps.chroma_format_idc = 1;
    sps.bit_depth_luma_minus8 = (uint8_t)depth_minus8;
    sps.bit_depth_chroma_minus8 = (uint8_t)depth_minus8;
    struct v4l2_ext_control c = { .id = V4L2_CID_STATELESS_HEVC_SPS, .size = sizeof(sps),
                                  .ptr = &sps };
    struct v4l2_ext_controls cs = { .which = req_fd >= 0 ? V4L2_CTRL_WHICH_REQUEST_VAL
                                                        : V4L2_CTRL_WHICH_CUR_VAL,
                                    .request_fd = req_fd, .count = 1, .controls = &c };
    if (expect_errno)
        IERR(fd, VIDIOC_S_EXT_CTRLS, &cs, expect_errno);
    else
        IOK(fd, VIDIOC_S_EXT_CTRLS, &cs);
}

void set_slices(int fd, int req_fd, unsigned n, uint32_t first_row)
{
    struct v4l2_ctrl_hevc_slice_params sl[16];
    memset(sl, 0, sizeof(sl));
    sl[0].slice_segment_addr = first_row;
    struct v4l2_ext_control c = { .id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS,
                                  .size = (uint32_t)(n * sizeof(sl[0])), .ptr = sl };
    struct v4l2_ext_controls cs = { .which = V4L2_CTRL_WHICH_REQUEST_VAL,
                                    .request_fd = req_fd, .count = 1, .controls = &c };
    IOK(fd, VIDIOC_S_EXT_CTRLS, &cs);
}

int setup(int fd, uint32_t cap_fourcc, uint32_t cap_memory, unsigned ncap)
{
    struct v4l2_format f = { .type = OUT };
    f.fmt.pix_mp.pixelformat = STST;
    f.fmt.pix_mp.width = W;
    f.fmt.pix_mp.height = H;
    IOK(fd, VIDIOC_S_FMT, &f);
    struct v4l2_format g = { .type = CAP };
    g.fmt.pix_mp.pixelformat = cap_fourcc;
    IOK(fd, VIDIOC_S_FMT, &g);
    struct v4l2_requestbuffers rb = { .count = 2, .type = OUT, .memory = V4L2_MEMORY_MMAP };
    IOK(fd, VIDIOC_REQBUFS, &rb);
    rb = (struct v4l2_requestbuffers){ .count = ncap, .type = CAP, .memory = cap_memory };
    IOK(fd, VIDIOC_REQBUFS, &rb);
    int t = OUT;
    IOK(fd, VIDIOC_STREAMON, &t);
    t = CAP;
    IOK(fd, VIDIOC_STREAMON, &t);
    return 0;
}

uint8_t *map_out(int fd, unsigned index)
{
    struct v4l2_plane pl[1];
    struct v4l2_buffer b = { .index = index, .type = OUT, .memory = V4L2_MEMORY_MMAP,
                             .length = 1, .m.planes = pl };
    IOK(fd, VIDIOC_QUERYBUF, &b);
    void *p = ops->mmap(NULL, pl[0].length, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                        pl[0].m.mem_offset);
    CHECK(p != MAP_FAILED, "mmap OUTPUT");
    return p == MAP_FAILED ? NULL : p;
}

/* Queues OUTPUT buffer index with the given bytes as one request; returns the request fd. */
int submit(int fd, unsigned index, uint8_t *map, const uint8_t *bytes, size_t n,
                  uint64_t ts_us, bool hold, uint32_t first_row, bool with_sps)
{
    int req = -1;
    IOK(media_fd, MEDIA_IOC_REQUEST_ALLOC, &req);
    if (map)
        memcpy(map, bytes, n);
    if (with_sps)
        set_sps(fd, req, 0, 0);
    set_slices(fd, req, 1, first_row);
    struct v4l2_plane pl[1] = { { .bytesused = (uint32_t)n } };
    struct v4l2_buffer b = { .index = index, .type = OUT, .memory = V4L2_MEMORY_MMAP,
                             .length = 1, .m.planes = pl, .request_fd = req,
                             .flags = V4L2_BUF_FLAG_REQUEST_FD |
                                      (hold ? V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF : 0) };
    b.timestamp.tv_sec = (time_t)(ts_us / 1000000);
    b.timestamp.tv_usec = (suseconds_t)(ts_us % 1000000);
    IOK(fd, VIDIOC_QBUF, &b);
    return req;
}

int wait_req(int req)
{
    struct pollfd p = { .fd = req, .events = POLLPRI };
    return ops->poll(&p, 1, 5000);
}

void dq_out(int fd)
{
    struct v4l2_plane pl[1];
    struct v4l2_buffer b = { .type = OUT, .memory = V4L2_MEMORY_MMAP, .length = 1,
                             .m.planes = pl };
    IOK(fd, VIDIOC_DQBUF, &b);
}

int dq_cap(int fd, uint32_t memory, struct v4l2_buffer *b, struct v4l2_plane *pl)
{
    *b = (struct v4l2_buffer){ .type = CAP, .memory = memory, .length = 2, .m.planes = pl };
    return ops->ioctl(fd, VIDIOC_DQBUF, b);
}

void qbuf_cap(int fd, unsigned index)
{
    struct v4l2_plane pl[2];
    memset(pl, 0, sizeof(pl));
    struct v4l2_buffer b = { .index = index, .type = CAP, .memory = V4L2_MEMORY_MMAP,
                             .length = 2, .m.planes = pl };
    IOK(fd, VIDIOC_QBUF, &b);
}

