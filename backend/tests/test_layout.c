/* Unit test of va/layout.c: CAPTURE layouts from G_FMT answers (NV12, NV12M, P010),
 * format choice by bit depth, DRM PRIME descriptors (composed / separate layers) and image
 * layouts. Expected values are written out by hand from the V4L2 and DRM format
 * definitions, not computed by the code under test. */
#include <stdio.h>
#include <string.h>

#include "va/layout.h"

#include "check.h"

static int failures;

#define DRM(a, b, c, d) ((unsigned)(a) | ((unsigned)(b) << 8) | ((unsigned)(c) << 16) | ((unsigned)(d) << 24))

static struct v4l2_pix_format_mplane fmt(uint32_t pix, unsigned w, unsigned h, unsigned np,
                                         unsigned bpl0, unsigned size0, unsigned bpl1,
                                         unsigned size1)
{
    struct v4l2_pix_format_mplane f;
    memset(&f, 0, sizeof(f));
    f.pixelformat = pix;
    f.width = w;
    f.height = h;
    f.num_planes = (uint8_t)np;
    f.plane_fmt[0].bytesperline = bpl0;
    f.plane_fmt[0].sizeimage = size0;
    f.plane_fmt[1].bytesperline = bpl1;
    f.plane_fmt[1].sizeimage = size1;
    return f;
}

static void test_nv12(void)
{
    struct v4l2_pix_format_mplane f = fmt(V4L2_PIX_FMT_NV12, 864, 480, 1, 896, 645120, 0, 0);
    struct vareq_layout l;
    VADRMPRIMESurfaceDescriptor d;
    int fds[2] = {7, -1};
    size_t sizes[2] = {655360, 0};
    char why[128];

    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) == 0, "%s", why);
    CHECK(l.n_mem == 1 && l.plane_pitch[0] == 896 && l.plane_pitch[1] == 896, "pitches");
    CHECK(l.plane_offset[0] == 0 && l.plane_offset[1] == 430080, "uv offset %zu",
          l.plane_offset[1]);
    CHECK(l.plane_rows[1] == 240 && l.plane_mem[1] == 0, "uv rows/mem");
    vareq_layout_export(&l, fds, sizes, 864, 480, true, &d);
    CHECK(d.fourcc == VA_FOURCC_NV12 && d.num_objects == 1 && d.objects[0].fd == 7 &&
              d.objects[0].size == 655360 && d.objects[0].drm_format_modifier == 0,
          "objects");
    CHECK(d.num_layers == 1 && d.layers[0].drm_format == DRM('N', 'V', '1', '2') &&
              d.layers[0].num_planes == 2 && d.layers[0].pitch[0] == 896 &&
              d.layers[0].pitch[1] == 896 && d.layers[0].offset[1] == 430080 &&
              d.layers[0].object_index[1] == 0,
          "composed layer");
    vareq_layout_export(&l, fds, sizes, 864, 480, false, &d);
    CHECK(d.num_layers == 2 && d.layers[0].drm_format == DRM('R', '8', ' ', ' ') &&
              d.layers[1].drm_format == DRM('G', 'R', '8', '8') &&
              d.layers[1].offset[0] == 430080 && d.layers[1].pitch[0] == 896,
          "separate layers");
    /* last CbCr byte of 864x480: 430080 + 239 * 896 + 864 = 645088 */
    CHECK(vareq_layout_plane_fits(&l, 1, 864, 480, 645088), "fits exactly");
    CHECK(!vareq_layout_plane_fits(&l, 1, 864, 480, 645087), "one byte short must not fit");

    /* the device's sizeimage does not hold the CbCr plane: refused */
    f = fmt(V4L2_PIX_FMT_NV12, 864, 480, 1, 896, 645119, 0, 0);
    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) < 0, "short sizeimage accepted");
    f = fmt(V4L2_PIX_FMT_NV12, 864, 480, 1, 860, 645120, 0, 0);
    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) < 0, "pitch < width accepted");
    f = fmt(V4L2_PIX_FMT_NV12, 864, 480, 2, 896, 645120, 896, 1000);
    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) < 0, "NV12 with 2 planes accepted");
    f = fmt(V4L2_PIX_FMT_YUV420, 864, 480, 1, 896, 645120, 0, 0);
    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) < 0, "YU12 accepted");
}

static void test_nv12m(void)
{
    /* 1920x1080 coded as 1920x1088, 64-aligned pitch 1920 */
    struct v4l2_pix_format_mplane f =
        fmt(V4L2_PIX_FMT_NV12M, 1920, 1088, 2, 1920, 2088960, 1920, 1044480);
    struct vareq_layout l;
    VADRMPRIMESurfaceDescriptor d;
    int fds[2] = {5, 6};
    size_t sizes[2] = {2088960, 1044480};
    char why[128];

    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) == 0, "%s", why);
    CHECK(l.n_mem == 2 && l.plane_mem[0] == 0 && l.plane_mem[1] == 1 &&
              l.plane_offset[1] == 0 && l.plane_rows[1] == 544,
          "NV12M planes");
    vareq_layout_export(&l, fds, sizes, 1920, 1080, true, &d);
    CHECK(d.num_objects == 2 && d.objects[0].fd == 5 && d.objects[1].fd == 6 &&
              d.objects[1].size == 1044480,
          "two objects");
    CHECK(d.num_layers == 1 && d.layers[0].object_index[0] == 0 &&
              d.layers[0].object_index[1] == 1 && d.layers[0].offset[1] == 0 &&
              d.width == 1920 && d.height == 1080,
          "composed NV12M");
    vareq_layout_export(&l, fds, sizes, 1920, 1080, false, &d);
    CHECK(d.num_layers == 2 && d.layers[1].object_index[0] == 1 && d.layers[1].offset[0] == 0,
          "separate NV12M");
    f = fmt(V4L2_PIX_FMT_NV12M, 1920, 1088, 2, 1920, 2088960, 1920, 1044479);
    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) < 0, "short CbCr plane accepted");
}

static void test_p010(void)
{
    struct v4l2_pix_format_mplane f =
        fmt(V4L2_PIX_FMT_P010, 1920, 1088, 1, 3840, 6266880, 0, 0);
    struct vareq_layout l;
    VADRMPRIMESurfaceDescriptor d;
    VAImage im;
    int fds[2] = {9, -1};
    size_t sizes[2] = {6266880, 0};
    char why[128];

    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) == 0, "%s", why);
    CHECK(l.info->bit_depth == 10 && l.info->bytes_per_sample == 2 &&
              l.plane_offset[1] == 4177920 && l.plane_pitch[1] == 3840,
          "P010 layout");
    vareq_layout_export(&l, fds, sizes, 1920, 1080, true, &d);
    CHECK(d.fourcc == VA_FOURCC_P010 && d.layers[0].drm_format == DRM('P', '0', '1', '0') &&
              d.layers[0].pitch[0] == 3840 && d.layers[0].offset[1] == 4177920,
          "composed P010");
    vareq_layout_export(&l, fds, sizes, 1920, 1080, false, &d);
    CHECK(d.layers[0].drm_format == DRM('R', '1', '6', ' ') &&
              d.layers[1].drm_format == DRM('G', 'R', '3', '2'),
          "separate P010 (R16 + GR1616)");
    /* a pitch of 1920 bytes is only half a P010 row */
    f = fmt(V4L2_PIX_FMT_P010, 1920, 1088, 1, 1920, 6266880, 0, 0);
    CHECK(vareq_layout_from_v4l2(&f, &l, why, sizeof(why)) < 0, "8-bit pitch for P010");
    CHECK(vareq_layout_image(VA_FOURCC_P010, 100, 50, &im) == 0, "P010 image");
    CHECK(im.pitches[0] == 256 && im.offsets[1] == 256 * 50 && im.data_size == 256 * 75 &&
              im.format.bits_per_pixel == 24,
          "P010 image layout: pitch %u", im.pitches[0]);
    CHECK(vareq_layout_image(VA_FOURCC_NV12, 101, 51, &im) == 0 && im.pitches[0] == 128 &&
              im.offsets[1] == 128 * 52 && im.data_size == 128 * 78,
          "NV12 odd-size image layout");
    CHECK(vareq_layout_image(VA_FOURCC('Y', 'V', '1', '2'), 16, 16, &im) < 0, "YV12 image");
}

static void test_choose(void)
{
    const uint32_t a[] = {V4L2_PIX_FMT_NV12M, V4L2_PIX_FMT_NV12};
    const uint32_t b[] = {V4L2_PIX_FMT_NV12M};
    const uint32_t c[] = {V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_P010};
    const uint32_t e[] = {V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_YUV420};

    CHECK(vareq_pixfmt_choose(a, 2, 8) == 1, "8-bit prefers NV12");
    CHECK(vareq_pixfmt_choose(b, 1, 8) == 0, "8-bit takes NV12M");
    CHECK(vareq_pixfmt_choose(c, 2, 10) == 1, "10-bit takes P010");
    CHECK(vareq_pixfmt_choose(e, 2, 10) == -1, "10-bit without P010");
    CHECK(vareq_pixfmt_choose(b, 0, 8) == -1, "nothing enumerated");
}

int main(void)
{
    test_nv12();
    test_nv12m();
    test_p010();
    test_choose();
    return check_exit("layout", failures);
}
