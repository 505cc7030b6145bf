/* AV1 OBU writer (spec sections 5.3, 5.5, 5.9, 5.11). Syntax only: the semantics are dav1d's.
 * Choices that do not change the decode: no timing/decoder-model info, one operating point
 * (idc 0, level 31), no frame ids, screen content tools and integer MV "select" at the
 * frame level, frame sizes always coded (frame_size_override_flag follows the control),
 * found_ref = 0, all loop-filter deltas sent when an update is signalled. */
#include "sim_av1_obu.h"

#include <stdio.h>
#include <string.h>

#include "sim_av1_bits.h"

#define OBU_SEQUENCE_HEADER 1
#define OBU_FRAME_HEADER 3
#define OBU_TILE_GROUP 4
#define PRIMARY_REF_NONE 7

#define FAIL(...)                                                                              \
    do {                                                                                       \
        snprintf(err, errlen, __VA_ARGS__);                                                    \
        return -1;                                                                             \
    } while (0)

void av1_default_gm_params(int32_t p[8][6])
{
    for (unsigned r = 0; r < 8; r++)
        for (unsigned k = 0; k < 6; k++)
            p[r][k] = (k % 3 == 2) ? (1 << 16) : 0;
}

static unsigned seqf(const struct v4l2_ctrl_av1_sequence *s, uint32_t flag)
{
    return (s->flags & flag) ? 1 : 0;
}

static unsigned bits_for(uint32_t v) /* bits needed for v (>= 1) */
{
    unsigned n = 1;
    while (n < 32 && (v >> n))
        n++;
    return n;
}

static void write_sequence_header(struct av1_bw *w, const struct v4l2_ctrl_av1_sequence *s)
{
    const unsigned wb = bits_for(s->max_frame_width_minus_1);
    const unsigned hb = bits_for(s->max_frame_height_minus_1);
    const unsigned mono = seqf(s, V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME);

    av1_bw_f(w, 3, s->seq_profile);
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE));
    av1_bw_f(w, 1, 0); /* reduced_still_picture_header */
    av1_bw_f(w, 1, 0); /* timing_info_present_flag */
    av1_bw_f(w, 1, 0); /* initial_display_delay_present_flag */
    av1_bw_f(w, 5, 0); /* operating_points_cnt_minus_1 */
    av1_bw_f(w, 12, 0); /* operating_point_idc[0] */
    av1_bw_f(w, 5, 31); /* seq_level_idx[0]: no level constraint */
    av1_bw_f(w, 1, 0);  /* seq_tier[0] */
    av1_bw_f(w, 4, wb - 1);
    av1_bw_f(w, 4, hb - 1);
    av1_bw_f(w, wb, s->max_frame_width_minus_1);
    av1_bw_f(w, hb, s->max_frame_height_minus_1);
    av1_bw_f(w, 1, 0); /* frame_id_numbers_present_flag */
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTERINTRA_COMPOUND));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_MASKED_COMPOUND));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_DUAL_FILTER));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT));
    if (seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT)) {
        av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_JNT_COMP));
        av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS));
    }
    av1_bw_f(w, 1, 1); /* seq_choose_screen_content_tools: SELECT */
    av1_bw_f(w, 1, 1); /* seq_choose_integer_mv: SELECT */
    if (seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT))
        av1_bw_f(w, 3, s->order_hint_bits - 1u);
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION));
    /* color_config() */
    av1_bw_f(w, 1, s->bit_depth > 8); /* high_bitdepth */
    if (s->seq_profile == 2 && s->bit_depth > 8)
        av1_bw_f(w, 1, s->bit_depth == 12);
    if (s->seq_profile != 1)
        av1_bw_f(w, 1, mono);
    av1_bw_f(w, 1, 0); /* color_description_present_flag */
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_COLOR_RANGE));
    if (!mono) {
        if (s->seq_profile == 2 && s->bit_depth == 12) {
            av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X));
            if (seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X))
                av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y));
        }
        if (seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X) &&
            seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y))
            av1_bw_f(w, 2, 0); /* chroma_sample_position */
        av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q));
    }
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT));
}

static unsigned tile_log2(unsigned blk, unsigned target)
{
    unsigned k = 0;
    while ((blk << k) < target)
        k++;
    return k;
}

struct hdr_ctx {
    const struct av1_obu_in *in;
    const struct v4l2_ctrl_av1_sequence *s;
    const struct v4l2_ctrl_av1_frame *f;
    unsigned num_planes, order_hint_bits;
    bool intra, coded_lossless, all_lossless;
    unsigned frame_w, frame_h, up_w;
    unsigned tile_cols_log2, tile_rows_log2;
    char *err;
    size_t errlen;
};

static int write_tile_info(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_av1_tile_info *ti = &c->f->tile_info;
    const bool sb128 = seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK);
    const unsigned mi_cols = 2 * ((c->frame_w + 7) >> 3), mi_rows = 2 * ((c->frame_h + 7) >> 3);
    const unsigned sb_cols = sb128 ? (mi_cols + 31) >> 5 : (mi_cols + 15) >> 4;
    const unsigned sb_rows = sb128 ? (mi_rows + 31) >> 5 : (mi_rows + 15) >> 4;
    const unsigned sb_shift = sb128 ? 5 : 4, sb_size = sb_shift + 2;
    const unsigned max_tw_sb = 4096 >> sb_size;
    unsigned max_area_sb = (4096 * 2304) >> (2 * sb_size);
    const unsigned min_log2_cols = tile_log2(max_tw_sb, sb_cols);
    const unsigned max_log2_cols = tile_log2(1, sb_cols < 64 ? sb_cols : 64);
    const unsigned max_log2_rows = tile_log2(1, sb_rows < 64 ? sb_rows : 64);
    unsigned min_log2_tiles = tile_log2(max_area_sb, sb_rows * sb_cols);
    char *err = c->err;
    size_t errlen = c->errlen;

    if (min_log2_tiles < min_log2_cols)
        min_log2_tiles = min_log2_cols;
    if (!ti->tile_cols || !ti->tile_rows || ti->tile_cols > 64 || ti->tile_rows > 64)
        FAIL("tile layout %ux%u", ti->tile_cols, ti->tile_rows);
    if (ti->flags & V4L2_AV1_TILE_INFO_FLAG_UNIFORM_TILE_SPACING) {
        unsigned lc, lr, cols = 0, rows = 0, tw = 0, th = 0, min_log2_rows;
        av1_bw_f(w, 1, 1);
        for (lc = min_log2_cols; lc <= max_log2_cols; lc++) {
            tw = (sb_cols + (1u << lc) - 1) >> lc;
            cols = (sb_cols + tw - 1) / tw;
            if (cols == ti->tile_cols)
                break;
        }
        if (cols != ti->tile_cols || lc > max_log2_cols)
            FAIL("uniform spacing cannot give %u tile columns", ti->tile_cols);
        for (unsigned k = min_log2_cols; k < lc; k++)
            av1_bw_f(w, 1, 1);
        if (lc < max_log2_cols)
            av1_bw_f(w, 1, 0);
        min_log2_rows = min_log2_tiles > lc ? min_log2_tiles - lc : 0;
        for (lr = min_log2_rows; lr <= max_log2_rows; lr++) {
            th = (sb_rows + (1u << lr) - 1) >> lr;
            rows = (sb_rows + th - 1) / th;
            if (rows == ti->tile_rows)
                break;
        }
        if (rows != ti->tile_rows || lr > max_log2_rows)
            FAIL("uniform spacing cannot give %u tile rows", ti->tile_rows);
        for (unsigned k = min_log2_rows; k < lr; k++)
            av1_bw_f(w, 1, 1);
        if (lr < max_log2_rows)
            av1_bw_f(w, 1, 0);
        for (unsigned i = 0; i < cols; i++)
            if (ti->mi_col_starts[i] != ((i * tw) << sb_shift))
                FAIL("mi_col_starts[%u] = %u, uniform spacing gives %u", i, ti->mi_col_starts[i],
                     (i * tw) << sb_shift);
        for (unsigned i = 0; i < rows; i++)
            if (ti->mi_row_starts[i] != ((i * th) << sb_shift))
                FAIL("mi_row_starts[%u] = %u, uniform spacing gives %u", i, ti->mi_row_starts[i],
                     (i * th) << sb_shift);
        c->tile_cols_log2 = lc;
        c->tile_rows_log2 = lr;
    } else {
        unsigned start = 0, widest = 0, max_th;
        av1_bw_f(w, 1, 0);
        for (unsigned i = 0; i < ti->tile_cols; i++) {
            unsigned maxw, size = ti->width_in_sbs_minus_1[i] + 1;
            if (start >= sb_cols)
                FAIL("tile column %u starts outside the frame", i);
            maxw = sb_cols - start < max_tw_sb ? sb_cols - start : max_tw_sb;
            if (size > maxw || ti->mi_col_starts[i] != start << sb_shift)
                FAIL("tile column %u: %u superblocks at mi %u", i, size, ti->mi_col_starts[i]);
            av1_bw_ns(w, maxw, size - 1);
            if (size > widest)
                widest = size;
            start += size;
        }
        if (start < sb_cols)
            FAIL("tile columns cover %u of %u superblocks", start, sb_cols);
        if (min_log2_tiles > 0)
            max_area_sb = (sb_rows * sb_cols) >> (min_log2_tiles + 1);
        else
            max_area_sb = sb_rows * sb_cols;
        max_th = max_area_sb / widest > 1 ? max_area_sb / widest : 1;
        start = 0;
        for (unsigned i = 0; i < ti->tile_rows; i++) {
            unsigned maxh, size = ti->height_in_sbs_minus_1[i] + 1;
            if (start >= sb_rows)
                FAIL("tile row %u starts outside the frame", i);
            maxh = sb_rows - start < max_th ? sb_rows - start : max_th;
            if (size > maxh || ti->mi_row_starts[i] != start << sb_shift)
                FAIL("tile row %u: %u superblocks at mi %u", i, size, ti->mi_row_starts[i]);
            av1_bw_ns(w, maxh, size - 1);
            start += size;
        }
        if (start < sb_rows)
            FAIL("tile rows cover %u of %u superblocks", start, sb_rows);
        c->tile_cols_log2 = tile_log2(1, ti->tile_cols);
        c->tile_rows_log2 = tile_log2(1, ti->tile_rows);
    }
    if (c->tile_cols_log2 || c->tile_rows_log2) {
        if (ti->context_update_tile_id >= ti->tile_cols * ti->tile_rows)
            FAIL("context_update_tile_id %u", ti->context_update_tile_id);
        if (ti->tile_size_bytes < 1 || ti->tile_size_bytes > 4)
            FAIL("tile_size_bytes %u", ti->tile_size_bytes);
        av1_bw_f(w, c->tile_cols_log2 + c->tile_rows_log2, ti->context_update_tile_id);
        av1_bw_f(w, 2, ti->tile_size_bytes - 1u);
    }
    return 0;
}

static void write_delta_q(struct av1_bw *w, int v)
{
    av1_bw_f(w, 1, v != 0);
    if (v)
        av1_bw_su(w, 7, v);
}

static int write_quant(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_av1_quantization *q = &c->f->quantization;
    const bool diff = q->flags & V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA;
    const bool sep = seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q);
    char *err = c->err;
    size_t errlen = c->errlen;

    av1_bw_f(w, 8, q->base_q_idx);
    write_delta_q(w, q->delta_q_y_dc);
    if (c->num_planes > 1) {
        if (diff && !sep)
            FAIL("DIFF_UV_DELTA without SEPARATE_UV_DELTA_Q");
        if (sep)
            av1_bw_f(w, 1, diff);
        write_delta_q(w, q->delta_q_u_dc);
        write_delta_q(w, q->delta_q_u_ac);
        if (diff) {
            write_delta_q(w, q->delta_q_v_dc);
            write_delta_q(w, q->delta_q_v_ac);
        } else if (q->delta_q_v_dc != q->delta_q_u_dc || q->delta_q_v_ac != q->delta_q_u_ac) {
            FAIL("V deltas differ from U without DIFF_UV_DELTA");
        }
    }
    av1_bw_f(w, 1, !!(q->flags & V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX));
    if (q->flags & V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX) {
        av1_bw_f(w, 4, q->qm_y);
        av1_bw_f(w, 4, q->qm_u);
        if (sep)
            av1_bw_f(w, 4, q->qm_v);
        else if (q->qm_v != q->qm_u)
            FAIL("qm_v differs from qm_u without SEPARATE_UV_DELTA_Q");
    }
    return 0;
}

static const uint8_t seg_bits[8] = {8, 6, 6, 6, 6, 3, 0, 0};
static const uint8_t seg_signed[8] = {1, 1, 1, 1, 1, 0, 0, 0};
static const int16_t seg_max[8] = {255, 63, 63, 63, 63, 7, 0, 0};

static int write_segmentation(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_av1_segmentation *sg = &c->f->segmentation;
    bool update_data = true;
    char *err = c->err;
    size_t errlen = c->errlen;

    av1_bw_f(w, 1, !!(sg->flags & V4L2_AV1_SEGMENTATION_FLAG_ENABLED));
    if (!(sg->flags & V4L2_AV1_SEGMENTATION_FLAG_ENABLED))
        return 0;
    if (c->f->primary_ref_frame != PRIMARY_REF_NONE) {
        bool um = sg->flags & V4L2_AV1_SEGMENTATION_FLAG_UPDATE_MAP;
        av1_bw_f(w, 1, um);
        if (um)
            av1_bw_f(w, 1, !!(sg->flags & V4L2_AV1_SEGMENTATION_FLAG_TEMPORAL_UPDATE));
        update_data = sg->flags & V4L2_AV1_SEGMENTATION_FLAG_UPDATE_DATA;
        av1_bw_f(w, 1, update_data);
    }
    if (!update_data)
        return 0;
    {
        /* spec 5.9.14: SegIdPreSkip and LastActiveSegId follow from the features */
        unsigned last = 0;
        bool pre_skip = false;
        for (unsigned i = 0; i < 8; i++)
            for (unsigned j = 0; j < 8; j++)
                if (sg->feature_enabled[i] & (1u << j)) {
                    last = i;
                    if (j >= V4L2_AV1_SEG_LVL_REF_FRAME)
                        pre_skip = true;
                }
        if (last != sg->last_active_seg_id ||
            pre_skip != !!(sg->flags & V4L2_AV1_SEGMENTATION_FLAG_SEG_ID_PRE_SKIP))
            FAIL("segmentation: last_active_seg_id %u / SEG_ID_PRE_SKIP %u, the features give "
                 "%u / %u", sg->last_active_seg_id,
                 !!(sg->flags & V4L2_AV1_SEGMENTATION_FLAG_SEG_ID_PRE_SKIP), last, pre_skip);
    }
    for (unsigned i = 0; i < 8; i++)
        for (unsigned j = 0; j < 8; j++) {
            bool en = sg->feature_enabled[i] & (1u << j);
            int v = sg->feature_data[i][j];
            av1_bw_f(w, 1, en);
            if (!en)
                continue;
            if (v > seg_max[j] || v < (seg_signed[j] ? -seg_max[j] : 0))
                FAIL("segment %u feature %u value %d", i, j, v);
            if (seg_signed[j])
                av1_bw_su(w, 1 + seg_bits[j], v);
            else
                av1_bw_f(w, seg_bits[j], (uint32_t)v);
        }
    return 0;
}

static void compute_lossless(struct hdr_ctx *c)
{
    const struct v4l2_av1_quantization *q = &c->f->quantization;
    const struct v4l2_av1_segmentation *sg = &c->f->segmentation;
    bool all = true;
    for (unsigned i = 0; i < 8; i++) {
        int qi = q->base_q_idx;
        if ((sg->flags & V4L2_AV1_SEGMENTATION_FLAG_ENABLED) && (sg->feature_enabled[i] & 1)) {
            qi += sg->feature_data[i][0];
            qi = qi < 0 ? 0 : qi > 255 ? 255 : qi;
        }
        if (!(qi == 0 && !q->delta_q_y_dc && !q->delta_q_u_ac && !q->delta_q_u_dc &&
              !q->delta_q_v_ac && !q->delta_q_v_dc))
            all = false;
    }
    c->coded_lossless = all;
    c->all_lossless = all && c->frame_w == c->up_w;
}

static int write_loop_filter(struct av1_bw *w, struct hdr_ctx *c, bool intrabc)
{
    const struct v4l2_av1_loop_filter *lf = &c->f->loop_filter;
    if (c->coded_lossless || intrabc)
        return 0;
    av1_bw_f(w, 6, lf->level[0]);
    av1_bw_f(w, 6, lf->level[1]);
    if (c->num_planes > 1 && (lf->level[0] || lf->level[1])) {
        av1_bw_f(w, 6, lf->level[2]);
        av1_bw_f(w, 6, lf->level[3]);
    }
    av1_bw_f(w, 3, lf->sharpness);
    av1_bw_f(w, 1, !!(lf->flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED));
    if (lf->flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED) {
        bool upd = lf->flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE;
        av1_bw_f(w, 1, upd);
        if (upd) {
            for (unsigned i = 0; i < 8; i++) {
                av1_bw_f(w, 1, 1);
                av1_bw_su(w, 7, lf->ref_deltas[i]);
            }
            for (unsigned i = 0; i < 2; i++) {
                av1_bw_f(w, 1, 1);
                av1_bw_su(w, 7, lf->mode_deltas[i]);
            }
        }
    }
    return 0;
}

static int write_cdef(struct av1_bw *w, struct hdr_ctx *c, bool intrabc)
{
    const struct v4l2_av1_cdef *cd = &c->f->cdef;
    char *err = c->err;
    size_t errlen = c->errlen;
    if (c->coded_lossless || intrabc || !seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF))
        return 0;
    if (cd->damping_minus_3 > 3 || cd->bits > 3)
        FAIL("cdef damping %u bits %u", cd->damping_minus_3, cd->bits);
    av1_bw_f(w, 2, cd->damping_minus_3);
    av1_bw_f(w, 2, cd->bits);
    for (unsigned i = 0; i < (1u << cd->bits); i++) {
        if (cd->y_pri_strength[i] > 15 || cd->y_sec_strength[i] == 3 || cd->y_sec_strength[i] > 4 ||
            cd->uv_pri_strength[i] > 15 || cd->uv_sec_strength[i] == 3 || cd->uv_sec_strength[i] > 4)
            FAIL("cdef strength %u out of range", i);
        av1_bw_f(w, 4, cd->y_pri_strength[i]);
        av1_bw_f(w, 2, cd->y_sec_strength[i] == 4 ? 3 : cd->y_sec_strength[i]);
        if (c->num_planes > 1) {
            av1_bw_f(w, 4, cd->uv_pri_strength[i]);
            av1_bw_f(w, 2, cd->uv_sec_strength[i] == 4 ? 3 : cd->uv_sec_strength[i]);
        }
    }
    return 0;
}

static int write_lr(struct av1_bw *w, struct hdr_ctx *c, bool intrabc)
{
    static const uint8_t lr_code[4] = {0, 2, 3, 1}; /* NONE, WIENER, SGRPROJ, SWITCHABLE */
    const struct v4l2_av1_loop_restoration *lr = &c->f->loop_restoration;
    bool uses = false, chroma = false;
    char *err = c->err;
    size_t errlen = c->errlen;
    if (c->all_lossless || intrabc || !seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION))
        return 0;
    for (unsigned i = 0; i < c->num_planes; i++) {
        unsigned t = lr->frame_restoration_type[i];
        if (t > 3)
            FAIL("restoration type %u", t);
        av1_bw_f(w, 2, lr_code[t]);
        if (t) {
            uses = true;
            if (i)
                chroma = true;
        }
    }
    if (!uses)
        return 0;
    if (seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK)) {
        if (lr->lr_unit_shift < 1 || lr->lr_unit_shift > 2)
            FAIL("lr_unit_shift %u with 128x128 superblocks", lr->lr_unit_shift);
        av1_bw_f(w, 1, lr->lr_unit_shift - 1u);
    } else {
        if (lr->lr_unit_shift > 2)
            FAIL("lr_unit_shift %u", lr->lr_unit_shift);
        av1_bw_f(w, 1, lr->lr_unit_shift > 0);
        if (lr->lr_unit_shift)
            av1_bw_f(w, 1, lr->lr_unit_shift - 1u);
    }
    if (seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X) &&
        seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y) && chroma)
        av1_bw_f(w, 1, lr->lr_uv_shift);
    else if (lr->lr_uv_shift)
        FAIL("lr_uv_shift without subsampled chroma restoration");
    {
        /* spec 5.9.20: LoopRestorationSize[] follow from the shifts */
        unsigned y = 256u >> (2 - lr->lr_unit_shift), uv = y >> lr->lr_uv_shift;
        if (lr->loop_restoration_size[0] != y ||
            (c->num_planes > 1 &&
             (lr->loop_restoration_size[1] != uv || lr->loop_restoration_size[2] != uv)))
            FAIL("loop_restoration_size %u/%u/%u, the shifts give %u/%u",
                 lr->loop_restoration_size[0], lr->loop_restoration_size[1],
                 lr->loop_restoration_size[2], y, uv);
        if (!!(lr->flags & V4L2_AV1_LOOP_RESTORATION_FLAG_USES_LR) != uses ||
            !!(lr->flags & V4L2_AV1_LOOP_RESTORATION_FLAG_USES_CHROMA_LR) != chroma)
            FAIL("loop restoration USES_LR/USES_CHROMA_LR flags contradict the types");
    }
    return 0;
}

/* spec 5.9.25 inverse: encode_subexp / recentering for one global motion parameter */
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

static int write_global_motion(struct av1_bw *w, struct hdr_ctx *c)
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

static int write_film_grain(struct av1_bw *w, struct hdr_ctx *c)
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

static int write_frame_size(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_ctrl_av1_frame *f = c->f;
    const unsigned wb = bits_for(c->s->max_frame_width_minus_1);
    const unsigned hb = bits_for(c->s->max_frame_height_minus_1);
    char *err = c->err;
    size_t errlen = c->errlen;

    if (f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE) {
        av1_bw_f(w, wb, c->up_w - 1);
        av1_bw_f(w, hb, c->frame_h - 1);
    } else if (c->up_w != c->s->max_frame_width_minus_1 + 1u ||
               c->frame_h != c->s->max_frame_height_minus_1 + 1u) {
        FAIL("frame size %ux%u differs from the maximum without FRAME_SIZE_OVERRIDE", c->up_w,
             c->frame_h);
    }
    /* superres_params() */
    if (seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES))
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES));
    else if (f->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES)
        FAIL("USE_SUPERRES without ENABLE_SUPERRES");
    if (f->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES)
        av1_bw_f(w, 3, f->superres_denom - 9u);
    /* render_size() */
    if (f->render_width_minus_1 + 1u != c->up_w || f->render_height_minus_1 + 1u != c->frame_h) {
        av1_bw_f(w, 1, 1);
        av1_bw_f(w, 16, f->render_width_minus_1);
        av1_bw_f(w, 16, f->render_height_minus_1);
    } else {
        av1_bw_f(w, 1, 0);
    }
    return 0;
}

static int write_frame_header(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_ctrl_av1_frame *f = c->f;
    const unsigned type = f->frame_type;
    const bool show = f->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME;
    const bool er = f->flags & V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE;
    const bool sct = f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_SCREEN_CONTENT_TOOLS;
    const bool order = seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT);
    bool intrabc = false, force_int_mv;
    unsigned refresh = f->refresh_frame_flags;
    char *err = c->err;
    size_t errlen = c->errlen;

    av1_bw_f(w, 1, 0); /* show_existing_frame */
    av1_bw_f(w, 2, type);
    av1_bw_f(w, 1, show);
    if (!show)
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME));
    else if (!!(f->flags & V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME) != (type != V4L2_AV1_KEY_FRAME))
        FAIL("SHOWABLE_FRAME contradicts a shown frame of type %u", type);
    if (type == V4L2_AV1_SWITCH_FRAME || (type == V4L2_AV1_KEY_FRAME && show)) {
        if (!er)
            FAIL("ERROR_RESILIENT_MODE must be set on shown key frames and switch frames");
    } else {
        av1_bw_f(w, 1, er);
    }
    av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_DISABLE_CDF_UPDATE));
    av1_bw_f(w, 1, sct); /* seq_force_screen_content_tools == SELECT */
    force_int_mv = f->flags & V4L2_AV1_FRAME_FLAG_FORCE_INTEGER_MV;
    if (sct)
        av1_bw_f(w, 1, force_int_mv);
    if (c->intra)
        force_int_mv = true;
    if (type == V4L2_AV1_SWITCH_FRAME) {
        if (!(f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE))
            FAIL("switch frame without FRAME_SIZE_OVERRIDE");
    } else {
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE));
    }
    if (c->order_hint_bits)
        av1_bw_f(w, c->order_hint_bits, f->order_hint);
    if (c->intra || er) {
        if (f->primary_ref_frame != PRIMARY_REF_NONE)
            FAIL("primary_ref_frame %u on an intra or error-resilient frame", f->primary_ref_frame);
    } else {
        av1_bw_f(w, 3, f->primary_ref_frame);
    }
    if (type == V4L2_AV1_SWITCH_FRAME || (type == V4L2_AV1_KEY_FRAME && show)) {
        if (refresh != 0xff)
            FAIL("refresh_frame_flags 0x%02x must be 0xff", refresh);
    } else {
        if (type == V4L2_AV1_INTRA_ONLY_FRAME && refresh == 0xff)
            FAIL("intra-only frame with refresh_frame_flags 0xff");
        av1_bw_f(w, 8, refresh);
    }
    if ((!c->intra || refresh != 0xff) && er && order)
        for (unsigned i = 0; i < 8; i++)
            av1_bw_f(w, c->order_hint_bits, c->in->slots[i].valid ? c->in->slots[i].order_hint : 0);
    if (c->intra) {
        if (write_frame_size(w, c) < 0)
            return -1;
        intrabc = f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_INTRABC;
        if (sct && c->up_w == c->frame_w)
            av1_bw_f(w, 1, intrabc);
        else if (intrabc)
            FAIL("ALLOW_INTRABC where the syntax forbids it");
    } else {
        if (order)
            av1_bw_f(w, 1, 0); /* frame_refs_short_signaling: explicit indices */
        for (unsigned i = 0; i < 7; i++) {
            if (f->ref_frame_idx[i] < 0 || f->ref_frame_idx[i] > 7)
                FAIL("ref_frame_idx[%u] = %d", i, f->ref_frame_idx[i]);
            av1_bw_f(w, 3, (uint32_t)f->ref_frame_idx[i]);
        }
        if ((f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE) && !er)
            av1_bw_f(w, 7, 0); /* found_ref = 0 for every reference */
        if (write_frame_size(w, c) < 0)
            return -1;
        if (!force_int_mv)
            av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_HIGH_PRECISION_MV));
        if (f->interpolation_filter > V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE)
            FAIL("interpolation_filter %u", f->interpolation_filter);
        av1_bw_f(w, 1, f->interpolation_filter == V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE);
        if (f->interpolation_filter != V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE)
            av1_bw_f(w, 2, f->interpolation_filter);
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_IS_MOTION_MODE_SWITCHABLE));
        if (!er && seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS))
            av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS));
        else if (f->flags & V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS)
            FAIL("USE_REF_FRAME_MVS where the syntax forbids it");
    }
    if (!(f->flags & V4L2_AV1_FRAME_FLAG_DISABLE_CDF_UPDATE))
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_DISABLE_FRAME_END_UPDATE_CDF));
    if (write_tile_info(w, c) < 0 || write_quant(w, c) < 0 || write_segmentation(w, c) < 0)
        return -1;
    /* delta_q_params(), delta_lf_params() */
    {
        bool dq = f->quantization.flags & V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT;
        bool dlf = f->loop_filter.flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_PRESENT;
        if (f->quantization.base_q_idx > 0)
            av1_bw_f(w, 1, dq);
        else if (dq)
            FAIL("DELTA_Q_PRESENT with base_q_idx 0");
        if (dq) {
            av1_bw_f(w, 2, f->quantization.delta_q_res);
            if (!intrabc)
                av1_bw_f(w, 1, dlf);
            if (dlf) {
                av1_bw_f(w, 2, f->loop_filter.delta_lf_res);
                av1_bw_f(w, 1, !!(f->loop_filter.flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_MULTI));
            }
        }
    }
    compute_lossless(c);
    if (write_loop_filter(w, c, intrabc) < 0 || write_cdef(w, c, intrabc) < 0 ||
        write_lr(w, c, intrabc) < 0)
        return -1;
    if (!c->coded_lossless)
        av1_bw_f(w, 1, f->tx_mode == V4L2_AV1_TX_MODE_SELECT);
    if (!c->intra)
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT));
    /* skip_mode_params(): skipModeAllowed from the slot model's order hints */
    {
        bool allowed = false;
        int fwd = -1, bwd = -1, second = -1;
        if (!c->intra && (f->flags & V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT) && order) {
            uint32_t fh = 0, bh = 0, sh = 0;
            for (int i = 0; i < 7; i++) {
                uint32_t h = c->in->slots[(unsigned)f->ref_frame_idx[i] & 7].order_hint;
                int d = (int)h - (int)f->order_hint;
                int m = 1 << (c->order_hint_bits - 1);
                d = (d & (m - 1)) - (d & m);
                if (d < 0) {
                    int e = (int)h - (int)fh;
                    e = (e & (m - 1)) - (e & m);
                    if (fwd < 0 || e > 0) {
                        fwd = i;
                        fh = h;
                    }
                } else if (d > 0) {
                    int e = (int)h - (int)bh;
                    e = (e & (m - 1)) - (e & m);
                    if (bwd < 0 || e < 0) {
                        bwd = i;
                        bh = h;
                    }
                }
            }
            if (fwd >= 0 && bwd >= 0)
                allowed = true;
            else if (fwd >= 0) {
                int m = 1 << (c->order_hint_bits - 1);
                for (int i = 0; i < 7; i++) {
                    uint32_t h = c->in->slots[(unsigned)f->ref_frame_idx[i] & 7].order_hint;
                    int e = (int)h - (int)fh;
                    e = (e & (m - 1)) - (e & m);
                    if (e < 0) {
                        int g = (int)h - (int)sh;
                        g = (g & (m - 1)) - (g & m);
                        if (second < 0 || g > 0) {
                            second = i;
                            sh = h;
                        }
                    }
                }
                allowed = second >= 0;
            }
        }
        if (allowed != !!(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED))
            FAIL("SKIP_MODE_ALLOWED %u, the references' order hints give %u",
                 !!(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED), allowed);
        if (allowed) {
            int a = fwd, b = bwd >= 0 ? bwd : second;
            int lo = a < b ? a : b, hi = a < b ? b : a;
            if (f->skip_mode_frame[0] != 1 + lo || f->skip_mode_frame[1] != 1 + hi)
                FAIL("skip_mode_frame %u/%u, the references' order hints give %d/%d",
                     f->skip_mode_frame[0], f->skip_mode_frame[1], 1 + lo, 1 + hi);
            av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT));
        } else if (f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT) {
            FAIL("SKIP_MODE_PRESENT but the references do not allow skip mode");
        }
    }
    if (!c->intra && !er && seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION))
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION));
    else if (f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION)
        FAIL("ALLOW_WARPED_MOTION where the syntax forbids it");
    av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_REDUCED_TX_SET));
    if (write_global_motion(w, c) < 0 || write_film_grain(w, c) < 0)
        return -1;
    return 0;
}

size_t av1_obu_bound(const struct av1_obu_in *in)
{
    return 64 + 4096 + in->len + (size_t)in->n_tiles * 4;
}

static size_t put_obu_header(uint8_t *out, unsigned type, size_t payload)
{
    out[0] = (uint8_t)((type << 3) | 0x02); /* has_size_field */
    return 1 + av1_leb128(out + 1, payload);
}

long av1_write_temporal_unit(const struct av1_obu_in *in, uint8_t *out, size_t cap, char *err,
                             size_t errlen)
{
    const struct v4l2_ctrl_av1_frame *f = in->frame;
    const struct v4l2_av1_tile_info *ti = &f->tile_info;
    uint8_t tmp[4096];
    struct av1_bw w;
    struct hdr_ctx c;
    size_t pos = 0, n, tg_size;
    unsigned num = ti->tile_cols * ti->tile_rows;
    const struct v4l2_ctrl_av1_tile_group_entry *order[V4L2_AV1_MAX_TILE_COUNT];

    memset(&c, 0, sizeof(c));
    c.in = in;
    c.s = in->seq;
    c.f = f;
    c.err = err;
    c.errlen = errlen;
    c.num_planes = seqf(in->seq, V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME) ? 1 : 3;
    c.order_hint_bits = seqf(in->seq, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT) ? in->seq->order_hint_bits : 0;
    c.intra = f->frame_type == V4L2_AV1_KEY_FRAME || f->frame_type == V4L2_AV1_INTRA_ONLY_FRAME;
    c.up_w = f->upscaled_width;
    c.frame_w = f->frame_width_minus_1 + 1;
    c.frame_h = f->frame_height_minus_1 + 1;
    if (c.order_hint_bits > 8 || (seqf(in->seq, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT) && !c.order_hint_bits))
        FAIL("order_hint_bits %u", in->seq->order_hint_bits);
    if (f->frame_type > V4L2_AV1_SWITCH_FRAME)
        FAIL("frame_type %u", f->frame_type);
    if (c.order_hint_bits ? f->order_hint >> c.order_hint_bits : f->order_hint)
        FAIL("order_hint %u does not fit %u bits", f->order_hint, c.order_hint_bits);
    if (f->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES) {
        unsigned d = f->superres_denom;
        if (d < 9 || d > 16 || c.frame_w != (c.up_w * 8 + d / 2) / d)
            FAIL("superres: width %u, upscaled %u, denominator %u", c.frame_w, c.up_w, d);
    } else if (c.frame_w != c.up_w) {
        FAIL("frame width %u differs from the upscaled width %u without superres", c.frame_w, c.up_w);
    }
    if (!num || num > V4L2_AV1_MAX_TILE_COUNT || in->n_tiles != num)
        FAIL("%u tile group entries for %ux%u tiles", in->n_tiles, ti->tile_cols, ti->tile_rows);
    /* tiles in raster order, each once, inside the OUTPUT buffer */
    memset(order, 0, sizeof(order));
    for (unsigned i = 0; i < in->n_tiles; i++) {
        const struct v4l2_ctrl_av1_tile_group_entry *t = &in->tiles[i];
        unsigned idx;
        if (t->tile_row >= ti->tile_rows || t->tile_col >= ti->tile_cols)
            FAIL("tile entry %u at row %u col %u", i, t->tile_row, t->tile_col);
        idx = t->tile_row * ti->tile_cols + t->tile_col;
        if (order[idx])
            FAIL("tile row %u col %u named twice", t->tile_row, t->tile_col);
        if (!t->tile_size || t->tile_offset > in->len || t->tile_size > in->len - t->tile_offset)
            FAIL("tile entry %u: %u+%u outside the %zu-byte OUTPUT buffer", i, t->tile_offset,
                 t->tile_size, in->len);
        order[idx] = t;
    }

    /* sequence header OBU */
    av1_bw_init(&w, tmp, sizeof(tmp));
    write_sequence_header(&w, in->seq);
    av1_bw_trailing(&w);
    n = av1_bw_bytes(&w);
    if (w.overflow || cap - pos < n + 10)
        FAIL("sequence header does not fit");
    pos += put_obu_header(out + pos, OBU_SEQUENCE_HEADER, n);
    memcpy(out + pos, tmp, n);
    pos += n;

    /* frame header OBU */
    av1_bw_init(&w, tmp, sizeof(tmp));
    if (write_frame_header(&w, &c) < 0)
        return -1;
    av1_bw_trailing(&w);
    n = av1_bw_bytes(&w);
    if (w.overflow || cap - pos < n + 10)
        FAIL("frame header does not fit");
    pos += put_obu_header(out + pos, OBU_FRAME_HEADER, n);
    memcpy(out + pos, tmp, n);
    pos += n;

    /* one tile group OBU with every tile: tile_start_and_end_present_flag = 0 */
    tg_size = num > 1 ? 1 : 0;
    for (unsigned i = 0; i < num; i++)
        tg_size += order[i]->tile_size + (i + 1 < num ? ti->tile_size_bytes : 0);
    if (cap - pos < tg_size + 10)
        FAIL("tile group does not fit");
    pos += put_obu_header(out + pos, OBU_TILE_GROUP, tg_size);
    if (num > 1)
        out[pos++] = 0; /* flag 0 + byte_alignment */
    for (unsigned i = 0; i < num; i++) {
        const struct v4l2_ctrl_av1_tile_group_entry *t = order[i];
        if (i + 1 < num) {
            uint32_t v = t->tile_size - 1;
            if (ti->tile_size_bytes < 4 && (v >> (8 * ti->tile_size_bytes)))
                FAIL("tile %u of %u bytes does not fit tile_size_bytes %u", i, t->tile_size,
                     ti->tile_size_bytes);
            for (unsigned b = 0; b < ti->tile_size_bytes; b++)
                out[pos++] = (uint8_t)(v >> (8 * b)); /* le(TileSizeBytes) */
        }
        memcpy(out + pos, in->data + t->tile_offset, t->tile_size);
        pos += t->tile_size;
    }
    return (long)pos;
}
