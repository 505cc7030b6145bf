/* simdev VP8 engine: see sim_vp8.h. */
#include "sim_vp8.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include "picture.h"
#include "sim_vp8_header.h"
#include <vareq/errmsg.h>

struct sim_vp8 {
    vpx_codec_ctx_t dec;
    bool dec_ok;
    bool have_key;              /* libvpx holds a decoded keyframe (no error since) */
    uint32_t width, height;     /* sequence size (last keyframe) */
    uint8_t *frame;
    size_t frame_cap;
    uint8_t *scratch;
    size_t scratch_cap;
};

struct sim_vp8 *sim_vp8_create(void)
{
    struct sim_vp8 *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    vpx_codec_dec_cfg_t cfg = {.threads = 1, .w = 0, .h = 0};
    if (vpx_codec_dec_init(&e->dec, vpx_codec_vp8_dx(), &cfg, 0) != VPX_CODEC_OK) {
        free(e);
        return NULL;
    }
    e->dec_ok = true;
    return e;
}

void sim_vp8_destroy(struct sim_vp8 *e)
{
    if (!e)
        return;
    if (e->dec_ok)
        vpx_codec_destroy(&e->dec);
    free(e->frame);
    free(e->scratch);
    free(e);
}

/* Rows of w luma / w chroma-pair bytes fit the planes. */
static bool pic_fits(const struct sim_vp8_pic *p, uint32_t w, uint32_t h)
{
    if (!p || !p->y.data || !p->uv.data || !w || !h || !p->y.bytesperline ||
        !p->uv.bytesperline)
        return false;
    size_t cw2 = ((size_t)w + 1) & ~(size_t)1;
    if (p->y.bytesperline < w || p->uv.bytesperline < cw2)
        return false;
    return p->y.size / p->y.bytesperline >= h && p->uv.size / p->uv.bytesperline >= (h + 1) / 2;
}

/* An I420 image over the scratch buffer at libvpx's aligned size aw x ah, for
 * VP8_SET_REFERENCE / VP8_COPY_REFERENCE; 0, -ENOMEM or -EINVAL (cannot wrap). */
static int wrap_scratch(struct sim_vp8 *e, vpx_ref_frame_t *ref, vpx_ref_frame_type_t type,
                        unsigned aw, unsigned ah)
{
    unsigned cw = aw / 2, ch = ah / 2;
    size_t need = (size_t)aw * ah + 2 * (size_t)cw * ch;
    if (sim_buf_ensure(&e->scratch, &e->scratch_cap, need) < 0)
        return -ENOMEM;
    memset(ref, 0, sizeof(*ref));
    ref->frame_type = type;
    if (!vpx_img_wrap(&ref->img, VPX_IMG_FMT_I420, aw, ah, 1, e->scratch))
        return -EINVAL;
    ref->img.planes[VPX_PLANE_Y] = e->scratch;
    ref->img.planes[VPX_PLANE_U] = e->scratch + (size_t)aw * ah;
    ref->img.planes[VPX_PLANE_V] = ref->img.planes[VPX_PLANE_U] + (size_t)cw * ch;
    ref->img.stride[VPX_PLANE_Y] = (int)aw;
    ref->img.stride[VPX_PLANE_U] = (int)cw;
    ref->img.stride[VPX_PLANE_V] = (int)cw;
    return 0;
}

static struct sim_i420 ref_i420(const vpx_ref_frame_t *ref)
{
    struct sim_i420 i = {
        .plane = {ref->img.planes[VPX_PLANE_Y], ref->img.planes[VPX_PLANE_U],
                  ref->img.planes[VPX_PLANE_V]},
        .stride = {(size_t)ref->img.stride[VPX_PLANE_Y], (size_t)ref->img.stride[VPX_PLANE_U],
                   (size_t)ref->img.stride[VPX_PLANE_V]},
    };
    return i;
}

static struct sim_semiplanar pic_planes(const struct sim_vp8_pic *p)
{
    struct sim_semiplanar s = {
        .y = p->y.data, .uv = p->uv.data, .y_bpl = p->y.bytesperline, .uv_bpl = p->uv.bytesperline,
    };
    return s;
}

/* Loads pic into the reference slot, converting NV12 -> I420 at libvpx's aligned size. */
static int load_ref(struct sim_vp8 *e, vpx_ref_frame_type_t type, const struct sim_vp8_pic *p,
                    char *err, size_t errlen)
{
    unsigned aw = (e->width + 15) & ~15u, ah = (e->height + 15) & ~15u;
    /* rows/columns held by the buffer: the aligned area when it has room */
    unsigned w = pic_fits(p, aw, ah) ? aw : e->width, h = pic_fits(p, aw, ah) ? ah : e->height;
    vpx_ref_frame_t ref;
    int r = wrap_scratch(e, &ref, type, aw, ah);
    if (r == -ENOMEM)
        return vareq_errf(err, errlen, -ENOMEM, "vp8: out of memory for a reference");
    if (r < 0)
        return vareq_errf(err, errlen, -EINVAL, "vp8: cannot wrap a %ux%u reference", aw, ah);
    struct sim_semiplanar src = pic_planes(p);
    struct sim_i420 img = ref_i420(&ref);
    sim_semiplanar_to_i420(&src, w, h, &img, aw, ah, false);
    if (vpx_codec_control(&e->dec, VP8_SET_REFERENCE, &ref) != VPX_CODEC_OK) {
        const char *d = vpx_codec_error_detail(&e->dec);
        return vareq_errf(err, errlen, -EIO, "vp8: loading a reference failed: %s",
                          d ? d : vpx_codec_error(&e->dec));
    }
    return 0;
}

/* Reads LAST (the frame just decoded) and writes it to dst as NV12. */
static int output_frame(struct sim_vp8 *e, struct sim_vp8_pic *dst, char *err, size_t errlen)
{
    unsigned aw = (e->width + 15) & ~15u, ah = (e->height + 15) & ~15u;
    if (!pic_fits(dst, e->width, e->height))
        return vareq_errf(err, errlen, -ENOSPC, "vp8: CAPTURE buffer too small for %ux%u",
                          e->width, e->height);
    bool full = pic_fits(dst, aw, ah);
    unsigned w = full ? aw : e->width, h = full ? ah : e->height;
    vpx_ref_frame_t ref;
    int r = wrap_scratch(e, &ref, VP8_LAST_FRAME, aw, ah);
    if (r == -ENOMEM)
        return vareq_errf(err, errlen, -ENOMEM, "vp8: out of memory for the output");
    if (r < 0)
        return vareq_errf(err, errlen, -EINVAL, "vp8: cannot wrap a %ux%u output", aw, ah);
    if (vpx_codec_control(&e->dec, VP8_COPY_REFERENCE, &ref) != VPX_CODEC_OK) {
        const char *d = vpx_codec_error_detail(&e->dec);
        return vareq_errf(err, errlen, -EIO, "vp8: reading the decoded frame failed: %s",
                          d ? d : vpx_codec_error(&e->dec));
    }
    struct sim_i420 img = ref_i420(&ref);
    struct sim_semiplanar out = pic_planes(dst);
    sim_i420_to_semiplanar(&img, &out, w, h, false);
    dst->width = e->width;
    dst->height = e->height;
    return 0;
}

static void put_le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)(v >> 8);
}

int sim_vp8_decode(struct sim_vp8 *e, const struct v4l2_ctrl_vp8_frame *f,
                   const uint8_t *bs, size_t len, const struct sim_vp8_pic *const refs[3],
                   struct sim_vp8_pic *dst, char *err, size_t errlen)
{
    static const char *const names[3] = {"LAST", "GOLDEN", "ALTREF"};
    static const vpx_ref_frame_type_t types[3] = {VP8_LAST_FRAME, VP8_GOLD_FRAME,
                                                  VP8_ALTR_FRAME};
    int r;

    if (err && errlen)
        err[0] = '\0';
    if (!e || !e->dec_ok || !f || !bs || !dst)
        return vareq_errf(err, errlen, -EINVAL, "vp8: missing argument");
    bool key = f->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME;
    if (f->version > 3)
        return vareq_errf(err, errlen, -EINVAL, "vp8: version %u", f->version);
    if (key) {
        if (!f->width || !f->height || f->width > 0x3fff || f->height > 0x3fff ||
            f->horizontal_scale > 3 || f->vertical_scale > 3)
            return vareq_errf(err, errlen, -EINVAL, "vp8: keyframe size %ux%u scale %u/%u", f->width,
                              f->height, f->horizontal_scale, f->vertical_scale);
    } else {
        if (!e->have_key)
            return vareq_errf(err, errlen, -EINVAL, "vp8: inter frame while waiting for a keyframe");
        if (f->width != e->width || f->height != e->height)
            return vareq_errf(err, errlen, -EINVAL, "vp8: inter frame size %ux%u, sequence is %ux%u",
                              f->width, f->height, e->width, e->height);
    }
    /* locate the parts of the OUTPUT buffer the control describes */
    size_t tag_len = key ? 10 : 3;
    unsigned n = f->num_dct_parts;
    if (n != 1 && n != 2 && n != 4 && n != 8)
        return vareq_errf(err, errlen, -EINVAL, "vp8: num_dct_parts %u", n);
    uint64_t dct_total = 0;
    for (unsigned i = 0; i < n; i++)
        dct_total += f->dct_part_sizes[i];
    uint64_t fps = f->first_part_size;
    uint64_t dct_off = tag_len + fps + 3ull * (n - 1);
    if (fps == 0 || dct_off > len || dct_total > len - dct_off)
        return vareq_errf(err, errlen, -EINVAL,
                          "vp8: first partition %llu + %u DCT partitions (%llu bytes) exceed the "
                          "%zu-byte buffer", (unsigned long long)fps, n,
                          (unsigned long long)dct_total, len);
    for (unsigned i = 0; i + 1 < n; i++)
        if (f->dct_part_sizes[i] > 0xffffff)
            return vareq_errf(err, errlen, -EINVAL, "vp8: DCT partition %u size %u", i,
                              f->dct_part_sizes[i]);

    uint8_t *part = NULL;
    size_t part_len = 0;
    r = sim_vp8_write_first_partition(f, bs + tag_len, (size_t)fps, &part, &part_len, err,
                                      errlen);
    if (r < 0)
        return r;
    if (part_len >= (1u << 19)) {
        free(part);
        return vareq_errf(err, errlen, -EINVAL, "vp8: rewritten first partition too large");
    }
    size_t total = tag_len + part_len + 3 * (size_t)(n - 1) + (size_t)dct_total;
    if (sim_buf_ensure(&e->frame, &e->frame_cap, total) < 0) {
        free(part);
        return vareq_errf(err, errlen, -ENOMEM, "vp8: out of memory for a %zu-byte frame", total);
    }
    uint8_t *o = e->frame;
    uint32_t tag = (key ? 0u : 1u) | (uint32_t)(f->version & 7) << 1 |
                   (f->flags & V4L2_VP8_FRAME_FLAG_SHOW_FRAME ? 1u << 4 : 0) |
                   (uint32_t)part_len << 5;
    o[0] = (uint8_t)tag;
    o[1] = (uint8_t)(tag >> 8);
    o[2] = (uint8_t)(tag >> 16);
    if (key) {
        o[3] = 0x9d;
        o[4] = 0x01;
        o[5] = 0x2a;
        put_le16(o + 6, f->width | (unsigned)f->horizontal_scale << 14);
        put_le16(o + 8, f->height | (unsigned)f->vertical_scale << 14);
    }
    memcpy(o + tag_len, part, part_len);
    free(part);
    size_t p = tag_len + part_len;
    for (unsigned i = 0; i + 1 < n; i++, p += 3) {
        o[p] = (uint8_t)f->dct_part_sizes[i];
        o[p + 1] = (uint8_t)(f->dct_part_sizes[i] >> 8);
        o[p + 2] = (uint8_t)(f->dct_part_sizes[i] >> 16);
    }
    memcpy(o + p, bs + dct_off, (size_t)dct_total);

    if (!key) {
        for (int i = 0; i < 3; i++) {
            if (!refs || !refs[i] || !refs[i]->width)
                return vareq_errf(err, errlen, -EINVAL, "vp8: %s reference buffer is missing",
                                  names[i]);
            if (refs[i]->width != e->width || refs[i]->height != e->height ||
                !pic_fits(refs[i], e->width, e->height))
                return vareq_errf(err, errlen, -EINVAL,
                                  "vp8: %s reference is %ux%u, the sequence %ux%u", names[i],
                                  refs[i]->width, refs[i]->height, e->width, e->height);
            if ((r = load_ref(e, types[i], refs[i], err, errlen)) < 0)
                return r;
        }
    }
    if (total > 0xffffffffu)
        return vareq_errf(err, errlen, -EINVAL, "vp8: frame too large");
    if (vpx_codec_decode(&e->dec, e->frame, (unsigned)total, NULL, 0) != VPX_CODEC_OK) {
        const char *d = vpx_codec_error_detail(&e->dec);
        r = vareq_errf(err, errlen, -EIO, "vp8: decode failed: %s%s%s", vpx_codec_error(&e->dec),
                       d ? ": " : "", d ? d : "");
        vpx_codec_iter_t it = NULL;
        while (vpx_codec_get_frame(&e->dec, &it))
            ;
        e->have_key = false;
        return r;
    }
    vpx_codec_iter_t it = NULL;
    while (vpx_codec_get_frame(&e->dec, &it))
        ;
    if (key) {
        e->width = f->width;
        e->height = f->height;
        e->have_key = true;
    }
    int corrupted = 0;
    if (vpx_codec_control(&e->dec, VP8D_GET_FRAME_CORRUPTED, &corrupted) == VPX_CODEC_OK &&
        corrupted)
        return vareq_errf(err, errlen, -EIO, "vp8: decoded frame is corrupted");
    return output_frame(e, dst, err, errlen);
}
