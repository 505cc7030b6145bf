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
    uint32_t rt_format; /* VA_RT_FORMAT_* bits: VA_RT_FORMAT_YUV420 (8-bit, NV12/NV12M),
                         * VA_RT_FORMAT_YUV420_10 (10-bit, P010) or both (the render
                         * targets' RT format then decides the CAPTURE format) */
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
    /* added for H.264 (backwards compatible: NULL when absent) */
    const struct vareq_va_buf *iq_matrix;          /* VAIQMatrixBufferType, may be NULL */
    const struct v4l2_query_ext_ctrl *ctrl_info;   /* parallel to codec->ctrls (QUERY_EXT_CTRL
                                                      result where ctrl_present), may be NULL */
    /* Reference resolution: timestamp (ns) of the frame the surface holds now. Also
     * protects that memory until the request completes. 0 on success, -1 when the
     * surface is unknown or holds no frame. */
    int (*ref_ts)(void *opaque, VASurfaceID surface, uint64_t *ts_ns);
    void *opaque;
    /* Several requests per picture (slice-based decoding): index of the request being
     * built, 0 first. The translator sets more_parts when another request must follow;
     * the core then queues this one with V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF (same
     * timestamp, the CAPTURE buffer queued once) and calls translate again with part + 1
     * and the same inputs. */
    unsigned part;
    /* outputs */
    bool more_parts;
    size_t out_used;
    struct v4l2_ext_control ctrls[VAREQ_MAX_CTRLS];
    unsigned n_ctrls;
    /* A second surface that shows this request's CAPTURE buffer, or VA_INVALID_SURFACE (the
     * core's default). AV1 film grain: VA names the reference (target) and a display
     * surface for the grain-applied picture; the device writes the grain-applied picture
     * into the CAPTURE buffer and keeps its grain-free reference itself, so both surfaces
     * hold that buffer (the target as a reference by timestamp, the display surface for
     * reading and export) until both have left it. */
    VASurfaceID display;
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
    /* Optional (NULL: the core never re-negotiates inside a context). Called before
     * translate with the inputs of f set: the coded size of the picture and whether it
     * replaces every reference (VP9 key frame, AV1 key frame with all refresh bits, H.264
     * IDR). 0 when known. The core re-negotiates CAPTURE (STREAMOFF, REQBUFS(0), S_FMT,
     * REQBUFS, STREAMON) when a keyframe changes the size inside one context. */
    int (*frame_size)(const struct vareq_codec_frame *f, unsigned *width, unsigned *height,
                      bool *keyframe);
    /* Optional: controls telling the device the stream's bit depth before the core
     * enumerates CAPTURE formats (rkvdec-style devices enumerate P010 only once the
     * current SPS / frame control says 10-bit). Fills ctrls[0..*n-1] (at most
     * VAREQ_MAX_CTRLS) with payloads in buf (buf_size bytes); the core sets them as
     * current values (no request) after S_FMT(OUTPUT). 0 on success. */
    int (*format_ctrls)(unsigned bit_depth, struct v4l2_ext_control *ctrls, unsigned *n,
                        void *buf, size_t buf_size);
    /* Optional: true when the picture (inputs of f set, called before translate) completes
     * the frame its render target already holds: the second field of an H.264 field pair.
     * The core then decodes it into the same CAPTURE buffer with the same timestamp (the
     * kernel model: both fields in one buffer, the second field's DPB naming the first by
     * that timestamp), so the first field's lines stay where a device writes only the
     * current field's lines. */
    bool (*completes_frame)(void *state, const struct vareq_codec_frame *f);
    /* ref_ts is asked for every frame the device keeps (AV1: reference_frame_ts[] of all
     * eight slots, keyframes included), not only those the picture predicts from: the
     * core's taint propagation (va/request.c) does not follow such references. */
    bool refs_all_live;
};

const struct vareq_codec *vareq_codec_by_profile(VAProfile profile,
                                                 const struct vareq_codec_profile **prof);
const struct vareq_codec *vareq_codec_by_pixfmt(uint32_t pixfmt);
unsigned vareq_codec_count(void);
const struct vareq_codec *vareq_codec_at(unsigned i);
unsigned vareq_codec_total_profiles(void);
struct vareq_sysops;
/* Sets the codec's format controls (format_ctrls) for bit_depth as current values on the
 * video device fd. 0: set; 1: the codec has none (for that depth); -1: S_EXT_CTRLS failed
 * (errno set; *error_idx, when not NULL, the ioctl's error_idx). */
int vareq_codec_set_format_ctrls(const struct vareq_codec *codec, const struct vareq_sysops *ops,
                                 int fd, unsigned bit_depth, uint32_t *error_idx);

extern const struct vareq_codec vareq_codec_vp9;
extern const struct vareq_codec vareq_codec_vp8;
extern const struct vareq_codec vareq_codec_av1;
extern const struct vareq_codec vareq_codec_h264;

#endif
