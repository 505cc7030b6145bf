/* VP9 header writers: the inverse of the specification's uncompressed_header() (6.2)
 * and compressed_header() (6.3), driven only by the uAPI controls. Values the controls
 * carry but the bitstream cannot express are rejected, never repaired. */
#include "sim_vp9_headers.h"

#include <errno.h>
#include <stdbool.h>

#include "sim_vp9_bitwriter.h"
#include "sim_vp9_boolwriter.h"
#include <vareq/errmsg.h>

#define DIFF_UPDATE_PROB 252

int sim_vp9_inv_map_index(unsigned v)
{
    if (v < 1 || v > 254)
        return -1;
    if (v % 13 == 7)
        return (int)((v - 7) / 13);
    unsigned skipped_below = v > 7 ? (v - 8) / 13 + 1 : 0;
    return (int)(20 + (v - 1) - skipped_below);
}

static bool is_intra(const struct v4l2_ctrl_vp9_frame *f)
{
    return f->flags & (V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_INTRA_ONLY);
}

static bool is_lossless(const struct v4l2_ctrl_vp9_frame *f)
{
    return f->quant.base_q_idx == 0 && f->quant.delta_q_y_dc == 0 &&
           f->quant.delta_q_uv_dc == 0 && f->quant.delta_q_uv_ac == 0;
}

static bool compound_allowed(const struct v4l2_ctrl_vp9_frame *f)
{
    bool last = f->ref_frame_sign_bias & V4L2_VP9_SIGN_BIAS_LAST;
    return !!(f->ref_frame_sign_bias & V4L2_VP9_SIGN_BIAS_GOLDEN) != last ||
           !!(f->ref_frame_sign_bias & V4L2_VP9_SIGN_BIAS_ALT) != last;
}

static void tile_limits(const struct v4l2_ctrl_vp9_frame *f, unsigned *min_log2,
                        unsigned *max_log2)
{
    unsigned mi_cols = ((unsigned)f->frame_width_minus_1 + 1 + 7) >> 3;
    unsigned sb64_cols = (mi_cols + 7) >> 3;
    unsigned mn = 0, mx = 1;
    while ((64u << mn) < sb64_cols)
        mn++;
    while ((sb64_cols >> mx) >= 4)
        mx++;
    *min_log2 = mn;
    *max_log2 = mx - 1;
}

int sim_vp9_check_frame(const struct v4l2_ctrl_vp9_frame *f, char *err, size_t errlen)
{
    static const int seg_max[4] = { 255, 63, 3, 0 };
    bool key = f->flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME;
    bool intra_only = f->flags & V4L2_VP9_FRAME_FLAG_INTRA_ONLY;
    bool show = f->flags & V4L2_VP9_FRAME_FLAG_SHOW_FRAME;
    bool error_res = f->flags & V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT;

    if (f->flags & ~0x3ffu)
        return vareq_errf(err, errlen, -EINVAL, "vp9: unknown frame flags 0x%x", f->flags);
    if (key && intra_only)
        return vareq_errf(err, errlen, -EINVAL, "vp9: KEY_FRAME and INTRA_ONLY both set");
    if (intra_only && show)
        return vareq_errf(err, errlen, -EINVAL, "vp9: an intra-only frame cannot be shown (show_frame=1)");
    if (f->profile > 3)
        return vareq_errf(err, errlen, -EINVAL, "vp9: profile %u", f->profile);
    if (f->profile < 2 ? f->bit_depth != 8 : (f->bit_depth != 10 && f->bit_depth != 12))
        return vareq_errf(err, errlen, -EINVAL, "vp9: bit depth %u invalid for profile %u",
                          f->bit_depth, f->profile);
    bool ssx = f->flags & V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING;
    bool ssy = f->flags & V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
    if ((f->profile == 0 || f->profile == 2) && !(ssx && ssy))
        return vareq_errf(err, errlen, -EINVAL, "vp9: profile %u requires 4:2:0", f->profile);
    if ((f->profile == 1 || f->profile == 3) && ssx && ssy)
        return vareq_errf(err, errlen, -EINVAL, "vp9: profile %u cannot be 4:2:0", f->profile);
    if (!ssx && ssy)
        return vareq_errf(err, errlen, -EINVAL, "vp9: 4:4:0 needs y subsampling without x");
    if (f->reset_frame_context > V4L2_VP9_RESET_FRAME_CTX_ALL)
        return vareq_errf(err, errlen, -EINVAL, "vp9: reset_frame_context %u", f->reset_frame_context);
    if ((key || error_res) && f->reset_frame_context != V4L2_VP9_RESET_FRAME_CTX_NONE)
        return vareq_errf(err, errlen, -EINVAL,
                          "vp9: reset_frame_context %u is not coded in key/error-resilient frames",
                          f->reset_frame_context);
    if (error_res && (f->flags & V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX))
        return vareq_errf(err, errlen, -EINVAL, "vp9: error-resilient frame with REFRESH_FRAME_CTX");
    if (error_res && !(f->flags & V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE))
        return vareq_errf(err, errlen, -EINVAL, "vp9: error-resilient frame without PARALLEL_DEC_MODE");
    if (f->frame_context_idx > 3)
        return vareq_errf(err, errlen, -EINVAL, "vp9: frame_context_idx %u", f->frame_context_idx);
    if (!is_intra(f)) {
        if (f->interpolation_filter > V4L2_VP9_INTERP_FILTER_SWITCHABLE)
            return vareq_errf(err, errlen, -EINVAL, "vp9: interpolation_filter %u",
                              f->interpolation_filter);
        if (f->ref_frame_sign_bias & ~7u)
            return vareq_errf(err, errlen, -EINVAL, "vp9: ref_frame_sign_bias 0x%x",
                              f->ref_frame_sign_bias);
        if (f->reference_mode > V4L2_VP9_REFERENCE_MODE_SELECT)
            return vareq_errf(err, errlen, -EINVAL, "vp9: reference_mode %u", f->reference_mode);
        if (f->reference_mode != V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE && !compound_allowed(f))
            return vareq_errf(err, errlen, -EINVAL,
                              "vp9: compound reference_mode %u with equal sign biases",
                              f->reference_mode);
    } else {
        if (f->flags & V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV)
            return vareq_errf(err, errlen, -EINVAL, "vp9: ALLOW_HIGH_PREC_MV on an intra frame");
        if (f->reference_mode != V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE)
            return vareq_errf(err, errlen, -EINVAL, "vp9: compound reference_mode on an intra frame");
    }
    if (f->lf.level > 63 || f->lf.sharpness > 7)
        return vareq_errf(err, errlen, -EINVAL, "vp9: loop filter level %u / sharpness %u",
                          f->lf.level, f->lf.sharpness);
    if (f->lf.flags & V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED) {
        for (int i = 0; i < 4; i++)
            if (f->lf.ref_deltas[i] < -63 || f->lf.ref_deltas[i] > 63)
                return vareq_errf(err, errlen, -EINVAL, "vp9: lf ref_delta[%d] = %d", i,
                                  f->lf.ref_deltas[i]);
        for (int i = 0; i < 2; i++)
            if (f->lf.mode_deltas[i] < -63 || f->lf.mode_deltas[i] > 63)
                return vareq_errf(err, errlen, -EINVAL, "vp9: lf mode_delta[%d] = %d", i,
                                  f->lf.mode_deltas[i]);
    }
    const int8_t dq[3] = { f->quant.delta_q_y_dc, f->quant.delta_q_uv_dc,
                           f->quant.delta_q_uv_ac };
    for (int i = 0; i < 3; i++)
        if (dq[i] < -15 || dq[i] > 15)
            return vareq_errf(err, errlen, -EINVAL, "vp9: quantizer delta %d out of range", dq[i]);
    const struct v4l2_vp9_segmentation *seg = &f->seg;
    if (seg->flags & ~0x1fu)
        return vareq_errf(err, errlen, -EINVAL, "vp9: unknown segmentation flags 0x%x", seg->flags);
    if (seg->flags & V4L2_VP9_SEGMENTATION_FLAG_ENABLED) {
        if ((seg->flags & V4L2_VP9_SEGMENTATION_FLAG_TEMPORAL_UPDATE) &&
            !(seg->flags & V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP))
            return vareq_errf(err, errlen, -EINVAL, "vp9: segmentation TEMPORAL_UPDATE without UPDATE_MAP");
        for (int i = 0; i < 8; i++) {
            if (seg->feature_enabled[i] & ~V4L2_VP9_SEGMENT_FEATURE_ENABLED_MASK)
                return vareq_errf(err, errlen, -EINVAL, "vp9: segment %d feature mask 0x%x", i,
                                  seg->feature_enabled[i]);
            for (int j = 0; j < 4; j++) {
                if (!(seg->feature_enabled[i] & V4L2_VP9_SEGMENT_FEATURE_ENABLED(j)))
                    continue;
                int v = seg->feature_data[i][j];
                bool sgn = j < 2;
                if (v > seg_max[j] || v < (sgn ? -seg_max[j] : 0))
                    return vareq_errf(err, errlen, -EINVAL, "vp9: segment %d feature %d data %d", i,
                                      j, v);
            }
        }
    }
    unsigned mn, mx;
    tile_limits(f, &mn, &mx);
    if (f->tile_cols_log2 < mn || f->tile_cols_log2 > mx)
        return vareq_errf(err, errlen, -EINVAL, "vp9: tile_cols_log2 %u outside [%u, %u] for width %u",
                          f->tile_cols_log2, mn, mx, f->frame_width_minus_1 + 1u);
    if (f->tile_rows_log2 > 2)
        return vareq_errf(err, errlen, -EINVAL, "vp9: tile_rows_log2 %u", f->tile_rows_log2);
    return 0;
}

/* ---------------- uncompressed header ---------------- */

static void color_config(struct sim_bitwriter *bw, const struct v4l2_ctrl_vp9_frame *f)
{
    if (f->profile >= 2)
        sim_bw_bit(bw, f->bit_depth == 12);
    /* The control has no colour space; any non-RGB value decodes identically (RGB only
     * implies 4:4:4 + full range, which are written explicitly below). */
    sim_bw_bits(bw, 0 /* CS_UNKNOWN */, 3);
    sim_bw_bit(bw, f->flags & V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING);
    if (f->profile == 1 || f->profile == 3) {
        sim_bw_bit(bw, f->flags & V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING);
        sim_bw_bit(bw, f->flags & V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING);
        sim_bw_bit(bw, 0);
    }
}

static void frame_and_render_size(struct sim_bitwriter *bw, const struct v4l2_ctrl_vp9_frame *f)
{
    sim_bw_bits(bw, f->frame_width_minus_1, 16);
    sim_bw_bits(bw, f->frame_height_minus_1, 16);
    bool differ = f->render_width_minus_1 != f->frame_width_minus_1 ||
                  f->render_height_minus_1 != f->frame_height_minus_1;
    sim_bw_bit(bw, differ);
    if (differ) {
        sim_bw_bits(bw, f->render_width_minus_1, 16);
        sim_bw_bits(bw, f->render_height_minus_1, 16);
    }
}

static void write_prob(struct sim_bitwriter *bw, uint8_t p)
{
    sim_bw_bit(bw, p != 255);
    if (p != 255)
        sim_bw_bits(bw, p, 8);
}

int sim_vp9_write_uncompressed(const struct v4l2_ctrl_vp9_frame *f,
                               const struct sim_vp9_slots *slots, size_t comp_size,
                               uint8_t *buf, size_t cap, size_t *len,
                               char *err, size_t errlen)
{
    static const uint8_t seg_bits[4] = { 8, 6, 2, 0 };
    /* V4L2 filter numbering -> bitstream literal (the inverse of literal_to_filter) */
    static const uint8_t filter_to_literal[4] = { 1, 0, 2, 3 };
    static const uint8_t reset_to_bits[3] = { 0, 2, 3 };
    struct sim_bitwriter bwv, *bw = &bwv;
    bool key = f->flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME;
    bool intra_only = f->flags & V4L2_VP9_FRAME_FLAG_INTRA_ONLY;
    bool show = f->flags & V4L2_VP9_FRAME_FLAG_SHOW_FRAME;
    bool error_res = f->flags & V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT;

    if (comp_size == 0 || comp_size > 0xffff)
        return vareq_errf(err, errlen, -EINVAL, "vp9: compressed header size %zu", comp_size);
    sim_bw_init(bw, buf, cap);
    sim_bw_bits(bw, 2, 2);                       /* frame_marker */
    sim_bw_bit(bw, f->profile & 1);
    sim_bw_bit(bw, (f->profile >> 1) & 1);
    if (f->profile == 3)
        sim_bw_bit(bw, 0);
    sim_bw_bit(bw, 0);                           /* show_existing_frame */
    sim_bw_bit(bw, !key);                        /* frame_type */
    sim_bw_bit(bw, show);
    sim_bw_bit(bw, error_res);
    if (key) {
        sim_bw_bits(bw, 0x498342, 24);
        color_config(bw, f);
        frame_and_render_size(bw, f);
    } else {
        if (!show)
            sim_bw_bit(bw, intra_only);
        if (!error_res)
            sim_bw_bits(bw, reset_to_bits[f->reset_frame_context], 2);
        if (intra_only) {
            sim_bw_bits(bw, 0x498342, 24);
            if (f->profile > 0)
                color_config(bw, f);
            sim_bw_bits(bw, slots->refresh_flags, 8);
            frame_and_render_size(bw, f);
        } else {
            sim_bw_bits(bw, slots->refresh_flags, 8);
            for (int i = 0; i < 3; i++) {
                sim_bw_bits(bw, slots->ref_slot[i], 3);
                sim_bw_bit(bw, f->ref_frame_sign_bias & (1u << i));
            }
            for (int i = 0; i < 3; i++)
                sim_bw_bit(bw, 0);               /* found_ref: size is explicit */
            frame_and_render_size(bw, f);
            sim_bw_bit(bw, f->flags & V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV);
            bool sw = f->interpolation_filter == V4L2_VP9_INTERP_FILTER_SWITCHABLE;
            sim_bw_bit(bw, sw);
            if (!sw)
                sim_bw_bits(bw, filter_to_literal[f->interpolation_filter & 3], 2);
        }
    }
    if (!error_res) {
        sim_bw_bit(bw, f->flags & V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX);
        sim_bw_bit(bw, f->flags & V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE);
    }
    sim_bw_bits(bw, f->frame_context_idx, 2);

    /* loop_filter_params: when deltas are enabled all of them are (re)sent, so the
     * values in effect are exactly the control's */
    sim_bw_bits(bw, f->lf.level, 6);
    sim_bw_bits(bw, f->lf.sharpness, 3);
    bool delta_enabled = f->lf.flags & V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED;
    sim_bw_bit(bw, delta_enabled);
    if (delta_enabled) {
        sim_bw_bit(bw, 1);
        for (int i = 0; i < 4; i++) {
            sim_bw_bit(bw, 1);
            sim_bw_signed(bw, f->lf.ref_deltas[i], 6);
        }
        for (int i = 0; i < 2; i++) {
            sim_bw_bit(bw, 1);
            sim_bw_signed(bw, f->lf.mode_deltas[i], 6);
        }
    }
    /* quantization_params */
    sim_bw_bits(bw, f->quant.base_q_idx, 8);
    const int8_t dq[3] = { f->quant.delta_q_y_dc, f->quant.delta_q_uv_dc,
                           f->quant.delta_q_uv_ac };
    for (int i = 0; i < 3; i++) {
        sim_bw_bit(bw, dq[i] != 0);
        if (dq[i])
            sim_bw_signed(bw, dq[i], 4);
    }
    /* segmentation_params: the feature data is always sent from the control (like a
     * hardware decoder that is programmed with the control's values on every frame) */
    const struct v4l2_vp9_segmentation *seg = &f->seg;
    bool seg_en = seg->flags & V4L2_VP9_SEGMENTATION_FLAG_ENABLED;
    sim_bw_bit(bw, seg_en);
    if (seg_en) {
        bool upd_map = seg->flags & V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP;
        sim_bw_bit(bw, upd_map);
        if (upd_map) {
            for (int i = 0; i < 7; i++)
                write_prob(bw, seg->tree_probs[i]);
            bool temporal = seg->flags & V4L2_VP9_SEGMENTATION_FLAG_TEMPORAL_UPDATE;
            sim_bw_bit(bw, temporal);
            if (temporal)
                for (int i = 0; i < 3; i++)
                    write_prob(bw, seg->pred_probs[i]);
        }
        sim_bw_bit(bw, 1);                       /* segmentation_update_data */
        sim_bw_bit(bw, seg->flags & V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 4; j++) {
                bool en = seg->feature_enabled[i] & V4L2_VP9_SEGMENT_FEATURE_ENABLED(j);
                sim_bw_bit(bw, en);
                if (!en)
                    continue;
                int v = seg->feature_data[i][j];
                sim_bw_bits(bw, (uint32_t)(v < 0 ? -v : v), seg_bits[j]);
                if (j < 2)
                    sim_bw_bit(bw, v < 0);
            }
        }
    }
    /* tile_info */
    unsigned mn, mx;
    tile_limits(f, &mn, &mx);
    for (unsigned c = mn; c < mx; c++) {
        bool inc = c < f->tile_cols_log2;
        sim_bw_bit(bw, inc);
        if (!inc)
            break;
    }
    sim_bw_bit(bw, f->tile_rows_log2 > 0);
    if (f->tile_rows_log2 > 0)
        sim_bw_bit(bw, f->tile_rows_log2 > 1);
    sim_bw_bits(bw, (uint32_t)comp_size, 16);
    size_t n = sim_bw_finish(bw);
    if (bw->overflow)
        return vareq_errf(err, errlen, -ENOSPC, "vp9: uncompressed header does not fit %zu bytes", cap);
    *len = n;
    return 0;
}

/* ---------------- compressed header ---------------- */

struct cwriter {
    struct sim_boolwriter bw;
    int error;
    char *err;
    size_t errlen;
};

static void term_subexp(struct sim_boolwriter *bw, unsigned d)
{
    if (d < 16) {
        sim_boolw_literal(bw, 0, 1);
        sim_boolw_literal(bw, d, 4);
    } else if (d < 32) {
        sim_boolw_literal(bw, 2, 2);
        sim_boolw_literal(bw, d - 16, 4);
    } else if (d < 64) {
        sim_boolw_literal(bw, 6, 3);
        sim_boolw_literal(bw, d - 32, 5);
    } else {
        unsigned v = d - 64;
        sim_boolw_literal(bw, 7, 3);
        if (v < 65) {
            sim_boolw_literal(bw, v, 7);
        } else {
            sim_boolw_literal(bw, (v + 65) >> 1, 7);
            sim_boolw_literal(bw, (v + 65) & 1, 1);
        }
    }
}

static void diff_update(struct cwriter *cw, uint8_t delta, const char *what)
{
    if (cw->error)
        return;
    sim_boolw_write(&cw->bw, delta != 0, DIFF_UPDATE_PROB);
    if (!delta)
        return;
    int idx = sim_vp9_inv_map_index(delta);
    if (idx < 0) {
        cw->error = vareq_errf(cw->err, cw->errlen, -EINVAL,
                               "vp9: %s probability delta %u is not an inv_map_table value", what,
                               delta);
        return;
    }
    term_subexp(&cw->bw, (unsigned)idx);
}

static void diff_update_n(struct cwriter *cw, const uint8_t *d, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        diff_update(cw, d[i], what);
}

static void mv_update_n(struct cwriter *cw, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && !cw->error; i++) {
        sim_boolw_write(&cw->bw, p[i] != 0, DIFF_UPDATE_PROB);
        if (!p[i])
            continue;
        if (!(p[i] & 1)) {
            cw->error = vareq_errf(cw->err, cw->errlen, -EINVAL,
                                   "vp9: mv probability %u is not of the form (v << 1) | 1", p[i]);
            return;
        }
        sim_boolw_literal(&cw->bw, p[i] >> 1, 7);
    }
}

static bool any_nonzero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return true;
    return false;
}

/* Fails when a probability update is present that the bitstream cannot carry. */
#define MUST_BE_ZERO(cw, field, why)                                                      \
    do {                                                                                  \
        if (!(cw)->error && any_nonzero(&(field), sizeof(field)))                         \
            (cw)->error = vareq_errf((cw)->err, (cw)->errlen, -EINVAL,                    \
                                     "vp9: %s updates present but %s", #field, why);      \
    } while (0)

int sim_vp9_write_compressed(const struct v4l2_ctrl_vp9_frame *f,
                             const struct v4l2_ctrl_vp9_compressed_hdr *h,
                             uint8_t *buf, size_t cap, size_t *len,
                             char *err, size_t errlen)
{
    struct cwriter cwv = { .err = err, .errlen = errlen }, *cw = &cwv;
    bool intra = is_intra(f);

    if (h->tx_mode > V4L2_VP9_TX_MODE_SELECT)
        return vareq_errf(err, errlen, -EINVAL, "vp9: tx_mode %u", h->tx_mode);
    if (is_lossless(f) && h->tx_mode != V4L2_VP9_TX_MODE_ONLY_4X4)
        return vareq_errf(err, errlen, -EINVAL, "vp9: lossless frame with tx_mode %u", h->tx_mode);
    MUST_BE_ZERO(cw, h->uv_mode, "VP9 never codes uv_mode updates");

    sim_boolw_init(&cw->bw, buf, cap);
    sim_boolw_write(&cw->bw, 0, 128);                  /* marker bit */
    if (!is_lossless(f)) {
        sim_boolw_literal(&cw->bw, h->tx_mode > 3 ? 3 : h->tx_mode, 2);
        if (h->tx_mode >= V4L2_VP9_TX_MODE_ALLOW_32X32)
            sim_boolw_literal(&cw->bw, h->tx_mode == V4L2_VP9_TX_MODE_SELECT, 1);
    }
    if (h->tx_mode == V4L2_VP9_TX_MODE_SELECT) {
        for (int i = 0; i < 2; i++)
            diff_update_n(cw, h->tx8[i], 1, "tx8");
        for (int i = 0; i < 2; i++)
            diff_update_n(cw, h->tx16[i], 2, "tx16");
        for (int i = 0; i < 2; i++)
            diff_update_n(cw, h->tx32[i], 3, "tx32");
    } else {
        MUST_BE_ZERO(cw, h->tx8, "tx_mode is not TX_MODE_SELECT");
        MUST_BE_ZERO(cw, h->tx16, "tx_mode is not TX_MODE_SELECT");
        MUST_BE_ZERO(cw, h->tx32, "tx_mode is not TX_MODE_SELECT");
    }
    unsigned max_tx = h->tx_mode == V4L2_VP9_TX_MODE_SELECT ? 3 : h->tx_mode;
    for (unsigned t = 0; t < 4 && !cw->error; t++) {
        bool any = false;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                for (int k = 0; k < 6; k++)
                    for (int l = 0; l < 6; l++) {
                        bool nz = any_nonzero(h->coef[t][i][j][k][l], 3);
                        if (nz && (t > max_tx || (k == 0 && l >= 3))) {
                            return vareq_errf(err, errlen, -EINVAL,
                                              "vp9: coef[%u][%d][%d][%d][%d] update cannot be coded "
                                              "(tx_mode %u)", t, i, j, k, l, h->tx_mode);
                        }
                        any |= nz;
                    }
        if (t > max_tx)
            continue;
        sim_boolw_literal(&cw->bw, any, 1);            /* update_probs */
        if (!any)
            continue;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                for (int k = 0; k < 6; k++)
                    for (int l = 0; l < (k == 0 ? 3 : 6); l++)
                        diff_update_n(cw, h->coef[t][i][j][k][l], 3, "coef");
    }
    diff_update_n(cw, h->skip, 3, "skip");
    if (!intra) {
        for (int i = 0; i < 7; i++)
            diff_update_n(cw, h->inter_mode[i], 3, "inter_mode");
        if (f->interpolation_filter == V4L2_VP9_INTERP_FILTER_SWITCHABLE) {
            for (int i = 0; i < 4; i++)
                diff_update_n(cw, h->interp_filter[i], 2, "interp_filter");
        } else {
            MUST_BE_ZERO(cw, h->interp_filter, "the filter is not switchable");
        }
        diff_update_n(cw, h->is_inter, 4, "is_inter");
        if (compound_allowed(f)) {
            sim_boolw_literal(&cw->bw,
                              f->reference_mode != V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE, 1);
            if (f->reference_mode != V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE)
                sim_boolw_literal(&cw->bw,
                                  f->reference_mode == V4L2_VP9_REFERENCE_MODE_SELECT, 1);
        }
        if (f->reference_mode == V4L2_VP9_REFERENCE_MODE_SELECT)
            diff_update_n(cw, h->comp_mode, 5, "comp_mode");
        else
            MUST_BE_ZERO(cw, h->comp_mode, "reference_mode is not SELECT");
        if (f->reference_mode != V4L2_VP9_REFERENCE_MODE_COMPOUND_REFERENCE)
            for (int i = 0; i < 5; i++)
                diff_update_n(cw, h->single_ref[i], 2, "single_ref");
        else
            MUST_BE_ZERO(cw, h->single_ref, "reference_mode is COMPOUND");
        if (f->reference_mode != V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE)
            diff_update_n(cw, h->comp_ref, 5, "comp_ref");
        else
            MUST_BE_ZERO(cw, h->comp_ref, "reference_mode is SINGLE");
        for (int i = 0; i < 4; i++)
            diff_update_n(cw, h->y_mode[i], 9, "y_mode");
        for (int i = 0; i < 16; i++)
            diff_update_n(cw, h->partition[i], 3, "partition");
        const struct v4l2_vp9_mv_probs *mv = &h->mv;
        mv_update_n(cw, mv->joint, 3);
        for (int i = 0; i < 2; i++) {
            mv_update_n(cw, &mv->sign[i], 1);
            mv_update_n(cw, mv->classes[i], 10);
            mv_update_n(cw, &mv->class0_bit[i], 1);
            mv_update_n(cw, mv->bits[i], 10);
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++)
                mv_update_n(cw, mv->class0_fr[i][j], 3);
            mv_update_n(cw, mv->fr[i], 3);
        }
        if (f->flags & V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV) {
            for (int i = 0; i < 2; i++) {
                mv_update_n(cw, &mv->class0_hp[i], 1);
                mv_update_n(cw, &mv->hp[i], 1);
            }
        } else {
            MUST_BE_ZERO(cw, mv->class0_hp, "high-precision mvs are not allowed");
            MUST_BE_ZERO(cw, mv->hp, "high-precision mvs are not allowed");
        }
    } else {
        MUST_BE_ZERO(cw, h->inter_mode, "the frame is intra");
        MUST_BE_ZERO(cw, h->interp_filter, "the frame is intra");
        MUST_BE_ZERO(cw, h->is_inter, "the frame is intra");
        MUST_BE_ZERO(cw, h->comp_mode, "the frame is intra");
        MUST_BE_ZERO(cw, h->single_ref, "the frame is intra");
        MUST_BE_ZERO(cw, h->comp_ref, "the frame is intra");
        MUST_BE_ZERO(cw, h->y_mode, "the frame is intra");
        MUST_BE_ZERO(cw, h->partition, "the frame is intra");
        MUST_BE_ZERO(cw, h->mv, "the frame is intra");
    }
    if (cw->error)
        return cw->error;
    size_t n = sim_boolw_finish(&cw->bw);
    if (cw->bw.overflow)
        return vareq_errf(err, errlen, -ENOSPC, "vp9: compressed header does not fit %zu bytes", cap);
    *len = n;
    return 0;
}
