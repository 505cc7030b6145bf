/* Video node buffer ioctls (model of videobuf2 + v4l2-mem2mem). Lock held. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "device.h"
#include "fences.h"
#include "format.h"
#include "log.h"
#include "request.h"

static bool memory_ok(const struct sim_ctx *ctx, uint32_t memory)
{
    if (memory != V4L2_MEMORY_MMAP && memory != V4L2_MEMORY_DMABUF)
        return false; /* USERPTR: not offered by the modelled drivers */
    return (ctx->profile->memory & (1u << memory)) != 0;
}

/* Plane count and sizes of new buffers of q in its current format. */
static unsigned format_planes(const struct sim_queue *q, size_t sizes[SIM_MAX_PLANES])
{
    unsigned n = q->fmt.num_planes;
    if (n == 0 || n > SIM_MAX_PLANES)
        n = 1;
    for (unsigned p = 0; p < n; p++)
        sizes[p] = q->fmt.plane_fmt[p].sizeimage;
    return n;
}

static int reqbufs(struct sim_ctx *ctx, struct v4l2_requestbuffers *rb)
{
    struct sim_queue *q = sim_ctx_queue(ctx, rb->type);
    if (!q)
        return -EINVAL;
    if (!memory_ok(ctx, rb->memory))
        return -EINVAL;
    if (q->streaming)
        return -EBUSY;

    rb->capabilities = sim_queue_caps(ctx, q);
    rb->flags = 0;
    memset(rb->reserved, 0, sizeof(rb->reserved));

    if (q->count > 0) {
        sim_ctx_cancel_queue(ctx, q);
        sim_queue_free_all(q);
    }
    if (rb->count == 0) {
        /* Stress option (not a kernel behaviour): formats fall back to the defaults. */
        if ((ctx->cfg.profile_opts & SIM_PROFILE_OPT_RESET_ON_FREE) && ctx->out.count == 0 &&
            ctx->cap.count == 0)
            sim_ctx_reset_formats(ctx);
        return 0;
    }

    if (sim_fault_fires(&ctx->cfg.dev.alloc, ++ctx->allocs))
        return -ENOMEM; /* fault "alloc-fail" */
    size_t sizes[SIM_MAX_PLANES];
    unsigned nplanes = format_planes(q, sizes);
    unsigned count = rb->count > SIM_MAX_BUFFERS ? SIM_MAX_BUFFERS : rb->count;
    int n = sim_queue_alloc(q, rb->memory, count, nplanes, sizes);
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
    if (!memory_ok(ctx, cb->memory))
        return -EINVAL;
    cb->capabilities = sim_queue_caps(ctx, q);
    cb->flags = 0;
    memset(cb->reserved, 0, sizeof(cb->reserved));
    cb->index = q->count;
    /* vb2_create_bufs(): the memory type must match the allocated buffers. */
    if (q->count > 0 && q->memory != cb->memory)
        return -EINVAL;
    if (cb->count == 0)
        return 0;
    if (q->count >= SIM_MAX_BUFFERS)
        return -ENOBUFS;

    size_t sizes[SIM_MAX_PLANES];
    unsigned nplanes = format_planes(q, sizes);
    const struct v4l2_pix_format_mplane *pix = &cb->format.fmt.pix_mp;
    /* vb2_create_bufs(): 1..VIDEO_MAX_PLANES planes, no zero size; then the drivers'
     * queue_setup(): the format's plane count, no plane smaller than the format's. */
    if (pix->num_planes == 0 || pix->num_planes > VIDEO_MAX_PLANES)
        return -EINVAL;
    for (unsigned p = 0; p < pix->num_planes; p++)
        if (pix->plane_fmt[p].sizeimage == 0)
            return -EINVAL;
    if (pix->num_planes != nplanes)
        return -EINVAL;
    for (unsigned p = 0; p < nplanes; p++) {
        if (pix->plane_fmt[p].sizeimage < sizes[p])
            return -EINVAL;
        sizes[p] = pix->plane_fmt[p].sizeimage;
        if (sizes[p] > SIM_MAX_CODED_SIZE * 4u)
            return -EINVAL;
    }
    if (sim_fault_fires(&ctx->cfg.dev.alloc, ++ctx->allocs))
        return -ENOMEM; /* fault "alloc-fail" */
    unsigned count = cb->count;
    if (count > SIM_MAX_BUFFERS - q->count)
        count = SIM_MAX_BUFFERS - q->count;
    int n = sim_queue_alloc(q, cb->memory, count, nplanes, sizes);
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
    /* __verify_planes_array(): room for every plane of the queue's buffers. */
    if (q->count > 0 && b->length < q->bufs[0]->num_planes)
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

/* __buf_prepare(): memory of the planes (DMABUF attach) and payload checks. Nothing is
 * changed unless everything is valid, except DMABUF attachments (which vb2 also keeps). */
static int buf_prepare(struct sim_ctx *ctx, struct sim_queue *q, struct sim_buffer *buf,
                       const struct v4l2_buffer *b)
{
    (void)ctx;
    bool is_out = sim_fmt_is_output(q->type);
    uint32_t used[SIM_MAX_PLANES] = { 0 }, off[SIM_MAX_PLANES] = { 0 };

    if (b->memory != q->memory)
        return -EINVAL;
    for (unsigned p = 0; p < buf->num_planes; p++) {
        const struct v4l2_plane *pl = &b->m.planes[p];
        if (buf->memory == V4L2_MEMORY_DMABUF) {
            int ret = sim_buffer_attach_dmabuf(buf, p, pl->m.fd);
            if (ret)
                return ret;
        }
        size_t length = buf->planes[p].length;
        if (is_out) {
            used[p] = pl->bytesused ? pl->bytesused : (uint32_t)length;
            off[p] = pl->data_offset;
            if (used[p] > length)
                return -EINVAL;
            if (off[p] > 0 && off[p] >= used[p])
                return -EINVAL;
        } else if (length < buf->planes[p].min_length || length < q->fmt.plane_fmt[p].sizeimage) {
            return -EINVAL; /* buf_prepare(): vb2_plane_size() < sizeimage */
        }
    }
    for (unsigned p = 0; p < buf->num_planes; p++) {
        buf->planes[p].bytesused = used[p];
        buf->planes[p].data_offset = off[p];
    }
    return 0;
}

static int prepare_buf(struct sim_ctx *ctx, struct v4l2_buffer *b)
{
    struct sim_queue *q;
    struct sim_buffer *buf;
    int ret = check_buffer_arg(ctx, b, &q, &buf);
    if (ret)
        return ret;
    if (b->flags & V4L2_BUF_FLAG_REQUEST_FD)
        return -EINVAL; /* a request's buffer is prepared when the request is queued */
    if (buf->state != SIM_BUF_DEQUEUED || buf->prepared)
        return -EINVAL;
    ret = buf_prepare(ctx, q, buf, b);
    if (ret)
        return ret;
    buf->prepared = true;
    sim_queue_fill_buffer(q, buf, b);
    b->flags |= V4L2_BUF_FLAG_PREPARED;
    return 0;
}

static int qbuf(struct sim_ctx *ctx, struct v4l2_buffer *b)
{
    struct sim_queue *q;
    struct sim_buffer *buf;
    int ret = check_buffer_arg(ctx, b, &q, &buf);
    if (ret)
        return ret;
    if (b->memory != q->memory)
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

    struct sim_request *req = NULL;
    if (with_req) {
        if (b->request_fd < 0)
            return -EINVAL;
        req = sim_request_from_fd(b->request_fd);
        if (!req)
            return -EINVAL;
        if (req->state != SIM_REQ_IDLE)
            return -EBUSY;
        if (req->ctx && req->ctx != ctx)
            return -EINVAL;
    }
    if (!buf->prepared) {
        ret = buf_prepare(ctx, q, buf, b);
        if (ret)
            return ret;
    }
    if (req) {
        ret = sim_request_bind(req, ctx);
        if (ret)
            return ret;
    }

    buf->prepared = false;
    buf->error = false;
    buf->user_flags = b->flags & V4L2_BUF_FLAG_TIMECODE;
    if (is_out) {
        ts_from_timeval(buf, &b->timestamp);
        buf->hold_capture = (b->flags & V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF) &&
                            sim_ctx_hold_supported(ctx);
    }

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
    if (q->count > 0 && b->memory != q->memory)
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
    /* vb2_core_expbuf(): MMAP buffers only, an existing plane. */
    if (!buf || buf->memory != V4L2_MEMORY_MMAP || e->plane >= buf->num_planes)
        return -EINVAL;
    if (e->flags & ~(O_CLOEXEC | O_ACCMODE))
        return -EINVAL;

    /* A new open file description of the buffer's memfd (as a dma-buf would be). */
    char path[64];
    int memfd = buf->planes[e->plane].memfd;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    int accmode = (e->flags & O_ACCMODE) == O_RDONLY ? O_RDONLY : O_RDWR;
    int fd = open(path, accmode | (e->flags & O_CLOEXEC));
    if (fd < 0)
        fd = fcntl(memfd, (e->flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
    if (fd < 0)
        return -errno;
    sim_fence_exported(memfd);
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
    case VIDIOC_PREPARE_BUF:
        return prepare_buf(ctx, arg);
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
