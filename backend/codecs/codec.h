/* Per-codec translator interface: one table per codec, registered in registry.c.
 *
 * A translator turns the VA buffers of one picture into the V4L2 stateless controls of
 * one request and the bytes of its OUTPUT buffer. It never touches the device: the core
 * (va/picture.c) owns requests, buffers and references. */
#ifndef VAREQ_CODEC_H
#define VAREQ_CODEC_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <va/va.h>

#define VAREQ_MAX_CTRLS 8
#define VAREQ_MAX_CODEC_PROFILES 4

struct vareq_codec_profile {
    VAProfile va;
    const char *name;   /* stats key, e.g. "VP9Profile0" */
    uint32_t rt_format; /* VA_RT_FORMAT_* bits */
};

struct vareq_codec_ctrl {
    uint32_t id;
    bool required; /* a device without it cannot decode this codec */
};

/* A VA buffer as collected by RenderPicture (data copied, owned by the context). */
struct vareq_va_buf {
    const uint8_t *data;
    size_t size;           /* total bytes = element_size * num_elements */
    size_t element_size;
    unsigned num_elements;
};

struct vareq_codec_frame {
    /* inputs */
    VAProfile profile;
    const struct vareq_va_buf *pic_param;   /* may be NULL */
    const struct vareq_va_buf *slice_params; /* in RenderPicture order */
    unsigned n_slice_params;
    const struct vareq_va_buf *slice_data;  /* in RenderPicture order */
    unsigned n_slice_data;
    uint8_t *out;          /* the OUTPUT buffer mapping */
    size_t out_cap;
    unsigned cap_width, cap_height; /* CAPTURE format (G_FMT) */
    const bool *ctrl_present; /* parallel to codec->ctrls: the device exposes it */
    /* Reference resolution: timestamp (ns) of the frame the surface holds now. Also
     * protects that memory until the request completes. 0 on success, -1 when the
     * surface is unknown or holds no frame. */
    int (*ref_ts)(void *opaque, VASurfaceID surface, uint64_t *ts_ns);
    void *opaque;
    /* outputs */
    size_t out_used;
    struct v4l2_ext_control ctrls[VAREQ_MAX_CTRLS];
    unsigned n_ctrls;
};

struct vareq_codec {
    const char *name;
    uint32_t output_pixfmt;
    struct vareq_codec_profile profiles[VAREQ_MAX_CODEC_PROFILES];
    unsigned n_profiles;
    struct vareq_codec_ctrl ctrls[VAREQ_MAX_CTRLS];
    unsigned n_ctrls;
    size_t pic_param_size;   /* sizeof the VA picture parameter struct */
    size_t slice_param_size; /* sizeof one VA slice parameter element */
    /* per-context state */
    int (*ctx_init)(void **state);
    void (*ctx_destroy)(void *state);
    /* Returns VA_STATUS_SUCCESS, or an error status after logging the reason. */
    VAStatus (*translate)(void *state, struct vareq_codec_frame *f);
};

const struct vareq_codec *vareq_codec_by_profile(VAProfile profile,
                                                 const struct vareq_codec_profile **prof);
const struct vareq_codec *vareq_codec_by_pixfmt(uint32_t pixfmt);
unsigned vareq_codec_count(void);
const struct vareq_codec *vareq_codec_at(unsigned i);
unsigned vareq_codec_total_profiles(void);

extern const struct vareq_codec vareq_codec_vp9;

#endif
