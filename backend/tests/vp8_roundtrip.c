/* vp8-roundtrip: checks that the driver's VP8 parser and simdev's VP8 engine are inverses.
 *
 * For every frame of an IVF file: vp8_parse_frame() -> V4L2_CID_STATELESS_VP8_FRAME
 * (modelling userspace: LAST/GOLDEN/ALTREF pictures with timestamps, updated with the
 * frame's refresh/copy flags like libvpx's swap_frame_buffers) -> sim_vp8_decode() into
 * an NV12 picture -> MD5 of the I420 frame for shown frames, compared with libvpx
 * decoding the original file directly.
 *
 *   vp8-roundtrip [-v] FILE.ivf...        exit 0 iff every shown frame of every file matches
 *   vp8-roundtrip --mutate FILE.ivf       sensitivity: per control field, mutate it in
 *                                         every frame and report whether the output
 *                                         changed or the request failed
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include "frame_md5.h"
#include "ivf.h"
#include "sim_vp8.h"
#include "vp8_parser.h"

struct pic {
    struct sim_vp8_pic p;
    uint8_t *mem;
    uint64_t ts;
    int refs;
};

static struct pic *pic_new(unsigned w, unsigned h, uint64_t ts)
{
    struct pic *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    unsigned aw = (w + 15) & ~15u, ah = (h + 15) & ~15u, bpl = (aw + 63) & ~63u;
    size_t luma = (size_t)bpl * ah, total = luma + (size_t)bpl * (ah / 2);
    p->mem = calloc(1, total);
    if (!p->mem) {
        free(p);
        return NULL;
    }
    p->p.y = (struct sim_vp8_plane){p->mem, luma, bpl};
    p->p.uv = (struct sim_vp8_plane){p->mem + luma, total - luma, bpl};
    p->ts = ts;
    p->refs = 1;
    return p;
}

static void pic_unref(struct pic *p)
{
    if (p && --p->refs == 0) {
        free(p->mem);
        free(p);
    }
}

static void pic_set(struct pic **slot, struct pic *p)
{
    if (p)
        p->refs++;
    pic_unref(*slot);
    *slot = p;
}

/* A control mutation for the sensitivity run: returns false when it does not apply. */
typedef bool (*mutate_fn)(struct v4l2_ctrl_vp8_frame *f);

struct run_result {
    unsigned frames, shown, mismatched, failed;
    char first_err[320];
};

/* Decodes a file through parser + engine; with ref_md5 == NULL fills out_md5 (array of
 * shown-frame md5s, caller frees), otherwise compares against libvpx. */
static int run_file(const char *path, bool verbose, mutate_fn mutate, char (**md5s)[33],
                    unsigned *n_md5, struct run_result *res)
{
    struct ivf_file ivf;
    char err[200];
    memset(res, 0, sizeof(*res));
    if (ivf_open(&ivf, path, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s: %s\n", path, err);
        return -1;
    }
    struct vp8_parser_state *ps = calloc(1, sizeof(*ps));
    struct sim_vp8 *eng = sim_vp8_create();
    vpx_codec_ctx_t ref;
    vpx_codec_dec_cfg_t cfg = {.threads = 1, .w = 0, .h = 0};
    bool ref_ok = !mutate && vpx_codec_dec_init(&ref, vpx_codec_vp8_dx(), &cfg, 0) == VPX_CODEC_OK;
    struct pic *last = NULL, *golden = NULL, *alt = NULL;
    unsigned cap = 0;
    if (!ps || !eng) {
        fprintf(stderr, "out of memory\n");
        free(ps);
        sim_vp8_destroy(eng);
        ivf_close(&ivf);
        return -1;
    }
    vp8_parser_init(ps);
    const uint8_t *data;
    size_t size;
    uint64_t ts = 0;
    int rr;
    while ((rr = ivf_next(&ivf, &data, &size)) == 1) {
        struct vp8_frame_info fi;
        unsigned idx = res->frames++;
        ts += 1000;
        bool shown_ref = false;
        char ref_md5[33] = "";
        if (ref_ok) {
            if (vpx_codec_decode(&ref, data, (unsigned)size, NULL, 0) == VPX_CODEC_OK) {
                vpx_codec_iter_t it = NULL;
                vpx_image_t *img;
                while ((img = vpx_codec_get_frame(&ref, &it))) {
                    md5_vpx_image(img, ref_md5);
                    shown_ref = true;
                }
            }
        }
        if (vp8_parse_frame(ps, data, size, &fi, err, sizeof(err)) < 0) {
            res->failed++;
            if (!res->first_err[0])
                snprintf(res->first_err, sizeof(res->first_err), "frame %u: parse: %s", idx, err);
            continue;
        }
        struct v4l2_ctrl_vp8_frame c = fi.ctrl;
        c.last_frame_ts = last ? last->ts : 0;
        c.golden_frame_ts = golden ? golden->ts : 0;
        c.alt_frame_ts = alt ? alt->ts : 0;
        if (mutate)
            mutate(&c);
        struct pic *cur = pic_new(fi.width, fi.height, ts);
        if (!cur)
            break;
        const struct sim_vp8_pic *refs[3] = {last ? &last->p : NULL, golden ? &golden->p : NULL,
                                             alt ? &alt->p : NULL};
        /* a timestamp that names no picture resolves to nothing, like vb2_find_buffer */
        const uint64_t want[3] = {c.last_frame_ts, c.golden_frame_ts, c.alt_frame_ts};
        struct pic *all[3] = {last, golden, alt};
        for (int i = 0; i < 3; i++) {
            refs[i] = NULL;
            for (int j = 0; j < 3; j++)
                if (all[j] && all[j]->ts == want[i])
                    refs[i] = &all[j]->p;
        }
        int r = sim_vp8_decode(eng, &c, data, size, refs, &cur->p, err, sizeof(err));
        if (r < 0) {
            res->failed++;
            if (!res->first_err[0])
                snprintf(res->first_err, sizeof(res->first_err), "frame %u: %s", idx, err);
            if (verbose)
                fprintf(stderr, "%s: frame %u: %s\n", path, idx, err);
            pic_unref(cur);
            continue;
        }
        if (fi.show) {
            char got[33];
            md5_semiplanar(cur->p.y.data, cur->p.y.bytesperline, cur->p.uv.data,
                           cur->p.uv.bytesperline, cur->p.width, cur->p.height, false, got);
            res->shown++;
            if (md5s) {
                if (*n_md5 >= cap) {
                    cap = cap ? cap * 2 : 64;
                    char(*n)[33] = realloc(*md5s, cap * sizeof(**md5s));
                    if (!n)
                        break;
                    *md5s = n;
                }
                memcpy((*md5s)[(*n_md5)++], got, 33);
            }
            if (ref_ok && (!shown_ref || strcmp(got, ref_md5))) {
                res->mismatched++;
                if (verbose)
                    fprintf(stderr, "%s: frame %u differs (%s vs libvpx %s)\n", path, idx, got,
                            shown_ref ? ref_md5 : "-");
            }
        }
        /* reference update (libvpx swap_frame_buffers order) */
        if (fi.key) {
            pic_set(&golden, cur);
            pic_set(&alt, cur);
        } else {
            if (fi.copy_to_alt == 1)
                pic_set(&alt, last);
            else if (fi.copy_to_alt == 2)
                pic_set(&alt, golden);
            if (fi.copy_to_golden == 1)
                pic_set(&golden, last);
            else if (fi.copy_to_golden == 2)
                pic_set(&golden, alt);
            if (fi.refresh_golden)
                pic_set(&golden, cur);
            if (fi.refresh_alt)
                pic_set(&alt, cur);
        }
        if (fi.refresh_last)
            pic_set(&last, cur);
        pic_unref(cur);
    }
    pic_unref(last);
    pic_unref(golden);
    pic_unref(alt);
    if (ref_ok)
        vpx_codec_destroy(&ref);
    sim_vp8_destroy(eng);
    free(ps);
    ivf_close(&ivf);
    return rr < 0 ? -1 : 0;
}

/* ---- sensitivity: one mutation per control field ---- */

#define MUT(name, expr)                                                                        \
    static bool mut_##name(struct v4l2_ctrl_vp8_frame *f)                                      \
    {                                                                                          \
        expr;                                                                                  \
        return true;                                                                           \
    }
MUT(seg_quant, f->segment.quant_update[1] ^= 3)
MUT(seg_lf, f->segment.lf_update[1] ^= 3)
MUT(seg_probs, f->segment.segment_probs[0] ^= 0x10)
MUT(seg_flag_enabled, f->segment.flags ^= V4L2_VP8_SEGMENT_FLAG_ENABLED)
MUT(seg_flag_map, f->segment.flags ^= V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP)
MUT(seg_flag_data, f->segment.flags ^= V4L2_VP8_SEGMENT_FLAG_UPDATE_FEATURE_DATA)
MUT(seg_flag_delta, f->segment.flags ^= V4L2_VP8_SEGMENT_FLAG_DELTA_VALUE_MODE)
MUT(lf_ref_delta, f->lf.ref_frm_delta[0] ^= 5)
MUT(lf_mode_delta, f->lf.mb_mode_delta[1] ^= 5)
MUT(lf_sharpness, f->lf.sharpness_level ^= 3)
MUT(lf_level, f->lf.level ^= 9)
MUT(lf_flag_adj, f->lf.flags ^= V4L2_VP8_LF_ADJ_ENABLE)
MUT(lf_flag_update, f->lf.flags ^= V4L2_VP8_LF_DELTA_UPDATE)
MUT(lf_flag_simple, f->lf.flags ^= V4L2_VP8_LF_FILTER_TYPE_SIMPLE)
MUT(q_y_ac, f->quant.y_ac_qi ^= 5)
MUT(q_y_dc, f->quant.y_dc_delta ^= 3)
MUT(q_y2_dc, f->quant.y2_dc_delta ^= 3)
MUT(q_y2_ac, f->quant.y2_ac_delta ^= 3)
MUT(q_uv_dc, f->quant.uv_dc_delta ^= 3)
MUT(q_uv_ac, f->quant.uv_ac_delta ^= 3)
static bool mut_coeff_probs(struct v4l2_ctrl_vp8_frame *f)
{
    uint8_t *p = &f->entropy.coeff_probs[0][0][0][0];
    for (size_t i = 0; i < sizeof(f->entropy.coeff_probs); i++)
        p[i] ^= 0x20;
    return true;
}
MUT(y_mode_probs, f->entropy.y_mode_probs[0] ^= 0x20)
MUT(uv_mode_probs, f->entropy.uv_mode_probs[0] ^= 0x20)
MUT(mv_probs, f->entropy.mv_probs[0][0] ^= 0x20)
MUT(coder_range, f->coder_state.range ^= 0x04)
MUT(coder_value, f->coder_state.value ^= 0x01)
MUT(coder_bit_count, f->coder_state.bit_count ^= 1)
MUT(width, f->width ^= 16)
MUT(height, f->height ^= 16)
MUT(horizontal_scale, f->horizontal_scale ^= 1)
MUT(vertical_scale, f->vertical_scale ^= 1)
MUT(version, f->version ^= 1)
MUT(prob_skip_false, f->prob_skip_false ^= 0x20)
MUT(prob_intra, f->prob_intra ^= 0x20)
MUT(prob_last, f->prob_last ^= 0x20)
MUT(prob_gf, f->prob_gf ^= 0x20)
MUT(num_dct_parts, f->num_dct_parts = f->num_dct_parts == 1 ? 2 : f->num_dct_parts / 2)
MUT(first_part_size, f->first_part_size -= 1)
MUT(first_part_header_bits, f->first_part_header_bits += 8)
MUT(dct_part_sizes, f->dct_part_sizes[0] -= 1)
MUT(last_frame_ts, f->last_frame_ts += 1)
MUT(golden_frame_ts, f->golden_frame_ts += 1)
MUT(alt_frame_ts, f->alt_frame_ts += 1)
MUT(flag_key, f->flags ^= V4L2_VP8_FRAME_FLAG_KEY_FRAME)
MUT(flag_experimental, f->flags ^= V4L2_VP8_FRAME_FLAG_EXPERIMENTAL)
MUT(flag_show, f->flags ^= V4L2_VP8_FRAME_FLAG_SHOW_FRAME)
MUT(flag_no_skip_coeff, f->flags ^= V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF)
MUT(flag_sign_golden, f->flags ^= V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN)
MUT(flag_sign_alt, f->flags ^= V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT)

/* Fields that legitimately cannot change the output (docs/conformance.md):
 * - segment UPDATE_FEATURE_DATA, lf DELTA_UPDATE: the control carries the values in
 *   effect whether or not this frame's header updated them (hantro's G1 code ignores
 *   both flags as well);
 * - horizontal_scale, vertical_scale: upscaling hints for the display, not decoding;
 * - EXPERIMENTAL: no decoding meaning;
 * - SHOW_FRAME: a stateless decoder decodes and writes hidden frames like shown ones. */
static const char *const legit_insensitive[] = {
    "seg_flag_data", "lf_flag_update", "horizontal_scale", "vertical_scale",
    "flag_experimental", "flag_show",
};

static bool is_legit(const char *name)
{
    for (size_t i = 0; i < sizeof(legit_insensitive) / sizeof(legit_insensitive[0]); i++)
        if (!strcmp(name, legit_insensitive[i]))
            return true;
    return false;
}

static const struct {
    const char *name;
    mutate_fn fn;
} mutations[] = {
#define M(n) {#n, mut_##n}
    M(seg_quant), M(seg_lf), M(seg_probs), M(seg_flag_enabled), M(seg_flag_map),
    M(seg_flag_data), M(seg_flag_delta), M(lf_ref_delta), M(lf_mode_delta), M(lf_sharpness),
    M(lf_level), M(lf_flag_adj), M(lf_flag_update), M(lf_flag_simple), M(q_y_ac), M(q_y_dc),
    M(q_y2_dc), M(q_y2_ac), M(q_uv_dc), M(q_uv_ac), M(coeff_probs), M(y_mode_probs),
    M(uv_mode_probs), M(mv_probs), M(coder_range), M(coder_value), M(coder_bit_count),
    M(width), M(height), M(horizontal_scale), M(vertical_scale), M(version),
    M(prob_skip_false), M(prob_intra), M(prob_last), M(prob_gf), M(num_dct_parts),
    M(first_part_size), M(first_part_header_bits), M(dct_part_sizes), M(last_frame_ts),
    M(golden_frame_ts), M(alt_frame_ts), M(flag_key), M(flag_experimental), M(flag_show),
    M(flag_no_skip_coeff), M(flag_sign_golden), M(flag_sign_alt),
#undef M
};

static int sensitivity(int nfiles, char **files)
{
    unsigned n = sizeof(mutations) / sizeof(mutations[0]), sensitive = 0, unexpected = 0;
    for (unsigned m = 0; m < n; m++) {
        bool changed = false, failed = false;
        for (int fi = 0; fi < nfiles && !changed && !failed; fi++) {
            char(*base)[33] = NULL, (*mut)[33] = NULL;
            unsigned nb = 0, nm = 0;
            struct run_result rb, rm;
            if (run_file(files[fi], false, NULL, &base, &nb, &rb) < 0 ||
                run_file(files[fi], false, mutations[m].fn, &mut, &nm, &rm) < 0) {
                free(base);
                free(mut);
                return 2;
            }
            if (rm.failed)
                failed = true;
            else if (nb != nm || (nb && memcmp(base, mut, nb * sizeof(*base))))
                changed = true;
            free(base);
            free(mut);
        }
        bool legit = is_legit(mutations[m].name);
        printf("%-24s %s\n", mutations[m].name,
               failed ? "request fails" : changed ? "output changes"
                        : legit ? "no effect (legitimate, documented)" : "NO EFFECT");
        sensitive += failed || changed;
        unexpected += !(failed || changed) && !legit;
    }
    printf("sensitivity: %u/%u fields change the output or fail the request; %u without "
           "effect are documented, %u are not\n", sensitive, n, n - sensitive - unexpected,
           unexpected);
    return unexpected ? 1 : 0;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    int i = 1;
    if (argc > 1 && !strcmp(argv[1], "--mutate"))
        return argc > 2 ? sensitivity(argc - 2, argv + 2) : 2;
    if (argc > 1 && !strcmp(argv[1], "-v")) {
        verbose = true;
        i++;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: vp8-roundtrip [-v] FILE.ivf... | --mutate FILE.ivf...\n");
        return 2;
    }
    int bad = 0;
    for (; i < argc; i++) {
        struct run_result r;
        if (run_file(argv[i], verbose, NULL, NULL, NULL, &r) < 0) {
            bad++;
            continue;
        }
        bool ok = !r.mismatched && !r.failed && r.shown;
        printf("%s %s: %u frames, %u shown, %u mismatched, %u failed%s%s\n", ok ? "PASS" : "FAIL",
               argv[i], r.frames, r.shown, r.mismatched, r.failed, r.first_err[0] ? " - " : "",
               r.first_err);
        bad += !ok;
    }
    return bad ? 1 : 0;
}
