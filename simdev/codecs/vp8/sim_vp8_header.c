/* simdev VP8 control partition writer; see sim_vp8_header.h for the method. */
#include "sim_vp8_header.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_vp8_boolenc.h"
#include "sim_vp8_modes.h"
#include "vp8_tables.h"
#include <vareq/errmsg.h>

void sim_vp8_probs_default(struct sim_vp8_probs *p)
{
    memcpy(p->coeff, vp8_default_coeff_probs, sizeof(p->coeff));
    memcpy(p->ymode, vp8_default_ymode_probs, sizeof(p->ymode));
    memcpy(p->uvmode, vp8_default_uv_mode_probs, sizeof(p->uvmode));
    memcpy(p->mv, vp8_default_mv_probs, sizeof(p->mv));
}

/* ---- header fields, coded straight into the encoder ---- */

static void put(struct sim_vp8_benc *e, unsigned prob, unsigned bit)
{
    sim_vp8_benc_put(e, prob, (int)(bit & 1));
}

static void lit(struct sim_vp8_benc *e, unsigned v, unsigned bits)
{
    while (bits--)
        put(e, 128, (v >> bits) & 1);
}

/* flag + magnitude + sign; a zero is sent as "not present" */
static void opt_signed(struct sim_vp8_benc *e, int v, unsigned bits)
{
    put(e, 128, v != 0);
    if (v) {
        lit(e, (unsigned)(v < 0 ? -v : v), bits);
        put(e, 128, v < 0);
    }
}

/* flag(upd_prob) [+ 8-bit value]: no update when the value is the one in effect */
static void prob_update(struct sim_vp8_benc *e, unsigned upd_prob, unsigned cur, unsigned val)
{
    put(e, upd_prob, cur != val);
    if (cur != val)
        lit(e, val, 8);
}

static bool in_range(int v, int lim)
{
    return v >= -lim && v <= lim;
}

static int build(struct sim_vp8_benc *b, const struct v4l2_ctrl_vp8_frame *f,
                 const struct sim_vp8_probs *base, char *err, size_t errlen)
{
    bool key = f->flags & V4L2_VP8_FRAME_FLAG_KEY_FRAME;
    const struct v4l2_vp8_segment *sg = &f->segment;
    const struct v4l2_vp8_loop_filter *lf = &f->lf;
    const struct v4l2_vp8_quantization *q = &f->quant;

    if (key) {
        lit(b, 0, 1);     /* color_space: not in the uAPI, no effect on decoding */
        lit(b, 0, 1);     /* clamping_type: not in the uAPI; libvpx always clamps */
    }
    bool seg = sg->flags & V4L2_VP8_SEGMENT_FLAG_ENABLED;
    lit(b, seg, 1);
    if (seg) {
        bool map = sg->flags & V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP;
        lit(b, map, 1);
        /* feature data is always sent: the control carries the values in effect */
        lit(b, 1, 1);
        lit(b, !(sg->flags & V4L2_VP8_SEGMENT_FLAG_DELTA_VALUE_MODE), 1);
        for (int i = 0; i < 4; i++) {
            if (!in_range(sg->quant_update[i], 127))
                return vareq_errf(err, errlen, -EINVAL, "vp8: segment %d quantizer %d", i,
                                  sg->quant_update[i]);
            opt_signed(b, sg->quant_update[i], 7);
        }
        for (int i = 0; i < 4; i++) {
            if (!in_range(sg->lf_update[i], 63))
                return vareq_errf(err, errlen, -EINVAL, "vp8: segment %d filter level %d", i,
                                  sg->lf_update[i]);
            opt_signed(b, sg->lf_update[i], 6);
        }
        if (map)
            for (int i = 0; i < 3; i++) {
                /* 255 is what "not sent" means */
                put(b, 128, sg->segment_probs[i] != 255);
                if (sg->segment_probs[i] != 255)
                    lit(b, sg->segment_probs[i], 8);
            }
    }
    if (lf->level > 63 || lf->sharpness_level > 7)
        return vareq_errf(err, errlen, -EINVAL, "vp8: loop filter level %u sharpness %u", lf->level,
                          lf->sharpness_level);
    lit(b, !!(lf->flags & V4L2_VP8_LF_FILTER_TYPE_SIMPLE), 1);
    lit(b, lf->level, 6);
    lit(b, lf->sharpness_level, 3);
    bool adj = lf->flags & V4L2_VP8_LF_ADJ_ENABLE;
    lit(b, adj, 1);
    if (adj) {
        /* all deltas are sent: the control carries the values in effect */
        lit(b, 1, 1);
        for (int i = 0; i < 8; i++) {
            int d = i < 4 ? lf->ref_frm_delta[i] : lf->mb_mode_delta[i - 4];
            if (!in_range(d, 63))
                return vareq_errf(err, errlen, -EINVAL, "vp8: loop filter delta %d = %d", i, d);
            put(b, 128, 1);
            lit(b, (unsigned)(d < 0 ? -d : d), 6);
            put(b, 128, d < 0);
        }
    }
    unsigned log2p;
    switch (f->num_dct_parts) {
    case 1: log2p = 0; break;
    case 2: log2p = 1; break;
    case 4: log2p = 2; break;
    case 8: log2p = 3; break;
    default:
        return vareq_errf(err, errlen, -EINVAL, "vp8: num_dct_parts %u", f->num_dct_parts);
    }
    lit(b, log2p, 2);
    if (q->y_ac_qi > 127)
        return vareq_errf(err, errlen, -EINVAL, "vp8: y_ac_qi %u", q->y_ac_qi);
    lit(b, q->y_ac_qi, 7);
    const int8_t dq[5] = {q->y_dc_delta, q->y2_dc_delta, q->y2_ac_delta, q->uv_dc_delta,
                          q->uv_ac_delta};
    for (int i = 0; i < 5; i++) {
        if (!in_range(dq[i], 15))
            return vareq_errf(err, errlen, -EINVAL, "vp8: quantizer delta %d = %d", i, dq[i]);
        opt_signed(b, dq[i], 4);
    }
    if (!key) {
        /* references are loaded from CAPTURE buffers: nothing is kept in golden/altref */
        lit(b, 0, 1);     /* refresh_golden_frame */
        lit(b, 0, 1);     /* refresh_alternate_frame */
        lit(b, 0, 2);     /* copy_buffer_to_golden */
        lit(b, 0, 2);     /* copy_buffer_to_alternate */
        lit(b, !!(f->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN), 1);
        lit(b, !!(f->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT), 1);
    }
    /* refresh_entropy_probs = 0: libvpx returns to the keyframe defaults after every
     * frame, so each frame codes its probabilities against the defaults and no state of
     * libvpx's has to be mirrored (the control carries the full tables) */
    lit(b, 0, 1);
    if (!key)
        lit(b, 1, 1);     /* refresh_last: the decoded frame is read back from LAST */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 11; l++)
                    prob_update(b, vp8_coeff_update_probs[i][j][k][l], base->coeff[i][j][k][l],
                                f->entropy.coeff_probs[i][j][k][l]);
    bool skip = f->flags & V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF;
    lit(b, skip, 1);
    if (skip)
        lit(b, f->prob_skip_false, 8);
    if (!key) {
        lit(b, f->prob_intra, 8);
        lit(b, f->prob_last, 8);
        lit(b, f->prob_gf, 8);
        bool ym = memcmp(base->ymode, f->entropy.y_mode_probs, 4) != 0;
        put(b, 128, ym);
        for (int i = 0; ym && i < 4; i++)
            lit(b, f->entropy.y_mode_probs[i], 8);
        bool uvm = memcmp(base->uvmode, f->entropy.uv_mode_probs, 3) != 0;
        put(b, 128, uvm);
        for (int i = 0; uvm && i < 3; i++)
            lit(b, f->entropy.uv_mode_probs[i], 8);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 19; j++) {
                unsigned v = f->entropy.mv_probs[i][j], up = vp8_mv_update_probs[i][j];
                bool codable = v == 1 || (v >= 2 && !(v & 1));
                if (v == base->mv[i][j]) {
                    put(b, up, 0);
                } else if (!codable) {
                    return vareq_errf(err, errlen, -EINVAL,
                                      "vp8: mv probability [%d][%d] = %u cannot be coded (7-bit update)",
                                      i, j, v);
                } else {
                    put(b, up, 1);
                    lit(b, v == 1 ? 0 : v >> 1, 7);
                }
            }
    }
    return 0;
}

int sim_vp8_write_first_partition(const struct v4l2_ctrl_vp8_frame *f, const uint8_t *part,
                                  size_t part_len, uint8_t **out, size_t *out_len, char *err,
                                  size_t errlen)
{
    const struct v4l2_vp8_entropy_coder_state *cs = &f->coder_state;
    uint64_t hb = f->first_part_header_bits;
    struct sim_vp8_probs base;
    struct sim_vp8_benc e;
    int r;

    *out = NULL;
    *out_len = 0;
    if (cs->range < 128)
        return vareq_errf(err, errlen, -EINVAL, "vp8: coder range %u below 128", cs->range);
    if (cs->value >= cs->range)
        return vareq_errf(err, errlen, -EINVAL, "vp8: coder value %u not below range %u", cs->value,
                          cs->range);
    if (cs->bit_count != (8 - hb % 8) % 8)
        return vareq_errf(err, errlen, -EINVAL,
                          "vp8: coder bit_count %u disagrees with first_part_header_bits %llu",
                          cs->bit_count, (unsigned long long)hb);
    if (hb > (uint64_t)part_len * 8)
        return vareq_errf(err, errlen, -EINVAL,
                          "vp8: first_part_header_bits %llu beyond the %zu-byte first partition",
                          (unsigned long long)hb, part_len);
    sim_vp8_probs_default(&base);
    sim_vp8_benc_init(&e);
    r = build(&e, f, &base, err, errlen);
    if (r < 0)
        goto out;
    /* the macroblock modes, decoded from the original partition and coded again */
    r = sim_vp8_transcode_modes(f, part, part_len, &e, err, errlen);
    if (r < 0)
        goto out;
    if (e.overflow) {
        r = vareq_errf(err, errlen, -ENOMEM, "vp8: out of memory for the first partition");
        goto out;
    }
    /* the low end of the final interval identifies every symbol; its bits end at k + 8
     * and a decoder reads zeros past the end of the partition */
    *out_len = (size_t)((e.k + 8 + 7) / 8);
    if (!e.buf) {
        r = vareq_errf(err, errlen, -EINVAL, "vp8: empty first partition");
        goto out;
    }
    *out = e.buf;
    e.buf = NULL;
    r = 0;
out:
    free(e.buf);
    return r;
}
