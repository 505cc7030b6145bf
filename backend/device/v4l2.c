/* V4L2 and media request helpers (through the seam). The only place that builds
 * v4l2_buffer and v4l2_format structures: every helper takes the queue's buffer type and
 * speaks the multi-planar API (V4L2_BUF_TYPE_VIDEO_*_MPLANE, planes[]) or the
 * single-planar one (V4L2_BUF_TYPE_VIDEO_OUTPUT/CAPTURE, m.offset, struct
 * v4l2_pix_format: cedrus) accordingly. Callers see formats as v4l2_pix_format_mplane. */
#include <errno.h>
#include <linux/media.h>
#include <string.h>
#include <sys/time.h>

#include "device/device.h"

int vq_ioctl(const struct vareq_sysops *ops, int fd, unsigned long req, void *arg)
{
    int r;
    do {
        r = ops->ioctl(fd, req, arg);
    } while (r < 0 && errno == EINTR);
    return r;
}

int vq_poll1(const struct vareq_sysops *ops, int fd, short events, int timeout_ms,
             short *revents)
{
    struct pollfd p = {.fd = fd, .events = events};
    int r;
    do {
        r = ops->poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    if (revents)
        *revents = r > 0 ? p.revents : 0;
    return r;
}

const char *vq_fourcc(uint32_t f, char buf[8])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0xff);
        buf[i] = (c >= 32 && c < 127) ? c : '?';
    }
    buf[4] = 0;
    return buf;
}

void vq_ns_to_timeval(uint64_t ns, struct timeval *tv)
{
    tv->tv_sec = (time_t)(ns / 1000000000ull);
    tv->tv_usec = (suseconds_t)((ns % 1000000000ull) / 1000ull);
}

uint64_t vq_timeval_to_ns(const struct timeval *tv)
{
    return (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000ull;
}

unsigned v4l2_enum_formats(const struct vareq_sysops *ops, int fd, uint32_t type,
                           uint32_t *out, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < 256 && n < max; i++) {
        struct v4l2_fmtdesc d;
        memset(&d, 0, sizeof(d));
        d.index = i;
        d.type = type;
        if (vq_ioctl(ops, fd, VIDIOC_ENUM_FMT, &d) < 0)
            break;
        out[n++] = d.pixelformat;
    }
    return n;
}

int v4l2_query_ctrl(const struct vareq_sysops *ops, int fd, uint32_t id,
                    struct v4l2_query_ext_ctrl *out)
{
    memset(out, 0, sizeof(*out));
    out->id = id;
    return vq_ioctl(ops, fd, VIDIOC_QUERY_EXT_CTRL, out);
}

int v4l2_reqbufs_caps(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned *count,
                      uint32_t *caps)
{
    struct v4l2_requestbuffers rb;
    memset(&rb, 0, sizeof(rb));
    rb.count = *count;
    rb.type = type;
    rb.memory = V4L2_MEMORY_MMAP;
    if (vq_ioctl(ops, fd, VIDIOC_REQBUFS, &rb) < 0)
        return -1;
    *count = rb.count;
    if (caps)
        *caps = rb.capabilities;
    return 0;
}

int v4l2_reqbufs(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned *count)
{
    return v4l2_reqbufs_caps(ops, fd, type, count, NULL);
}

/* b for an MMAP buffer of a queue of this type; on a multi-planar queue b.m.planes points
 * at planes, with room for every plane. */
static void mmap_buf_init(struct v4l2_buffer *b, struct v4l2_plane planes[VIDEO_MAX_PLANES],
                          uint32_t type, unsigned index)
{
    memset(b, 0, sizeof(*b));
    memset(planes, 0, sizeof(struct v4l2_plane) * VIDEO_MAX_PLANES);
    b->type = type;
    b->memory = V4L2_MEMORY_MMAP;
    b->index = index;
    if (V4L2_TYPE_IS_MULTIPLANAR(type)) {
        b->m.planes = planes;
        b->length = VIDEO_MAX_PLANES;
    }
}

int v4l2_querybuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                  uint32_t *offset, uint32_t *length)
{
    unsigned n = 1;
    return v4l2_querybuf_planes(ops, fd, type, index, &n, offset, length);
}

int v4l2_querybuf_planes(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                         unsigned *n_planes, uint32_t *offset, uint32_t *length)
{
    struct v4l2_buffer b;
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    mmap_buf_init(&b, planes, type, index);
    if (vq_ioctl(ops, fd, VIDIOC_QUERYBUF, &b) < 0)
        return -1;
    if (!V4L2_TYPE_IS_MULTIPLANAR(type)) {
        /* single-planar: one memory plane, its offset and length in the buffer itself */
        if (*n_planes < 1) {
            errno = EINVAL;
            return -1;
        }
        offset[0] = b.m.offset;
        length[0] = b.length;
        *n_planes = 1;
        return 0;
    }
    if (b.length < 1 || b.length > VIDEO_MAX_PLANES || b.length > *n_planes) {
        errno = EINVAL;
        return -1;
    }
    for (unsigned i = 0; i < b.length; i++) {
        offset[i] = planes[i].m.mem_offset;
        length[i] = planes[i].length;
    }
    *n_planes = b.length;
    return 0;
}

int v4l2_stream(const struct vareq_sysops *ops, int fd, uint32_t type, bool on)
{
    int t = (int)type;
    return vq_ioctl(ops, fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &t);
}

static int qbuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                unsigned n_planes, size_t bytesused, uint64_t ts_ns, int request_fd,
                uint32_t flags)
{
    struct v4l2_buffer b;
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    bool mp = V4L2_TYPE_IS_MULTIPLANAR(type);
    if (n_planes < 1 || n_planes > (mp ? VIDEO_MAX_PLANES : 1u)) {
        errno = EINVAL;
        return -1;
    }
    mmap_buf_init(&b, planes, type, index);
    if (mp) {
        b.length = n_planes;
        planes[0].bytesused = (uint32_t)bytesused;
    } else {
        b.bytesused = (uint32_t)bytesused;
    }
    vq_ns_to_timeval(ts_ns, &b.timestamp);
    b.flags = flags;
    if (request_fd >= 0) {
        b.flags |= V4L2_BUF_FLAG_REQUEST_FD;
        b.request_fd = request_fd;
    }
    return vq_ioctl(ops, fd, VIDIOC_QBUF, &b);
}

int v4l2_qbuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
              size_t bytesused, uint64_t ts_ns, int request_fd, uint32_t flags)
{
    return qbuf(ops, fd, type, index, 1, bytesused, ts_ns, request_fd, flags);
}

int v4l2_qbuf_planes(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                     unsigned n_planes, size_t bytesused, uint64_t ts_ns, int request_fd)
{
    return qbuf(ops, fd, type, index, n_planes, bytesused, ts_ns, request_fd, 0);
}

int v4l2_dqbuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned *index,
               uint32_t *flags, uint64_t *ts_ns)
{
    struct v4l2_buffer b;
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    mmap_buf_init(&b, planes, type, 0);
    if (vq_ioctl(ops, fd, VIDIOC_DQBUF, &b) < 0)
        return -1;
    *index = b.index;
    *flags = b.flags;
    if (ts_ns)
        *ts_ns = vq_timeval_to_ns(&b.timestamp);
    return 0;
}

int v4l2_expbuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                unsigned plane, int flags)
{
    struct v4l2_exportbuffer e;
    memset(&e, 0, sizeof(e));
    e.type = type;
    e.index = index;
    e.plane = plane;
    e.flags = (uint32_t)flags;
    if (vq_ioctl(ops, fd, VIDIOC_EXPBUF, &e) < 0)
        return -1;
    return e.fd;
}

uint32_t vq_queue_type(bool mplane, bool capture)
{
    if (mplane)
        return capture ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    return capture ? V4L2_BUF_TYPE_VIDEO_CAPTURE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
}

/* single-planar <-> one-plane multi-planar (the fields both have) */
static void pix_to_mp(const struct v4l2_pix_format *sp, struct v4l2_pix_format_mplane *mp)
{
    memset(mp, 0, sizeof(*mp));
    mp->width = sp->width;
    mp->height = sp->height;
    mp->pixelformat = sp->pixelformat;
    mp->field = sp->field;
    mp->colorspace = sp->colorspace;
    mp->num_planes = 1;
    mp->plane_fmt[0].bytesperline = sp->bytesperline;
    mp->plane_fmt[0].sizeimage = sp->sizeimage;
    mp->flags = (uint8_t)sp->flags;
    mp->ycbcr_enc = (uint8_t)sp->ycbcr_enc;
    mp->quantization = (uint8_t)sp->quantization;
    mp->xfer_func = (uint8_t)sp->xfer_func;
}

static void mp_to_pix(const struct v4l2_pix_format_mplane *mp, struct v4l2_pix_format *sp)
{
    memset(sp, 0, sizeof(*sp));
    sp->width = mp->width;
    sp->height = mp->height;
    sp->pixelformat = mp->pixelformat;
    sp->field = mp->field;
    sp->colorspace = mp->colorspace;
    sp->bytesperline = mp->plane_fmt[0].bytesperline;
    sp->sizeimage = mp->plane_fmt[0].sizeimage;
}

static int fmt_ioctl(const struct vareq_sysops *ops, int fd, unsigned long req, uint32_t type,
                     struct v4l2_pix_format_mplane *pix)
{
    struct v4l2_format f;
    memset(&f, 0, sizeof(f));
    f.type = type;
    if (req != VIDIOC_G_FMT) {
        if (V4L2_TYPE_IS_MULTIPLANAR(type))
            f.fmt.pix_mp = *pix;
        else if (pix->num_planes > 1) {
            errno = EINVAL; /* a multi-buffer format cannot be asked on this API */
            return -1;
        } else
            mp_to_pix(pix, &f.fmt.pix);
    }
    if (vq_ioctl(ops, fd, req, &f) < 0)
        return -1;
    if (V4L2_TYPE_IS_MULTIPLANAR(type))
        *pix = f.fmt.pix_mp;
    else
        pix_to_mp(&f.fmt.pix, pix);
    return 0;
}

int v4l2_s_fmt(const struct vareq_sysops *ops, int fd, uint32_t type,
               struct v4l2_pix_format_mplane *pix)
{
    return fmt_ioctl(ops, fd, VIDIOC_S_FMT, type, pix);
}

int v4l2_try_fmt(const struct vareq_sysops *ops, int fd, uint32_t type,
                 struct v4l2_pix_format_mplane *pix)
{
    return fmt_ioctl(ops, fd, VIDIOC_TRY_FMT, type, pix);
}

int v4l2_g_fmt(const struct vareq_sysops *ops, int fd, uint32_t type,
               struct v4l2_pix_format_mplane *pix)
{
    return fmt_ioctl(ops, fd, VIDIOC_G_FMT, type, pix);
}

int media_request_alloc(const struct vareq_sysops *ops, int media_fd)
{
    int req_fd = -1;
    if (vq_ioctl(ops, media_fd, MEDIA_IOC_REQUEST_ALLOC, &req_fd) < 0)
        return -1;
    return req_fd;
}

int media_request_queue(const struct vareq_sysops *ops, int req_fd)
{
    return vq_ioctl(ops, req_fd, MEDIA_REQUEST_IOC_QUEUE, NULL);
}
