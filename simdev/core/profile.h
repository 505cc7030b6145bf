/* Device profiles: the constraints of real stateless drivers (VAREQ_SIM_PROFILE).
 * Every rule and its source is listed in docs/simdev.md "Profiles". Immutable tables. */
#ifndef SIM_PROFILE_H
#define SIM_PROFILE_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_PROFILE_MAX_CODECS 8u
#define SIM_PROFILE_MAX_FMTS 4u

enum sim_req_policy {
    SIM_REQ_CODEC = 0, /* the codec's SIM_CTRL_REQUIRED controls (cedrus's .required) */
    SIM_REQ_ALL,       /* every compound control of the codec (rkvdec: per_request +
                        * mandatory descriptors, checked in rkvdec_request_validate) */
    SIM_REQ_NONE,      /* none: missing ones keep their current value (hantro) */
};

/* A codec as one profile offers it. */
struct sim_profile_codec {
    const char *codec;                     /* sim_codec.name */
    struct v4l2_frmsize_stepwise frmsize;  /* ENUM_FRAMESIZES and the coded size rules */
    unsigned bit_depths;                   /* SIM_BIT_DEPTH() mask offered */
    enum sim_req_policy required;          /* which controls a request must carry */
    bool hold_capture_buf;                 /* V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF */
    bool slice_based;                      /* the codec's slice-based variant
                                            * (sim_codec.slice_based), e.g. cedrus H.264 */
};

enum sim_bpl_rule {
    SIM_BPL_GENERIC,  /* align(width, bpl_align); a larger multiple of bpl_align asked in
                       * S/TRY_FMT is honoured up to SIM_MAX_BYTESPERLINE */
    SIM_BPL_FILL,     /* v4l2_fill_pixfmt_mp(): width * bytes per sample, request ignored */
    SIM_BPL_CEDRUS,   /* cedrus_prepare_format(): ALIGN(width, 16), request ignored */
};

enum sim_coded_size_rule {
    SIM_CODED_GENERIC, /* max(w * h * 3 / 2, min_coded_size, requested), capped */
    SIM_CODED_WH2,     /* requested, or w * h * 2 when 0 (rkvdec_h264_adjust_fmt) */
    SIM_CODED_MIN,     /* max(min_coded_size, requested) (cedrus_prepare_format) */
};

enum sim_extra_rule {
    SIM_EXTRA_NONE,
    SIM_EXTRA_RKVDEC, /* sizeimage += 128 * mb_width * mb_height (rkvdec try_capture_fmt) */
};

struct sim_profile {
    const char *name;
    const char *driver;        /* QUERYCAP driver / card / media model */
    const char *card;
    bool single_planar;        /* cedrus: VIDEO_M2M (single-planar API) — see docs */
    struct sim_profile_codec codecs[SIM_PROFILE_MAX_CODECS];
    size_t ncodecs;
    uint32_t cap_fmts_8[SIM_PROFILE_MAX_FMTS];  /* CAPTURE formats for 8-bit streams */
    uint32_t cap_fmts_10[SIM_PROFILE_MAX_FMTS]; /* ... for 10-bit streams */
    /* OUTPUT: width/height rounded up to the codec's frmsize step (rkvdec/hantro's
     * v4l2_apply_frmsize_constraints) or only clamped (generic, cedrus). */
    bool output_align_to_step;
    enum sim_coded_size_rule coded_size;
    uint32_t min_coded_size;   /* OUTPUT sizeimage floor */
    /* CAPTURE size from the coded size: width/height aligned to the codec's step
     * (false: to 16), width left unaligned (cedrus keeps the clamped coded width). */
    bool cap_align_to_step;
    bool cap_width_unaligned;
    enum sim_bpl_rule bpl_rule;
    unsigned bpl_align;        /* SIM_BPL_GENERIC */
    enum sim_extra_rule extra;
    /* Default OUTPUT size after open (0: the first codec's frmsize minimum). */
    uint32_t default_width, default_height;
    /* S_FMT(OUTPUT) with OUTPUT buffers allocated but not streaming, same pixelformat:
     * accepted (cedrus's dynamic resolution change) instead of EBUSY. */
    bool output_resize_when_busy;
    uint32_t memory;           /* bit (1 << V4L2_MEMORY_MMAP) | (1 << V4L2_MEMORY_DMABUF) */
    bool decoder_cmd;          /* VIDIOC_(TRY_)DECODER_CMD (stateless FLUSH) */
};

/* Options appended to the profile name: VAREQ_SIM_PROFILE=rkvdec+reset-on-free. */
enum sim_profile_opt {
    /* REQBUFS(0) on either queue resets both formats to the defaults after open (not a
     * kernel behaviour: a stress mode for "no format cache across sessions"). */
    SIM_PROFILE_OPT_RESET_ON_FREE = 1u << 0,
    /* Codecs with a slice-based variant (sim_codec.slice_based) use it, with
     * HOLD_CAPTURE_BUF (e.g. H.264 SLICE_BASED + START_CODE NONE, as cedrus offers it,
     * on any profile's buffer API). */
    SIM_PROFILE_OPT_SLICE_BASED = 1u << 1,
};

const struct sim_profile *sim_profile_find(const char *name, size_t len);
/* Comma-separated names of all profiles (for messages). */
const char *sim_profile_names(void);

#endif
