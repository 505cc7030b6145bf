/* Video node ioctls: capabilities, formats, frame sizes; dispatch to buffers/controls. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "context.h"
#include "device.h"
#include "format.h"
#include "log.h"

static int querycap(struct sim_ctx *ctx, struct v4l2_capability *cap)
{
    memset(cap, 0, sizeof(*cap));
    strncpy((char *)cap->driver, ctx->profile->driver, sizeof(cap->driver) - 1);
    strncpy((char *)cap->card, ctx->profile->card, sizeof(cap->card) - 1);
    snprintf((char *)cap->bus_info, sizeof(cap->bus_info), "platform:%s",
             ctx->profile->driver);
    cap->version = SIM_KERNEL_VERSION;
    /* v4l_querycap() adds EXT_PIX_FORMAT to both fields for every driver. */
    cap->device_caps = (ctx->profile->single_planar ? V4L2_CAP_VIDEO_M2M
                                                    : V4L2_CAP_VIDEO_M2M_MPLANE) |
                       V4L2_CAP_STREAMING | V4L2_CAP_EXT_PIX_FORMAT;
    cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
    return 0;
}

static int enum_fmt(struct sim_ctx *ctx, struct v4l2_fmtdesc *d)
{
    unsigned index = d->index, type = d->type;
    if (!sim_fmt_is_valid_type(type))
        return -EINVAL;
    struct v4l2_fmtdesc out;
    memset(&out, 0, sizeof(out));
    if (!sim_fmt_enum(ctx, type, index, &out))
        return -EINVAL;
    out.index = index;
    out.type = type;
    *d = out;
    return 0;
}

static int enum_framesizes(struct sim_ctx *ctx, struct v4l2_frmsizeenum *f)
{
    if (ctx->profile->single_planar)
        return -ENOTTY; /* cedrus has no vidioc_enum_framesizes */
    const struct sim_codec *c = sim_ctx_codec(ctx, f->pixel_format);
    if (f->index != 0 || !c)
        return -EINVAL;
    f->type = V4L2_FRMSIZE_TYPE_STEPWISE;
    f->stepwise = sim_ctx_pcodec(ctx, c)->frmsize;
    memset(f->reserved, 0, sizeof(f->reserved));
    return 0;
}

static int g_fmt(struct sim_ctx *ctx, struct v4l2_format *f)
{
    struct sim_queue *q = sim_ctx_queue(ctx, f->type);
    if (!q)
        return -EINVAL;
    memset(&f->fmt, 0, sizeof(f->fmt));
    f->fmt.pix_mp = q->fmt;
    return 0;
}

/* Computes what S_FMT would set, without applying it. */
static int try_fmt(struct sim_ctx *ctx, struct v4l2_format *f)
{
    if (!sim_fmt_is_valid_type(f->type))
        return -EINVAL;
    struct v4l2_pix_format_mplane *pix = &f->fmt.pix_mp;
    if (sim_fmt_is_output(f->type)) {
        sim_fmt_adjust_output(ctx, pix);
    } else {
        unsigned bpl = pix->num_planes >= 1 && pix->num_planes <= VIDEO_MAX_PLANES
                           ? pix->plane_fmt[0].bytesperline : 0;
        struct v4l2_pix_format_mplane cap;
        sim_fmt_capture_from_output(ctx, &ctx->out.fmt, pix->pixelformat, bpl, &cap);
        *pix = cap;
    }
    return 0;
}

static int s_fmt(struct sim_ctx *ctx, struct v4l2_format *f)
{
    struct sim_queue *q = sim_ctx_queue(ctx, f->type);
    if (!q)
        return -EINVAL;
    /* No format change while the queue has buffers (vb2_is_busy); cedrus accepts a new
     * size on a busy, not streaming OUTPUT queue with the same pixelformat. An OUTPUT
     * change resets CAPTURE, so CAPTURE must not have buffers either. */
    bool resize_ok = sim_fmt_is_output(f->type) && ctx->profile->output_resize_when_busy &&
                     !q->streaming && f->fmt.pix_mp.pixelformat == q->fmt.pixelformat;
    if ((q->count > 0 && !resize_ok) || q->streaming)
        return -EBUSY;
    if (sim_fmt_is_output(f->type) && (ctx->cap.count > 0 || ctx->cap.streaming))
        return -EBUSY;
    int ret = try_fmt(ctx, f);
    if (ret)
        return ret;
    q->fmt = f->fmt.pix_mp;
    if (sim_fmt_is_output(f->type)) {
        ctx->codec = sim_ctx_codec(ctx, ctx->out.fmt.pixelformat);
        sim_fmt_capture_from_output(ctx, &ctx->out.fmt, 0, 0, &ctx->cap.fmt);
    }
    return 0;
}

bool sim_video_known_ioctl(unsigned long cmd)
{
    static const unsigned long known[] = {
        VIDIOC_QUERYCAP, VIDIOC_ENUM_FMT, VIDIOC_ENUM_FRAMESIZES, VIDIOC_G_FMT,
        VIDIOC_TRY_FMT, VIDIOC_S_FMT, VIDIOC_DECODER_CMD, VIDIOC_TRY_DECODER_CMD,
        VIDIOC_REQBUFS, VIDIOC_CREATE_BUFS, VIDIOC_QUERYBUF, VIDIOC_QBUF, VIDIOC_DQBUF,
        VIDIOC_PREPARE_BUF, VIDIOC_EXPBUF, VIDIOC_STREAMON, VIDIOC_STREAMOFF,
        VIDIOC_QUERY_EXT_CTRL, VIDIOC_QUERYCTRL, VIDIOC_QUERYMENU, VIDIOC_G_CTRL,
        VIDIOC_S_CTRL, VIDIOC_G_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS, VIDIOC_S_EXT_CTRLS,
        VIDIOC_G_PRIORITY, VIDIOC_S_PRIORITY, VIDIOC_SUBSCRIBE_EVENT,
        VIDIOC_UNSUBSCRIBE_EVENT, VIDIOC_DQEVENT,
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (known[i] == cmd)
            return true;
    return false;
}

int sim_video_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg)
{
    if (ctx->profile->single_planar && arg)
        return sim_video_ioctl_sp(ctx, cmd, arg);
    return sim_video_ioctl_mp(ctx, cmd, arg);
}

int sim_video_ioctl_mp(struct sim_ctx *ctx, unsigned long cmd, void *arg)
{
    bool handled = false;
    int ret;

    /* Unknown ioctls are ENOTTY even with a NULL argument (video_ioctl2). */
    if (!arg) {
        return sim_video_known_ioctl(cmd) ? -EFAULT : -ENOTTY;
    }
    /* v4l2_prio_check() for the ioctls the core marks INFO_FL_PRIO. */
    switch (cmd) {
    case VIDIOC_S_FMT:
    case VIDIOC_REQBUFS:
    case VIDIOC_CREATE_BUFS:
    case VIDIOC_STREAMON:
    case VIDIOC_STREAMOFF:
    case VIDIOC_S_CTRL:
    case VIDIOC_S_EXT_CTRLS:
    case VIDIOC_DECODER_CMD:
    case VIDIOC_S_PRIORITY:
        if (!sim_ctx_prio_ok(ctx))
            return -EBUSY;
        break;
    default:
        break;
    }
    switch (cmd) {
    case VIDIOC_QUERYCAP:
        return querycap(ctx, arg);
    case VIDIOC_G_PRIORITY:
        *(uint32_t *)arg = sim_ctx_prio_max();
        return 0;
    case VIDIOC_S_PRIORITY:
        return sim_ctx_set_prio(ctx, *(const uint32_t *)arg);
    case VIDIOC_SUBSCRIBE_EVENT:
        return sim_ctx_subscribe(ctx, arg, true);
    case VIDIOC_UNSUBSCRIBE_EVENT:
        return sim_ctx_subscribe(ctx, arg, false);
    case VIDIOC_DQEVENT:
        return sim_ctx_dqevent(ctx, arg);
    case VIDIOC_ENUM_FMT:
        return enum_fmt(ctx, arg);
    case VIDIOC_ENUM_FRAMESIZES:
        return enum_framesizes(ctx, arg);
    case VIDIOC_G_FMT:
        return g_fmt(ctx, arg);
    case VIDIOC_TRY_FMT:
        return try_fmt(ctx, arg);
    case VIDIOC_S_FMT:
        return s_fmt(ctx, arg);
    case VIDIOC_DECODER_CMD:
        return sim_ctx_decoder_cmd(ctx, arg, false);
    case VIDIOC_TRY_DECODER_CMD:
        return sim_ctx_decoder_cmd(ctx, arg, true);
    default:
        break;
    }
    ret = sim_video_buf_ioctl(ctx, cmd, arg, &handled);
    if (handled)
        return ret;
    ret = sim_video_ctrl_ioctl(ctx, cmd, arg, &handled);
    if (handled)
        return ret;
    sim_log("video ioctl 0x%lx not supported", cmd);
    return -ENOTTY;
}
