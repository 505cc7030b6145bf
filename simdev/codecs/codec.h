/* The interface between the simdev device core and its per-codec parts (hantro style).
 *
 * A codec is one `const struct sim_codec` registered in simdev/codecs/registry.c. It
 * declares the coded (OUTPUT) pixel format, its stateless controls (type, element size,
 * array dimensions, whether a request must carry it, default value, validation like the
 * kernel's std_validate_compound), the bit depths it decodes, and a decode engine
 * (create/destroy/decode). The core owns everything else: queues, formats, requests,
 * the control handler, the worker thread, reference lookup, faults.
 *
 * Threading: create/destroy/decode run on the decoding context's worker thread only
 * (one engine instance per context; several contexts decode at once, so an engine keeps
 * no global mutable state). Control validation (validate/init/bit_depth) runs with the
 * device lock held and must be pure. See docs/simdev.md "Adding a codec".
 */
#ifndef VAREQ_SIM_CODEC_H
#define VAREQ_SIM_CODEC_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- pictures (CAPTURE buffers) ---------------------------------------------------- */

/* One plane of a picture: plane[0] = luma (Y), plane[1] = interleaved CbCr. */
struct sim_plane {
    uint8_t *data;         /* first byte of the plane */
    size_t size;           /* bytes available from data on (bounds for every access) */
    uint32_t bytesperline; /* bytes per row */
};

/* A picture in a CAPTURE buffer.
 *  - V4L2_PIX_FMT_NV12: one memory plane; plane[1].data points into the same memory at
 *    bytesperline * format height (plane[0].size covers only the luma rows).
 *  - V4L2_PIX_FMT_NV12M: two memory planes; plane[0] and plane[1] are separate buffers.
 *  - V4L2_PIX_FMT_P010: like NV12, but every sample is a 16-bit little-endian word with the
 *    10 significant bits in bits 15..6 (value << 6); bytesperline counts bytes.
 * width/height: the size of the frame decoded into the buffer (0 x 0: none, or the last
 * decode into it failed). fmt_width/fmt_height: the CAPTURE format's size; a frame larger
 * than that does not fit even when the memory would hold it (0 x 0: no limit).
 * bit_depth: 8 (NV12/NV12M) or 10 (P010). */
struct sim_picture {
    uint32_t fourcc;
    uint32_t width;
    uint32_t height;
    uint32_t fmt_width;
    uint32_t fmt_height;
    uint32_t bit_depth;
    unsigned num_mem_planes; /* 1 (NV12, P010) or 2 (NV12M) */
    struct sim_plane plane[2];
};

/* Bytes per sample of a picture format (2 for P010, else 1). */
static inline size_t sim_picture_sample_bytes(const struct sim_picture *p)
{
    return p->fourcc == V4L2_PIX_FMT_P010 ? 2u : 1u;
}

/* True when a w x h 4:2:0 frame fits the planes of p (rows, pitch, plane sizes). */
static inline bool sim_picture_fits(const struct sim_picture *p, uint32_t w, uint32_t h)
{
    if (!p || !p->plane[0].data || !p->plane[1].data || w == 0 || h == 0)
        return false;
    if ((p->fmt_width && w > p->fmt_width) || (p->fmt_height && h > p->fmt_height))
        return false;
    size_t sb = sim_picture_sample_bytes(p);
    size_t row_y = (size_t)w * sb;
    size_t row_c = (((size_t)w + 1) / 2) * 2 * sb; /* interleaved CbCr row */
    size_t ch = ((size_t)h + 1) / 2;
    if (p->plane[0].bytesperline < row_y || p->plane[1].bytesperline < row_c)
        return false;
    if (p->plane[0].size / p->plane[0].bytesperline < h)
        return false;
    if (p->plane[1].size / p->plane[1].bytesperline < ch)
        return false;
    return true;
}

/* ---- controls ---------------------------------------------------------------------- */

enum sim_ctrl_flag {
    /* A request for this codec must set the control (cedrus's `.required`); QUEUE of a
     * request without it fails with ENOENT. */
    SIM_CTRL_REQUIRED = 1u << 0,
    /* V4L2_CTRL_FLAG_DYNAMIC_ARRAY: a set carries 1..dims[0] elements; the element count
     * is size / elem_size (as v4l2-ctrls-api.c computes it). */
    SIM_CTRL_DYNAMIC_ARRAY = 1u << 1,
    /* Not required by SIM_REQ_ALL profiles either: a control the modelled driver does not
     * register (rkvdec has no H.264 PRED_WEIGHTS / SLICE_PARAMS), which a request may still
     * carry here. */
    SIM_CTRL_NOT_PER_REQUEST = 1u << 2,
};

struct sim_ctrl_def {
    uint32_t id;        /* V4L2_CID_* */
    uint32_t type;      /* V4L2_CTRL_TYPE_* (compound, INTEGER, MENU, BOOLEAN, INTEGER64) */
    const char *name;   /* as QUERY_EXT_CTRL reports it (the kernel's v4l2_ctrl_get_name) */
    uint32_t elem_size; /* compound: sizeof(struct); INTEGER/MENU/BOOLEAN: 4; INTEGER64: 8 */
    /* Array dimensions, 0-terminated (all zero: a single element). A fixed array holds
     * dims[0]*dims[1]*... elements; a dynamic array (SIM_CTRL_DYNAMIC_ARRAY) holds up to
     * dims[0] elements (one dimension only). */
    uint32_t dims[V4L2_CTRL_MAX_DIMS];
    unsigned flags;     /* enum sim_ctrl_flag */
    /* INTEGER/MENU/BOOLEAN/INTEGER64: range and default (as v4l2_ctrl_new_std*). */
    int64_t min, max, step, def;
    uint64_t menu_skip_mask;  /* MENU: values that are not offered */
    const char *const *menu;  /* MENU: item names indexed by value (max + 1 entries) */
    /* Compound: the core first applies the kernel's std_init_compound() for the type
     * (core/ctrls_std.c); init() then sets a driver-specific default (v4l2_ctrl_config
     * p_def). Usually NULL. */
    void (*init)(void *elem);
    /* Compound: the core first applies the kernel's std_validate_compound() for the type
     * (core/ctrls_std.c: ranges, flags, reserved fields cleared); validate() adds the
     * modelled driver's try_ctrl checks (e.g. rkvdec rejecting 10-bit H.264 SPS). 0 or
     * -EINVAL. NULL = no driver checks. Do not repeat the kernel's rules here. */
    int (*validate)(void *elem);
};

/* The values of the controls of a handler (the context's current values, a request's
 * values, or the snapshot a decode job works on). Only the core changes it. */
struct sim_ctrl_value {
    const struct sim_ctrl_def *def;
    bool set;        /* set explicitly in this request (requests only) */
    uint32_t elems;  /* elements held (dynamic arrays: 1..max; otherwise the fixed count) */
    uint32_t max_elems;
    void *data;      /* max_elems * def->elem_size bytes; plain controls: int32/int64 */
};

struct sim_ctrl_set {
    size_t n;
    struct sim_ctrl_value *v; /* sorted by id */
};

/* Value of control id in s: pointer to the elements (count in *elems when elems != NULL),
 * or NULL when s has no such control. Implemented by the core. */
const void *sim_ctrls_get(const struct sim_ctrl_set *s, uint32_t id, uint32_t *elems);
/* Same, writable (faults modify the job's private copy). */
void *sim_ctrls_get_mut(struct sim_ctrl_set *s, uint32_t id, uint32_t *elems);

/* ---- faults ------------------------------------------------------------------------ */

/* Generic faults the core applies to every codec (bits of sim_decode_job.faults). */
enum sim_generic_fault {
    /* Swap the first two reference timestamps listed in sim_codec.ref_ts before the
     * engine resolves them ("swap-ref-ts"; alias "vp9-swap-ref-ts"). */
    SIM_FAULT_SWAP_REF_TS = 1u << 0,
};

/* A codec-specific fault: `apply` changes the job's copy of the controls before decode
 * (e.g. "vp9-corrupt-base-q"). Names are matched against VAREQ_SIM_FAULTS. */
struct sim_codec_fault {
    const char *name;
    void (*apply)(struct sim_ctrl_set *ctrls);
};

/* Defines `static void fn(struct sim_ctrl_set *c)`, a sim_codec_fault.apply that runs
 * `body` with `type *var = get` when that is not NULL; `get` is an expression of `c`,
 * e.g. sim_ctrls_get_mut(c, V4L2_CID_..., NULL): a fault on a control the request does
 * not carry changes nothing. */
#define SIM_CTRL_FAULT(fn, type, var, get, body)                                               \
    static void fn(struct sim_ctrl_set *c)                                                     \
    {                                                                                          \
        type *var = (get);                                                                     \
        if (var) {                                                                             \
            body;                                                                              \
        }                                                                                      \
    }

/* A field holding a reference timestamp (u64) inside a control's element 0. */
struct sim_ref_ts_field {
    uint32_t ctrl_id;
    size_t offset; /* offsetof(struct v4l2_ctrl_..., field) */
};

/* ---- decode jobs ------------------------------------------------------------------- */

struct sim_decode_job;

/* Resolves a reference timestamp like vb2_find_buffer(): the CAPTURE buffer of the same
 * context whose (copied) timestamp is ts, in any state, including the destination of
 * this job (which already carries the new timestamp). NULL when no buffer has it. The
 * returned picture has width/height 0 when the buffer holds no decoded frame. */
typedef const struct sim_picture *(*sim_find_ref_fn)(const struct sim_decode_job *job,
                                                     uint64_t ts);

struct sim_decode_job {
    const struct sim_ctrl_set *ctrls; /* values of this frame: request applied to current */
    const uint8_t *bitstream;         /* OUTPUT bytes [data_offset, bytesused) */
    size_t len;
    uint64_t timestamp;               /* this frame's timestamp in ns (v4l2_timeval_to_ns) */
    struct sim_picture *dst;          /* destination; engine sets width/height on success */
    sim_find_ref_fn find_ref;
    void *core;                       /* private to the core (find_ref's data) */
    unsigned faults;                  /* enum sim_generic_fault bits active */
    /* dst already holds earlier slices of this frame (HOLD_CAPTURE_BUF: the previous
     * OUTPUT buffer had the same timestamp); dst->width/height are those of the frame. */
    bool continues_frame;
};

static inline const struct sim_picture *sim_job_find_ref(const struct sim_decode_job *job,
                                                         uint64_t ts)
{
    return job->find_ref ? job->find_ref(job, ts) : NULL;
}

/* ---- the codec table entry --------------------------------------------------------- */

struct sim_engine; /* defined by each codec */

#define SIM_BIT_DEPTH(n) (1u << (n))

struct sim_codec {
    const char *name;          /* "vp9": profiles name codecs by it */
    uint32_t output_pixfmt;    /* V4L2_PIX_FMT_VP9_FRAME, ... */
    const char *description;   /* ENUM_FMT description ("VP9 Frame") */
    const struct sim_ctrl_def *controls;
    size_t n_controls;
    unsigned bit_depths;       /* SIM_BIT_DEPTH(8) | SIM_BIT_DEPTH(10) */
    /* Bit depth the current value of control id implies (like hantro/rkvdec set their
     * CAPTURE format from the SPS / sequence control), or 0 when the control says
     * nothing about it. NULL: always 8. */
    unsigned (*ctrl_bit_depth)(uint32_t id, const void *value);
    const struct sim_ref_ts_field *ref_ts; /* for SIM_FAULT_SWAP_REF_TS */
    size_t n_ref_ts;
    const struct sim_codec_fault *faults;
    size_t n_faults;
    /* Optional: the same codec as a device that decodes one slice per request offers it
     * (menus limited to slice-based modes, e.g. H.264 DECODE_MODE SLICE_BASED and
     * START_CODE NONE like cedrus); the profile option "+slice-based" selects it. */
    const struct sim_codec *slice_based;

    /* Engine: one per decoding context, created on its first job. */
    struct sim_engine *(*create)(void);
    void (*destroy)(struct sim_engine *e);
    /* Decodes one frame into job->dst. 0 on success (dst->width/height set), or a
     * negative errno with a one-line reason in err (the CAPTURE buffer then completes with
     * V4L2_BUF_FLAG_ERROR). Must not crash on any control values or bitstream. */
    int (*decode)(struct sim_engine *e, const struct sim_decode_job *job, char *err,
                  size_t errlen);
};

/* registry.c: all codecs built into simdev, NULL-terminated, in ENUM_FMT order. */
extern const struct sim_codec *const sim_codecs[];

const struct sim_codec *sim_codec_by_pixfmt(uint32_t pixfmt);
const struct sim_codec *sim_codec_by_name(const char *name);

#endif
