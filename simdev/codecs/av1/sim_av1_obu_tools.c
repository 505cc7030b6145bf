/* AV1 uncompressed_header() coding tools from the FRAME control: tile_info (5.9.15),
 * quantization (5.9.12-13), segmentation (5.9.14), lossless (5.9.2), loop filter (5.9.11),
 * CDEF (5.9.19), loop restoration (5.9.20). */
#include "sim_av1_obu_int.h"

#include <stdio.h>
#include <string.h>

static unsigned tile_log2(unsigned blk, unsigned target)
{
    unsigned k = 0;
    while ((blk << k) < target)
        k++;
    return k;
}

int av1_hdr_tile_info(struct av1_bw *w, struct hdr_ctx *c)
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

int av1_hdr_quant(struct av1_bw *w, struct hdr_ctx *c)
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

int av1_hdr_segmentation(struct av1_bw *w, struct hdr_ctx *c)
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

void av1_hdr_lossless(struct hdr_ctx *c)
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

int av1_hdr_loop_filter(struct av1_bw *w, struct hdr_ctx *c, bool intrabc)
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

int av1_hdr_cdef(struct av1_bw *w, struct hdr_ctx *c, bool intrabc)
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

int av1_hdr_lr(struct av1_bw *w, struct hdr_ctx *c, bool intrabc)
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
