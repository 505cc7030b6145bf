/* simdev VP9 engine: rebuilds a VP9 frame from the uAPI controls + tile data and decodes
 * it with one persistent libvpx decoder per instance (threads = 1).
 *
 * Reference handling. libvpx's VP8_SET_REFERENCE (implemented by the VP9 decoder) copies
 * a picture into the frame buffer that reference slot 0, 1 or 2 currently points to and
 * requires that buffer's (8-aligned) dimensions; VP8_COPY_REFERENCE reads slot 0 only;
 * VP9_GET_REFERENCE ignores its index (it returns the last *shown* frame), so it cannot
 * read hidden frames. A keyframe makes all eight slots point to one buffer, so loading
 * three different pictures into slots 0..2 would overwrite each other. The engine:
 *   - models libvpx's reference map (which buffer each slot points to, and its size);
 *   - groups LAST/GOLDEN/ALTREF by identical pictures (same memory or same content) and
 *     writes ref_frame_idx so that each distinct picture gets its own slot among 0..2
 *     whose buffer is not shared with another used slot, then loads the pictures;
 *   - writes refresh_frame_flags = slot 0 (for the read-back), plus slot 1 when slots 1
 *     and 2 share a buffer. After a keyframe slots 0..2 thus hold 1, 2, then 3 distinct
 *     buffers, which is never fewer than the number of distinct pictures a valid stream
 *     can reference (a keyframe leaves one picture in all slots, each frame adds one);
 *   - reads every decoded frame, shown or hidden, back from slot 0.
 * refresh_frame_flags and ref_frame_idx only route buffers inside libvpx: the decoding
 * process (probability contexts, segmentation map, previous-frame motion vectors, which
 * libvpx keeps per decoder like hardware does) does not depend on them, so rewriting them
 * is safe; the pixels of every reference come from the CAPTURE buffers.
 *
 * Reference scaling (references of another size than the frame) is done by libvpx
 * itself: a picture is loaded into a slot whose buffer has the picture's size (libvpx
 * then predicts through its scaler exactly as when it decodes the original stream). To
 * have such buffers, the first frame of a new size is also stored in slot 1 or 2 (the one
 * least recently used for a reference), so buffers of the old and the new size coexist.
 * A frame whose distinct references need more buffers of a size than the slots hold fails
 * with -ENOTSUP and says so (not seen with libvpx's dynamic resize).
 *
 * Profile 2 (10-bit) is decoded with libvpx's high bit depth path (16-bit samples,
 * VPX_IMG_FMT_I42016 for the reference images) and written as P010.
 */
#include "sim_vp9.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include "picture.h"
#include "sim_vp9_headers.h"
#include <vareq/errmsg.h>

/* Reference cache. libvpx keeps the frame it decoded in its own buffer; loading the
 * reference again from the CAPTURE buffer the next frame names (NV12 -> I420 conversion,
 * then VP8_SET_REFERENCE's copy and border extension) is most of simdev's VP9 cost. A
 * shadow is an I420 copy of the visible pixels of one libvpx frame buffer (by the model's
 * buffer id): written by VP8_COPY_REFERENCE when the buffer was decoded into, or by the
 * conversion when a CAPTURE picture was loaded into it. A reference is used from a slot
 * without reloading only when the CAPTURE buffer's visible samples, read now, equal that
 * shadow (sim_semiplanar_equals_i420): the check reads the CAPTURE memory at every
 * decode, so a client that wrote into a reference buffer (through any mapping, an
 * exported fd or as a DMABUF importer) gets the written pixels, loaded as before.
 * Equal samples make libvpx's buffer identical to a reload in every visible sample; the
 * columns/rows past the visible size are libvpx's own decode of them instead of the
 * replicated edge, and libvpx never predicts from them (it extends references from their
 * visible size, as when it decodes the original stream). */
#define SIM_VP9_SHADOWS 4

struct shadow {
    uint32_t buf;               /* model buffer id, 0 = unused */
    unsigned w, h;              /* visible size of the picture it holds */
    bool hbd;
    uint8_t *mem;
    size_t cap;
    const uint8_t *hint;        /* luma memory of the CAPTURE buffer it came from/went to */
};

struct sim_vp9 {
    vpx_codec_ctx_t dec;
    bool dec_ok;
    uint8_t *frame;             /* assembled frame */
    size_t frame_cap;
    /* What the engine knows libvpx's frame buffers hold (see "Reference cache"). */
    struct shadow shadow[SIM_VP9_SHADOWS];
    /* Model of libvpx's reference map: which frame buffer (by id, 0 = empty) each of the
     * 8 slots points to and its size. VP9_GET_REFERENCE cannot be used to query it: in
     * libvpx it ignores the index and returns the last shown frame. */
    uint32_t slot_buf[8];
    uint32_t slot_w[8], slot_h[8];
    uint64_t slot_used_at[3];   /* frame_no when slot 0..2 last held a reference */
    uint64_t frame_no;
    uint32_t next_buf;
    bool ref_cache;             /* use the reference cache (VAREQ_SIM_VP9_REF_CACHE=0: off) */
    uint64_t refs_reused, refs_loaded;
    bool resync;                /* libvpx waits for a keyframe / intra-only frame */
    /* sequence parameters of the last intra frame, to validate inter frame controls */
    bool have_seq;
    uint8_t bit_depth;
    uint8_t profile;
    bool ssx, ssy;
};

struct sim_vp9 *sim_vp9_create(void)
{
    struct sim_vp9 *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    vpx_codec_dec_cfg_t cfg = { .threads = 1, .w = 0, .h = 0 };
    if (vpx_codec_dec_init(&e->dec, vpx_codec_vp9_dx(), &cfg, 0) != VPX_CODEC_OK) {
        free(e);
        return NULL;
    }
    e->dec_ok = true;
    e->resync = true;
    const char *rc = getenv("VAREQ_SIM_VP9_REF_CACHE");
    e->ref_cache = !(rc && strcmp(rc, "0") == 0);
    return e;
}

void sim_vp9_set_ref_cache(struct sim_vp9 *e, bool on)
{
    if (e)
        e->ref_cache = on;
}

void sim_vp9_ref_stats(const struct sim_vp9 *e, uint64_t *reused, uint64_t *loaded)
{
    *reused = e ? e->refs_reused : 0;
    *loaded = e ? e->refs_loaded : 0;
}

void sim_vp9_destroy(struct sim_vp9 *e)
{
    if (!e)
        return;
    if (e->dec_ok)
        vpx_codec_destroy(&e->dec);
    free(e->frame);
    for (int i = 0; i < SIM_VP9_SHADOWS; i++)
        free(e->shadow[i].mem);
    free(e);
}

/* Checks that a picture of w x h in the format of the bit depth fits its planes:
 * NV12/NV12M for 8-bit, P010 for 10-bit (simdev/codecs/codec.h). */
static bool pic_fits(const struct sim_picture *p, uint32_t w, uint32_t h, unsigned depth)
{
    if (!p)
        return false;
    if (depth == 8 && p->fourcc != V4L2_PIX_FMT_NV12 && p->fourcc != V4L2_PIX_FMT_NV12M)
        return false;
    if (depth == 10 && p->fourcc != V4L2_PIX_FMT_P010)
        return false;
    return sim_picture_fits(p, w, h);
}

static bool same_picture(const struct sim_picture *a, const struct sim_picture *b)
{
    if (a == b)
        return true;
    if (a->width != b->width || a->height != b->height || a->fourcc != b->fourcc)
        return false;
    if (a->plane[0].data == b->plane[0].data && a->plane[1].data == b->plane[1].data &&
        a->plane[0].bytesperline == b->plane[0].bytesperline &&
        a->plane[1].bytesperline == b->plane[1].bytesperline)
        return true;
    /* Both pictures passed pic_fits() for their width x height. */
    size_t sb = sim_picture_sample_bytes(a);
    for (uint32_t y = 0; y < a->height; y++)
        if (memcmp(a->plane[0].data + (size_t)y * a->plane[0].bytesperline,
                   b->plane[0].data + (size_t)y * b->plane[0].bytesperline, a->width * sb))
            return false;
    size_t cw = (((size_t)a->width + 1) & ~(size_t)1) * sb;
    for (uint32_t y = 0; y < (a->height + 1) / 2; y++)
        if (memcmp(a->plane[1].data + (size_t)y * a->plane[1].bytesperline,
                   b->plane[1].data + (size_t)y * b->plane[1].bytesperline, cw))
            return false;
    return true;
}

/* True when model buffer id is held by one of slots 0..2 (the ones frames reference). */
static bool buf_in_ref_slots(const struct sim_vp9 *e, uint32_t id)
{
    return id && (e->slot_buf[0] == id || e->slot_buf[1] == id || e->slot_buf[2] == id);
}

/* The shadow of model buffer id: its own, or one whose buffer no reference slot holds
 * any more (at most 3 ids are in slots 0..2 and id is one of them or new, so with 4
 * shadows one is always free). */
static struct shadow *shadow_for(struct sim_vp9 *e, uint32_t id)
{
    for (int i = 0; i < SIM_VP9_SHADOWS; i++)
        if (e->shadow[i].buf == id)
            return &e->shadow[i];
    for (int i = 0; i < SIM_VP9_SHADOWS; i++)
        if (!buf_in_ref_slots(e, e->shadow[i].buf))
            return &e->shadow[i];
    return NULL;
}

static struct shadow *shadow_find(struct sim_vp9 *e, uint32_t id)
{
    for (int i = 0; id && i < SIM_VP9_SHADOWS; i++)
        if (e->shadow[i].buf == id)
            return &e->shadow[i];
    return NULL;
}

/* An I420 image over a shadow's memory for libvpx: 8-bit, or 16-bit samples
 * (VPX_IMG_FMT_I42016) for high bit depth. Sizes are libvpx's 8-aligned buffer size. */
static int wrap_shadow(struct shadow *sh, vpx_image_t *img, unsigned aw, unsigned ah,
                       bool hbd, char *err, size_t errlen)
{
    unsigned sb = hbd ? 2 : 1, cw = aw / 2, ch = ah / 2;
    size_t need = ((size_t)aw * ah + 2 * (size_t)cw * ch) * sb;
    if (sim_buf_ensure(&sh->mem, &sh->cap, need) < 0)
        return vareq_errf(err, errlen, -ENOMEM, "vp9: out of memory for a %ux%u picture", aw, ah);
    if (!vpx_img_wrap(img, hbd ? VPX_IMG_FMT_I42016 : VPX_IMG_FMT_I420, aw, ah, 1, sh->mem))
        return vareq_errf(err, errlen, -EINVAL, "vp9: cannot wrap a %ux%u picture", aw, ah);
    img->planes[VPX_PLANE_Y] = sh->mem;
    img->planes[VPX_PLANE_U] = sh->mem + (size_t)aw * ah * sb;
    img->planes[VPX_PLANE_V] = img->planes[VPX_PLANE_U] + (size_t)cw * ch * sb;
    img->stride[VPX_PLANE_Y] = (int)(aw * sb);
    img->stride[VPX_PLANE_U] = (int)(cw * sb);
    img->stride[VPX_PLANE_V] = (int)(cw * sb);
    return 0;
}

static struct sim_i420 img_i420(const vpx_image_t *img)
{
    struct sim_i420 i = {
        .plane = { img->planes[VPX_PLANE_Y], img->planes[VPX_PLANE_U], img->planes[VPX_PLANE_V] },
        .stride = { (size_t)img->stride[VPX_PLANE_Y], (size_t)img->stride[VPX_PLANE_U],
                    (size_t)img->stride[VPX_PLANE_V] },
    };
    return i;
}

static struct sim_semiplanar pic_planes(const struct sim_picture *p)
{
    struct sim_semiplanar s = {
        .y = p->plane[0].data, .uv = p->plane[1].data,
        .y_bpl = p->plane[0].bytesperline, .uv_bpl = p->plane[1].bytesperline,
    };
    return s;
}

/* The I420 layout of a shadow holding a w x h picture (libvpx's 8-aligned size). */
static struct sim_i420 shadow_i420(const struct shadow *sh)
{
    unsigned aw = (sh->w + 7) & ~7u, ah = (sh->h + 7) & ~7u, sb = sh->hbd ? 2 : 1;
    size_t cw = aw / 2, ch = ah / 2;
    struct sim_i420 i = {
        .plane = { sh->mem, sh->mem + (size_t)aw * ah * sb,
                   sh->mem + (size_t)aw * ah * sb + cw * ch * sb },
        .stride = { (size_t)aw * sb, cw * sb, cw * sb },
    };
    return i;
}

/* True when libvpx's buffer in slot k holds exactly the visible samples of p now: the
 * buffer's shadow has p's size and depth and p's memory, read now, equals it. */
static bool slot_holds(struct sim_vp9 *e, int k, const struct sim_picture *p, bool hbd)
{
    const struct shadow *sh = shadow_find(e, e->slot_buf[k]);
    if (!sh || sh->w != p->width || sh->h != p->height || sh->hbd != hbd ||
        e->slot_w[k] != p->width || e->slot_h[k] != p->height)
        return false;
    struct sim_semiplanar src = pic_planes(p);
    struct sim_i420 img = shadow_i420(sh);
    return sim_semiplanar_equals_i420(&src, p->width, p->height, &img, hbd);
}

/* Loads a CAPTURE picture into libvpx reference slot 0/1/2 (VP8_SET_REFERENCE). The image
 * covers the 8-aligned size of libvpx's buffer; the padding replicates the edge and is
 * never used for prediction (libvpx extends borders from the visible size). The image is
 * converted into the shadow of the slot's buffer, which then holds p. */
static int load_ref(struct sim_vp9 *e, int slot, const struct sim_picture *p, bool hbd,
                    char *err, size_t errlen)
{
    static const vpx_ref_frame_type_t type[3] = { VP8_LAST_FRAME, VP8_GOLD_FRAME,
                                                  VP8_ALTR_FRAME };
    unsigned w = p->width, h = p->height;
    unsigned aw = (w + 7) & ~7u, ah = (h + 7) & ~7u;
    struct shadow *sh = shadow_for(e, e->slot_buf[slot]);
    if (!sh)
        return vareq_errf(err, errlen, -EIO, "vp9: no free reference shadow (engine bug)");
    sh->buf = 0; /* holds nothing valid until the load succeeded */
    vpx_ref_frame_t ref;
    memset(&ref, 0, sizeof(ref));
    ref.frame_type = type[slot];
    int r = wrap_shadow(sh, &ref.img, aw, ah, hbd, err, errlen);
    if (r < 0)
        return r;
    struct sim_semiplanar src = pic_planes(p);
    struct sim_i420 img = img_i420(&ref.img);
    sim_semiplanar_to_i420(&src, w, h, &img, aw, ah, hbd);
    if (vpx_codec_control(&e->dec, VP8_SET_REFERENCE, &ref) != VPX_CODEC_OK) {
        const char *d = vpx_codec_error_detail(&e->dec);
        return vareq_errf(err, errlen, -EIO, "vp9: loading a reference into slot %d failed: %s", slot,
                          d ? d : vpx_codec_error(&e->dec));
    }
    sh->buf = e->slot_buf[slot];
    sh->w = w;
    sh->h = h;
    sh->hbd = hbd;
    sh->hint = p->plane[0].data;
    return 0;
}

/* Chooses slots for the references and the refresh mask; loads the references. */
static int setup_refs(struct sim_vp9 *e, const struct v4l2_ctrl_vp9_frame *f,
                      const struct sim_picture *const refs[3], struct sim_vp9_slots *slots,
                      char *err, size_t errlen)
{
    static const char *names[3] = { "LAST", "GOLDEN", "ALTREF" };
    bool intra = f->flags & (V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_INTRA_ONLY);
    bool used[3] = { false, false, false };

    slots->ref_slot[0] = 0;
    slots->ref_slot[1] = 1;
    slots->ref_slot[2] = 2;
    if (!intra) {
        int group[3];
        for (int i = 0; i < 3; i++) {
            if (!refs || !refs[i])
                return vareq_errf(err, errlen, -EINVAL, "vp9: %s reference buffer is missing",
                                  names[i]);
            if (!pic_fits(refs[i], refs[i]->width, refs[i]->height, f->bit_depth))
                return vareq_errf(err, errlen, -EINVAL,
                                  "vp9: %s reference (%ux%u, bytesperline %u, size %zu) is invalid",
                                  names[i], refs[i]->width, refs[i]->height,
                                  refs[i]->plane[0].bytesperline, refs[i]->plane[0].size);
            group[i] = i;
            for (int j = 0; j < i; j++)
                if (group[j] == j && same_picture(refs[i], refs[j])) {
                    group[i] = j;
                    break;
                }
        }
        /* First the pictures a slot's buffer already holds (checked against the CAPTURE
         * memory now, see "Reference cache"): the slot whose buffer last came from or
         * went to the same CAPTURE memory first, then any other. */
        bool cached[3] = { false, false, false };
        bool hbd = f->bit_depth > 8;
        for (int i = 0; i < 3 && e->ref_cache; i++) {
            if (group[i] != i)
                continue;
            for (int pass = 0; pass < 2 && !cached[i]; pass++) {
                for (int k = 0; k < 3; k++) {
                    const struct shadow *sh = shadow_find(e, e->slot_buf[k]);
                    if (used[k] || !sh || (sh->hint == refs[i]->plane[0].data) != (pass == 0))
                        continue;
                    bool shared = false;
                    for (int m = 0; m < 3; m++)
                        if (used[m] && e->slot_buf[m] == e->slot_buf[k])
                            shared = true;
                    if (shared || !slot_holds(e, k, refs[i], hbd))
                        continue;
                    used[k] = true;
                    cached[i] = true;
                    e->refs_reused++;
                    slots->ref_slot[i] = (uint8_t)k;
                    break;
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            if (group[i] != i) {
                slots->ref_slot[i] = slots->ref_slot[group[i]];
                continue;
            }
            if (cached[i])
                continue;
            int pick = -1;
            bool any_size = false;
            for (int k = 0; k < 3 && pick < 0; k++) {
                if (!e->slot_buf[k] || e->slot_w[k] != refs[i]->width ||
                    e->slot_h[k] != refs[i]->height)
                    continue;
                any_size = true;
                if (used[k])
                    continue;
                bool shared = false;
                for (int m = 0; m < 3; m++)
                    if (used[m] && e->slot_buf[m] == e->slot_buf[k])
                        shared = true;
                if (!shared)
                    pick = k;
            }
            if (pick < 0) {
                if (!any_size)
                    return vareq_errf(err, errlen, -ENOTSUP,
                                      "vp9: %s reference is %ux%u but no decoder slot has that size "
                                      "(no buffer of that size was kept for reference scaling)",
                                      names[i], refs[i]->width, refs[i]->height);
                return vareq_errf(err, errlen, -ENOTSUP,
                                  "vp9: more distinct reference pictures than free decoder slots "
                                  "(refs %ux%u %ux%u %ux%u groups %d%d%d, slots %ux%u/%u %ux%u/%u "
                                  "%ux%u/%u)", refs[0]->width, refs[0]->height, refs[1]->width,
                                  refs[1]->height, refs[2]->width, refs[2]->height, group[0],
                                  group[1], group[2], e->slot_w[0], e->slot_h[0], e->slot_buf[0],
                                  e->slot_w[1], e->slot_h[1], e->slot_buf[1], e->slot_w[2],
                                  e->slot_h[2], e->slot_buf[2]);
            }
            used[pick] = true;
            slots->ref_slot[i] = (uint8_t)pick;
        }
        for (int i = 0; i < 3; i++) {
            if (group[i] != i || cached[i])
                continue;
            e->refs_loaded++;
            int r = load_ref(e, slots->ref_slot[i], refs[i], hbd, err, errlen);
            if (r < 0)
                return r;
        }
    }
    /* The decoded frame goes to slot 0 (read back with VP8_COPY_REFERENCE, which only
     * reads slot 0). If slots 1 and 2 share a buffer it also goes to slot 1, so that the
     * next frame finds three distinct buffers in slots 0..2. */
    slots->refresh_flags = 1;
    e->frame_no++;
    for (int k = 0; k < 3; k++)
        if (used[k])
            e->slot_used_at[k] = e->frame_no;
    if (e->slot_buf[1] == e->slot_buf[2]) {
        slots->refresh_flags |= 2;
    } else if (!intra && (e->slot_w[0] != f->frame_width_minus_1 + 1u ||
                          e->slot_h[0] != f->frame_height_minus_1 + 1u)) {
        /* Reference scaling: libvpx loads a picture only into a buffer of its size, so
         * the engine needs buffers of each size still referenced. The first frame of a
         * new size (the frame encoders store as golden at a resize) is kept in slot 1
         * or 2 as well: the one least recently used for a reference. The next frame
         * then finds two distinct buffers (sizes new and old) besides its own. */
        int k = e->slot_used_at[1] <= e->slot_used_at[2] ? 1 : 2;
        slots->refresh_flags |= (uint8_t)(1u << k);
    }
    return 0;
}

/* libvpx decoded a frame into a new buffer: update the reference map model. */
static void commit_slots(struct sim_vp9 *e, const struct v4l2_ctrl_vp9_frame *f,
                         uint8_t refresh)
{
    bool key = f->flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME;
    bool intra_only = f->flags & V4L2_VP9_FRAME_FLAG_INTRA_ONLY;
    uint32_t id = ++e->next_buf;
    if (id == 0)
        id = ++e->next_buf;
    if (intra_only && e->resync)
        for (int i = 0; i < 8; i++)
            e->slot_buf[i] = 0;         /* libvpx clears its map on resync */
    for (int i = 0; i < 8; i++) {
        if (key || (refresh & (1u << i))) {
            e->slot_buf[i] = id;
            e->slot_w[i] = f->frame_width_minus_1 + 1u;
            e->slot_h[i] = f->frame_height_minus_1 + 1u;
        }
    }
    e->resync = false;
}

/* Reads the frame in slot 0 back (VP8_COPY_REFERENCE) and writes it to dst (NV12/NV12M
 * for 8-bit, P010 for 10-bit). */
static int output_frame(struct sim_vp9 *e, const struct v4l2_ctrl_vp9_frame *f,
                        struct sim_picture *dst, char *err, size_t errlen)
{
    unsigned w = f->frame_width_minus_1 + 1u, h = f->frame_height_minus_1 + 1u;
    unsigned aw = (w + 7) & ~7u, ah = (h + 7) & ~7u;
    bool hbd = f->bit_depth > 8;
    if (!dst || !pic_fits(dst, w, h, f->bit_depth))
        return vareq_errf(err, errlen, -ENOSPC,
                          "vp9: CAPTURE buffer (format %.4s, bytesperline %u, luma size %zu, "
                          "chroma size %zu) cannot hold %ux%u %u-bit 4:2:0",
                          dst ? (const char *)&dst->fourcc : "none",
                          dst ? dst->plane[0].bytesperline : 0, dst ? dst->plane[0].size : 0,
                          dst ? dst->plane[1].size : 0, w, h, f->bit_depth);
    /* commit_slots put the new buffer in slot 0; its shadow receives the frame. */
    struct shadow *sh = shadow_for(e, e->slot_buf[0]);
    if (!sh)
        return vareq_errf(err, errlen, -EIO, "vp9: no free reference shadow (engine bug)");
    sh->buf = 0;
    vpx_ref_frame_t ref;
    memset(&ref, 0, sizeof(ref));
    ref.frame_type = VP8_LAST_FRAME;
    int r = wrap_shadow(sh, &ref.img, aw, ah, hbd, err, errlen);
    if (r < 0)
        return r;
    if (vpx_codec_control(&e->dec, VP8_COPY_REFERENCE, &ref) != VPX_CODEC_OK) {
        const char *d = vpx_codec_error_detail(&e->dec);
        return vareq_errf(err, errlen, -EIO, "vp9: reading the decoded frame failed: %s",
                          d ? d : vpx_codec_error(&e->dec));
    }
    struct sim_i420 img = img_i420(&ref.img);
    struct sim_semiplanar out = pic_planes(dst);
    sim_i420_to_semiplanar(&img, &out, w, h, hbd);
    sh->buf = e->slot_buf[0];
    sh->w = w;
    sh->h = h;
    sh->hbd = hbd;
    sh->hint = dst->plane[0].data;
    dst->width = w;
    dst->height = h;
    return 0;
}

int sim_vp9_decode(struct sim_vp9 *e,
                   const struct v4l2_ctrl_vp9_frame *frame,
                   const struct v4l2_ctrl_vp9_compressed_hdr *hdr,
                   const uint8_t *bitstream, size_t len,
                   const struct sim_picture *const refs[3],
                   struct sim_picture *dst,
                   char *err, size_t errlen)
{
    int r;
    if (err && errlen)
        err[0] = '\0';
    if (!e || !e->dec_ok || !frame || !hdr || !bitstream || !dst)
        return vareq_errf(err, errlen, -EINVAL, "vp9: missing argument");
    if ((r = sim_vp9_check_frame(frame, err, errlen)) < 0)
        return r;
    if (frame->profile != 0 && !(frame->profile == 2 && frame->bit_depth == 10))
        return vareq_errf(err, errlen, -ENOTSUP,
                          "vp9: profile %u %u-bit is not supported (profiles 0 and 2 10-bit are; "
                          "4:2:2/4:4:4 and 12-bit have no CAPTURE format here)",
                          frame->profile, frame->bit_depth);
    bool key = frame->flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME;
    bool intra_only = frame->flags & V4L2_VP9_FRAME_FLAG_INTRA_ONLY;
    bool ssx = frame->flags & V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING;
    bool ssy = frame->flags & V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
    if (!key && !intra_only) {
        if (!e->have_seq || e->resync)
            return vareq_errf(err, errlen, -EINVAL,
                              "vp9: inter frame while the decoder waits for a keyframe");
        if (frame->bit_depth != e->bit_depth || ssx != e->ssx || ssy != e->ssy ||
            frame->profile != e->profile)
            return vareq_errf(err, errlen, -EINVAL,
                              "vp9: inter frame profile/bit depth/subsampling (%u/%u/%d%d) differ "
                              "from the sequence (%u/%u/%d%d)", frame->profile, frame->bit_depth,
                              ssx, ssy, e->profile, e->bit_depth, e->ssx, e->ssy);
    }

    size_t uh = frame->uncompressed_header_size, ch = frame->compressed_header_size;
    if (uh == 0 || ch == 0)
        return vareq_errf(err, errlen, -EINVAL, "vp9: header sizes %zu/%zu must be non-zero", uh, ch);
    if (uh + ch >= len)
        return vareq_errf(err, errlen, -EINVAL,
                          "vp9: headers (%zu + %zu bytes) leave no tile data in a %zu-byte buffer",
                          uh, ch, len);
    const uint8_t *tiles = bitstream + uh + ch;
    size_t tiles_len = len - uh - ch;

    struct sim_vp9_slots slots;
    memset(&slots, 0, sizeof(slots));
    if ((r = setup_refs(e, frame, refs, &slots, err, errlen)) < 0)
        return r;

    uint8_t comp[SIM_VP9_COMP_MAX], unc[SIM_VP9_UNCOMP_MAX];
    size_t comp_len = 0, unc_len = 0;
    if ((r = sim_vp9_write_compressed(frame, hdr, comp, sizeof(comp), &comp_len, err,
                                      errlen)) < 0)
        return r;
    if ((r = sim_vp9_write_uncompressed(frame, &slots, comp_len, unc, sizeof(unc), &unc_len,
                                        err, errlen)) < 0)
        return r;
    size_t total = unc_len + comp_len + tiles_len;
    if (total < tiles_len || sim_buf_ensure(&e->frame, &e->frame_cap, total) < 0)
        return vareq_errf(err, errlen, -ENOMEM, "vp9: out of memory for a %zu-byte frame", total);
    memcpy(e->frame, unc, unc_len);
    memcpy(e->frame + unc_len, comp, comp_len);
    memcpy(e->frame + unc_len + comp_len, tiles, tiles_len);
    if (total > 0xffffffffu)
        return vareq_errf(err, errlen, -EINVAL, "vp9: frame too large");

    if (vpx_codec_decode(&e->dec, e->frame, (unsigned int)total, NULL, 0) != VPX_CODEC_OK) {
        const char *d = vpx_codec_error_detail(&e->dec);
        r = vareq_errf(err, errlen, -EIO, "vp9: decode failed: %s%s%s", vpx_codec_error(&e->dec),
                       d ? ": " : "", d ? d : "");
        vpx_codec_iter_t it = NULL;
        while (vpx_codec_get_frame(&e->dec, &it))
            ;
        e->resync = true;
        return r;
    }
    vpx_codec_iter_t it = NULL;
    while (vpx_codec_get_frame(&e->dec, &it))
        ;
    int corrupted = 0;
    commit_slots(e, frame, slots.refresh_flags);
    if (vpx_codec_control(&e->dec, VP8D_GET_FRAME_CORRUPTED, &corrupted) == VPX_CODEC_OK &&
        corrupted)
        return vareq_errf(err, errlen, -EIO, "vp9: decoded frame is corrupted");

    if (key || intra_only) {
        e->have_seq = true;
        e->bit_depth = frame->bit_depth;
        e->profile = frame->profile;
        e->ssx = ssx;
        e->ssy = ssy;
    }
    return output_frame(e, frame, dst, err, errlen);
}
