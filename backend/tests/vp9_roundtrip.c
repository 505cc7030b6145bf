/* vp9-roundtrip: checks that the VP9 parser (backend) and simdev's VP9 engine are inverses.
 *
 * For every frame of an IVF file: vp9_parse_frame() -> V4L2 controls (modelling the
 * driver: 8 reference slots holding surfaces with timestamps) -> sim_vp9_decode() into an
 * NV12 picture -> MD5 of the I420 frame for shown frames, compared with libvpx decoding
 * the original file directly.
 *
 *   vp9-roundtrip [-v] FILE.ivf               exit 0 iff every shown frame matches
 *   vp9-roundtrip --fuzz N [--seed S] FILE    random bit flips in the headers; must not
 *                                             crash (results are not compared)
 */
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include "frame_md5.h"
#include "ivf.h"
#include "sim_vp9.h"
#include "vp9_parser.h"
#include "vp9_superframe.h"

struct pic {
    struct sim_picture sp;
    uint64_t ts;
    int refcount;
    struct pic *next;       /* live list */
};

struct model {
    struct pic *slot[8];
    struct pic *live;
    uint64_t next_ts;
};

static struct pic *pic_new(struct model *m, unsigned w, unsigned h, unsigned depth)
{
    struct pic *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    unsigned sb = depth > 8 ? 2 : 1;
    unsigned bpl = (w * sb + 63) & ~63u;
    size_t luma = (size_t)bpl * h, total = luma + (size_t)bpl * ((h + 1) / 2);
    /* NV12 or P010 single plane (simdev/codecs/codec.h struct sim_picture). */
    p->sp.fourcc = depth > 8 ? V4L2_PIX_FMT_P010 : V4L2_PIX_FMT_NV12;
    p->sp.bit_depth = depth > 8 ? 10 : 8;
    p->sp.num_mem_planes = 1;
    p->sp.plane[0].bytesperline = bpl;
    p->sp.plane[1].bytesperline = bpl;
    p->sp.plane[0].size = luma;
    p->sp.plane[1].size = total - luma;
    p->sp.plane[0].data = calloc(1, total);
    p->sp.plane[1].data = p->sp.plane[0].data ? p->sp.plane[0].data + luma : NULL;
    if (!p->sp.plane[0].data) {
        free(p);
        return NULL;
    }
    p->ts = (m->next_ts += 1000);
    p->refcount = 1;
    p->next = m->live;
    m->live = p;
    return p;
}

static void pic_unref(struct model *m, struct pic *p)
{
    if (!p || --p->refcount > 0)
        return;
    for (struct pic **pp = &m->live; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    free(p->sp.plane[0].data);
    free(p);
}

static struct pic *find_ts(struct model *m, uint64_t ts)
{
    for (struct pic *p = m->live; p; p = p->next)
        if (p->ts == ts)
            return p;
    return NULL;
}

static void model_reset(struct model *m)
{
    for (int i = 0; i < 8; i++) {
        pic_unref(m, m->slot[i]);
        m->slot[i] = NULL;
    }
}

/* MD5 of the picture's I420 planes (frame_md5.h) */
static void pic_md5(const struct sim_picture *p, char hex[33])
{
    md5_semiplanar(p->plane[0].data, p->plane[0].bytesperline, p->plane[1].data,
                   p->plane[1].bytesperline, p->width, p->height,
                   p->fourcc == V4L2_PIX_FMT_P010, hex);
}

struct ref_out {
    char (*md5)[33];
    unsigned (*wh)[2];
    size_t n, cap;
};

static int reference_decode(const char *path, struct ref_out *out)
{
    struct ivf_file ivf;
    char err[256];
    if (ivf_open(&ivf, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    vpx_codec_ctx_t dec;
    vpx_codec_dec_cfg_t cfg = { .threads = 1 };
    if (vpx_codec_dec_init(&dec, vpx_codec_vp9_dx(), &cfg, 0) != VPX_CODEC_OK) {
        ivf_close(&ivf);
        return -1;
    }
    const uint8_t *data;
    size_t size;
    int r;
    while ((r = ivf_next(&ivf, &data, &size)) > 0) {
        if (vpx_codec_decode(&dec, data, (unsigned)size, NULL, 0) != VPX_CODEC_OK)
            fprintf(stderr, "reference: libvpx error: %s\n", vpx_codec_error(&dec));
        vpx_codec_iter_t it = NULL;
        vpx_image_t *img;
        while ((img = vpx_codec_get_frame(&dec, &it))) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->md5 = realloc(out->md5, out->cap * sizeof(*out->md5));
                out->wh = realloc(out->wh, out->cap * sizeof(*out->wh));
                if (!out->md5 || !out->wh)
                    abort();
            }
            md5_vpx_image(img, out->md5[out->n]);
            out->wh[out->n][0] = img->d_w;
            out->wh[out->n][1] = img->d_h;
            out->n++;
        }
    }
    vpx_codec_destroy(&dec);
    ivf_close(&ivf);
    return r < 0 ? -1 : 0;
}

/* xorshift PRNG for the fuzz loop */
static uint64_t rng_state = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

struct stats {
    size_t frames, shown, mismatches, errors;
};

/* Decodes one frame through parser + engine, updating the model. out_md5 is filled for
 * shown frames (returns 1), 0 for hidden frames, negative on error. */
static uint32_t rnd(void);

/* A control mutation for the sensitivity run (--mutate). */
typedef void (*vp9_mut_fn)(struct v4l2_ctrl_vp9_frame *f, struct v4l2_ctrl_vp9_compressed_hdr *h);

static int roundtrip_frame(struct vp9_parser_state *ps, struct sim_vp9 *eng, struct model *m,
                           bool mutate_ctrls, vp9_mut_fn mut, const uint8_t *data, size_t size,
                           char out_md5[33], unsigned *ow, unsigned *oh, char *err,
                           size_t errlen)
{
    struct vp9_frame_hdr h;
    int r = vp9_parse_frame(ps, data, size, &h, err, errlen);
    if (r < 0)
        return r;
    if (h.show_existing_frame) {
        struct pic *p = m->slot[h.frame_to_show_map_idx];
        if (!p) {
            snprintf(err, errlen, "show_existing_frame of an empty slot %u",
                     h.frame_to_show_map_idx);
            return -EINVAL;
        }
        pic_md5(&p->sp, out_md5);
        *ow = p->sp.width;
        *oh = p->sp.height;
        return 1;
    }
    struct v4l2_ctrl_vp9_frame f = h.frame;
    bool intra = f.flags & (V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_INTRA_ONLY);
    const struct sim_picture *refs[3] = { NULL, NULL, NULL };
    if (!intra) {
        uint64_t ts[3];
        for (int i = 0; i < 3; i++) {
            struct pic *sp = m->slot[h.ref_frame_idx[i]];
            ts[i] = sp ? sp->ts : 0;
        }
        f.last_frame_ts = ts[0];
        f.golden_frame_ts = ts[1];
        f.alt_frame_ts = ts[2];
    }
    if (mut)
        mut(&f, &h.hdr);
    if (!intra) {
        /* the device side: resolve timestamps to CAPTURE buffers */
        const uint64_t t3[3] = { f.last_frame_ts, f.golden_frame_ts, f.alt_frame_ts };
        for (int i = 0; i < 3; i++) {
            struct pic *p = find_ts(m, t3[i]);
            refs[i] = p ? &p->sp : NULL;
        }
    }
    struct pic *dst = pic_new(m, f.frame_width_minus_1 + 1u, f.frame_height_minus_1 + 1u,
                              f.bit_depth);
    if (!dst) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    if (mutate_ctrls) {
        /* damage one byte of a control (what a buggy driver might send) */
        if (rnd() & 1) {
            uint8_t *b = (uint8_t *)&f;
            b[rnd() % offsetof(struct v4l2_ctrl_vp9_frame, last_frame_ts)] ^= (uint8_t)(1u << (rnd() % 8));
        } else {
            uint8_t *b = (uint8_t *)&h.hdr;
            b[rnd() % sizeof(h.hdr)] ^= (uint8_t)(1u << (rnd() % 8));
        }
    }
    r = sim_vp9_decode(eng, &f, &h.hdr, data, size, refs, &dst->sp, err, errlen);
    if (r < 0) {
        pic_unref(m, dst);
        return r;
    }
    for (int i = 0; i < 8; i++)
        if (h.refresh_frame_flags & (1u << i)) {
            pic_unref(m, m->slot[i]);
            m->slot[i] = dst;
            dst->refcount++;
        }
    int shown = 0;
    if (f.flags & V4L2_VP9_FRAME_FLAG_SHOW_FRAME) {
        pic_md5(&dst->sp, out_md5);
        *ow = dst->sp.width;
        *oh = dst->sp.height;
        shown = 1;
    }
    pic_unref(m, dst);
    return shown;
}

static int run_compare(const char *path, bool verbose)
{
    struct ref_out ref = { 0 };
    if (reference_decode(path, &ref) < 0)
        return 2;
    struct ivf_file ivf;
    char err[256];
    if (ivf_open(&ivf, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    struct vp9_parser_state ps;
    vp9_parser_init(&ps);
    struct sim_vp9 *eng = sim_vp9_create();
    if (!eng) {
        fprintf(stderr, "cannot create the VP9 engine\n");
        return 2;
    }
    struct model m = { 0 };
    struct stats st = { 0 };
    const uint8_t *data;
    size_t size;
    int r, pkt = 0;
    while ((r = ivf_next(&ivf, &data, &size)) > 0) {
        size_t offs[VP9_MAX_SUPERFRAME_FRAMES], sizes[VP9_MAX_SUPERFRAME_FRAMES];
        int nf = vp9_superframe_split(data, size, offs, sizes);
        if (nf < 0) {
            printf("packet %d: bad superframe index\n", pkt);
            st.errors++;
            pkt++;
            continue;
        }
        for (int i = 0; i < nf; i++) {
            char md5[33];
            unsigned w = 0, h = 0;
            st.frames++;
            int s = roundtrip_frame(&ps, eng, &m, false, NULL, data + offs[i], sizes[i], md5, &w, &h, err,
                                    sizeof(err));
            if (s < 0) {
                printf("packet %d frame %d: error %d: %s\n", pkt, i, s, err);
                st.errors++;
                continue;
            }
            if (s == 0) {
                if (verbose)
                    printf("packet %d frame %d: hidden\n", pkt, i);
                continue;
            }
            size_t k = st.shown++;
            if (k >= ref.n) {
                printf("output %zu: extra frame (libvpx output only %zu)\n", k, ref.n);
                st.mismatches++;
            } else if (strcmp(md5, ref.md5[k]) || w != ref.wh[k][0] || h != ref.wh[k][1]) {
                printf("output %zu (packet %d frame %d): MISMATCH %ux%u %s, libvpx %ux%u %s\n",
                       k, pkt, i, w, h, md5, ref.wh[k][0], ref.wh[k][1], ref.md5[k]);
                st.mismatches++;
            } else if (verbose) {
                printf("output %zu (packet %d frame %d): %ux%u %s ok\n", k, pkt, i, w, h, md5);
            }
        }
        pkt++;
    }
    if (r < 0) {
        printf("truncated IVF file\n");
        st.errors++;
    }
    if (st.shown < ref.n) {
        printf("missing %zu frames (libvpx output %zu)\n", ref.n - st.shown, ref.n);
        st.mismatches += ref.n - st.shown;
    }
    printf("%s: %zu frames, %zu shown, %zu mismatches, %zu errors\n", path, st.frames, st.shown,
           st.mismatches, st.errors);
    model_reset(&m);
    sim_vp9_destroy(eng);
    ivf_close(&ivf);
    free(ref.md5);
    free(ref.wh);
    return (st.mismatches || st.errors) ? 1 : 0;
}

static int run_fuzz(const char *path, unsigned iters)
{
    struct ivf_file ivf;
    char err[256];
    if (ivf_open(&ivf, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    /* collect frames */
    size_t nfr = 0, cap = 0;
    struct { const uint8_t *p; size_t n; } *fr = NULL;
    const uint8_t *data;
    size_t size;
    while (ivf_next(&ivf, &data, &size) > 0) {
        size_t offs[VP9_MAX_SUPERFRAME_FRAMES], sizes[VP9_MAX_SUPERFRAME_FRAMES];
        int nf = vp9_superframe_split(data, size, offs, sizes);
        for (int i = 0; i < nf; i++) {
            if (nfr == cap) {
                cap = cap ? cap * 2 : 64;
                fr = realloc(fr, cap * sizeof(*fr));
                if (!fr)
                    abort();
            }
            fr[nfr].p = data + offs[i];
            fr[nfr].n = sizes[i];
            nfr++;
        }
    }
    size_t ok = 0, failed = 0;
    for (unsigned it = 0; it < iters; it++) {
        struct vp9_parser_state ps;
        vp9_parser_init(&ps);
        struct sim_vp9 *eng = sim_vp9_create();
        struct model m = { 0 };
        size_t limit = nfr < 24 ? nfr : 24;
        size_t target = rnd() % limit;      /* one damaged frame per iteration */
        for (size_t i = 0; i < limit; i++) {
            size_t n = fr[i].n;
            /* sometimes truncate, usually flip 1..4 bits in the first 96 bytes */
            if (i == target && rnd() % 8 == 0 && n > 1)
                n = rnd() % n;
            uint8_t *buf = malloc(n ? n : 1);
            if (!buf)
                abort();
            memcpy(buf, fr[i].p, n);
            bool mutate_ctrls = i == target && rnd() % 3 == 0;
            if (n && i == target && !mutate_ctrls) {
                unsigned flips = 1 + rnd() % 4;
                size_t span = n < 96 ? n : 96;
                for (unsigned b = 0; b < flips; b++) {
                    size_t bit = rnd() % (span * 8);
                    buf[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
                }
            }
            char md5[33];
            unsigned w, h;
            int s = roundtrip_frame(&ps, eng, &m, mutate_ctrls, NULL, buf, n, md5, &w, &h, err,
                                    sizeof(err));
            if (s < 0)
                failed++;
            else
                ok++;
            free(buf);
        }
        model_reset(&m);
        sim_vp9_destroy(eng);
    }
    printf("fuzz %s: %u iterations, %zu frames decoded, %zu rejected, no crash\n", path, iters,
           ok, failed);
    free(fr);
    ivf_close(&ivf);
    return 0;
}

/* ---- sensitivity (--mutate): every control field, mutated in every frame, must change
 * the output or fail a request ---- */

struct collect {
    char (*md5)[33];
    size_t n, cap, errors;
};

static int run_collect(const char *path, vp9_mut_fn mut, struct collect *c)
{
    struct ivf_file ivf;
    char err[256];
    memset(c, 0, sizeof(*c));
    if (ivf_open(&ivf, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    struct vp9_parser_state ps;
    vp9_parser_init(&ps);
    struct sim_vp9 *eng = sim_vp9_create();
    struct model m = { 0 };
    const uint8_t *data;
    size_t size;
    if (!eng) {
        ivf_close(&ivf);
        return -1;
    }
    while (ivf_next(&ivf, &data, &size) > 0) {
        size_t offs[VP9_MAX_SUPERFRAME_FRAMES], sizes[VP9_MAX_SUPERFRAME_FRAMES];
        int nf = vp9_superframe_split(data, size, offs, sizes);
        for (int i = 0; i < nf; i++) {
            char md5[33];
            unsigned w = 0, h = 0;
            int r = roundtrip_frame(&ps, eng, &m, false, mut, data + offs[i], sizes[i], md5, &w,
                                    &h, err, sizeof(err));
            if (r < 0) {
                c->errors++;
                continue;
            }
            if (r == 0)
                continue;
            if (c->n == c->cap) {
                c->cap = c->cap ? c->cap * 2 : 64;
                c->md5 = realloc(c->md5, c->cap * sizeof(*c->md5));
                if (!c->md5)
                    abort();
            }
            memcpy(c->md5[c->n++], md5, 33);
        }
    }
    model_reset(&m);
    sim_vp9_destroy(eng);
    ivf_close(&ivf);
    return 0;
}

#define XOR_ALL(field, v)                                                                      \
    do {                                                                                       \
        uint8_t *p_ = (uint8_t *)&(field);                                                     \
        for (size_t i_ = 0; i_ < sizeof(field); i_++)                                          \
            p_[i_] ^= (uint8_t)(v);                                                            \
    } while (0)
#define VMUT(name, expr)                                                                       \
    static void vmut_##name(struct v4l2_ctrl_vp9_frame *f,                                     \
                            struct v4l2_ctrl_vp9_compressed_hdr *h)                            \
    {                                                                                          \
        (void)f;                                                                               \
        (void)h;                                                                               \
        expr;                                                                                  \
    }
VMUT(lf_ref_deltas, f->lf.ref_deltas[1] ^= 3)
VMUT(lf_mode_deltas, f->lf.mode_deltas[0] ^= 3)
VMUT(lf_level, f->lf.level ^= 9)
VMUT(lf_sharpness, f->lf.sharpness ^= 3)
VMUT(lf_flag_delta_enabled, f->lf.flags ^= V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED)
VMUT(lf_flag_delta_update, f->lf.flags ^= V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE)
VMUT(q_base_q_idx, f->quant.base_q_idx ^= 5)
VMUT(q_delta_y_dc, f->quant.delta_q_y_dc ^= 3)
VMUT(q_delta_uv_dc, f->quant.delta_q_uv_dc ^= 3)
VMUT(q_delta_uv_ac, f->quant.delta_q_uv_ac ^= 3)
VMUT(seg_feature_data, f->seg.feature_data[1][0] ^= 9)
VMUT(seg_feature_enabled, XOR_ALL(f->seg.feature_enabled, 1))
VMUT(seg_tree_probs, f->seg.tree_probs[0] ^= 0x20)
VMUT(seg_pred_probs, f->seg.pred_probs[0] ^= 0x20)
VMUT(seg_flag_enabled, f->seg.flags ^= V4L2_VP9_SEGMENTATION_FLAG_ENABLED)
VMUT(seg_flag_update_map, f->seg.flags ^= V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP)
VMUT(seg_flag_temporal_update, f->seg.flags ^= V4L2_VP9_SEGMENTATION_FLAG_TEMPORAL_UPDATE)
VMUT(seg_flag_update_data, f->seg.flags ^= V4L2_VP9_SEGMENTATION_FLAG_UPDATE_DATA)
VMUT(seg_flag_abs_or_delta, f->seg.flags ^= V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE)
VMUT(flag_key_frame, f->flags ^= V4L2_VP9_FRAME_FLAG_KEY_FRAME)
VMUT(flag_show_frame, f->flags ^= V4L2_VP9_FRAME_FLAG_SHOW_FRAME)
VMUT(flag_error_resilient, f->flags ^= V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT)
VMUT(flag_intra_only, f->flags ^= V4L2_VP9_FRAME_FLAG_INTRA_ONLY)
VMUT(flag_allow_high_prec_mv, f->flags ^= V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV)
VMUT(flag_refresh_frame_ctx, f->flags ^= V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX)
VMUT(flag_parallel_dec_mode, f->flags ^= V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE)
VMUT(flag_x_subsampling, f->flags ^= V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING)
VMUT(flag_y_subsampling, f->flags ^= V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING)
VMUT(flag_color_range_full, f->flags ^= V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING)
VMUT(compressed_header_size, f->compressed_header_size += 1)
VMUT(uncompressed_header_size, f->uncompressed_header_size += 1)
VMUT(frame_width_minus_1, f->frame_width_minus_1 ^= 8)
VMUT(frame_height_minus_1, f->frame_height_minus_1 ^= 8)
VMUT(render_width_minus_1, f->render_width_minus_1 ^= 8)
VMUT(render_height_minus_1, f->render_height_minus_1 ^= 8)
VMUT(last_frame_ts, f->last_frame_ts += 1)
VMUT(golden_frame_ts, f->golden_frame_ts += 1)
VMUT(alt_frame_ts, f->alt_frame_ts += 1)
VMUT(ref_frame_sign_bias, f->ref_frame_sign_bias ^= 0x6)
VMUT(reset_frame_context, f->reset_frame_context ^= 2)
VMUT(frame_context_idx, f->frame_context_idx ^= 1)
VMUT(profile, f->profile ^= 2)
VMUT(bit_depth, f->bit_depth ^= 2)
VMUT(interpolation_filter, f->interpolation_filter ^= 1)
VMUT(tile_cols_log2, f->tile_cols_log2 ^= 1)
VMUT(tile_rows_log2, f->tile_rows_log2 ^= 1)
VMUT(reference_mode, f->reference_mode ^= 1)
VMUT(hdr_tx_mode, h->tx_mode ^= 1)
VMUT(hdr_tx8, XOR_ALL(h->tx8, 0x11))
VMUT(hdr_tx16, XOR_ALL(h->tx16, 0x11))
VMUT(hdr_tx32, XOR_ALL(h->tx32, 0x11))
VMUT(hdr_coef, XOR_ALL(h->coef, 0x11))
VMUT(hdr_skip, XOR_ALL(h->skip, 0x11))
VMUT(hdr_inter_mode, XOR_ALL(h->inter_mode, 0x11))
VMUT(hdr_interp_filter, XOR_ALL(h->interp_filter, 0x11))
VMUT(hdr_is_inter, XOR_ALL(h->is_inter, 0x11))
VMUT(hdr_comp_mode, XOR_ALL(h->comp_mode, 0x11))
VMUT(hdr_single_ref, XOR_ALL(h->single_ref, 0x11))
VMUT(hdr_comp_ref, XOR_ALL(h->comp_ref, 0x11))
VMUT(hdr_y_mode, XOR_ALL(h->y_mode, 0x11))
VMUT(hdr_uv_mode, XOR_ALL(h->uv_mode, 0x11))
VMUT(hdr_partition, XOR_ALL(h->partition, 0x11))
VMUT(hdr_mv_joint, XOR_ALL(h->mv.joint, 0x11))
VMUT(hdr_mv_sign, XOR_ALL(h->mv.sign, 0x11))
VMUT(hdr_mv_classes, XOR_ALL(h->mv.classes, 0x11))
VMUT(hdr_mv_class0_bit, XOR_ALL(h->mv.class0_bit, 0x11))
VMUT(hdr_mv_bits, XOR_ALL(h->mv.bits, 0x11))
VMUT(hdr_mv_class0_fr, XOR_ALL(h->mv.class0_fr, 0x11))
VMUT(hdr_mv_fr, XOR_ALL(h->mv.fr, 0x11))
VMUT(hdr_mv_class0_hp, XOR_ALL(h->mv.class0_hp, 0x11))
VMUT(hdr_mv_hp, XOR_ALL(h->mv.hp, 0x11))

static const struct {
    const char *name;
    vp9_mut_fn fn;
} vp9_mutations[] = {
#define M(n) { #n, vmut_##n }
    M(lf_ref_deltas), M(lf_mode_deltas), M(lf_level), M(lf_sharpness),
    M(lf_flag_delta_enabled), M(lf_flag_delta_update), M(q_base_q_idx), M(q_delta_y_dc),
    M(q_delta_uv_dc), M(q_delta_uv_ac), M(seg_feature_data), M(seg_feature_enabled),
    M(seg_tree_probs), M(seg_pred_probs), M(seg_flag_enabled), M(seg_flag_update_map),
    M(seg_flag_temporal_update), M(seg_flag_update_data), M(seg_flag_abs_or_delta),
    M(flag_key_frame), M(flag_show_frame), M(flag_error_resilient), M(flag_intra_only),
    M(flag_allow_high_prec_mv), M(flag_refresh_frame_ctx), M(flag_parallel_dec_mode),
    M(flag_x_subsampling), M(flag_y_subsampling), M(flag_color_range_full),
    M(compressed_header_size), M(uncompressed_header_size), M(frame_width_minus_1),
    M(frame_height_minus_1), M(render_width_minus_1), M(render_height_minus_1),
    M(last_frame_ts), M(golden_frame_ts), M(alt_frame_ts), M(ref_frame_sign_bias),
    M(reset_frame_context), M(frame_context_idx), M(profile), M(bit_depth),
    M(interpolation_filter), M(tile_cols_log2), M(tile_rows_log2), M(reference_mode),
    M(hdr_tx_mode), M(hdr_tx8), M(hdr_tx16), M(hdr_tx32), M(hdr_coef), M(hdr_skip),
    M(hdr_inter_mode), M(hdr_interp_filter), M(hdr_is_inter), M(hdr_comp_mode),
    M(hdr_single_ref), M(hdr_comp_ref), M(hdr_y_mode), M(hdr_uv_mode), M(hdr_partition),
    M(hdr_mv_joint), M(hdr_mv_sign), M(hdr_mv_classes), M(hdr_mv_class0_bit), M(hdr_mv_bits),
    M(hdr_mv_class0_fr), M(hdr_mv_fr), M(hdr_mv_class0_hp), M(hdr_mv_hp),
#undef M
};

/* Fields that legitimately cannot change the decoded output (docs/conformance.md). */
static const char *const vp9_legit_insensitive[] = {
    "render_width_minus_1",  /* display size hint; the decoded frame is frame_width */
    "render_height_minus_1",
    "flag_color_range_full", /* signalling only; samples are not changed by the decoder */
    "flag_show_frame",       /* a stateless decoder decodes and writes hidden frames too */
    "lf_flag_delta_update",  /* the control carries the deltas in effect either way */
    "seg_flag_update_data",  /* the control carries the feature data in effect either way */
};

static int run_sensitivity(int nfiles, char **files)
{
    size_t n = sizeof(vp9_mutations) / sizeof(vp9_mutations[0]);
    unsigned sensitive = 0, unexpected = 0;
    struct collect *base = calloc((size_t)nfiles, sizeof(*base));
    if (!base)
        return 2;
    for (int i = 0; i < nfiles; i++)
        if (run_collect(files[i], NULL, &base[i]) < 0 || base[i].errors) {
            fprintf(stderr, "%s: the unmutated stream does not decode cleanly\n", files[i]);
            return 2;
        }
    for (size_t k = 0; k < n; k++) {
        bool changed = false, failed = false;
        for (int i = 0; i < nfiles && !changed && !failed; i++) {
            struct collect c;
            if (run_collect(files[i], vp9_mutations[k].fn, &c) < 0)
                return 2;
            failed = c.errors > 0;
            changed = c.n != base[i].n ||
                      (c.n && memcmp(c.md5, base[i].md5, c.n * sizeof(*c.md5)) != 0);
            free(c.md5);
        }
        bool legit = false;
        for (size_t j = 0; j < sizeof(vp9_legit_insensitive) / sizeof(vp9_legit_insensitive[0]); j++)
            legit |= !strcmp(vp9_legit_insensitive[j], vp9_mutations[k].name);
        printf("%-28s %s\n", vp9_mutations[k].name,
               failed ? "request fails" : changed ? "output changes"
                        : legit ? "no effect (legitimate, documented)" : "NO EFFECT");
        sensitive += failed || changed;
        unexpected += !(failed || changed) && !legit;
    }
    printf("vp9 sensitivity: %u/%zu fields change the output or fail the request; %zu without "
           "effect are documented, %u are not\n", sensitive, n, n - sensitive - unexpected,
           unexpected);
    for (int i = 0; i < nfiles; i++)
        free(base[i].md5);
    free(base);
    return unexpected ? 1 : 0;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    unsigned fuzz = 0;
    const char *path = NULL;
    if (argc > 2 && !strcmp(argv[1], "--mutate"))
        return run_sensitivity(argc - 2, argv + 2);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = true;
        else if (!strcmp(argv[i], "--fuzz") && i + 1 < argc)
            fuzz = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            rng_state = strtoull(argv[++i], NULL, 0) | 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: %s [-v] [--fuzz N [--seed S]] FILE.ivf\n", argv[0]);
            return 2;
        } else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: %s [-v] [--fuzz N [--seed S]] FILE.ivf\n", argv[0]);
        return 2;
    }
    return fuzz ? run_fuzz(path, fuzz) : run_compare(path, verbose);
}
