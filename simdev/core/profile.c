/* The device profiles. Sources of every value: docs/simdev.md "Profiles". */
#include "profile.h"

#include <string.h>

#include "../codecs/codec.h"

#define B8 SIM_BIT_DEPTH(8)
#define B10 SIM_BIT_DEPTH(10)
#define MEM_MMAP_DMABUF ((1u << V4L2_MEMORY_MMAP) | (1u << V4L2_MEMORY_DMABUF))
#define FRM(minw, maxw, stepw, minh, maxh, steph) \
    { .min_width = minw, .max_width = maxw, .step_width = stepw, \
      .min_height = minh, .max_height = maxh, .step_height = steph }

/* generic: every codec built into simdev, the friendliest rules (ncodecs == 0 means
 * "all codecs of the registry", each with GENERIC_FRM and 8/10-bit as the codec offers). */
static const struct sim_profile profile_generic = {
    .name = "generic",
    .driver = "vareq-simdev",
    .card = "vareq-simdev",
    .ncodecs = 0,
    .cap_fmts_8 = { V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M },
    .cap_fmts_10 = { V4L2_PIX_FMT_P010 },
    .output_align_to_step = false,
    .coded_size = SIM_CODED_GENERIC,
    .min_coded_size = 256u * 1024u,
    .cap_align_to_step = false,
    .bpl_rule = SIM_BPL_GENERIC,
    .bpl_align = 16,
    .extra = SIM_EXTRA_NONE,
    .default_width = 1920,
    .default_height = 1080,
    .memory = MEM_MMAP_DMABUF,
    .decoder_cmd = true,
};

/* rkvdec, Linux 6.1 drivers/staging/media/rkvdec/rkvdec.c (RK3399). */
static const struct sim_profile profile_rkvdec = {
    .name = "rkvdec",
    .driver = "rkvdec",
    .card = "rkvdec",
    .codecs = {
        { "h264", FRM(48, 4096, 16, 48, 2304, 16), B8, SIM_REQ_ALL, false },
        { "vp9", FRM(64, 4096, 64, 64, 2304, 64), B8, SIM_REQ_ALL, false },
    },
    .ncodecs = 2,
    .cap_fmts_8 = { V4L2_PIX_FMT_NV12 },
    .cap_fmts_10 = { 0 },
    .output_align_to_step = true,
    .coded_size = SIM_CODED_WH2,
    .min_coded_size = 0,
    .cap_align_to_step = true,
    .bpl_rule = SIM_BPL_FILL,
    .extra = SIM_EXTRA_RKVDEC,
    .default_width = 0, /* frmsize minimum of the first codec: 48x48 */
    .default_height = 0,
    .memory = MEM_MMAP_DMABUF,
    .decoder_cmd = false,
};

/* hantro, Linux 6.1 drivers/staging/media/hantro: G1 (rk3399_vpu_dec_fmts: MPEG-2,
 * H.264, VP8), G2 (imx8m_vpu_g2_dec_fmts: HEVC, VP9, 10-bit through the post-processor),
 * VPU981 (rk3588, Linux 6.3+: AV1) merged into one node. */
static const struct sim_profile profile_hantro = {
    .name = "hantro",
    .driver = "hantro-vpu",
    .card = "hantro-vpu-dec",
    .codecs = {
        { "mpeg2", FRM(48, 1920, 16, 48, 1088, 16), B8, SIM_REQ_NONE, false },
        { "h264", FRM(48, 4096, 16, 48, 2304, 16), B8, SIM_REQ_NONE, false },
        { "vp8", FRM(48, 3840, 16, 48, 2160, 16), B8, SIM_REQ_NONE, false },
        { "hevc", FRM(48, 3840, 32, 48, 2160, 32), B8 | B10, SIM_REQ_NONE, false },
        { "vp9", FRM(48, 3840, 16, 48, 2160, 16), B8 | B10, SIM_REQ_NONE, false },
        { "av1", FRM(64, 4096, 16, 64, 2304, 16), B8 | B10, SIM_REQ_NONE, false },
    },
    .ncodecs = 6,
    .cap_fmts_8 = { V4L2_PIX_FMT_NV12 },
    .cap_fmts_10 = { V4L2_PIX_FMT_P010 },
    .output_align_to_step = true,
    .coded_size = SIM_CODED_WH2,
    .min_coded_size = 0,
    .cap_align_to_step = true,
    .bpl_rule = SIM_BPL_FILL,
    .extra = SIM_EXTRA_NONE,
    .default_width = 0, /* first codec's minimum: 48x48 */
    .default_height = 0,
    .memory = MEM_MMAP_DMABUF,
    .decoder_cmd = false,
};

/* cedrus, Linux 6.1 drivers/staging/media/sunxi/cedrus/cedrus_video.c, a SoC with
 * CEDRUS_CAPABILITY_UNTILED (H6 class): NV12 is offered (before NV12_32L32, which simdev
 * does not produce). */
static const struct sim_profile profile_cedrus = {
    .name = "cedrus",
    .driver = "cedrus",
    .card = "cedrus",
    .single_planar = true,
    .codecs = {
        { "mpeg2", FRM(16, 4096, 1, 16, 2304, 1), B8, SIM_REQ_CODEC, false },
        /* cedrus.c: DECODE_MODE SLICE_BASED only, START_CODE NONE only */
        { "h264", FRM(16, 4096, 1, 16, 2304, 1), B8, SIM_REQ_CODEC, true, true },
        { "hevc", FRM(16, 4096, 1, 16, 2304, 1), B8, SIM_REQ_CODEC, true },
        { "vp8", FRM(16, 4096, 1, 16, 2304, 1), B8, SIM_REQ_CODEC, false },
    },
    .ncodecs = 4,
    .cap_fmts_8 = { V4L2_PIX_FMT_NV12 },
    .cap_fmts_10 = { 0 },
    .output_align_to_step = false,
    .coded_size = SIM_CODED_MIN,
    .min_coded_size = 1024,
    .cap_align_to_step = false,
    .cap_width_unaligned = true,
    .bpl_rule = SIM_BPL_CEDRUS,
    .extra = SIM_EXTRA_NONE,
    .default_width = 16, /* src_fmt zeroed, then clamped to CEDRUS_MIN_WIDTH/HEIGHT */
    .default_height = 16,
    .output_resize_when_busy = true,
    .memory = MEM_MMAP_DMABUF,
    .decoder_cmd = true,
};

static const struct sim_profile *const profiles[] = {
    &profile_generic,
    &profile_rkvdec,
    &profile_hantro,
    &profile_cedrus,
};

const struct sim_profile *sim_profile_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
        if (strlen(profiles[i]->name) == len && strncmp(profiles[i]->name, name, len) == 0)
            return profiles[i];
    return NULL;
}

const char *sim_profile_names(void)
{
    return "generic, rkvdec, hantro, cedrus";
}
