/* simdev VP8 macroblock mode transcoder; see sim_vp8_modes.h. The parse follows
 * RFC 6386 sections 16 and 19.3 and libvpx vp8/decoder/decodemv.c. */
#include "sim_vp8_modes.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { DC_PRED, V_PRED, H_PRED, TM_PRED, B_PRED, NEARESTMV, NEARMV, ZEROMV, NEWMV, SPLITMV };
enum { B_DC_PRED, B_TM_PRED, B_VE_PRED, B_HE_PRED };
enum { INTRA_FRAME, LAST_FRAME, GOLDEN_FRAME, ALTREF_FRAME };

static const int8_t ymode_tree[8] = {-DC_PRED, 2, 4, 6, -V_PRED, -H_PRED, -TM_PRED, -B_PRED};
static const int8_t kf_ymode_tree[8] = {-B_PRED, 2, 4, 6, -DC_PRED, -V_PRED, -H_PRED, -TM_PRED};
static const int8_t uv_mode_tree[6] = {-DC_PRED, 2, -V_PRED, 4, -H_PRED, -TM_PRED};
/* B_DC, B_TM, B_VE, B_HE, B_LD, B_RD, B_VR, B_VL, B_HD, B_HU = 0..9 */
static const int8_t bmode_tree[18] = {-0, 2, -1, 4, -2, 6, 8, 12, -3, 10, -5, -6, -4, 14, -7, 16,
                                      -8, -9};
static const int8_t small_mv_tree[14] = {2, 8, 4, 6, -0, -1, -2, -3, 10, 12, -4, -5, -6, -7};

static const uint8_t kf_ymode_prob[4] = {145, 156, 163, 128};
static const uint8_t kf_uv_mode_prob[3] = {142, 114, 183};
static const uint8_t bmode_prob[9] = {120, 90, 79, 133, 87, 85, 80, 111, 151};
static const uint8_t mode_contexts[6][4] = {
    {7, 1, 1, 143}, {14, 18, 14, 107}, {135, 64, 57, 68},
    {60, 56, 128, 65}, {159, 134, 128, 34}, {234, 188, 128, 28},
};
static const uint8_t sub_mv_ref_prob3[8][3] = {
    {147, 136, 18}, {223, 1, 34}, {106, 145, 1}, {208, 1, 1},
    {179, 121, 1}, {223, 1, 34}, {179, 121, 1}, {208, 1, 1},
};
static const uint8_t mbsplit_offset[4][16] = {
    {0, 8}, {0, 2}, {0, 2, 8, 10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}};
static const uint8_t mbsplit_fill_count[4] = {8, 8, 4, 1};
static const uint8_t mbsplit_fill_offset[4][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15},
    {0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}};

#include "sim_vp8_kfbmode.h"
#include <vareq/errmsg.h>

struct mv {
    int16_t row, col;
};

struct mbinfo {
    uint8_t ref, mode;
    struct mv mv;
    uint8_t bmode[16];
    struct mv bmv[16];
};

/* RFC 6386 section 7 decoder over a byte-aligned copy of the stream after the window */
struct rd {
    const uint8_t *buf;
    size_t size, pos;
    uint32_t value, range;
    unsigned bit_count;
};

static uint32_t rd_byte(struct rd *r)
{
    return r->pos < r->size ? r->buf[r->pos++] : (r->pos++, 0u);
}

static int rd_bool(struct rd *r, unsigned prob)
{
    uint32_t split = 1 + (((r->range - 1) * prob) >> 8), big = split << 8;
    int bit = r->value >= big;
    if (bit) {
        r->range -= split;
        r->value -= big;
    } else {
        r->range = split;
    }
    while (r->range < 128) {
        r->value <<= 1;
        r->range <<= 1;
        if (++r->bit_count == 8) {
            r->bit_count = 0;
            r->value |= rd_byte(r);
        }
    }
    return bit;
}

struct xc {
    struct rd rd;
    struct sim_vp8_benc *enc;
};

static int xbit(struct xc *x, unsigned prob)
{
    int b = rd_bool(&x->rd, prob & 0xff);
    sim_vp8_benc_put(x->enc, prob & 0xff, b);
    return b;
}

static int xtree(struct xc *x, const int8_t *tree, const uint8_t *probs)
{
    int i = 0;
    while ((i = tree[i + xbit(x, probs[i >> 1])]) > 0)
        ;
    return -i;
}

static uint8_t implied_bmode(uint8_t mode)
{
    switch (mode) {
    case V_PRED: return B_VE_PRED;
    case H_PRED: return B_HE_PRED;
    case TM_PRED: return B_TM_PRED;
    default: return B_DC_PRED;
    }
}

static uint8_t left_bmode(const struct mbinfo *cur, const struct mbinfo *left, int b)
{
    if (b & 3)
        return cur->bmode[b - 1];
    return left->mode == B_PRED ? left->bmode[b + 3] : implied_bmode(left->mode);
}

static uint8_t above_bmode(const struct mbinfo *cur, const struct mbinfo *above, int b)
{
    if (b >> 2)
        return cur->bmode[b - 4];
    return above->mode == B_PRED ? above->bmode[b + 12] : implied_bmode(above->mode);
}

static int read_mv_component(struct xc *x, const uint8_t *p)
{
    int v = 0;
    if (xbit(x, p[0])) {
        for (int i = 0; i < 3; i++)
            v += xbit(x, p[9 + i]) << i;
        for (int i = 9; i > 3; i--)
            v += xbit(x, p[9 + i]) << i;
        if (!(v & 0xfff0) || xbit(x, p[9 + 3]))
            v += 8;
    } else {
        v = xtree(x, small_mv_tree, p + 2);
    }
    if (v && xbit(x, p[1]))
        v = -v;
    return v;
}

static struct mv read_mv(struct xc *x, const struct v4l2_ctrl_vp8_frame *f)
{
    struct mv m;
    m.row = (int16_t)(read_mv_component(x, f->entropy.mv_probs[0]) * 2);
    m.col = (int16_t)(read_mv_component(x, f->entropy.mv_probs[1]) * 2);
    return m;
}

static bool mv_eq(struct mv a, struct mv b)
{
    return a.row == b.row && a.col == b.col;
}

static bool mv_zero(struct mv a)
{
    return !a.row && !a.col;
}

struct edges {
    int left, right, top, bottom;
};

static struct mv clamp_mv(struct mv m, const struct edges *e)
{
    if (m.col < e->left - 128)
        m.col = (int16_t)(e->left - 128);
    else if (m.col > e->right + 128)
        m.col = (int16_t)(e->right + 128);
    if (m.row < e->top - 128)
        m.row = (int16_t)(e->top - 128);
    else if (m.row > e->bottom + 128)
        m.row = (int16_t)(e->bottom + 128);
    return m;
}

static void mv_bias(const bool sign_bias[4], uint8_t nb_ref, uint8_t ref, struct mv *m)
{
    if (sign_bias[nb_ref] != sign_bias[ref]) {
        m->row = (int16_t)-m->row;
        m->col = (int16_t)-m->col;
    }
}

static void split_mv(struct xc *x, const struct v4l2_ctrl_vp8_frame *f, struct mbinfo *mi,
                     const struct mbinfo *left, const struct mbinfo *above, struct mv best)
{
    int s = 3, num_p = 16;
    if (xbit(x, 110)) {
        s = 2;
        num_p = 4;
        if (xbit(x, 111)) {
            s = xbit(x, 150);
            num_p = 2;
        }
    }
    for (int j = 0; j < num_p; j++) {
        int k = mbsplit_offset[s][j];
        struct mv lmv, amv, bmv;
        if (!(k & 3))
            lmv = left->mode != SPLITMV ? left->mv : left->bmv[k + 3];
        else
            lmv = mi->bmv[k - 1];
        if (!(k >> 2))
            amv = above->mode != SPLITMV ? above->mv : above->bmv[k + 12];
        else
            amv = mi->bmv[k - 4];
        const uint8_t *prob =
            sub_mv_ref_prob3[(mv_zero(amv) << 2) | (mv_zero(lmv) << 1) | mv_eq(lmv, amv)];
        if (xbit(x, prob[0])) {
            if (xbit(x, prob[1])) {
                bmv.row = bmv.col = 0;
                if (xbit(x, prob[2])) {
                    bmv.row = (int16_t)(read_mv_component(x, f->entropy.mv_probs[0]) * 2 + best.row);
                    bmv.col = (int16_t)(read_mv_component(x, f->entropy.mv_probs[1]) * 2 + best.col);
                }
            } else {
                bmv = amv;
            }
        } else {
            bmv = lmv;
        }
        const uint8_t *fill = &mbsplit_fill_offset[s][j * mbsplit_fill_count[s]];
        for (int n = 0; n < mbsplit_fill_count[s]; n++)
            mi->bmv[fill[n]] = bmv;
    }
}

static void inter_modes(struct xc *x, const struct v4l2_ctrl_vp8_frame *f, struct mbinfo *mi,
                        const struct mbinfo *above, const struct mbinfo *left,
                        const struct mbinfo *aboveleft, const struct edges *e,
                        const bool sign_bias[4])
{
    enum { CNT_INTRA, CNT_NEAREST, CNT_NEAR, CNT_SPLITMV };
    int cnt[4] = {0, 0, 0, 0};
    struct mv near_mvs[4];
    int n = 0; /* index of the last near_mvs entry written (nmv) */
    memset(near_mvs, 0, sizeof(near_mvs));

    mi->ref = LAST_FRAME;
    if (xbit(x, f->prob_last))
        mi->ref = (uint8_t)(GOLDEN_FRAME + xbit(x, f->prob_gf));
    if (above->ref != INTRA_FRAME) {
        if (!mv_zero(above->mv)) {
            near_mvs[++n] = above->mv;
            mv_bias(sign_bias, above->ref, mi->ref, &near_mvs[n]);
            cnt[n] += 2;
        } else {
            cnt[CNT_INTRA] += 2;
        }
    }
    if (left->ref != INTRA_FRAME) {
        if (!mv_zero(left->mv)) {
            struct mv t = left->mv;
            mv_bias(sign_bias, left->ref, mi->ref, &t);
            if (!mv_eq(t, near_mvs[n]))
                near_mvs[++n] = t;
            cnt[n] += 2;
        } else {
            cnt[CNT_INTRA] += 2;
        }
    }
    if (aboveleft->ref != INTRA_FRAME) {
        if (!mv_zero(aboveleft->mv)) {
            struct mv t = aboveleft->mv;
            mv_bias(sign_bias, aboveleft->ref, mi->ref, &t);
            if (!mv_eq(t, near_mvs[n]))
                near_mvs[++n] = t;
            cnt[n] += 1;
        } else {
            cnt[CNT_INTRA] += 1;
        }
    }
    if (!xbit(x, mode_contexts[cnt[CNT_INTRA]][0])) {
        mi->mode = ZEROMV;
        mi->mv.row = mi->mv.col = 0;
        return;
    }
    cnt[CNT_NEAREST] += (cnt[CNT_SPLITMV] > 0) & mv_eq(near_mvs[n], near_mvs[CNT_NEAREST]);
    if (cnt[CNT_NEAR] > cnt[CNT_NEAREST]) {
        int t = cnt[CNT_NEAREST];
        cnt[CNT_NEAREST] = cnt[CNT_NEAR];
        cnt[CNT_NEAR] = t;
        struct mv tm = near_mvs[CNT_NEAREST];
        near_mvs[CNT_NEAREST] = near_mvs[CNT_NEAR];
        near_mvs[CNT_NEAR] = tm;
    }
    if (!xbit(x, mode_contexts[cnt[CNT_NEAREST]][1])) {
        mi->mode = NEARESTMV;
        mi->mv = clamp_mv(near_mvs[CNT_NEAREST], e);
        return;
    }
    if (!xbit(x, mode_contexts[cnt[CNT_NEAR]][2])) {
        mi->mode = NEARMV;
        mi->mv = clamp_mv(near_mvs[CNT_NEAR], e);
        return;
    }
    int near_index = CNT_INTRA + (cnt[CNT_NEAREST] >= cnt[CNT_INTRA]);
    struct mv best = clamp_mv(near_mvs[near_index], e);
    cnt[CNT_SPLITMV] = ((above->mode == SPLITMV) + (left->mode == SPLITMV)) * 2 +
                       (aboveleft->mode == SPLITMV);
    if (xbit(x, mode_contexts[cnt[CNT_SPLITMV]][3])) {
        split_mv(x, f, mi, left, above, best);
        mi->mv = mi->bmv[15];
        mi->mode = SPLITMV;
    } else {
        struct mv d = read_mv(x, f);
        mi->mv.row = (int16_t)(d.row + best.row);
        mi->mv.col = (int16_t)(d.col + best.col);
        mi->mode = NEWMV;
    }
}

int sim_vp8_transcode_modes(const struct v4l2_ctrl_vp8_frame *f, const uint8_t *part,
                            size_t part_len, struct sim_vp8_benc *enc, char *err,
                            size_t errlen)
{
    bool key = f->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME;
    bool map = (f->segment.flags & V4L2_VP8_SEGMENT_FLAG_ENABLED) &&
               (f->segment.flags & V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP);
    bool skip = f->flags & V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF;
    const bool sign_bias[4] = {false, false, !!(f->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN),
                               !!(f->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT)};
    unsigned cols = (f->width + 15u) / 16u, rows = (f->height + 15u) / 16u;
    uint64_t start = (uint64_t)f->first_part_header_bits + 8;
    struct xc x;
    int r = 0;

    if (!cols || !rows)
        return vareq_errf(err, errlen, -EINVAL, "vp8: frame size %ux%u", f->width, f->height);
    if (f->coder_state.range < 128 || f->coder_state.value >= f->coder_state.range)
        return vareq_errf(err, errlen, -EINVAL, "vp8: coder state range %u value %u",
                          f->coder_state.range, f->coder_state.value);
    /* byte-aligned copy of the bits after the window */
    size_t tail_len = start < (uint64_t)part_len * 8 ? (size_t)(((uint64_t)part_len * 8 - start + 7) / 8) : 0;
    uint8_t *tail = calloc(1, tail_len + 1);
    struct mbinfo *mbi = calloc((size_t)(rows + 1) * (cols + 1), sizeof(*mbi));
    if (!tail || !mbi) {
        free(tail);
        free(mbi);
        return vareq_errf(err, errlen, -ENOMEM, "vp8: out of memory for %ux%u macroblocks", cols, rows);
    }
    unsigned sh = (unsigned)(start & 7);
    for (size_t i = 0; i < tail_len; i++) {
        size_t b = (size_t)(start >> 3) + i;
        unsigned v = (b < part_len ? part[b] : 0u) << sh;
        if (sh && b + 1 < part_len)
            v |= part[b + 1] >> (8 - sh);
        tail[i] = (uint8_t)v;
    }
    x.enc = enc;
    x.rd.buf = tail;
    x.rd.size = tail_len;
    x.rd.pos = 0;
    x.rd.range = f->coder_state.range;
    x.rd.bit_count = 0;
    x.rd.value = (uint32_t)f->coder_state.value << 8;
    x.rd.value |= rd_byte(&x.rd);

    size_t stride = cols + 1;
    for (unsigned row = 0; row < rows; row++) {
        for (unsigned col = 0; col < cols; col++) {
            struct mbinfo *mi = &mbi[(row + 1) * stride + col + 1];
            const struct mbinfo *above = mi - stride, *left = mi - 1, *aboveleft = above - 1;
            struct edges e = {
                .left = -(int)((col * 16) << 3),
                .right = (int)(((cols - 1 - col) * 16) << 3),
                .top = -(int)((row * 16) << 3),
                .bottom = (int)(((rows - 1 - row) * 16) << 3),
            };
            if (map && xbit(&x, f->segment.segment_probs[0]))
                xbit(&x, f->segment.segment_probs[2]);
            else if (map)
                xbit(&x, f->segment.segment_probs[1]);
            if (skip)
                xbit(&x, f->prob_skip_false);
            if (key) {
                mi->ref = INTRA_FRAME;
                mi->mode = (uint8_t)xtree(&x, kf_ymode_tree, kf_ymode_prob);
                if (mi->mode == B_PRED)
                    for (int b = 0; b < 16; b++) {
                        uint8_t a = above_bmode(mi, above, b), l = left_bmode(mi, left, b);
                        mi->bmode[b] = (uint8_t)xtree(&x, bmode_tree, sim_vp8_kf_bmode_prob[a][l]);
                    }
                xtree(&x, uv_mode_tree, kf_uv_mode_prob);
            } else if (xbit(&x, f->prob_intra)) {
                inter_modes(&x, f, mi, above, left, aboveleft, &e, sign_bias);
            } else {
                mi->ref = INTRA_FRAME;
                mi->mv.row = mi->mv.col = 0;
                mi->mode = (uint8_t)xtree(&x, ymode_tree, f->entropy.y_mode_probs);
                if (mi->mode == B_PRED)
                    for (int b = 0; b < 16; b++)
                        mi->bmode[b] = (uint8_t)xtree(&x, bmode_tree, bmode_prob);
                xtree(&x, uv_mode_tree, f->entropy.uv_mode_probs);
            }
        }
        if (x.rd.pos > x.rd.size + 64) {
            r = vareq_errf(err, errlen, -EINVAL,
                           "vp8: macroblock data runs past the end of the first partition (row %u)", row);
            break;
        }
    }
    free(tail);
    free(mbi);
    return r;
}
