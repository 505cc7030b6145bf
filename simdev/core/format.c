#include "format.h"

#include <string.h>

#include "context.h"
#include "profile.h"

static unsigned clampu(unsigned v, unsigned lo, unsigned hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static unsigned align_up(unsigned v, unsigned a)
{
    return a > 1 ? (v + a - 1) / a * a : v;
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

unsigned sim_fmt_mem_planes(uint32_t fourcc)
{
    return fourcc == V4L2_PIX_FMT_NV12M ? 2u : 1u;
}

/* CAPTURE formats offered for the current codec and bit depth. */
static const uint32_t *capture_list(const struct sim_ctx *ctx)
{
    return ctx->bit_depth == 10 ? ctx->profile->cap_fmts_10 : ctx->profile->cap_fmts_8;
}

static bool capture_offered(const struct sim_ctx *ctx, uint32_t fourcc)
{
    const uint32_t *l = capture_list(ctx);
    for (unsigned i = 0; i < SIM_PROFILE_MAX_FMTS && l[i]; i++)
        if (l[i] == fourcc)
            return true;
    return false;
}

static const char *fmt_description(uint32_t fourcc)
{
    switch (fourcc) {
    /* The texts of v4l_fill_fmtdesc() (v4l2-ioctl.c), which the kernel fills in. */
    case V4L2_PIX_FMT_NV12:
        return "Y/CbCr 4:2:0";
    case V4L2_PIX_FMT_NV12M:
        return "Y/CbCr 4:2:0 (N-C)";
    case V4L2_PIX_FMT_P010:
        return "10-bit Y/CbCr 4:2:0";
    default:
        return "?";
    }
}

bool sim_fmt_enum(const struct sim_ctx *ctx, unsigned type, unsigned index,
                  struct v4l2_fmtdesc *desc)
{
    if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
        if (index >= ctx->ncodecs)
            return false;
        const struct sim_codec *c = ctx->codecs[index];
        desc->pixelformat = c->output_pixfmt;
        /* v4l_fill_fmtdesc() sets COMPRESSED; stateless drivers add no other flag. */
        desc->flags = V4L2_FMT_FLAG_COMPRESSED;
        strncpy((char *)desc->description, c->description, sizeof(desc->description) - 1);
        return true;
    }
    if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
        const uint32_t *l = capture_list(ctx);
        if (index >= SIM_PROFILE_MAX_FMTS || !l[index])
            return false;
        desc->pixelformat = l[index];
        desc->flags = 0;
        strncpy((char *)desc->description, fmt_description(l[index]),
                sizeof(desc->description) - 1);
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

/* v4l2_apply_frmsize_constraints(): clamp, then round up to the step. */
static void apply_frmsize(const struct v4l2_frmsize_stepwise *fs, bool round, unsigned *w,
                          unsigned *h)
{
    *w = clampu(*w, fs->min_width, fs->max_width);
    *h = clampu(*h, fs->min_height, fs->max_height);
    if (round) {
        *w = align_up(*w, fs->step_width);
        *h = align_up(*h, fs->step_height);
    }
}

void sim_fmt_adjust_output(const struct sim_ctx *ctx, struct v4l2_pix_format_mplane *f)
{
    const struct sim_profile *p = ctx->profile;
    unsigned requested = f->num_planes >= 1 ? f->plane_fmt[0].sizeimage : 0;

    const struct sim_codec *c = sim_ctx_codec(ctx, f->pixelformat);
    if (!c)
        c = ctx->codecs[0]; /* like rkvdec/hantro/cedrus: the first coded format */
    const struct sim_profile_codec *pc = sim_ctx_pcodec(ctx, c);
    unsigned w = f->width, h = f->height;
    apply_frmsize(&pc->frmsize, p->output_align_to_step, &w, &h);

    f->pixelformat = c->output_pixfmt;
    f->width = w;
    f->height = h;
    f->field = V4L2_FIELD_NONE;
    f->num_planes = 1;
    f->flags = 0;
    fix_colorimetry(f);
    memset(f->reserved, 0, sizeof(f->reserved));
    memset(f->plane_fmt, 0, sizeof(f->plane_fmt));

    uint64_t size;
    switch (p->coded_size) {
    case SIM_CODED_WH2:
        size = requested ? requested : (uint64_t)w * h * 2;
        break;
    case SIM_CODED_MIN:
        size = requested > p->min_coded_size ? requested : p->min_coded_size;
        break;
    case SIM_CODED_GENERIC:
    default:
        size = (uint64_t)w * h * 3 / 2;
        if (size < p->min_coded_size)
            size = p->min_coded_size;
        if (requested > size)
            size = requested;
        break;
    }
    if (size > SIM_MAX_CODED_SIZE)
        size = SIM_MAX_CODED_SIZE;
    f->plane_fmt[0].sizeimage = (uint32_t)size;
    f->plane_fmt[0].bytesperline = 0;
}

void sim_fmt_capture_from_output(const struct sim_ctx *ctx,
                                 const struct v4l2_pix_format_mplane *out,
                                 uint32_t requested_fourcc, unsigned requested_bpl,
                                 struct v4l2_pix_format_mplane *cap)
{
    const struct sim_profile *p = ctx->profile;
    const struct sim_codec *c = sim_ctx_codec(ctx, out->pixelformat);
    const struct sim_profile_codec *pc = sim_ctx_pcodec(ctx, c ? c : ctx->codecs[0]);
    unsigned w = out->width, h = out->height;

    apply_frmsize(&pc->frmsize, false, &w, &h);
    if (p->cap_align_to_step) {
        w = align_up(w, pc->frmsize.step_width);
        h = align_up(h, pc->frmsize.step_height);
    } else {
        if (!p->cap_width_unaligned)
            w = align_up(w, SIM_SIZE_ALIGN);
        h = align_up(h, SIM_SIZE_ALIGN);
    }

    uint32_t fourcc = capture_offered(ctx, requested_fourcc) ? requested_fourcc
                                                             : capture_list(ctx)[0];
    if (!fourcc)
        fourcc = V4L2_PIX_FMT_NV12; /* a profile without this bit depth: never chosen */
    unsigned bps = fourcc == V4L2_PIX_FMT_P010 ? 2 : 1;
    unsigned bpl;
    switch (p->bpl_rule) {
    case SIM_BPL_FILL:
        bpl = w * bps;
        break;
    case SIM_BPL_CEDRUS:
        bpl = align_up(w, 16) * bps;
        break;
    case SIM_BPL_GENERIC:
    default:
        bpl = align_up(w * bps, p->bpl_align);
        if (requested_bpl > bpl && requested_bpl % p->bpl_align == 0 &&
            requested_bpl <= SIM_MAX_BYTESPERLINE)
            bpl = requested_bpl;
        break;
    }

    memset(cap, 0, sizeof(*cap));
    cap->width = w;
    cap->height = h;
    cap->pixelformat = fourcc;
    cap->field = V4L2_FIELD_NONE;
    cap->colorspace = out->colorspace;
    cap->xfer_func = out->xfer_func;
    cap->ycbcr_enc = out->ycbcr_enc;
    cap->quantization = out->quantization;
    uint32_t luma = bpl * h, chroma = bpl * ((h + 1) / 2);
    if (sim_fmt_mem_planes(fourcc) == 2) {
        cap->num_planes = 2;
        cap->plane_fmt[0].bytesperline = bpl;
        cap->plane_fmt[0].sizeimage = luma;
        cap->plane_fmt[1].bytesperline = bpl;
        cap->plane_fmt[1].sizeimage = chroma;
    } else {
        cap->num_planes = 1;
        cap->plane_fmt[0].bytesperline = bpl;
        cap->plane_fmt[0].sizeimage = luma + chroma;
    }
    if (p->extra == SIM_EXTRA_RKVDEC)
        cap->plane_fmt[0].sizeimage += 128u * ((w + 15) / 16) * ((h + 15) / 16);
}

void sim_fmt_default_output(const struct sim_ctx *ctx, struct v4l2_pix_format_mplane *f)
{
    const struct sim_profile *p = ctx->profile;
    memset(f, 0, sizeof(*f));
    f->pixelformat = ctx->codecs[0]->output_pixfmt;
    f->width = p->default_width ? p->default_width : ctx->pcodecs[0].frmsize.min_width;
    f->height = p->default_height ? p->default_height : ctx->pcodecs[0].frmsize.min_height;
    f->colorspace = V4L2_COLORSPACE_REC709;
    sim_fmt_adjust_output(ctx, f);
}
