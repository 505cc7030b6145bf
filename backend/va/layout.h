/* CAPTURE memory layouts: the V4L2 CAPTURE format as G_FMT reported it, turned into the two
 * logical planes of a 4:2:0 semi-planar picture (Y, interleaved CbCr) over one or two
 * memory planes. Pure functions (no device access) so they are unit-tested directly
 * (tests/test_layout.c). Every offset/pitch here comes from the format the device
 * reported; nothing is invented. */
#ifndef VAREQ_LAYOUT_H
#define VAREQ_LAYOUT_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <va/va.h>
#include <va/va_drmcommon.h>

#define VAREQ_MAX_MEM_PLANES 2

/* One CAPTURE pixel format the driver knows how to use. */
struct vareq_pixfmt_info {
    uint32_t v4l2;         /* V4L2_PIX_FMT_* */
    unsigned mem_planes;   /* 1 (NV12, P010) or 2 (NV12M) */
    unsigned bit_depth;    /* 8 or 10 */
    unsigned bytes_per_sample;
    uint32_t va_fourcc;    /* VA_FOURCC_NV12 / VA_FOURCC_P010 */
    uint32_t va_rt_format; /* VA_RT_FORMAT_YUV420 / _10 */
    uint32_t drm_composed; /* DRM_FORMAT_NV12 / DRM_FORMAT_P010 */
    uint32_t drm_luma;     /* separate layers: DRM_FORMAT_R8 / R16 */
    uint32_t drm_chroma;   /* separate layers: DRM_FORMAT_GR88 / GR1616 */
    const char *name;
};

struct vareq_layout {
    const struct vareq_pixfmt_info *info;
    unsigned width, height;               /* format (coded) size from G_FMT */
    unsigned n_mem;                       /* memory planes */
    size_t mem_size[VAREQ_MAX_MEM_PLANES]; /* sizeimage per memory plane */
    /* logical planes: 0 = Y, 1 = CbCr */
    unsigned plane_mem[2];
    size_t plane_offset[2];
    unsigned plane_pitch[2];  /* bytes */
    unsigned plane_rows[2];
};

/* The formats the driver can use, in no particular order; NULL-terminated walk via count. */
unsigned vareq_pixfmt_count(void);
const struct vareq_pixfmt_info *vareq_pixfmt_at(unsigned i);
const struct vareq_pixfmt_info *vareq_pixfmt_by_v4l2(uint32_t v4l2);
const struct vareq_pixfmt_info *vareq_pixfmt_by_va(uint32_t va_fourcc);

/* Preference among the enumerated CAPTURE formats for a decode of bit_depth: returns the
 * index in enumerated[] of the format to ask for, or -1 when none fits. 8-bit prefers
 * NV12 (one buffer: derivable, one dma-buf) over NV12M; 10-bit takes P010. */
int vareq_pixfmt_choose(const uint32_t *enumerated, unsigned n, unsigned bit_depth);

/* Builds the layout from a G_FMT answer. Returns 0, or -1 with a reason in why when the
 * format is unknown or its planes do not fit the sizes the device reported. */
int vareq_layout_from_v4l2(const struct v4l2_pix_format_mplane *f, struct vareq_layout *l,
                           char *why, size_t why_len);

/* Bytes of the visible w x h picture in plane p (rows * pitch bound check helper):
 * true when plane p of a w x h picture lies inside its memory plane of size mem_len. */
bool vareq_layout_plane_fits(const struct vareq_layout *l, unsigned p, unsigned w, unsigned h,
                             size_t mem_len);

/* Fills a DRM PRIME 2 descriptor: fds[i]/obj_size[i] per memory plane. composed: one layer
 * (NV12 / P010) with 2 planes; otherwise two layers (R8+GR88 / R16+GR1616). */
void vareq_layout_export(const struct vareq_layout *l, const int *fds, const size_t *obj_size,
                         unsigned width, unsigned height, bool composed,
                         VADRMPRIMESurfaceDescriptor *d);

/* VAImage fields (format, planes, pitches, offsets, data_size) for a copy image of the
 * given VA fourcc and size, tightly packed with a 64-byte aligned pitch. -1 if unknown. */
int vareq_layout_image(uint32_t va_fourcc, unsigned width, unsigned height, VAImage *im);

#endif
