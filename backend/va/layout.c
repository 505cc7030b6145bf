/* CAPTURE layouts (see layout.h). */
#include "va/layout.h"

#include <stdio.h>
#include <string.h>

#define FOURCC(a, b, c, d) \
    ((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))
/* drm_fourcc.h codes (written here so the driver needs no libdrm headers) */
#define DRM_FMT_NV12 FOURCC('N', 'V', '1', '2')
#define DRM_FMT_P010 FOURCC('P', '0', '1', '0')
#define DRM_FMT_R8 FOURCC('R', '8', ' ', ' ')
#define DRM_FMT_GR88 FOURCC('G', 'R', '8', '8')
#define DRM_FMT_R16 FOURCC('R', '1', '6', ' ')
#define DRM_FMT_GR1616 FOURCC('G', 'R', '3', '2')
#define DRM_MOD_LINEAR 0ull

static const struct vareq_pixfmt_info formats[] = {
    {V4L2_PIX_FMT_NV12, 1, 8, 1, VA_FOURCC_NV12, VA_RT_FORMAT_YUV420, DRM_FMT_NV12,
     DRM_FMT_R8, DRM_FMT_GR88, "NV12"},
    {V4L2_PIX_FMT_NV12M, 2, 8, 1, VA_FOURCC_NV12, VA_RT_FORMAT_YUV420, DRM_FMT_NV12,
     DRM_FMT_R8, DRM_FMT_GR88, "NV12M"},
    {V4L2_PIX_FMT_P010, 1, 10, 2, VA_FOURCC_P010, VA_RT_FORMAT_YUV420_10, DRM_FMT_P010,
     DRM_FMT_R16, DRM_FMT_GR1616, "P010"},
};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

unsigned vareq_pixfmt_count(void)
{
    return N_FORMATS;
}

const struct vareq_pixfmt_info *vareq_pixfmt_at(unsigned i)
{
    return i < N_FORMATS ? &formats[i] : NULL;
}

const struct vareq_pixfmt_info *vareq_pixfmt_by_v4l2(uint32_t v4l2)
{
    for (unsigned i = 0; i < N_FORMATS; i++)
        if (formats[i].v4l2 == v4l2)
            return &formats[i];
    return NULL;
}

const struct vareq_pixfmt_info *vareq_pixfmt_by_va(uint32_t va_fourcc)
{
    for (unsigned i = 0; i < N_FORMATS; i++)
        if (formats[i].va_fourcc == va_fourcc)
            return &formats[i];
    return NULL;
}

int vareq_pixfmt_choose(const uint32_t *enumerated, unsigned n, unsigned bit_depth)
{
    static const uint32_t pref8[] = {V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M};
    static const uint32_t pref10[] = {V4L2_PIX_FMT_P010};
    const uint32_t *pref = bit_depth > 8 ? pref10 : pref8;
    unsigned np = bit_depth > 8 ? 1 : 2;

    if (!enumerated)
        return -1;
    for (unsigned p = 0; p < np; p++)
        for (unsigned i = 0; i < n; i++)
            if (enumerated[i] == pref[p])
                return (int)i;
    return -1;
}

static int fail(char *why, size_t len, const char *msg, unsigned a, unsigned b)
{
    if (why && len)
        snprintf(why, len, msg, a, b);
    return -1;
}

int vareq_layout_from_v4l2(const struct v4l2_pix_format_mplane *f, struct vareq_layout *l,
                           char *why, size_t why_len)
{
    const struct vareq_pixfmt_info *info = vareq_pixfmt_by_v4l2(f->pixelformat);
    unsigned min_pitch, ch;

    memset(l, 0, sizeof(*l));
    if (!info)
        return fail(why, why_len, "pixel format 0x%08x is not NV12, NV12M or P010%.0u",
                    f->pixelformat, 0);
    if (f->num_planes != info->mem_planes)
        return fail(why, why_len, "%u memory planes, the format has %u", f->num_planes,
                    info->mem_planes);
    if (!f->width || !f->height || f->width > 65536 || f->height > 65536)
        return fail(why, why_len, "bad size %ux%u", f->width, f->height);
    l->info = info;
    l->width = f->width;
    l->height = f->height;
    l->n_mem = info->mem_planes;
    ch = (f->height + 1) / 2;
    min_pitch = f->width * info->bytes_per_sample;
    for (unsigned i = 0; i < l->n_mem; i++)
        l->mem_size[i] = f->plane_fmt[i].sizeimage;

    l->plane_rows[0] = f->height;
    l->plane_rows[1] = ch;
    l->plane_pitch[0] = f->plane_fmt[0].bytesperline;
    if (info->mem_planes == 1) {
        /* V4L2 single-buffer semi-planar: CbCr follows Y, same pitch, at bpl * height */
        l->plane_pitch[1] = l->plane_pitch[0];
        l->plane_mem[0] = l->plane_mem[1] = 0;
        l->plane_offset[0] = 0;
        l->plane_offset[1] = (size_t)l->plane_pitch[0] * f->height;
    } else {
        l->plane_pitch[1] = f->plane_fmt[1].bytesperline;
        l->plane_mem[0] = 0;
        l->plane_mem[1] = 1;
        l->plane_offset[0] = l->plane_offset[1] = 0;
    }
    for (unsigned p = 0; p < 2; p++) {
        /* CbCr: width/2 pairs of samples = the luma row length in bytes (width rounded up) */
        unsigned need = p == 0 ? min_pitch : ((f->width + 1) & ~1u) * info->bytes_per_sample;
        size_t end;
        if (l->plane_pitch[p] < need)
            return fail(why, why_len, "plane %u pitch %u is smaller than a row", p,
                        l->plane_pitch[p]);
        end = l->plane_offset[p] + (size_t)l->plane_pitch[p] * l->plane_rows[p];
        if (end > l->mem_size[l->plane_mem[p]])
            return fail(why, why_len, "plane %u ends after its memory plane (%u bytes)", p,
                        (unsigned)l->mem_size[l->plane_mem[p]]);
    }
    return 0;
}

bool vareq_layout_plane_fits(const struct vareq_layout *l, unsigned p, unsigned w, unsigned h,
                             size_t mem_len)
{
    unsigned rows, bytes;

    if (p > 1 || !l->info || w > l->width || h > l->height)
        return false;
    rows = p == 0 ? h : (h + 1) / 2;
    bytes = (p == 0 ? w : ((w + 1) & ~1u)) * l->info->bytes_per_sample;
    if (!rows)
        return true;
    if (bytes > l->plane_pitch[p] || l->plane_offset[p] > mem_len)
        return false;
    return (size_t)(rows - 1) * l->plane_pitch[p] + bytes <= mem_len - l->plane_offset[p];
}

void vareq_layout_export(const struct vareq_layout *l, const int *fds, const size_t *obj_size,
                         unsigned width, unsigned height, bool composed,
                         VADRMPRIMESurfaceDescriptor *d)
{
    memset(d, 0, sizeof(*d));
    d->fourcc = l->info->va_fourcc;
    d->width = width;
    d->height = height;
    d->num_objects = l->n_mem;
    for (unsigned i = 0; i < l->n_mem; i++) {
        d->objects[i].fd = fds[i];
        d->objects[i].size = (uint32_t)obj_size[i];
        d->objects[i].drm_format_modifier = DRM_MOD_LINEAR;
    }
    if (composed) {
        d->num_layers = 1;
        d->layers[0].drm_format = l->info->drm_composed;
        d->layers[0].num_planes = 2;
        for (unsigned p = 0; p < 2; p++) {
            d->layers[0].object_index[p] = l->plane_mem[p];
            d->layers[0].offset[p] = (uint32_t)l->plane_offset[p];
            d->layers[0].pitch[p] = l->plane_pitch[p];
        }
    } else {
        d->num_layers = 2;
        for (unsigned p = 0; p < 2; p++) {
            d->layers[p].drm_format = p == 0 ? l->info->drm_luma : l->info->drm_chroma;
            d->layers[p].num_planes = 1;
            d->layers[p].object_index[0] = l->plane_mem[p];
            d->layers[p].offset[0] = (uint32_t)l->plane_offset[p];
            d->layers[p].pitch[0] = l->plane_pitch[p];
        }
    }
}

int vareq_layout_image(uint32_t va_fourcc, unsigned width, unsigned height, VAImage *im)
{
    const struct vareq_pixfmt_info *info = vareq_pixfmt_by_va(va_fourcc);
    unsigned pitch, h2;

    if (!info || !width || !height || width > 16384 || height > 16384)
        return -1;
    pitch = (width * info->bytes_per_sample + 63) & ~63u;
    h2 = (height + 1) & ~1u;
    memset(im, 0, sizeof(*im));
    im->format.fourcc = info->va_fourcc;
    im->format.byte_order = VA_LSB_FIRST;
    im->format.bits_per_pixel = info->bit_depth > 8 ? 24 : 12;
    im->width = (uint16_t)width;
    im->height = (uint16_t)height;
    im->num_planes = 2;
    im->pitches[0] = im->pitches[1] = pitch;
    im->offsets[0] = 0;
    im->offsets[1] = pitch * h2;
    im->data_size = pitch * h2 + pitch * (h2 / 2);
    return 0;
}
