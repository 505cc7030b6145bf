#include "format.h"

#include <string.h>

static unsigned clampu(unsigned v, unsigned lo, unsigned hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static unsigned align_up(unsigned v, unsigned a)
{
    return (v + a - 1) / a * a;
}

bool sim_fmt_is_output(unsigned type)
{
    return type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
}

bool sim_fmt_is_valid_type(unsigned type)
{
    return type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE ||
           type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

bool sim_fmt_enum(unsigned type, unsigned index, struct v4l2_fmtdesc *desc)
{
    if (index != 0)
        return false;
    if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
        desc->pixelformat = V4L2_PIX_FMT_VP9_FRAME;
        desc->flags = V4L2_FMT_FLAG_COMPRESSED | V4L2_FMT_FLAG_DYN_RESOLUTION;
        strncpy((char *)desc->description, "VP9 Frame", sizeof(desc->description) - 1);
        return true;
    }
    if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
        desc->pixelformat = V4L2_PIX_FMT_NV12;
        desc->flags = 0;
        strncpy((char *)desc->description, "Y/UV 4:2:0", sizeof(desc->description) - 1);
        return true;
    }
    return false;
}

static void fix_colorimetry(struct v4l2_pix_format_mplane *f)
{
    if (f->colorspace == V4L2_COLORSPACE_DEFAULT || f->colorspace > V4L2_COLORSPACE_DCI_P3)
        f->colorspace = V4L2_COLORSPACE_REC709;
    if (f->xfer_func > V4L2_XFER_FUNC_SMPTE2084)
        f->xfer_func = V4L2_XFER_FUNC_DEFAULT;
    if (f->ycbcr_enc > V4L2_YCBCR_ENC_SMPTE240M)
        f->ycbcr_enc = V4L2_YCBCR_ENC_DEFAULT;
    if (f->quantization > V4L2_QUANTIZATION_LIM_RANGE)
        f->quantization = V4L2_QUANTIZATION_DEFAULT;
}

void sim_fmt_adjust_output(struct v4l2_pix_format_mplane *f)
{
    unsigned requested = f->plane_fmt[0].sizeimage;

    f->pixelformat = V4L2_PIX_FMT_VP9_FRAME;
    f->width = clampu(f->width, SIM_MIN_WIDTH, SIM_MAX_WIDTH);
    f->height = clampu(f->height, SIM_MIN_HEIGHT, SIM_MAX_HEIGHT);
    f->field = V4L2_FIELD_NONE;
    f->num_planes = 1;
    f->flags = 0;
    fix_colorimetry(f);
    memset(f->reserved, 0, sizeof(f->reserved));
    memset(f->plane_fmt, 0, sizeof(f->plane_fmt));

    unsigned size = f->width * f->height * 3 / 2;
    if (size < SIM_MIN_CODED_SIZE)
        size = SIM_MIN_CODED_SIZE;
    if (requested > size)
        size = requested;
    if (size > SIM_MAX_CODED_SIZE)
        size = SIM_MAX_CODED_SIZE;
    f->plane_fmt[0].sizeimage = size;
    f->plane_fmt[0].bytesperline = 0;
}

void sim_fmt_capture_from_output(const struct v4l2_pix_format_mplane *out,
                                 unsigned requested_bpl,
                                 struct v4l2_pix_format_mplane *cap)
{
    unsigned w = align_up(clampu(out->width, SIM_MIN_WIDTH, SIM_MAX_WIDTH), SIM_SIZE_ALIGN);
    unsigned h = align_up(clampu(out->height, SIM_MIN_HEIGHT, SIM_MAX_HEIGHT), SIM_SIZE_ALIGN);
    unsigned bpl = w;

    if (requested_bpl > bpl && requested_bpl % SIM_SIZE_ALIGN == 0 &&
        requested_bpl <= SIM_MAX_BYTESPERLINE)
        bpl = requested_bpl;

    memset(cap, 0, sizeof(*cap));
    cap->width = w;
    cap->height = h;
    cap->pixelformat = V4L2_PIX_FMT_NV12;
    cap->field = V4L2_FIELD_NONE;
    cap->colorspace = out->colorspace;
    cap->xfer_func = out->xfer_func;
    cap->ycbcr_enc = out->ycbcr_enc;
    cap->quantization = out->quantization;
    cap->num_planes = 1;
    cap->plane_fmt[0].bytesperline = bpl;
    cap->plane_fmt[0].sizeimage = bpl * h * 3 / 2;
}

void sim_fmt_default_output(struct v4l2_pix_format_mplane *f)
{
    memset(f, 0, sizeof(*f));
    f->width = SIM_DEFAULT_WIDTH;
    f->height = SIM_DEFAULT_HEIGHT;
    f->colorspace = V4L2_COLORSPACE_REC709;
    sim_fmt_adjust_output(f);
}

size_t sim_fmt_uv_offset(const struct v4l2_pix_format_mplane *cap)
{
    return (size_t)cap->plane_fmt[0].bytesperline * cap->height;
}
