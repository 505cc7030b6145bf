/* simdev VP8 control partition writer; see sim_vp8_header.h for the method. */
#include "sim_vp8_header.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_vp8_boolenc.h"
#include "vp8_tables.h"

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

void sim_vp8_probs_default(struct sim_vp8_probs *p)
{
    memcpy(p->coeff, vp8_default_coeff_probs, sizeof(p->coeff));
    memcpy(p->ymode, vp8_default_ymode_probs, sizeof(p->ymode));
    memcpy(p->uvmode, vp8_default_uv_mode_probs, sizeof(p->uvmode));
    memcpy(p->mv, vp8_default_mv_probs, sizeof(p->mv));
}

/* ---- the header as a list of items, each with 1..3 equivalent codings ---- */

#define MAX_ALTS 3

struct sym {
    uint8_t prob, bit;
};

struct item {
    uint32_t start[MAX_ALTS];
    uint8_t len[MAX_ALTS];
    uint8_t nalt;
    uint8_t tag; /* ITEM_* : items whose chosen coding matters after the frame */
};

enum { ITEM_PLAIN = 0, ITEM_REFRESH_ENTROPY = 1 };

struct builder {
    struct sym *syms;
    size_t nsyms, cap;
    struct item *items;
    size_t nitems, icap;
    bool oom;
};

static void item_begin(struct builder *b, uint8_t tag)
{
    if (b->oom)
        return;
    if (b->nitems == b->icap) {
        size_t n = b->icap ? b->icap * 2 : 1024;
        struct item *it = realloc(b->items, n * sizeof(*it));
        if (!it) {
            b->oom = true;
            return;
        }
        b->items = it;
        b->icap = n;
    }
    memset(&b->items[b->nitems], 0, sizeof(b->items[0]));
    b->items[b->nitems].tag = tag;
    b->nitems++;
}

static void alt_begin(struct builder *b)
{
    if (b->oom || !b->nitems)
        return;
    struct item *it = &b->items[b->nitems - 1];
    if (it->nalt >= MAX_ALTS) {
        b->oom = true;
        return;
    }
    it->start[it->nalt] = (uint32_t)b->nsyms;
    it->len[it->nalt] = 0;
    it->nalt++;
}

static void put(struct builder *b, unsigned prob, unsigned bit)
{
    if (b->oom || !b->nitems)
        return;
    if (b->nsyms == b->cap) {
        size_t n = b->cap ? b->cap * 2 : 8192;
        struct sym *s = realloc(b->syms, n * sizeof(*s));
        if (!s) {
            b->oom = true;
            return;
        }
        b->syms = s;
        b->cap = n;
    }
    struct item *it = &b->items[b->nitems - 1];
    if (it->len[it->nalt - 1] == 255) {
        b->oom = true;
        return;
    }
    b->syms[b->nsyms++] = (struct sym){(uint8_t)prob, (uint8_t)(bit & 1)};
    it->len[it->nalt - 1]++;
}

static void lit(struct builder *b, unsigned v, unsigned bits)
{
    while (bits--)
        put(b, 128, (v >> bits) & 1);
}

/* A fixed literal (one coding). */
static void fixed(struct builder *b, unsigned v, unsigned bits)
{
    item_begin(b, ITEM_PLAIN);
    alt_begin(b);
    lit(b, v, bits);
}

/* A free bit (not in the uAPI, no effect on decoding). */
static void free_bit(struct builder *b, uint8_t tag)
{
    item_begin(b, tag);
    alt_begin(b);
    put(b, 128, 1);
    alt_begin(b);
    put(b, 128, 0);
}

/* flag + magnitude + sign; a zero may also be sent explicitly with either sign. */
static void opt_signed(struct builder *b, int v, unsigned bits)
{
    unsigned mag = (unsigned)(v < 0 ? -v : v);
    item_begin(b, ITEM_PLAIN);
    if (v == 0) {
        alt_begin(b);
        put(b, 128, 0);
        alt_begin(b);
        put(b, 128, 1);
        lit(b, 0, bits);
        put(b, 128, 0);
        alt_begin(b);
        put(b, 128, 1);
        lit(b, 0, bits);
        put(b, 128, 1);
    } else {
        alt_begin(b);
        put(b, 128, 1);
        lit(b, mag, bits);
        put(b, 128, v < 0);
    }
}

/* flag(prob) + 8-bit literal; no update is possible when the value does not change. */
static void prob_update(struct builder *b, unsigned upd_prob, unsigned cur, unsigned val)
{
    item_begin(b, ITEM_PLAIN);
    if (cur == val) {
        alt_begin(b);
        put(b, upd_prob, 0);
    }
    alt_begin(b);
    put(b, upd_prob, 1);
    lit(b, val, 8);
}

static bool in_range(int v, int lim)
{
    return v >= -lim && v <= lim;
}

static int build(struct builder *b, const struct v4l2_ctrl_vp8_frame *f,
                 const struct sim_vp8_probs *base, char *err, size_t errlen)
{
    bool key = f->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME;
    const struct v4l2_vp8_segment *sg = &f->segment;
    const struct v4l2_vp8_loop_filter *lf = &f->lf;
    const struct v4l2_vp8_quantization *q = &f->quant;

    if (key) {
        free_bit(b, ITEM_PLAIN);    /* color_space */
        free_bit(b, ITEM_PLAIN);    /* clamping_type */
    }
    bool seg = sg->flags & V4L2_VP8_SEGMENT_FLAG_ENABLED;
    fixed(b, seg, 1);
    if (seg) {
        bool map = sg->flags & V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP;
        fixed(b, map, 1);
        /* feature data is always sent: the control carries the values in effect */
        fixed(b, 1, 1);
        fixed(b, !(sg->flags & V4L2_VP8_SEGMENT_FLAG_DELTA_VALUE_MODE), 1);
        for (int i = 0; i < 4; i++) {
            if (!in_range(sg->quant_update[i], 127))
                return fail(err, errlen, -EINVAL, "vp8: segment %d quantizer %d", i,
                            sg->quant_update[i]);
            opt_signed(b, sg->quant_update[i], 7);
        }
        for (int i = 0; i < 4; i++) {
            if (!in_range(sg->lf_update[i], 63))
                return fail(err, errlen, -EINVAL, "vp8: segment %d filter level %d", i,
                            sg->lf_update[i]);
            opt_signed(b, sg->lf_update[i], 6);
        }
        if (map)
            for (int i = 0; i < 3; i++) {
                item_begin(b, ITEM_PLAIN);
                if (sg->segment_probs[i] == 255) {
                    alt_begin(b);
                    put(b, 128, 0);
                }
                alt_begin(b);
                put(b, 128, 1);
                lit(b, sg->segment_probs[i], 8);
            }
    }
    if (lf->level > 63 || lf->sharpness_level > 7)
        return fail(err, errlen, -EINVAL, "vp8: loop filter level %u sharpness %u", lf->level,
                    lf->sharpness_level);
    fixed(b, !!(lf->flags & V4L2_VP8_LF_FILTER_TYPE_SIMPLE), 1);
    fixed(b, lf->level, 6);
    fixed(b, lf->sharpness_level, 3);
    bool adj = lf->flags & V4L2_VP8_LF_ADJ_ENABLE;
    fixed(b, adj, 1);
    if (adj) {
        /* all deltas are sent: the control carries the values in effect */
        fixed(b, 1, 1);
        for (int i = 0; i < 8; i++) {
            int d = i < 4 ? lf->ref_frm_delta[i] : lf->mb_mode_delta[i - 4];
            if (!in_range(d, 63))
                return fail(err, errlen, -EINVAL, "vp8: loop filter delta %d = %d", i, d);
            item_begin(b, ITEM_PLAIN);
            alt_begin(b);
            put(b, 128, 1);
            lit(b, (unsigned)(d < 0 ? -d : d), 6);
            put(b, 128, d < 0);
            if (d == 0) {
                alt_begin(b);
                put(b, 128, 1);
                lit(b, 0, 6);
                put(b, 128, 1);
            }
        }
    }
    unsigned log2p;
    switch (f->num_dct_parts) {
    case 1: log2p = 0; break;
    case 2: log2p = 1; break;
    case 4: log2p = 2; break;
    case 8: log2p = 3; break;
    default:
        return fail(err, errlen, -EINVAL, "vp8: num_dct_parts %u", f->num_dct_parts);
    }
    fixed(b, log2p, 2);
    if (q->y_ac_qi > 127)
        return fail(err, errlen, -EINVAL, "vp8: y_ac_qi %u", q->y_ac_qi);
    fixed(b, q->y_ac_qi, 7);
    const int8_t dq[5] = {q->y_dc_delta, q->y2_dc_delta, q->y2_ac_delta, q->uv_dc_delta,
                          q->uv_ac_delta};
    for (int i = 0; i < 5; i++) {
        if (!in_range(dq[i], 15))
            return fail(err, errlen, -EINVAL, "vp8: quantizer delta %d = %d", i, dq[i]);
        opt_signed(b, dq[i], 4);
    }
    if (!key) {
        /* references are loaded from CAPTURE buffers: nothing is kept in golden/altref */
        fixed(b, 0, 1);     /* refresh_golden_frame */
        fixed(b, 0, 1);     /* refresh_alternate_frame */
        fixed(b, 0, 2);     /* copy_buffer_to_golden */
        fixed(b, 0, 2);     /* copy_buffer_to_alternate */
        fixed(b, !!(f->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN), 1);
        fixed(b, !!(f->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT), 1);
    }
    /* refresh_entropy_probs = 0: libvpx returns to the probabilities it had before the
     * frame, so every frame codes its probabilities against the same base (the keyframe
     * defaults). With 1, a later frame whose control goes back to an odd default mv
     * probability could not be coded (mv updates carry 7 bits). */
    item_begin(b, ITEM_REFRESH_ENTROPY);
    alt_begin(b);
    put(b, 128, 0);
    if (!key)
        fixed(b, 1, 1);     /* refresh_last: the decoded frame is read back from LAST */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 11; l++)
                    prob_update(b, vp8_coeff_update_probs[i][j][k][l], base->coeff[i][j][k][l],
                                f->entropy.coeff_probs[i][j][k][l]);
    bool skip = f->flags & V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF;
    fixed(b, skip, 1);
    if (skip)
        fixed(b, f->prob_skip_false, 8);
    if (!key) {
        fixed(b, f->prob_intra, 8);
        fixed(b, f->prob_last, 8);
        fixed(b, f->prob_gf, 8);
        item_begin(b, ITEM_PLAIN);
        if (!memcmp(base->ymode, f->entropy.y_mode_probs, 4)) {
            alt_begin(b);
            put(b, 128, 0);
        }
        alt_begin(b);
        put(b, 128, 1);
        for (int i = 0; i < 4; i++)
            lit(b, f->entropy.y_mode_probs[i], 8);
        item_begin(b, ITEM_PLAIN);
        if (!memcmp(base->uvmode, f->entropy.uv_mode_probs, 3)) {
            alt_begin(b);
            put(b, 128, 0);
        }
        alt_begin(b);
        put(b, 128, 1);
        for (int i = 0; i < 3; i++)
            lit(b, f->entropy.uv_mode_probs[i], 8);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 19; j++) {
                unsigned v = f->entropy.mv_probs[i][j], up = vp8_mv_update_probs[i][j];
                bool codable = v == 1 || (v >= 2 && !(v & 1));
                item_begin(b, ITEM_PLAIN);
                if (v == base->mv[i][j]) {
                    alt_begin(b);
                    put(b, up, 0);
                } else if (!codable) {
                    return fail(err, errlen, -EINVAL,
                                "vp8: mv probability [%d][%d] = %u cannot be coded (7-bit update)",
                                i, j, v);
                }
                if (codable) {
                    alt_begin(b);
                    put(b, up, 1);
                    lit(b, v == 1 ? 0 : v >> 1, 7);
                }
            }
    }
    if (b->oom)
        return fail(err, errlen, -ENOMEM, "vp8: out of memory for the header");
    return 0;
}

static unsigned run_alt(const struct builder *b, const struct item *it, int a, unsigned r)
{
    const struct sym *s = b->syms + it->start[a];
    for (unsigned i = 0; i < it->len[a]; i++)
        r = sim_vp8_range_after(r, s[i].prob, s[i].bit);
    return r;
}

/* Chooses one coding per item so that the range after the header is target.
 * choice[i] receives the alternative of item i. */
static int choose(const struct builder *b, unsigned target, uint8_t *choice, char *err,
                  size_t errlen)
{
    size_t n = b->nitems;
    int8_t *alt = malloc((n + 1) * 256);
    uint8_t *prev = malloc((n + 1) * 256);
    if (!alt || !prev) {
        free(alt);
        free(prev);
        return fail(err, errlen, -ENOMEM, "vp8: out of memory");
    }
    memset(alt, -1, (n + 1) * 256);
    alt[255] = 0; /* start state: range 255 */
    for (size_t i = 0; i < n; i++) {
        const struct item *it = &b->items[i];
        for (unsigned r = 128; r < 256; r++) {
            if (alt[i * 256 + r] < 0)
                continue;
            for (int a = 0; a < it->nalt; a++) {
                unsigned r2 = run_alt(b, it, a, r);
                size_t idx = (i + 1) * 256 + r2;
                if (alt[idx] < 0) {
                    alt[idx] = (int8_t)a;
                    prev[idx] = (uint8_t)r;
                }
            }
        }
    }
    if (getenv("SIM_VP8_DEBUG_DP")) {
        for (size_t i = 0; i <= n; i++) {
            unsigned cnt = 0, lo = 0, hi = 0;
            for (unsigned r = 128; r < 256; r++)
                if (alt[i * 256 + r] >= 0) {
                    cnt++;
                    hi = r;
                    if (!lo)
                        lo = r;
                }
            fprintf(stderr, "dp item %zu/%zu nalt %u: %u states [%u..%u]\n", i, n,
                    i < n ? b->items[i].nalt : 0, cnt, lo, hi);
        }
    }
    if (alt[n * 256 + target] < 0) {
        free(alt);
        free(prev);
        return fail(err, errlen, -EINVAL,
                    "vp8: no coding of the header fields ends with coder range %u", target);
    }
    unsigned r = target;
    for (size_t i = n; i > 0; i--) {
        choice[i - 1] = (uint8_t)alt[i * 256 + r];
        r = prev[i * 256 + r];
    }
    free(alt);
    free(prev);
    return 0;
}

static int get_bit(const uint8_t *p, size_t len, uint64_t i)
{
    return (i >> 3) < len ? (p[i >> 3] >> (7 - (i & 7))) & 1 : 0;
}

int sim_vp8_write_first_partition(const struct v4l2_ctrl_vp8_frame *f,
                                  const struct sim_vp8_probs *cur,
                                  const uint8_t *part, size_t part_len,
                                  uint8_t **out, size_t *out_len,
                                  struct sim_vp8_probs *after,
                                  char *err, size_t errlen)
{
    bool key = f->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME;
    const struct v4l2_vp8_entropy_coder_state *cs = &f->coder_state;
    uint64_t hb = f->first_part_header_bits;
    struct sim_vp8_probs base;
    struct builder b;
    uint8_t *choice = NULL, *buf = NULL;
    int r;

    *out = NULL;
    *out_len = 0;
    if (cs->range < 128)
        return fail(err, errlen, -EINVAL, "vp8: coder range %u below 128", cs->range);
    if (cs->value >= cs->range)
        return fail(err, errlen, -EINVAL, "vp8: coder value %u not below range %u", cs->value,
                    cs->range);
    if (cs->bit_count != (8 - hb % 8) % 8)
        return fail(err, errlen, -EINVAL,
                    "vp8: coder bit_count %u disagrees with first_part_header_bits %llu",
                    cs->bit_count, (unsigned long long)hb);
    if (hb > (uint64_t)part_len * 8)
        return fail(err, errlen, -EINVAL,
                    "vp8: first_part_header_bits %llu beyond the %zu-byte first partition",
                    (unsigned long long)hb, part_len);
    if (key)
        sim_vp8_probs_default(&base);
    else
        base = *cur;

    memset(&b, 0, sizeof(b));
    r = build(&b, f, &base, err, errlen);
    if (r < 0)
        goto out;
    choice = malloc(b.nitems ? b.nitems : 1);
    if (!choice) {
        r = fail(err, errlen, -ENOMEM, "vp8: out of memory");
        goto out;
    }
    r = choose(&b, cs->range, choice, err, errlen);
    if (r < 0)
        goto out;

    uint64_t tail_start = hb + 8, tail_bits = 0;
    if (tail_start < (uint64_t)part_len * 8)
        tail_bits = (uint64_t)part_len * 8 - tail_start;
    size_t nsyms = 0;
    for (size_t i = 0; i < b.nitems; i++)
        nsyms += b.items[i].len[choice[i]];
    size_t cap = (size_t)((nsyms * 8 + 16 + tail_bits) / 8) + 16;
    buf = calloc(1, cap);
    if (!buf) {
        r = fail(err, errlen, -ENOMEM, "vp8: out of memory for a %zu-byte partition", cap);
        goto out;
    }
    struct sim_vp8_benc e;
    sim_vp8_benc_init(&e, buf, cap);
    bool refresh_entropy = true;
    for (size_t i = 0; i < b.nitems; i++) {
        const struct item *it = &b.items[i];
        const struct sym *s = b.syms + it->start[choice[i]];
        for (unsigned j = 0; j < it->len[choice[i]]; j++)
            sim_vp8_benc_put(&e, s[j].prob, s[j].bit);
        if (it->tag == ITEM_REFRESH_ENTROPY)
            refresh_entropy = s[0].bit;
    }
    if (e.range != cs->range) {
        r = fail(err, errlen, -EIO, "vp8: internal: header ends with range %u, not %u", e.range,
                 cs->range);
        goto out;
    }
    /* resume: the control's window value, then the original bits after the window */
    uint64_t k = e.k;
    sim_vp8_benc_add8(&e, k, cs->value);
    for (uint64_t t = 0; t < tail_bits; t++)
        if (get_bit(part, part_len, tail_start + t))
            sim_vp8_benc_set_bit(&e, k + 8 + t);
    if (e.overflow) {
        r = fail(err, errlen, -EIO, "vp8: internal: partition buffer overflow");
        goto out;
    }
    *out_len = (size_t)((k + 8 + tail_bits + 7) / 8);
    *out = buf;
    buf = NULL;

    /* libvpx's probabilities after this frame */
    if (refresh_entropy) {
        memcpy(after->coeff, f->entropy.coeff_probs, sizeof(after->coeff));
        if (key) {
            memcpy(after->ymode, base.ymode, 4);
            memcpy(after->uvmode, base.uvmode, 3);
            memcpy(after->mv, base.mv, sizeof(after->mv));
        } else {
            memcpy(after->ymode, f->entropy.y_mode_probs, 4);
            memcpy(after->uvmode, f->entropy.uv_mode_probs, 3);
            memcpy(after->mv, f->entropy.mv_probs, sizeof(after->mv));
        }
    } else {
        *after = base;
    }
    r = 0;
out:
    free(buf);
    free(choice);
    free(b.syms);
    free(b.items);
    return r;
}
