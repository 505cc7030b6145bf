/* "simtest": a codec only built into the test copy of simdev (libvareq-simdev-test), to
 * exercise the core's generic parts without depending on a real codec: a required
 * compound control that tells the bit depth (HEVC SPS), a dynamic array (HEVC slice
 * parameters, at most 16), two menu controls (H.264 decode mode / start code, one item
 * skipped) and an integer control. Its engine writes a picture derived from the OUTPUT
 * bytes: luma sample (x, y) = bytes[(x + y) % len], chroma = 128 (P010: value << 8), so a
 * test can check every plane layout. With a non-zero slice_segment_addr in element 0 of
 * the slice parameters it "continues" the frame: only rows >= that value are written
 * (HOLD_CAPTURE_BUF tests). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

#define SIMTEST_PIXFMT v4l2_fourcc('S', 'T', 'S', 'T')

static void init_sps(void *elem)
{
    struct v4l2_ctrl_hevc_sps *s = elem;
    s->pic_width_in_luma_samples = 64;
    s->pic_height_in_luma_samples = 64;
    s->chroma_format_idc = 1;
}

static int validate_sps(void *elem)
{
    const struct v4l2_ctrl_hevc_sps *s = elem;
    if (s->bit_depth_luma_minus8 > 2 || s->pic_width_in_luma_samples == 0)
        return -EINVAL;
    return 0;
}

static int validate_slice(void *elem)
{
    const struct v4l2_ctrl_hevc_slice_params *p = elem;
    return p->slice_type > 2 ? -EINVAL : 0;
}

static unsigned sps_bit_depth(uint32_t id, const void *value)
{
    if (id != V4L2_CID_STATELESS_HEVC_SPS)
        return 0;
    return 8u + ((const struct v4l2_ctrl_hevc_sps *)value)->bit_depth_luma_minus8;
}

static const char *const mode_menu[] = { "Slice-Based", "Frame-Based", NULL };
static const char *const start_menu[] = { "No Start Code", "Annex B Start Code", NULL };

static const struct sim_ctrl_def test_controls[] = {
    { .id = V4L2_CID_STATELESS_HEVC_SPS, .type = V4L2_CTRL_TYPE_HEVC_SPS,
      .name = "HEVC Sequence Parameter Set", .elem_size = sizeof(struct v4l2_ctrl_hevc_sps),
      .flags = SIM_CTRL_REQUIRED, .init = init_sps, .validate = validate_sps },
    { .id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS, .type = V4L2_CTRL_TYPE_HEVC_SLICE_PARAMS,
      .name = "HEVC Slice Parameters",
      .elem_size = sizeof(struct v4l2_ctrl_hevc_slice_params), .dims = { 16 },
      .flags = SIM_CTRL_DYNAMIC_ARRAY, .validate = validate_slice },
    { .id = V4L2_CID_STATELESS_H264_DECODE_MODE, .type = V4L2_CTRL_TYPE_MENU,
      .name = "H264 Decode Mode", .elem_size = 4, .min = 0, .max = 1, .def = 0,
      .menu = mode_menu },
    { .id = V4L2_CID_STATELESS_H264_START_CODE, .type = V4L2_CTRL_TYPE_MENU,
      .name = "H264 Start Code", .elem_size = 4, .min = 0, .max = 1, .def = 1,
      .menu_skip_mask = 1u << 0, .menu = start_menu },
    { .id = V4L2_CID_MPEG_VIDEO_H264_I_PERIOD, .type = V4L2_CTRL_TYPE_INTEGER,
      .name = "H264 I-Frame Period", .elem_size = 4, .min = 0, .max = 100, .step = 10,
      .def = 30 },
};

struct sim_engine {
    unsigned frames;
};

static struct sim_engine *test_create(void)
{
    return calloc(1, sizeof(struct sim_engine));
}

static void test_destroy(struct sim_engine *e)
{
    free(e);
}

static void put(const struct sim_picture *p, unsigned plane, size_t off, unsigned v)
{
    uint8_t *d = p->plane[plane].data + off;
    if (p->fourcc == V4L2_PIX_FMT_P010) {
        uint16_t s = (uint16_t)(v << 8);
        d[0] = (uint8_t)(s & 0xff);
        d[1] = (uint8_t)(s >> 8);
    } else {
        d[0] = (uint8_t)v;
    }
}

static int test_decode(struct sim_engine *e, const struct sim_decode_job *job, char *err,
                       size_t errlen)
{
    const struct v4l2_ctrl_hevc_sps *sps =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_HEVC_SPS, NULL);
    uint32_t nslices = 0;
    const struct v4l2_ctrl_hevc_slice_params *sl =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_HEVC_SLICE_PARAMS, &nslices);
    if (!sps || !sl || nslices == 0 || job->len == 0) {
        snprintf(err, errlen, "simtest: missing controls or data");
        return -EINVAL;
    }
    uint32_t w = sps->pic_width_in_luma_samples, h = sps->pic_height_in_luma_samples;
    unsigned depth = 8u + sps->bit_depth_luma_minus8;
    if (depth != job->dst->bit_depth || !sim_picture_fits(job->dst, w, h)) {
        snprintf(err, errlen, "simtest: %ux%u %u-bit does not fit the CAPTURE buffer", w, h,
                 depth);
        return -ENOSPC;
    }
    uint32_t first_row = job->continues_frame ? sl[0].slice_segment_addr : 0;
    if (first_row >= h) {
        snprintf(err, errlen, "simtest: slice starts below the picture");
        return -EINVAL;
    }
    const struct sim_picture *p = job->dst;
    size_t sb = sim_picture_sample_bytes(p);
    for (uint32_t y = first_row; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            put(p, 0, (size_t)y * p->plane[0].bytesperline + x * sb,
                job->bitstream[(x + y) % job->len]);
    for (uint32_t y = first_row / 2; y < (h + 1) / 2; y++)
        for (uint32_t x = 0; x < ((w + 1) / 2) * 2; x++)
            put(p, 1, (size_t)y * p->plane[1].bytesperline + x * sb, 128);
    job->dst->width = w;
    job->dst->height = h;
    e->frames++;
    return 0;
}

const struct sim_codec sim_codec_simtest = {
    .name = "simtest",
    .output_pixfmt = SIMTEST_PIXFMT,
    .description = "simdev test codec",
    .controls = test_controls,
    .n_controls = sizeof(test_controls) / sizeof(test_controls[0]),
    .bit_depths = SIM_BIT_DEPTH(8) | SIM_BIT_DEPTH(10),
    .ctrl_bit_depth = sps_bit_depth,
    .create = test_create,
    .destroy = test_destroy,
    .decode = test_decode,
};
