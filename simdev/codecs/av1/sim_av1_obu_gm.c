/* AV1 global_motion_params() (5.9.24, coded relative to the primary reference's saved
 * parameters) and film_grain_params() (5.9.30) from the controls. */
#include "sim_av1_obu_int.h"

#include <stdio.h>
#include <string.h>

void av1_default_gm_params(int32_t p[8][6])
{
    for (unsigned r = 0; r < 8; r++)
        for (unsigned k = 0; k < 6; k++)
            p[r][k] = (k % 3 == 2) ? (1 << 16) : 0;
}

static void write_subexp(struct av1_bw *w, unsigned num_syms, unsigned v)
{
    unsigned i = 0, mk = 0, k = 3;
    for (;;) {
        unsigned b2 = i ? k + i - 1 : k, a = 1u << b2;
        if (num_syms <= mk + 3 * a) {
            av1_bw_ns(w, num_syms - mk, v - mk);
            return;
        }
        if (v >= mk + a) {
            av1_bw_f(w, 1, 1);
            i++;
            mk += a;
        } else {
            av1_bw_f(w, 1, 0);
            av1_bw_f(w, b2, v - mk);
            return;
        }
    }
}

static unsigned recenter(unsigned r, unsigned v)
{
    if (v > 2 * r)
        return v;
    if (v >= r)
        return (v - r) << 1;
    return ((r - v) << 1) - 1;
}

static int write_gm_param(struct av1_bw *w, struct hdr_ctx *c, unsigned type, unsigned ref,
                          unsigned idx, const int32_t prev[8][6])
{
    const bool hp = c->f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_HIGH_PRECISION_MV;
    unsigned abs_bits = 12, prec_bits = 15;
    int prec_diff, round, sub, mx, r, d, target = c->f->global_motion.params[ref][idx];
    unsigned mx_u, r_u, x, v;
    char *err = c->err;
    size_t errlen = c->errlen;

    if (idx < 2) {
        if (type == V4L2_AV1_WARP_MODEL_TRANSLATION) {
            abs_bits = 9 - !hp;
            prec_bits = 3 - !hp;
        } else {
            abs_bits = 12;
            prec_bits = 6;
        }
    }
    prec_diff = 16 - (int)prec_bits;
    round = (idx % 3) == 2 ? (1 << 16) : 0;
    sub = (idx % 3) == 2 ? (1 << prec_bits) : 0;
    mx = 1 << abs_bits;
    r = (prev[ref][idx] >> prec_diff) - sub;
    if ((target - round) & ((1 << prec_diff) - 1))
        FAIL("global motion param [%u][%u] = %d is not representable", ref, idx, target);
    d = (target - round) >> prec_diff;
    if (d < -mx || d > mx)
        FAIL("global motion param [%u][%u] = %d out of range", ref, idx, target);
    mx_u = (unsigned)(2 * mx + 1);
    if (r < -mx || r > mx)
        r = r < -mx ? -mx : mx; /* a previous param outside the range: spec clamps via decode */
    r_u = (unsigned)(r + mx);
    x = (unsigned)(d + mx);
    if ((r_u << 1) <= mx_u)
        v = recenter(r_u, x);
    else
        v = recenter(mx_u - 1 - r_u, mx_u - 1 - x);
    write_subexp(w, mx_u, v);
    return 0;
}

int av1_hdr_global_motion(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_av1_global_motion *gm = &c->f->global_motion;
    int32_t prev[8][6];
    char *err = c->err;
    size_t errlen = c->errlen;

    if (c->intra)
        return 0;
    if (c->f->primary_ref_frame == PRIMARY_REF_NONE ||
        (c->f->flags & V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE)) {
        av1_default_gm_params(prev);
    } else {
        const struct av1_slot_state *sl =
            &c->in->slots[(unsigned)c->f->ref_frame_idx[c->f->primary_ref_frame] & 7];
        memcpy(prev, sl->gm_params, sizeof(prev));
    }
    for (unsigned ref = 1; ref <= 7; ref++) {
        unsigned t = gm->type[ref];
        if (t > V4L2_AV1_WARP_MODEL_AFFINE)
            FAIL("global motion type %u", t);
        av1_bw_f(w, 1, t != V4L2_AV1_WARP_MODEL_IDENTITY);
        if (t == V4L2_AV1_WARP_MODEL_IDENTITY)
            continue;
        av1_bw_f(w, 1, t == V4L2_AV1_WARP_MODEL_ROTZOOM);
        if (t != V4L2_AV1_WARP_MODEL_ROTZOOM)
            av1_bw_f(w, 1, t == V4L2_AV1_WARP_MODEL_TRANSLATION);
        if (t >= V4L2_AV1_WARP_MODEL_ROTZOOM) {
            if (write_gm_param(w, c, t, ref, 2, prev) < 0 || write_gm_param(w, c, t, ref, 3, prev) < 0)
                return -1;
            if (t == V4L2_AV1_WARP_MODEL_AFFINE) {
                if (write_gm_param(w, c, t, ref, 4, prev) < 0 ||
                    write_gm_param(w, c, t, ref, 5, prev) < 0)
                    return -1;
            } else if (gm->params[ref][4] != -gm->params[ref][3] ||
                       gm->params[ref][5] != gm->params[ref][2]) {
                FAIL("rotzoom params of ref %u are not a rotation/zoom", ref);
            }
        }
        if (write_gm_param(w, c, t, ref, 0, prev) < 0 || write_gm_param(w, c, t, ref, 1, prev) < 0)
            return -1;
    }
    return 0;
}

int av1_hdr_film_grain(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_ctrl_av1_film_grain *g = c->in->grain;
    const struct v4l2_ctrl_av1_frame *f = c->f;
    const bool mono = c->num_planes == 1;
    unsigned pos_luma, pos_chroma;
    bool csfl;
    char *err = c->err;
    size_t errlen = c->errlen;

    if (!seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT) ||
        !(f->flags & (V4L2_AV1_FRAME_FLAG_SHOW_FRAME | V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME)))
        return 0;
    if (!g || !(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN)) {
        av1_bw_f(w, 1, 0);
        return 0;
    }
    av1_bw_f(w, 1, 1);
    av1_bw_f(w, 16, g->grain_seed);
    if (f->frame_type == V4L2_AV1_INTER_FRAME)
        av1_bw_f(w, 1, !!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN));
    else if (!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN))
        FAIL("film grain without UPDATE_GRAIN on a non-inter frame");
    if (!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN)) {
        if (g->film_grain_params_ref_idx > 7)
            FAIL("film_grain_params_ref_idx %u", g->film_grain_params_ref_idx);
        av1_bw_f(w, 3, g->film_grain_params_ref_idx);
        return 0;
    }
    if (g->num_y_points > 14 || g->num_cb_points > 10 || g->num_cr_points > 10 ||
        g->ar_coeff_lag > 3 || g->grain_scaling_minus_8 > 3 || g->ar_coeff_shift_minus_6 > 3 ||
        g->grain_scale_shift > 3 || g->cb_offset > 511 || g->cr_offset > 511)
        FAIL("film grain parameters out of range");
    av1_bw_f(w, 4, g->num_y_points);
    for (unsigned i = 0; i < g->num_y_points; i++) {
        av1_bw_f(w, 8, g->point_y_value[i]);
        av1_bw_f(w, 8, g->point_y_scaling[i]);
    }
    csfl = !mono && (g->flags & V4L2_AV1_FILM_GRAIN_FLAG_CHROMA_SCALING_FROM_LUMA);
    if (!mono)
        av1_bw_f(w, 1, csfl);
    if (!(mono || csfl || g->num_y_points == 0)) {
        av1_bw_f(w, 4, g->num_cb_points);
        for (unsigned i = 0; i < g->num_cb_points; i++) {
            av1_bw_f(w, 8, g->point_cb_value[i]);
            av1_bw_f(w, 8, g->point_cb_scaling[i]);
        }
        av1_bw_f(w, 4, g->num_cr_points);
        for (unsigned i = 0; i < g->num_cr_points; i++) {
            av1_bw_f(w, 8, g->point_cr_value[i]);
            av1_bw_f(w, 8, g->point_cr_scaling[i]);
        }
    } else if (g->num_cb_points || g->num_cr_points) {
        FAIL("chroma grain points where the syntax has none");
    }
    av1_bw_f(w, 2, g->grain_scaling_minus_8);
    av1_bw_f(w, 2, g->ar_coeff_lag);
    pos_luma = 2 * g->ar_coeff_lag * (g->ar_coeff_lag + 1u);
    pos_chroma = pos_luma;
    if (g->num_y_points) {
        pos_chroma = pos_luma + 1;
        for (unsigned i = 0; i < pos_luma; i++)
            av1_bw_f(w, 8, g->ar_coeffs_y_plus_128[i]);
    }
    if (csfl || g->num_cb_points)
        for (unsigned i = 0; i < pos_chroma; i++)
            av1_bw_f(w, 8, g->ar_coeffs_cb_plus_128[i]);
    if (csfl || g->num_cr_points)
        for (unsigned i = 0; i < pos_chroma; i++)
            av1_bw_f(w, 8, g->ar_coeffs_cr_plus_128[i]);
    av1_bw_f(w, 2, g->ar_coeff_shift_minus_6);
    av1_bw_f(w, 2, g->grain_scale_shift);
    if (g->num_cb_points) {
        av1_bw_f(w, 8, g->cb_mult);
        av1_bw_f(w, 8, g->cb_luma_mult);
        av1_bw_f(w, 9, g->cb_offset);
    }
    if (g->num_cr_points) {
        av1_bw_f(w, 8, g->cr_mult);
        av1_bw_f(w, 8, g->cr_luma_mult);
        av1_bw_f(w, 9, g->cr_offset);
    }
    av1_bw_f(w, 1, !!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP));
    av1_bw_f(w, 1, !!(g->flags & V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE));
    return 0;
}
