/* The single-planar API of profiles whose driver uses it (cedrus: V4L2_CAP_VIDEO_M2M,
 * V4L2_BUF_TYPE_VIDEO_OUTPUT/CAPTURE, struct v4l2_pix_format, v4l2_buffer.m.offset/fd).
 * simdev's queues and formats are multi-planar inside; this file translates the ioctl
 * arguments both ways, like the kernel's v4l2-ioctl.c does for a single-planar driver
 * seen from userspace. Lock held. */
#include <errno.h>
#include <string.h>

#include "context.h"

static bool sp_type(uint32_t type, uint32_t *mp)
{
    if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT) {
        *mp = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
        return true;
    }
    if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE) {
        *mp = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
        return true;
    }
    return false;
}

static void pix_to_mp(const struct v4l2_pix_format *p, struct v4l2_pix_format_mplane *m)
{
    memset(m, 0, sizeof(*m));
    m->width = p->width;
    m->height = p->height;
    m->pixelformat = p->pixelformat;
    m->field = p->field;
    m->colorspace = p->colorspace;
    m->ycbcr_enc = p->ycbcr_enc;
    m->quantization = p->quantization;
    m->xfer_func = p->xfer_func;
    m->num_planes = 1;
    m->plane_fmt[0].bytesperline = p->bytesperline;
    m->plane_fmt[0].sizeimage = p->sizeimage;
}

static void mp_to_pix(const struct v4l2_pix_format_mplane *m, struct v4l2_pix_format *p)
{
    memset(p, 0, sizeof(*p));
    p->width = m->width;
    p->height = m->height;
    p->pixelformat = m->pixelformat;
    p->field = m->field;
    p->bytesperline = m->plane_fmt[0].bytesperline;
    p->sizeimage = m->plane_fmt[0].sizeimage;
    p->colorspace = m->colorspace;
    p->priv = V4L2_PIX_FMT_PRIV_MAGIC; /* v4l_g_fmt() with EXT_PIX_FORMAT */
    p->ycbcr_enc = m->ycbcr_enc;
    p->quantization = m->quantization;
    p->xfer_func = m->xfer_func;
}

static int fmt_ioctl(struct sim_ctx *ctx, unsigned long cmd, struct v4l2_format *f)
{
    uint32_t mp;
    if (!sp_type(f->type, &mp))
        return -EINVAL;
    struct v4l2_format m;
    memset(&m, 0, sizeof(m));
    m.type = mp;
    pix_to_mp(&f->fmt.pix, &m.fmt.pix_mp);
    int ret = sim_video_ioctl_mp(ctx, cmd, &m);
    if (ret)
        return ret;
    mp_to_pix(&m.fmt.pix_mp, &f->fmt.pix);
    return 0;
}

/* v4l2_buffer (single-planar) <-> (multi-planar, one plane). */
static int buf_ioctl(struct sim_ctx *ctx, unsigned long cmd, struct v4l2_buffer *b)
{
    uint32_t mp;
    if (!sp_type(b->type, &mp))
        return -EINVAL;
    struct v4l2_plane pl;
    memset(&pl, 0, sizeof(pl));
    pl.bytesused = b->bytesused;
    pl.length = b->length;
    if (b->memory == V4L2_MEMORY_DMABUF)
        pl.m.fd = b->m.fd;
    else
        pl.m.mem_offset = b->m.offset;
    struct v4l2_buffer m = *b;
    m.type = mp;
    m.length = 1;
    m.m.planes = &pl;
    int ret = sim_video_ioctl_mp(ctx, cmd, &m);
    if (ret)
        return ret;
    uint32_t type = b->type;
    *b = m;
    b->type = type;
    b->bytesused = pl.bytesused;
    b->length = pl.length;
    if (m.memory == V4L2_MEMORY_DMABUF)
        b->m.fd = pl.m.fd;
    else
        b->m.offset = pl.m.mem_offset;
    return 0;
}

int sim_video_ioctl_sp(struct sim_ctx *ctx, unsigned long cmd, void *arg)
{
    uint32_t mp;
    switch (cmd) {
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *d = arg;
        uint32_t type = d->type;
        if (!sp_type(type, &mp))
            return -EINVAL;
        d->type = mp;
        int ret = sim_video_ioctl_mp(ctx, cmd, d);
        d->type = type;
        return ret;
    }
    case VIDIOC_G_FMT:
    case VIDIOC_S_FMT:
    case VIDIOC_TRY_FMT:
        return fmt_ioctl(ctx, cmd, arg);
    case VIDIOC_REQBUFS: {
        struct v4l2_requestbuffers *rb = arg;
        uint32_t type = rb->type;
        if (!sp_type(type, &mp))
            return -EINVAL;
        rb->type = mp;
        int ret = sim_video_ioctl_mp(ctx, cmd, rb);
        rb->type = type;
        return ret;
    }
    case VIDIOC_CREATE_BUFS: {
        struct v4l2_create_buffers *cb = arg;
        uint32_t type = cb->format.type;
        if (!sp_type(type, &mp))
            return -EINVAL;
        struct v4l2_pix_format pix = cb->format.fmt.pix;
        cb->format.type = mp;
        pix_to_mp(&pix, &cb->format.fmt.pix_mp);
        int ret = sim_video_ioctl_mp(ctx, cmd, cb);
        struct v4l2_pix_format_mplane m = cb->format.fmt.pix_mp;
        cb->format.type = type;
        mp_to_pix(&m, &cb->format.fmt.pix);
        return ret;
    }
    case VIDIOC_QUERYBUF:
    case VIDIOC_QBUF:
    case VIDIOC_DQBUF:
    case VIDIOC_PREPARE_BUF:
        return buf_ioctl(ctx, cmd, arg);
    case VIDIOC_EXPBUF: {
        struct v4l2_exportbuffer *e = arg;
        uint32_t type = e->type;
        if (!sp_type(type, &mp))
            return -EINVAL;
        e->type = mp;
        int ret = sim_video_ioctl_mp(ctx, cmd, e);
        e->type = type;
        return ret;
    }
    case VIDIOC_STREAMON:
    case VIDIOC_STREAMOFF: {
        int type = *(int *)arg;
        if (!sp_type((uint32_t)type, &mp))
            return -EINVAL;
        int t = (int)mp;
        return sim_video_ioctl_mp(ctx, cmd, &t);
    }
    default:
        return sim_video_ioctl_mp(ctx, cmd, arg);
    }
}
