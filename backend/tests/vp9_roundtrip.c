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

#include "sim_vp9.h"
#include "vp9_ivf.h"
#include "vp9_md5.h"
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

static struct pic *pic_new(struct model *m, unsigned w, unsigned h)
{
    struct pic *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    unsigned bpl = (w + 63) & ~63u;
    size_t luma = (size_t)bpl * h, total = luma + (size_t)bpl * ((h + 1) / 2);
    /* NV12 single plane (simdev/codecs/codec.h struct sim_picture). */
    p->sp.fourcc = V4L2_PIX_FMT_NV12;
    p->sp.bit_depth = 8;
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

static void md5_nv12(const struct sim_picture *p, char hex[33])
{
    struct vp9_md5 m;
    uint8_t d[16];
    vp9_md5_init(&m);
    for (uint32_t y = 0; y < p->height; y++)
        vp9_md5_update(&m, p->plane[0].data + (size_t)y * p->plane[0].bytesperline, p->width);
    uint32_t cw = (p->width + 1) / 2, ch = (p->height + 1) / 2;
    uint8_t *row = malloc(cw ? cw : 1);
    if (!row)
        abort();
    for (int c = 0; c < 2; c++)
        for (uint32_t y = 0; y < ch; y++) {
            const uint8_t *s = p->plane[1].data + (size_t)y * p->plane[1].bytesperline;
            for (uint32_t x = 0; x < cw; x++)
                row[x] = s[2 * x + c];
            vp9_md5_update(&m, row, cw);
        }
    free(row);
    vp9_md5_final(&m, d);
    vp9_md5_hex(d, hex);
}

static void md5_img(const vpx_image_t *img, char hex[33])
{
    struct vp9_md5 m;
    uint8_t d[16];
    vp9_md5_init(&m);
    for (int pl = 0; pl < 3; pl++) {
        unsigned w = pl ? (img->d_w + img->x_chroma_shift) >> img->x_chroma_shift : img->d_w;
        unsigned h = pl ? (img->d_h + img->y_chroma_shift) >> img->y_chroma_shift : img->d_h;
        for (unsigned y = 0; y < h; y++)
            vp9_md5_update(&m, img->planes[pl] + (size_t)y * (size_t)img->stride[pl], w);
    }
    vp9_md5_final(&m, d);
    vp9_md5_hex(d, hex);
}

struct ref_out {
    char (*md5)[33];
    unsigned (*wh)[2];
    size_t n, cap;
};

static int reference_decode(const char *path, struct ref_out *out)
{
    struct vp9_ivf ivf;
    char err[256];
    if (vp9_ivf_open(&ivf, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    vpx_codec_ctx_t dec;
    vpx_codec_dec_cfg_t cfg = { .threads = 1 };
    if (vpx_codec_dec_init(&dec, vpx_codec_vp9_dx(), &cfg, 0) != VPX_CODEC_OK) {
        vp9_ivf_close(&ivf);
        return -1;
    }
    const uint8_t *data;
    size_t size;
    int r;
    while ((r = vp9_ivf_next(&ivf, &data, &size)) > 0) {
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
            md5_img(img, out->md5[out->n]);
            out->wh[out->n][0] = img->d_w;
            out->wh[out->n][1] = img->d_h;
            out->n++;
        }
    }
    vpx_codec_destroy(&dec);
    vp9_ivf_close(&ivf);
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

static int roundtrip_frame(struct vp9_parser_state *ps, struct sim_vp9 *eng, struct model *m,
                           bool mutate_ctrls, const uint8_t *data, size_t size, char out_md5[33],
                           unsigned *ow, unsigned *oh, char *err, size_t errlen)
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
        md5_nv12(&p->sp, out_md5);
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
        /* the device side: resolve timestamps to CAPTURE buffers */
        const uint64_t t3[3] = { f.last_frame_ts, f.golden_frame_ts, f.alt_frame_ts };
        for (int i = 0; i < 3; i++) {
            struct pic *p = find_ts(m, t3[i]);
            refs[i] = p ? &p->sp : NULL;
        }
    }
    struct pic *dst = pic_new(m, f.frame_width_minus_1 + 1u, f.frame_height_minus_1 + 1u);
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
        md5_nv12(&dst->sp, out_md5);
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
    struct vp9_ivf ivf;
    char err[256];
    if (vp9_ivf_open(&ivf, path, err, sizeof(err)) < 0) {
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
    while ((r = vp9_ivf_next(&ivf, &data, &size)) > 0) {
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
            int s = roundtrip_frame(&ps, eng, &m, false, data + offs[i], sizes[i], md5, &w, &h, err,
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
    vp9_ivf_close(&ivf);
    free(ref.md5);
    free(ref.wh);
    return (st.mismatches || st.errors) ? 1 : 0;
}

static int run_fuzz(const char *path, unsigned iters)
{
    struct vp9_ivf ivf;
    char err[256];
    if (vp9_ivf_open(&ivf, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    /* collect frames */
    size_t nfr = 0, cap = 0;
    struct { const uint8_t *p; size_t n; } *fr = NULL;
    const uint8_t *data;
    size_t size;
    while (vp9_ivf_next(&ivf, &data, &size) > 0) {
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
            int s = roundtrip_frame(&ps, eng, &m, mutate_ctrls, buf, n, md5, &w, &h, err,
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
    vp9_ivf_close(&ivf);
    return 0;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    unsigned fuzz = 0;
    const char *path = NULL;
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
