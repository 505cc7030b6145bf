/* VP9 uncompressed + compressed header parser (VP9 bitstream specification 6.2, 6.3).
 * Every read is bounds-checked; the persistent state is only updated on success. */
#include "vp9_parser.h"

#include <errno.h>
#include <string.h>

#include "vp9_bitreader.h"
#include "vp9_boolreader.h"
#include "vp9_probmap.h"
#include <vareq/errmsg.h>

#define VP9_SYNC_0 0x49
#define VP9_SYNC_1 0x83
#define VP9_SYNC_2 0x42
#define VP9_CS_RGB 7
#define DIFF_UPDATE_PROB 252

static const uint8_t seg_feature_bits[4] = { 8, 6, 2, 0 };
static const bool seg_feature_signed[4] = { true, true, false, false };

struct parse_ctx {
    struct vp9_bitreader br;
    char *err;
    size_t errlen;
};

#define TRUNC_CHECK(pc, what)                                                         \
    do {                                                                              \
        if ((pc)->br.overrun)                                                         \
            return vareq_errf((pc)->err, (pc)->errlen, -ENODATA,                      \
                              "vp9: uncompressed header truncated in %s", what);      \
    } while (0)

void vp9_parser_init(struct vp9_parser_state *st)
{
    memset(st, 0, sizeof(*st));
    st->lf_ref_deltas[0] = 1;
    st->lf_ref_deltas[1] = 0;
    st->lf_ref_deltas[2] = -1;
    st->lf_ref_deltas[3] = -1;
    memset(st->seg_tree_probs, 255, sizeof(st->seg_tree_probs));
    memset(st->seg_pred_probs, 255, sizeof(st->seg_pred_probs));
    st->bit_depth = 8;
    st->subsampling_x = st->subsampling_y = true;
}

/* setup_past_independence(): the parts of it that live in the uAPI controls */
static void past_independence(struct vp9_parser_state *st)
{
    st->lf_ref_deltas[0] = 1;
    st->lf_ref_deltas[1] = 0;
    st->lf_ref_deltas[2] = -1;
    st->lf_ref_deltas[3] = -1;
    st->lf_mode_deltas[0] = 0;
    st->lf_mode_deltas[1] = 0;
    memset(st->seg_feature_enabled, 0, sizeof(st->seg_feature_enabled));
    memset(st->seg_feature_data, 0, sizeof(st->seg_feature_data));
    st->seg_abs_delta = false;
}

static int color_config(struct parse_ctx *pc, struct vp9_parser_state *st,
                        struct vp9_frame_hdr *out, unsigned profile)
{
    struct v4l2_ctrl_vp9_frame *f = &out->frame;
    unsigned bd = 8;
    if (profile >= 2)
        bd = vp9_br_bit(&pc->br) ? 12 : 10;
    unsigned cs = vp9_br_bits(&pc->br, 3);
    bool ssx, ssy, full_range;
    if (cs != VP9_CS_RGB) {
        full_range = vp9_br_bit(&pc->br);
        if (profile == 1 || profile == 3) {
            ssx = vp9_br_bit(&pc->br);
            ssy = vp9_br_bit(&pc->br);
            if (vp9_br_bit(&pc->br))
                return vareq_errf(pc->err, pc->errlen, -EINVAL, "vp9: color_config reserved bit set");
            if (ssx && ssy)
                return vareq_errf(pc->err, pc->errlen, -EINVAL,
                                  "vp9: 4:2:0 subsampling is invalid in profile %u", profile);
        } else {
            ssx = ssy = true;
        }
    } else {
        full_range = true;
        if (profile == 1 || profile == 3) {
            ssx = ssy = false;
            if (vp9_br_bit(&pc->br))
                return vareq_errf(pc->err, pc->errlen, -EINVAL, "vp9: color_config reserved bit set");
        } else {
            return vareq_errf(pc->err, pc->errlen, -EINVAL,
                              "vp9: RGB (4:4:4) is invalid in profile %u", profile);
        }
    }
    TRUNC_CHECK(pc, "color_config");
    st->bit_depth = (uint8_t)bd;
    st->subsampling_x = ssx;
    st->subsampling_y = ssy;
    out->color_space = (uint8_t)cs;
    if (full_range)
        f->flags |= V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING;
    return 0;
}

static void frame_size(struct parse_ctx *pc, unsigned *w, unsigned *h)
{
    *w = vp9_br_bits(&pc->br, 16) + 1;
    *h = vp9_br_bits(&pc->br, 16) + 1;
}

static void render_size(struct parse_ctx *pc, struct v4l2_ctrl_vp9_frame *f)
{
    if (vp9_br_bit(&pc->br)) {
        f->render_width_minus_1 = (uint16_t)vp9_br_bits(&pc->br, 16);
        f->render_height_minus_1 = (uint16_t)vp9_br_bits(&pc->br, 16);
    } else {
        f->render_width_minus_1 = f->frame_width_minus_1;
        f->render_height_minus_1 = f->frame_height_minus_1;
    }
}

static int sync_code(struct parse_ctx *pc)
{
    unsigned a = vp9_br_bits(&pc->br, 8), b = vp9_br_bits(&pc->br, 8),
             c = vp9_br_bits(&pc->br, 8);
    TRUNC_CHECK(pc, "frame_sync_code");
    if (a != VP9_SYNC_0 || b != VP9_SYNC_1 || c != VP9_SYNC_2)
        return vareq_errf(pc->err, pc->errlen, -EINVAL, "vp9: invalid frame sync code %02x%02x%02x",
                          a, b, c);
    return 0;
}

static uint8_t read_prob(struct parse_ctx *pc)
{
    return vp9_br_bit(&pc->br) ? (uint8_t)vp9_br_bits(&pc->br, 8) : 255;
}

static void loop_filter_params(struct parse_ctx *pc, struct vp9_parser_state *st,
                               struct v4l2_vp9_loop_filter *lf)
{
    lf->level = (uint8_t)vp9_br_bits(&pc->br, 6);
    lf->sharpness = (uint8_t)vp9_br_bits(&pc->br, 3);
    if (vp9_br_bit(&pc->br)) {
        lf->flags |= V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED;
        if (vp9_br_bit(&pc->br)) {
            lf->flags |= V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE;
            for (int i = 0; i < 4; i++)
                if (vp9_br_bit(&pc->br))
                    st->lf_ref_deltas[i] = (int8_t)vp9_br_signed(&pc->br, 6);
            for (int i = 0; i < 2; i++)
                if (vp9_br_bit(&pc->br))
                    st->lf_mode_deltas[i] = (int8_t)vp9_br_signed(&pc->br, 6);
        }
    }
    memcpy(lf->ref_deltas, st->lf_ref_deltas, sizeof(lf->ref_deltas));
    memcpy(lf->mode_deltas, st->lf_mode_deltas, sizeof(lf->mode_deltas));
}

static int8_t read_delta_q(struct parse_ctx *pc)
{
    return vp9_br_bit(&pc->br) ? (int8_t)vp9_br_signed(&pc->br, 4) : 0;
}

static void segmentation_params(struct parse_ctx *pc, struct vp9_parser_state *st,
                                struct v4l2_vp9_segmentation *seg)
{
    if (vp9_br_bit(&pc->br)) {
        seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_ENABLED;
        if (vp9_br_bit(&pc->br)) {
            seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP;
            for (int i = 0; i < 7; i++)
                st->seg_tree_probs[i] = read_prob(pc);
            bool temporal = vp9_br_bit(&pc->br);
            if (temporal)
                seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_TEMPORAL_UPDATE;
            for (int i = 0; i < 3; i++)
                st->seg_pred_probs[i] = temporal ? read_prob(pc) : 255;
        }
        if (vp9_br_bit(&pc->br)) {
            seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_UPDATE_DATA;
            st->seg_abs_delta = vp9_br_bit(&pc->br);
            for (int i = 0; i < 8; i++) {
                st->seg_feature_enabled[i] = 0;
                for (int j = 0; j < 4; j++) {
                    int v = 0;
                    if (vp9_br_bit(&pc->br)) {
                        st->seg_feature_enabled[i] |= (uint8_t)V4L2_VP9_SEGMENT_FEATURE_ENABLED(j);
                        v = (int)vp9_br_bits(&pc->br, seg_feature_bits[j]);
                        if (seg_feature_signed[j] && vp9_br_bit(&pc->br))
                            v = -v;
                    }
                    st->seg_feature_data[i][j] = (int16_t)v;
                }
            }
        }
    }
    if (st->seg_abs_delta)
        seg->flags |= V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE;
    memcpy(seg->feature_data, st->seg_feature_data, sizeof(seg->feature_data));
    memcpy(seg->feature_enabled, st->seg_feature_enabled, sizeof(seg->feature_enabled));
    memcpy(seg->tree_probs, st->seg_tree_probs, sizeof(seg->tree_probs));
    memcpy(seg->pred_probs, st->seg_pred_probs, sizeof(seg->pred_probs));
}

static void tile_info(struct parse_ctx *pc, unsigned width, struct v4l2_ctrl_vp9_frame *f)
{
    unsigned mi_cols = (width + 7) >> 3;
    unsigned sb64_cols = (mi_cols + 7) >> 3;
    unsigned min_log2 = 0, max_log2 = 1;
    while ((64u << min_log2) < sb64_cols)
        min_log2++;
    while ((sb64_cols >> max_log2) >= 4)
        max_log2++;
    max_log2--;
    unsigned cols = min_log2;
    while (cols < max_log2 && vp9_br_bit(&pc->br))
        cols++;
    unsigned rows = vp9_br_bit(&pc->br);
    if (rows)
        rows += vp9_br_bit(&pc->br);
    f->tile_cols_log2 = (uint8_t)cols;
    f->tile_rows_log2 = (uint8_t)rows;
}

/* ---- compressed header ---- */

static unsigned decode_term_subexp(struct vp9_boolreader *bd)
{
    if (!vp9_bool_literal(bd, 1))
        return vp9_bool_literal(bd, 4);
    if (!vp9_bool_literal(bd, 1))
        return vp9_bool_literal(bd, 4) + 16;
    if (!vp9_bool_literal(bd, 1))
        return vp9_bool_literal(bd, 5) + 32;
    unsigned v = vp9_bool_literal(bd, 7);
    if (v < 65)
        return v + 64;
    return (v << 1) - 1 + vp9_bool_literal(bd, 1);
}

static void diff_update(struct vp9_boolreader *bd, uint8_t *p)
{
    if (vp9_bool_read(bd, DIFF_UPDATE_PROB))
        *p = vp9_inv_map(decode_term_subexp(bd));
}

static void diff_update_n(struct vp9_boolreader *bd, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        diff_update(bd, &p[i]);
}

static void mv_update_n(struct vp9_boolreader *bd, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (vp9_bool_read(bd, DIFF_UPDATE_PROB))
            p[i] = (uint8_t)((vp9_bool_literal(bd, 7) << 1) | 1);
}

static int compressed_header(const uint8_t *data, size_t size, struct vp9_frame_hdr *out,
                             bool lossless, bool intra, char *err, size_t errlen)
{
    struct v4l2_ctrl_vp9_frame *f = &out->frame;
    struct v4l2_ctrl_vp9_compressed_hdr *h = &out->hdr;
    struct vp9_boolreader bd;

    if (!vp9_bool_init(&bd, data, size))
        return vareq_errf(err, errlen, -EINVAL, "vp9: compressed header has a bad marker bit");

    /* tx_mode */
    if (lossless) {
        h->tx_mode = V4L2_VP9_TX_MODE_ONLY_4X4;
    } else {
        unsigned m = vp9_bool_literal(&bd, 2);
        if (m == V4L2_VP9_TX_MODE_ALLOW_32X32)
            m += vp9_bool_literal(&bd, 1);
        h->tx_mode = (uint8_t)m;
    }
    if (h->tx_mode == V4L2_VP9_TX_MODE_SELECT) {
        for (int i = 0; i < 2; i++)
            diff_update_n(&bd, h->tx8[i], 1);
        for (int i = 0; i < 2; i++)
            diff_update_n(&bd, h->tx16[i], 2);
        for (int i = 0; i < 2; i++)
            diff_update_n(&bd, h->tx32[i], 3);
    }
    /* coefficient probabilities */
    unsigned max_tx = h->tx_mode == V4L2_VP9_TX_MODE_SELECT ? 3 : h->tx_mode;
    for (unsigned t = 0; t <= max_tx; t++) {
        if (!vp9_bool_literal(&bd, 1))
            continue;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                for (int k = 0; k < 6; k++)
                    for (int l = 0; l < (k == 0 ? 3 : 6); l++)
                        diff_update_n(&bd, h->coef[t][i][j][k][l], 3);
    }
    diff_update_n(&bd, h->skip, 3);
    if (!intra) {
        for (int i = 0; i < 7; i++)
            diff_update_n(&bd, h->inter_mode[i], 3);
        if (f->interpolation_filter == V4L2_VP9_INTERP_FILTER_SWITCHABLE)
            for (int i = 0; i < 4; i++)
                diff_update_n(&bd, h->interp_filter[i], 2);
        diff_update_n(&bd, h->is_inter, 4);

        /* frame_reference_mode: compound allowed only if sign biases differ */
        unsigned sb = f->ref_frame_sign_bias;
        bool last = sb & V4L2_VP9_SIGN_BIAS_LAST;
        bool compound_allowed = (!!(sb & V4L2_VP9_SIGN_BIAS_GOLDEN) != last) ||
                                (!!(sb & V4L2_VP9_SIGN_BIAS_ALT) != last);
        f->reference_mode = V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE;
        if (compound_allowed && vp9_bool_literal(&bd, 1))
            f->reference_mode = vp9_bool_literal(&bd, 1) ? V4L2_VP9_REFERENCE_MODE_SELECT
                                                         : V4L2_VP9_REFERENCE_MODE_COMPOUND_REFERENCE;
        if (f->reference_mode == V4L2_VP9_REFERENCE_MODE_SELECT)
            diff_update_n(&bd, h->comp_mode, 5);
        if (f->reference_mode != V4L2_VP9_REFERENCE_MODE_COMPOUND_REFERENCE)
            for (int i = 0; i < 5; i++)
                diff_update_n(&bd, h->single_ref[i], 2);
        if (f->reference_mode != V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE)
            diff_update_n(&bd, h->comp_ref, 5);
        for (int i = 0; i < 4; i++)
            diff_update_n(&bd, h->y_mode[i], 9);
        for (int i = 0; i < 16; i++)
            diff_update_n(&bd, h->partition[i], 3);
        /* mv probabilities */
        struct v4l2_vp9_mv_probs *mv = &h->mv;
        mv_update_n(&bd, mv->joint, 3);
        for (int i = 0; i < 2; i++) {
            mv_update_n(&bd, &mv->sign[i], 1);
            mv_update_n(&bd, mv->classes[i], 10);
            mv_update_n(&bd, &mv->class0_bit[i], 1);
            mv_update_n(&bd, mv->bits[i], 10);
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++)
                mv_update_n(&bd, mv->class0_fr[i][j], 3);
            mv_update_n(&bd, mv->fr[i], 3);
        }
        if (f->flags & V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV)
            for (int i = 0; i < 2; i++) {
                mv_update_n(&bd, &mv->class0_hp[i], 1);
                mv_update_n(&bd, &mv->hp[i], 1);
            }
    }
    if (bd.error)
        return vareq_errf(err, errlen, -ENODATA,
                          "vp9: compressed header (%zu bytes) ends before its last symbol", size);
    return 0;
}

int vp9_parse_frame(struct vp9_parser_state *st_out, const uint8_t *data, size_t size,
                    struct vp9_frame_hdr *out, char *err, size_t errlen)
{
    struct parse_ctx pcs = { .err = err, .errlen = errlen };
    struct parse_ctx *pc = &pcs;
    struct vp9_parser_state stv;
    struct vp9_parser_state *st = &stv;
    int ret;

    if (err && errlen)
        err[0] = '\0';
    if (!st_out || !out)
        return vareq_errf(err, errlen, -EINVAL, "vp9: NULL argument");
    if (!data || size == 0)
        return vareq_errf(err, errlen, -ENODATA, "vp9: empty frame");
    memset(out, 0, sizeof(*out));
    stv = *st_out;
    vp9_br_init(&pc->br, data, size);

    struct v4l2_ctrl_vp9_frame *f = &out->frame;

    if (vp9_br_bits(&pc->br, 2) != 2) {
        TRUNC_CHECK(pc, "frame_marker");
        return vareq_errf(err, errlen, -EINVAL, "vp9: invalid frame marker");
    }
    unsigned profile = vp9_br_bits(&pc->br, 1);
    profile |= vp9_br_bits(&pc->br, 1) << 1;
    if (profile == 3 && vp9_br_bit(&pc->br))
        return vareq_errf(err, errlen, -EINVAL, "vp9: reserved bit after profile 3 is set");
    f->profile = (uint8_t)profile;

    if (vp9_br_bit(&pc->br)) {
        out->show_existing_frame = true;
        out->frame_to_show_map_idx = (uint8_t)vp9_br_bits(&pc->br, 3);
        TRUNC_CHECK(pc, "show_existing_frame");
        f->flags = V4L2_VP9_FRAME_FLAG_SHOW_FRAME;
        f->uncompressed_header_size = (uint16_t)vp9_br_bytes_used(&pc->br);
        f->bit_depth = st->bit_depth;
        return 0;
    }

    bool key = !vp9_br_bit(&pc->br);
    bool show = vp9_br_bit(&pc->br);
    bool error_res = vp9_br_bit(&pc->br);
    bool intra_only = false;
    unsigned reset_ctx = 0;
    unsigned width = 0, height = 0;
    TRUNC_CHECK(pc, "frame type");

    if (key)
        f->flags |= V4L2_VP9_FRAME_FLAG_KEY_FRAME;
    if (show)
        f->flags |= V4L2_VP9_FRAME_FLAG_SHOW_FRAME;
    if (error_res)
        f->flags |= V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT;

    if (key) {
        if ((ret = sync_code(pc)) < 0)
            return ret;
        if ((ret = color_config(pc, st, out, profile)) < 0)
            return ret;
        frame_size(pc, &width, &height);
        f->frame_width_minus_1 = (uint16_t)(width - 1);
        f->frame_height_minus_1 = (uint16_t)(height - 1);
        render_size(pc, f);
        out->refresh_frame_flags = 0xff;
    } else {
        if (!show)
            intra_only = vp9_br_bit(&pc->br);
        if (!error_res)
            reset_ctx = vp9_br_bits(&pc->br, 2);
        if (intra_only) {
            f->flags |= V4L2_VP9_FRAME_FLAG_INTRA_ONLY;
            if ((ret = sync_code(pc)) < 0)
                return ret;
            if (profile > 0) {
                if ((ret = color_config(pc, st, out, profile)) < 0)
                    return ret;
            } else {
                st->bit_depth = 8;
                st->subsampling_x = st->subsampling_y = true;
                out->color_space = 1; /* CS_BT_601 */
            }
            out->refresh_frame_flags = (uint8_t)vp9_br_bits(&pc->br, 8);
            frame_size(pc, &width, &height);
            f->frame_width_minus_1 = (uint16_t)(width - 1);
            f->frame_height_minus_1 = (uint16_t)(height - 1);
            render_size(pc, f);
        } else {
            if (!st->have_keyframe)
                return vareq_errf(err, errlen, -EINVAL,
                                  "vp9: inter frame without a preceding keyframe/intra-only frame");
            out->refresh_frame_flags = (uint8_t)vp9_br_bits(&pc->br, 8);
            for (int i = 0; i < 3; i++) {
                out->ref_frame_idx[i] = (uint8_t)vp9_br_bits(&pc->br, 3);
                if (vp9_br_bit(&pc->br))
                    f->ref_frame_sign_bias |= (uint8_t)(1u << i);
            }
            bool found = false;
            for (int i = 0; i < 3 && !found; i++) {
                if (vp9_br_bit(&pc->br)) {
                    found = true;
                    width = st->slot_width[out->ref_frame_idx[i]];
                    height = st->slot_height[out->ref_frame_idx[i]];
                }
            }
            TRUNC_CHECK(pc, "frame_size_with_refs");
            if (found) {
                if (!width || !height)
                    return vareq_errf(err, errlen, -EINVAL,
                                      "vp9: frame size taken from an empty reference slot");
            } else {
                frame_size(pc, &width, &height);
            }
            f->frame_width_minus_1 = (uint16_t)(width - 1);
            f->frame_height_minus_1 = (uint16_t)(height - 1);
            render_size(pc, f);
            if (vp9_br_bit(&pc->br))
                f->flags |= V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV;
            if (vp9_br_bit(&pc->br)) {
                f->interpolation_filter = V4L2_VP9_INTERP_FILTER_SWITCHABLE;
            } else {
                static const uint8_t literal_to_filter[4] = {
                    V4L2_VP9_INTERP_FILTER_EIGHTTAP_SMOOTH, V4L2_VP9_INTERP_FILTER_EIGHTTAP,
                    V4L2_VP9_INTERP_FILTER_EIGHTTAP_SHARP, V4L2_VP9_INTERP_FILTER_BILINEAR
                };
                f->interpolation_filter = literal_to_filter[vp9_br_bits(&pc->br, 2)];
            }
            /* every reference must be within the scaling limits (2x down .. 16x up) */
            for (int i = 0; i < 3; i++) {
                unsigned rw = st->slot_width[out->ref_frame_idx[i]];
                unsigned rh = st->slot_height[out->ref_frame_idx[i]];
                if (!rw || !rh || 2 * width < rw || 2 * height < rh || width > 16 * rw ||
                    height > 16 * rh)
                    return vareq_errf(err, errlen, -EINVAL,
                                      "vp9: reference %d (slot %u, %ux%u) has an invalid size for "
                                      "a %ux%u frame", i, out->ref_frame_idx[i], rw, rh, width,
                                      height);
            }
        }
    }
    TRUNC_CHECK(pc, "frame size");
    bool frame_is_intra = key || intra_only;

    f->bit_depth = st->bit_depth;
    if (st->subsampling_x)
        f->flags |= V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING;
    if (st->subsampling_y)
        f->flags |= V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
    /* inter frames do not code the colour range: it is the sequence's */
    if (!key && !intra_only && st->color_range_full)
        f->flags |= V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING;
    st->color_range_full = !!(f->flags & V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING);

    if (!error_res) {
        if (vp9_br_bit(&pc->br))
            f->flags |= V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX;
        if (vp9_br_bit(&pc->br))
            f->flags |= V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE;
    } else {
        f->flags |= V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE;
    }
    f->frame_context_idx = (uint8_t)vp9_br_bits(&pc->br, 2);
    f->reset_frame_context = reset_ctx == 2   ? V4L2_VP9_RESET_FRAME_CTX_SPEC
                             : reset_ctx == 3 ? V4L2_VP9_RESET_FRAME_CTX_ALL
                                              : V4L2_VP9_RESET_FRAME_CTX_NONE;
    if (frame_is_intra || error_res)
        past_independence(st);

    loop_filter_params(pc, st, &f->lf);
    f->quant.base_q_idx = (uint8_t)vp9_br_bits(&pc->br, 8);
    f->quant.delta_q_y_dc = read_delta_q(pc);
    f->quant.delta_q_uv_dc = read_delta_q(pc);
    f->quant.delta_q_uv_ac = read_delta_q(pc);
    segmentation_params(pc, st, &f->seg);
    tile_info(pc, width, f);
    unsigned hdr_size = vp9_br_bits(&pc->br, 16);
    TRUNC_CHECK(pc, "header fields");
    if (hdr_size == 0)
        return vareq_errf(err, errlen, -EINVAL, "vp9: compressed header size is 0");

    size_t uh = vp9_br_bytes_used(&pc->br);
    if (uh > size || hdr_size > size - uh)
        return vareq_errf(err, errlen, -ENODATA,
                          "vp9: compressed header (%u bytes at %zu) exceeds the %zu-byte frame",
                          hdr_size, uh, size);
    f->uncompressed_header_size = (uint16_t)uh;
    f->compressed_header_size = (uint16_t)hdr_size;

    bool lossless = f->quant.base_q_idx == 0 && f->quant.delta_q_y_dc == 0 &&
                    f->quant.delta_q_uv_dc == 0 && f->quant.delta_q_uv_ac == 0;
    if ((ret = compressed_header(data + uh, hdr_size, out, lossless, frame_is_intra, err,
                                 errlen)) < 0)
        return ret;

    /* success: commit the persistent state */
    for (int i = 0; i < 8; i++) {
        if (out->refresh_frame_flags & (1u << i)) {
            st->slot_width[i] = (uint16_t)width;
            st->slot_height[i] = (uint16_t)height;
        }
    }
    if (frame_is_intra)
        st->have_keyframe = true;
    *st_out = stv;
    return 0;
}
