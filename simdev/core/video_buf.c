/* Video node buffer ioctls (model of videobuf2 + v4l2-mem2mem). Lock held. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "device.h"
#include "format.h"
#include "log.h"
#include "request.h"

static int reqbufs(struct sim_ctx *ctx, struct v4l2_requestbuffers *rb)
{
    struct sim_queue *q = sim_ctx_queue(ctx, rb->type);
    if (!q)
        return -EINVAL;
    if (rb->memory != V4L2_MEMORY_MMAP)
        return -EINVAL;
    if (q->streaming)
        return -EBUSY;

    rb->capabilities = sim_queue_caps(q);
    rb->flags = 0;
    memset(rb->reserved, 0, sizeof(rb->reserved));

    if (q->count > 0) {
        sim_ctx_cancel_queue(ctx, q);
        sim_queue_free_all(q);
    }
    if (rb->count == 0)
        return 0;

    unsigned count = rb->count > SIM_MAX_BUFFERS ? SIM_MAX_BUFFERS : rb->count;
    int n = sim_queue_alloc(q, count, q->fmt.plane_fmt[0].sizeimage);
    if (n < 0)
        return n;
    rb->count = (unsigned)n;
    return 0;
}

static int create_bufs(struct sim_ctx *ctx, struct v4l2_create_buffers *cb)
{
    struct sim_queue *q = sim_ctx_queue(ctx, cb->format.type);
    if (!q)
        return -EINVAL;
    if (cb->memory != V4L2_MEMORY_MMAP)
        return -EINVAL;
    cb->capabilities = sim_queue_caps(q);
    cb->flags = 0;
    cb->index = q->count;
    if (cb->count == 0)
        return 0;
    if (q->count >= SIM_MAX_BUFFERS)
        return -ENOBUFS;

    const struct v4l2_pix_format_mplane *pix = &cb->format.fmt.pix_mp;
    size_t size = q->fmt.plane_fmt[0].sizeimage;
    if (pix->num_planes > 0) {
        if (pix->num_planes != 1 || pix->plane_fmt[0].sizeimage < size)
            return -EINVAL; /* like the drivers' queue_setup */
        size = pix->plane_fmt[0].sizeimage;
        if (size > SIM_MAX_CODED_SIZE && sim_fmt_is_output(q->type))
            return -EINVAL;
    }
    unsigned count = cb->count;
    if (count > SIM_MAX_BUFFERS - q->count)
        count = SIM_MAX_BUFFERS - q->count;
    int n = sim_queue_alloc(q, count, size);
    if (n < 0)
        return n;
    cb->count = (unsigned)n;
    return 0;
}

/* Common checks of a v4l2_buffer argument. */
static int check_buffer_arg(struct sim_ctx *ctx, struct v4l2_buffer *b, struct sim_queue **qp,
                            struct sim_buffer **bp)
{
    struct sim_queue *q = sim_ctx_queue(ctx, b->type);
    if (!q)
        return -EINVAL;
    if (!b->m.planes)
        return -EFAULT;
    if (b->length < 1 || b->length > VIDEO_MAX_PLANES)
        return -EINVAL;
    *qp = q;
    if (bp) {
        *bp = sim_queue_buffer(q, b->index);
        if (!*bp)
            return -EINVAL;
    }
    return 0;
}

static int querybuf(struct sim_ctx *ctx, struct v4l2_buffer *b)
{
    struct sim_queue *q;
    struct sim_buffer *buf;
    int ret = check_buffer_arg(ctx, b, &q, &buf);
    if (ret)
        return ret;
    sim_queue_fill_buffer(q, buf, b);
    return 0;
}

static void ts_from_timeval(struct sim_buffer *buf, const struct timeval *tv)
{
    buf->timestamp = *tv;
    buf->ts_ns = (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000ull;
}

static int qbuf(struct sim_ctx *ctx, struct v4l2_buffer *b)
{
    struct sim_queue *q;
    struct sim_buffer *buf;
    int ret = check_buffer_arg(ctx, b, &q, &buf);
    if (ret)
        return ret;
    if (b->memory != V4L2_MEMORY_MMAP)
        return -EINVAL;

    bool is_out = sim_fmt_is_output(q->type);
    bool with_req = b->flags & V4L2_BUF_FLAG_REQUEST_FD;
    /* vb2_queue_or_prepare_buf(): OUTPUT requires requests, CAPTURE does not support them. */
    if (is_out && !with_req)
        return -EBADR;
    if (!is_out && with_req)
        return -EBADR;
    if (buf->state != SIM_BUF_DEQUEUED)
        return -EINVAL;

    const struct v4l2_plane *pl = &b->m.planes[0];
    uint32_t bytesused = 0, data_offset = 0;
    if (is_out) {
        bytesused = pl->bytesused ? pl->bytesused : (uint32_t)buf->length;
        data_offset = pl->data_offset;
        if (bytesused > buf->length)
            return -EINVAL;
        if (data_offset > 0 && data_offset >= bytesused)
            return -EINVAL;
    }

    struct sim_request *req = NULL;
    if (with_req) {
        if (b->request_fd < 0)
            return -EINVAL;
        req = sim_request_from_fd(b->request_fd);
        if (!req)
            return -EINVAL;
        if (req->state != SIM_REQ_IDLE)
            return -EBUSY;
        ret = sim_request_bind(req, ctx);
        if (ret)
            return ret;
    }

    buf->bytesused = bytesused;
    buf->data_offset = data_offset;
    buf->error = false;
    buf->user_flags = b->flags & V4L2_BUF_FLAG_TIMECODE;
    if (is_out)
        ts_from_timeval(buf, &b->timestamp);

    if (req) {
        buf->state = SIM_BUF_IN_REQUEST;
        buf->req = req;
        buf->request_fd = b->request_fd;
        req->out_mask |= 1ull << buf->index;
    } else {
        buf->state = SIM_BUF_QUEUED;
        buf->order = ++q->order_counter;
        sim_ctx_kick(ctx);
    }
    sim_queue_fill_buffer(q, buf, b);
    return 0;
}

static int dqbuf(struct sim_ctx *ctx, struct v4l2_buffer *b)
{
    struct sim_queue *q;
    int ret = check_buffer_arg(ctx, b, &q, NULL);
    if (ret)
        return ret;
    if (b->memory != V4L2_MEMORY_MMAP)
        return -EINVAL;

    for (;;) {
        if (!q->streaming)
            return -EINVAL;
        struct sim_buffer *buf = sim_queue_oldest(q, SIM_BUF_DONE);
        if (buf) {
            sim_queue_fill_buffer(q, buf, b);
            buf->state = SIM_BUF_DEQUEUED;
            buf->request_fd = -1;
            return 0;
        }
        if (ctx->oflags & O_NONBLOCK)
            return -EAGAIN;
        /* Blocks like vb2 until a buffer is done or the queue stops streaming. */
        ctx->waiters++;
        sim_event_wait(NULL);
        ctx->waiters--;
        if (ctx->stop) {
            /* The context is being closed; let sim_ctx_release() proceed. */
            sim_ctx_kick(ctx);
            return -EBADF;
        }
    }
}

static int expbuf(struct sim_ctx *ctx, struct v4l2_exportbuffer *e)
{
    struct sim_queue *q = sim_ctx_queue(ctx, e->type);
    if (!q)
        return -EINVAL;
    struct sim_buffer *buf = sim_queue_buffer(q, e->index);
    if (!buf || e->plane != 0)
        return -EINVAL;
    if (e->flags & ~(O_CLOEXEC | O_ACCMODE))
        return -EINVAL;

    /* A new open file description of the buffer's memfd (as a dma-buf would be). */
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", buf->memfd);
    int accmode = (e->flags & O_ACCMODE) == O_RDONLY ? O_RDONLY : O_RDWR;
    int fd = open(path, accmode | (e->flags & O_CLOEXEC));
    if (fd < 0)
        fd = fcntl(buf->memfd, (e->flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
    if (fd < 0)
        return -errno;
    e->fd = fd;
    return 0;
}

static int streamon(struct sim_ctx *ctx, const int *type)
{
    struct sim_queue *q = sim_ctx_queue(ctx, (unsigned)*type);
    if (!q)
        return -EINVAL;
    if (q->streaming)
        return 0;
    if (q->count == 0)
        return -EINVAL;
    q->streaming = true;
    sim_ctx_kick(ctx);
    return 0;
}

static int streamoff(struct sim_ctx *ctx, const int *type)
{
    struct sim_queue *q = sim_ctx_queue(ctx, (unsigned)*type);
    if (!q)
        return -EINVAL;
    sim_ctx_cancel_queue(ctx, q);
    return 0;
}

int sim_video_buf_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg, bool *handled)
{
    *handled = true;
    switch (cmd) {
    case VIDIOC_REQBUFS:
        return reqbufs(ctx, arg);
    case VIDIOC_CREATE_BUFS:
        return create_bufs(ctx, arg);
    case VIDIOC_QUERYBUF:
        return querybuf(ctx, arg);
    case VIDIOC_QBUF:
        return qbuf(ctx, arg);
    case VIDIOC_DQBUF:
        return dqbuf(ctx, arg);
    case VIDIOC_EXPBUF:
        return expbuf(ctx, arg);
    case VIDIOC_STREAMON:
        return streamon(ctx, arg);
    case VIDIOC_STREAMOFF:
        return streamoff(ctx, arg);
    default:
        *handled = false;
        return -ENOTTY;
    }
}
