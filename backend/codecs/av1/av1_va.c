/* AV1 translator: VADecPictureParameterBufferAV1 + one VASliceParameterBufferAV1 per tile +
 * tile-group data -> V4L2_CID_STATELESS_AV1_{SEQUENCE,FRAME,TILE_GROUP_ENTRY,FILM_GRAIN} and
 * an OUTPUT buffer holding each tile group's data once (tile_offset relative to the buffer).
 *
 * Derivations for what VA does not carry (see docs/av1.md for the reasoning):
 *
 * | control field                         | source                                              |
 * |---------------------------------------|-----------------------------------------------------|
 * | seq ENABLE_WARPED_MOTION              | 1: only gates allow_warped_motion, which VA carries |
 * | seq ENABLE_REF_FRAME_MVS              | = enable_order_hint: gates use_ref_frame_mvs (VA)   |
 * | seq ENABLE_SUPERRES                   | 1: gates use_superres, which VA carries             |
 * | seq ENABLE_RESTORATION                | 1: gates lr_type[], which VA carries                |
 * | seq SEPARATE_UV_DELTA_Q               | 1 unless monochrome: gates diff_uv_delta (derived)  |
 * | seq max_frame_{width,height}_minus_1  | 65535: syntax only (frame_width_bits); every frame  |
 * |                                       | then codes its size (FRAME_SIZE_OVERRIDE set)       |
 * | frame FRAME_SIZE_OVERRIDE             | 1 (see above; equal decode)                         |
 * | frame FRAME_REFS_SHORT_SIGNALING      | 0: ref_frame_idx[] explicit (equal decode)          |
 * | frame BUFFER_REMOVAL_TIME_PRESENT     | 0: decoder-model timing only                        |
 * | frame current_frame_id                | 0: frame ids not used (syntax only)                 |
 * | frame SHOWABLE_FRAME, ERROR_RESILIENT | spec inference for shown frames / shown key and     |
 * |   _MODE                               | switch frames (VA may carry 0 for still pictures)   |
 * | frame render_{width,height}_minus_1   | frame size: display metadata, no decode effect      |
 * | frame frame_width_minus_1             | superres-downscaled width from VA's upscaled width  |
 * | frame order_hints[LAST..ALTREF]       | order_hint recorded when the reference surface was  |
 * |                                       | decoded (per-surface table, exact)                  |
 * | frame skip_mode_frame[], SKIP_MODE_   | spec 5.9.22 from those order hints (exact)          |
 * |   ALLOWED                             |                                                     |
 * | frame ref_frame_idx[],                | device slots numbered by the driver (av1_state.c   |
 * |   refresh_frame_flags,                | av1_vslots_plan): each frame is stored into a slot  |
 * |   reference_frame_ts[8]               | whose frame no VA slot (ref_frame_map) holds any    |
 * |                                       | more; exact unless 8 distinct frames are live.      |
 * |                                       | Shown KEY_FRAME, SWITCH_FRAME: 0xff (exact).        |
 * |                                       | ts = the frame the slot's surface holds (ref_ts)    |
 * | frame tile_info.tile_size_bytes       | 4: OUTPUT carries tile payloads without size fields |
 * | frame tile_info.mi_{col,row}_starts   | from the tile sizes in superblocks (spec 5.9.15)    |
 * | frame cdef *_sec_strength             | VA's coded value, 3 -> 4 (spec semantics)           |
 * | film grain UPDATE_GRAIN, ref_idx      | 1, 0: VA passes the effective (loaded) parameters   |
 * | (core) display surface                | current_display_picture when it differs from       |
 * |                                       | current_frame (grain applied): it shares the        |
 * |                                       | request's CAPTURE buffer (codec.h `display`)        |
 */
#include <stdlib.h>
#include <string.h>
#include <va/va.h>
#include <va/va_dec_av1.h>

#include "codecs/av1/av1_state.h"
#include "codecs/codec.h"
#include "util/log.h"
#include "vareq/v4l2-av1.h"

#define AV1_TILE_SIZE_BYTES 4
#define AV1_CTRL_FILM_GRAIN 3 /* index in vareq_codec_av1.ctrls */

struct av1_va_state {
    struct av1_state st;
    struct v4l2_ctrl_av1_sequence seq;
    struct v4l2_ctrl_av1_frame frame;
    struct v4l2_ctrl_av1_film_grain grain;
    struct v4l2_ctrl_av1_tile_group_entry tiles[V4L2_AV1_MAX_TILE_COUNT];
};

static int av1_ctx_init(void **state)
{
    struct av1_va_state *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    av1_state_init(&s->st);
    *state = s;
    return 0;
}

static void av1_ctx_destroy(void *state)
{
    struct av1_va_state *s = state;
    if (s && s->st.evictions)
        vq_info("av1: %u frame(s) had to drop a live reference (8 distinct live frames), "
                "%u relocation(s)", s->st.evictions, s->st.relocations);
    free(state);
}

static void fill_sequence(const VADecPictureParameterBufferAV1 *pp,
                          struct v4l2_ctrl_av1_sequence *seq)
{
    uint32_t f = 0;
    const unsigned mono = pp->seq_info_fields.fields.mono_chrome;

    memset(seq, 0, sizeof(*seq));
#define SF(va, v4l2)                                                                           \
    if (pp->seq_info_fields.fields.va)                                                         \
    f |= V4L2_AV1_SEQUENCE_FLAG_##v4l2
    SF(still_picture, STILL_PICTURE);
    SF(use_128x128_superblock, USE_128X128_SUPERBLOCK);
    SF(enable_filter_intra, ENABLE_FILTER_INTRA);
    SF(enable_intra_edge_filter, ENABLE_INTRA_EDGE_FILTER);
    SF(enable_interintra_compound, ENABLE_INTERINTRA_COMPOUND);
    SF(enable_masked_compound, ENABLE_MASKED_COMPOUND);
    SF(enable_dual_filter, ENABLE_DUAL_FILTER);
    SF(enable_order_hint, ENABLE_ORDER_HINT);
    SF(enable_jnt_comp, ENABLE_JNT_COMP);
    SF(enable_cdef, ENABLE_CDEF);
    SF(mono_chrome, MONO_CHROME);
    SF(color_range, COLOR_RANGE);
    SF(subsampling_x, SUBSAMPLING_X);
    SF(subsampling_y, SUBSAMPLING_Y);
    SF(film_grain_params_present, FILM_GRAIN_PARAMS_PRESENT);
    SF(enable_order_hint, ENABLE_REF_FRAME_MVS);
#undef SF
    f |= V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION | V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES |
         V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION;
    if (!mono)
        f |= V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q;
    seq->flags = f;
    seq->seq_profile = pp->profile;
    seq->order_hint_bits =
        pp->seq_info_fields.fields.enable_order_hint ? pp->order_hint_bits_minus_1 + 1 : 0;
    seq->bit_depth = pp->bit_depth_idx == 0 ? 8 : pp->bit_depth_idx == 1 ? 10 : 12;
    seq->max_frame_width_minus_1 = 0xffff;
    seq->max_frame_height_minus_1 = 0xffff;
}

/* spec 5.9.15 with the tile sizes VA gives (uniform spacing included: FFmpeg fills the
 * arrays for both kinds). */
static int fill_tile_info(const VADecPictureParameterBufferAV1 *pp, unsigned frame_w,
                          unsigned frame_h, struct v4l2_av1_tile_info *ti)
{
    const unsigned sb_mi = pp->seq_info_fields.fields.use_128x128_superblock ? 32 : 16;
    const unsigned mi_cols = 2 * ((frame_w + 7) >> 3), mi_rows = 2 * ((frame_h + 7) >> 3);
    unsigned start = 0;

    if (!pp->tile_cols || !pp->tile_rows || pp->tile_cols > 63 || pp->tile_rows > 63) {
        vq_err("av1: %ux%u tiles outside what VA can describe", pp->tile_cols, pp->tile_rows);
        return -1;
    }
    ti->flags = pp->pic_info_fields.bits.uniform_tile_spacing_flag
                    ? V4L2_AV1_TILE_INFO_FLAG_UNIFORM_TILE_SPACING
                    : 0;
    ti->context_update_tile_id = (uint8_t)pp->context_update_tile_id;
    ti->tile_cols = pp->tile_cols;
    ti->tile_rows = pp->tile_rows;
    ti->tile_size_bytes = AV1_TILE_SIZE_BYTES;
    for (unsigned i = 0; i < pp->tile_cols; i++) {
        ti->mi_col_starts[i] = start;
        ti->width_in_sbs_minus_1[i] = pp->width_in_sbs_minus_1[i];
        start += (pp->width_in_sbs_minus_1[i] + 1u) * sb_mi;
        if (start >= mi_cols && i + 1 < pp->tile_cols) {
            vq_err("av1: tile column %u starts outside the frame", i + 1);
            return -1;
        }
    }
    ti->mi_col_starts[pp->tile_cols] = start < mi_cols ? start : mi_cols;
    start = 0;
    for (unsigned i = 0; i < pp->tile_rows; i++) {
        ti->mi_row_starts[i] = start;
        ti->height_in_sbs_minus_1[i] = pp->height_in_sbs_minus_1[i];
        start += (pp->height_in_sbs_minus_1[i] + 1u) * sb_mi;
        if (start >= mi_rows && i + 1 < pp->tile_rows) {
            vq_err("av1: tile row %u starts outside the frame", i + 1);
            return -1;
        }
    }
    ti->mi_row_starts[pp->tile_rows] = start < mi_rows ? start : mi_rows;
    if (pp->context_update_tile_id >= (unsigned)pp->tile_cols * pp->tile_rows) {
        vq_err("av1: context_update_tile_id %u outside %u tiles", pp->context_update_tile_id,
               (unsigned)pp->tile_cols * pp->tile_rows);
        return -1;
    }
    return 0;
}

static void fill_segmentation(const VADecPictureParameterBufferAV1 *pp,
                              struct v4l2_av1_segmentation *sg)
{
    const VASegmentationStructAV1 *s = &pp->seg_info;
    unsigned last = 0;
    bool pre_skip = false;

    if (s->segment_info_fields.bits.enabled)
        sg->flags |= V4L2_AV1_SEGMENTATION_FLAG_ENABLED;
    if (s->segment_info_fields.bits.update_map)
        sg->flags |= V4L2_AV1_SEGMENTATION_FLAG_UPDATE_MAP;
    if (s->segment_info_fields.bits.temporal_update)
        sg->flags |= V4L2_AV1_SEGMENTATION_FLAG_TEMPORAL_UPDATE;
    if (s->segment_info_fields.bits.update_data)
        sg->flags |= V4L2_AV1_SEGMENTATION_FLAG_UPDATE_DATA;
    for (unsigned i = 0; i < V4L2_AV1_MAX_SEGMENTS; i++) {
        sg->feature_enabled[i] = s->feature_mask[i];
        for (unsigned j = 0; j < V4L2_AV1_SEG_LVL_MAX; j++) {
            sg->feature_data[i][j] = s->feature_data[i][j];
            if (s->feature_mask[i] & (1u << j)) {
                last = i; /* spec 5.9.14: LastActiveSegId, SegIdPreSkip */
                if (j >= V4L2_AV1_SEG_LVL_REF_FRAME)
                    pre_skip = true;
            }
        }
    }
    sg->last_active_seg_id = (uint8_t)last;
    if (pre_skip)
        sg->flags |= V4L2_AV1_SEGMENTATION_FLAG_SEG_ID_PRE_SKIP;
}

static void fill_filters(const VADecPictureParameterBufferAV1 *pp, struct v4l2_ctrl_av1_frame *fr)
{
    struct v4l2_av1_loop_filter *lf = &fr->loop_filter;
    struct v4l2_av1_quantization *q = &fr->quantization;
    struct v4l2_av1_cdef *cd = &fr->cdef;
    struct v4l2_av1_loop_restoration *lr = &fr->loop_restoration;

    lf->level[0] = pp->filter_level[0];
    lf->level[1] = pp->filter_level[1];
    lf->level[2] = pp->filter_level_u;
    lf->level[3] = pp->filter_level_v;
    lf->sharpness = pp->loop_filter_info_fields.bits.sharpness_level;
    if (pp->loop_filter_info_fields.bits.mode_ref_delta_enabled)
        lf->flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED;
    if (pp->loop_filter_info_fields.bits.mode_ref_delta_update)
        lf->flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE;
    if (pp->mode_control_fields.bits.delta_lf_present_flag)
        lf->flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_PRESENT;
    if (pp->mode_control_fields.bits.delta_lf_multi)
        lf->flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_MULTI;
    lf->delta_lf_res = pp->mode_control_fields.bits.log2_delta_lf_res;
    memcpy(lf->ref_deltas, pp->ref_deltas, sizeof(lf->ref_deltas));
    memcpy(lf->mode_deltas, pp->mode_deltas, sizeof(lf->mode_deltas));

    q->base_q_idx = pp->base_qindex;
    q->delta_q_y_dc = pp->y_dc_delta_q;
    q->delta_q_u_dc = pp->u_dc_delta_q;
    q->delta_q_u_ac = pp->u_ac_delta_q;
    q->delta_q_v_dc = pp->v_dc_delta_q;
    q->delta_q_v_ac = pp->v_ac_delta_q;
    if (pp->u_dc_delta_q != pp->v_dc_delta_q || pp->u_ac_delta_q != pp->v_ac_delta_q)
        q->flags |= V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA;
    if (pp->qmatrix_fields.bits.using_qmatrix)
        q->flags |= V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX;
    if (pp->mode_control_fields.bits.delta_q_present_flag)
        q->flags |= V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT;
    q->qm_y = pp->qmatrix_fields.bits.qm_y;
    q->qm_u = pp->qmatrix_fields.bits.qm_u;
    q->qm_v = pp->qmatrix_fields.bits.qm_v;
    q->delta_q_res = pp->mode_control_fields.bits.log2_delta_q_res;

    cd->damping_minus_3 = pp->cdef_damping_minus_3;
    cd->bits = pp->cdef_bits;
    for (unsigned i = 0; i < V4L2_AV1_CDEF_MAX; i++) {
        unsigned ys = pp->cdef_y_strengths[i] & 3, us = pp->cdef_uv_strengths[i] & 3;
        cd->y_pri_strength[i] = pp->cdef_y_strengths[i] >> 2;
        cd->y_sec_strength[i] = (uint8_t)(ys == 3 ? 4 : ys);
        cd->uv_pri_strength[i] = pp->cdef_uv_strengths[i] >> 2;
        cd->uv_sec_strength[i] = (uint8_t)(us == 3 ? 4 : us);
    }

    lr->frame_restoration_type[0] = pp->loop_restoration_fields.bits.yframe_restoration_type;
    lr->frame_restoration_type[1] = pp->loop_restoration_fields.bits.cbframe_restoration_type;
    lr->frame_restoration_type[2] = pp->loop_restoration_fields.bits.crframe_restoration_type;
    lr->lr_unit_shift = pp->loop_restoration_fields.bits.lr_unit_shift;
    lr->lr_uv_shift = pp->loop_restoration_fields.bits.lr_uv_shift;
    for (unsigned i = 0; i < 3; i++)
        if (lr->frame_restoration_type[i] != V4L2_AV1_FRAME_RESTORE_NONE)
            lr->flags |= i ? V4L2_AV1_LOOP_RESTORATION_FLAG_USES_LR |
                                 V4L2_AV1_LOOP_RESTORATION_FLAG_USES_CHROMA_LR
                           : V4L2_AV1_LOOP_RESTORATION_FLAG_USES_LR;
    /* spec 5.9.20: LoopRestorationSize = RESTORATION_TILESIZE_MAX >> (2 - lr_unit_shift) */
    lr->loop_restoration_size[0] = 256u >> (2 - (lr->lr_unit_shift > 2 ? 2 : lr->lr_unit_shift));
    lr->loop_restoration_size[1] = lr->loop_restoration_size[0] >> lr->lr_uv_shift;
    lr->loop_restoration_size[2] = lr->loop_restoration_size[0] >> lr->lr_uv_shift;
}

static void fill_global_motion(const VADecPictureParameterBufferAV1 *pp,
                               struct v4l2_av1_global_motion *gm)
{
    for (unsigned r = 0; r < V4L2_AV1_TOTAL_REFS_PER_FRAME; r++) {
        /* identity defaults (spec 7.20) for INTRA_FRAME and unused entries */
        gm->type[r] = V4L2_AV1_WARP_MODEL_IDENTITY;
        for (unsigned k = 0; k < 6; k++)
            gm->params[r][k] = (k % 3 == 2) ? (1 << 16) : 0;
    }
    for (unsigned i = 0; i < 7; i++) {
        const VAWarpedMotionParamsAV1 *w = &pp->wm[i];
        unsigned r = i + 1;
        unsigned t = w->wmtype <= VAAV1TransformationAffine ? (unsigned)w->wmtype : 0;
        gm->type[r] = (enum v4l2_av1_warp_model)t;
        gm->flags[r] = 0;
        if (t != V4L2_AV1_WARP_MODEL_IDENTITY)
            gm->flags[r] |= V4L2_AV1_GLOBAL_MOTION_FLAG_IS_GLOBAL;
        if (t == V4L2_AV1_WARP_MODEL_ROTZOOM)
            gm->flags[r] |= V4L2_AV1_GLOBAL_MOTION_FLAG_IS_ROT_ZOOM;
        if (t == V4L2_AV1_WARP_MODEL_TRANSLATION)
            gm->flags[r] |= V4L2_AV1_GLOBAL_MOTION_FLAG_IS_TRANSLATION;
        for (unsigned k = 0; k < 6; k++)
            gm->params[r][k] = w->wmmat[k];
        if (w->invalid)
            gm->invalid |= (uint8_t)V4L2_AV1_GLOBAL_MOTION_IS_INVALID(r);
    }
}

static void fill_film_grain(const VADecPictureParameterBufferAV1 *pp,
                            struct v4l2_ctrl_av1_film_grain *g)
{
    const VAFilmGrainStructAV1 *v = &pp->film_grain_info;

    memset(g, 0, sizeof(*g));
    if (!v->film_grain_info_fields.bits.apply_grain)
        return;
    g->flags = V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN | V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN;
    if (v->film_grain_info_fields.bits.chroma_scaling_from_luma)
        g->flags |= V4L2_AV1_FILM_GRAIN_FLAG_CHROMA_SCALING_FROM_LUMA;
    if (v->film_grain_info_fields.bits.overlap_flag)
        g->flags |= V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP;
    if (v->film_grain_info_fields.bits.clip_to_restricted_range)
        g->flags |= V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE;
    g->grain_seed = v->grain_seed;
    g->num_y_points = v->num_y_points > 14 ? 14 : v->num_y_points;
    memcpy(g->point_y_value, v->point_y_value, g->num_y_points);
    memcpy(g->point_y_scaling, v->point_y_scaling, g->num_y_points);
    g->num_cb_points = v->num_cb_points > 10 ? 10 : v->num_cb_points;
    memcpy(g->point_cb_value, v->point_cb_value, g->num_cb_points);
    memcpy(g->point_cb_scaling, v->point_cb_scaling, g->num_cb_points);
    g->num_cr_points = v->num_cr_points > 10 ? 10 : v->num_cr_points;
    memcpy(g->point_cr_value, v->point_cr_value, g->num_cr_points);
    memcpy(g->point_cr_scaling, v->point_cr_scaling, g->num_cr_points);
    g->grain_scaling_minus_8 = v->film_grain_info_fields.bits.grain_scaling_minus_8;
    g->ar_coeff_lag = v->film_grain_info_fields.bits.ar_coeff_lag;
    for (unsigned i = 0; i < 24; i++)
        g->ar_coeffs_y_plus_128[i] = (uint8_t)(v->ar_coeffs_y[i] + 128);
    for (unsigned i = 0; i < 25; i++) {
        g->ar_coeffs_cb_plus_128[i] = (uint8_t)(v->ar_coeffs_cb[i] + 128);
        g->ar_coeffs_cr_plus_128[i] = (uint8_t)(v->ar_coeffs_cr[i] + 128);
    }
    g->ar_coeff_shift_minus_6 = v->film_grain_info_fields.bits.ar_coeff_shift_minus_6;
    g->grain_scale_shift = v->film_grain_info_fields.bits.grain_scale_shift;
    g->cb_mult = v->cb_mult;
    g->cb_luma_mult = v->cb_luma_mult;
    g->cb_offset = v->cb_offset;
    g->cr_mult = v->cr_mult;
    g->cr_luma_mult = v->cr_luma_mult;
    g->cr_offset = v->cr_offset;
}

/* Copies each distinct tile-group buffer once into OUTPUT and fills one entry per tile. */
static VAStatus fill_tiles(struct av1_va_state *s, const VADecPictureParameterBufferAV1 *pp,
                           struct vareq_codec_frame *f, unsigned *n_tiles)
{
    const unsigned expect = (unsigned)pp->tile_cols * pp->tile_rows;
    const struct vareq_va_buf *prev_data = NULL;
    size_t used = 0, base = 0;
    unsigned n = 0;

    if (f->n_slice_params != f->n_slice_data) {
        vq_err("av1: %u slice parameter buffers for %u slice data buffers", f->n_slice_params,
               f->n_slice_data);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    for (unsigned b = 0; b < f->n_slice_params; b++) {
        const struct vareq_va_buf *pb = &f->slice_params[b], *db = &f->slice_data[b];
        if (pb->element_size < sizeof(VASliceParameterBufferAV1) ||
            pb->size < (size_t)pb->element_size * pb->num_elements) {
            vq_err("av1: short slice parameter buffer");
            return VA_STATUS_ERROR_INVALID_PARAMETER;
        }
        /* FFmpeg sends the whole tile group with every tile: copy each group once */
        if (!(prev_data && prev_data->size == db->size &&
              (prev_data->data == db->data || !memcmp(prev_data->data, db->data, db->size)))) {
            if (db->size > f->out_cap - used) {
                vq_err("av1: tile data exceeds the OUTPUT buffer (%zu bytes)", f->out_cap);
                return VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
            }
            memcpy(f->out + used, db->data, db->size);
            base = used;
            used += db->size;
            prev_data = db;
        }
        for (unsigned e = 0; e < pb->num_elements; e++) {
            VASliceParameterBufferAV1 sp;
            struct v4l2_ctrl_av1_tile_group_entry *t;
            memcpy(&sp, pb->data + (size_t)e * pb->element_size, sizeof(sp));
            if (n >= expect || n >= V4L2_AV1_MAX_TILE_COUNT) {
                vq_err("av1: more tiles than the %ux%u layout", pp->tile_cols, pp->tile_rows);
                return VA_STATUS_ERROR_INVALID_PARAMETER;
            }
            if (sp.slice_data_offset > db->size ||
                sp.slice_data_size > db->size - sp.slice_data_offset || !sp.slice_data_size) {
                vq_err("av1: tile %u data %u+%u outside its %zu-byte buffer", n,
                       sp.slice_data_offset, sp.slice_data_size, db->size);
                return VA_STATUS_ERROR_INVALID_PARAMETER;
            }
            if (sp.tile_row >= pp->tile_rows || sp.tile_column >= pp->tile_cols) {
                vq_err("av1: tile %u at row %u col %u outside %ux%u", n, sp.tile_row,
                       sp.tile_column, pp->tile_rows, pp->tile_cols);
                return VA_STATUS_ERROR_INVALID_PARAMETER;
            }
            t = &s->tiles[n++];
            t->tile_offset = (uint32_t)(base + sp.slice_data_offset);
            t->tile_size = sp.slice_data_size;
            t->tile_row = sp.tile_row;
            t->tile_col = sp.tile_column;
        }
    }
    if (n != expect) {
        vq_err("av1: %u tiles for a %ux%u layout", n, pp->tile_cols, pp->tile_rows);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    f->out_used = used;
    *n_tiles = n;
    return VA_STATUS_SUCCESS;
}

static VAStatus av1_translate(void *state, struct vareq_codec_frame *f)
{
    struct av1_va_state *s = state;
    struct v4l2_ctrl_av1_frame *fr = &s->frame;
    VADecPictureParameterBufferAV1 pp;
    unsigned type, up_w, fw, fh, n_tiles = 0;
    bool intra, se_key;
    struct av1_vplan plan;
    uint32_t hints[AV1_REFS_PER_FRAME];
    uint32_t map[AV1_NUM_REF_FRAMES];
    VAStatus st;

    if (!f->pic_param || f->pic_param->size < sizeof(pp)) {
        vq_err("av1: missing or short picture parameters");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    memcpy(&pp, f->pic_param->data, sizeof(pp));
    if (pp.profile != 0 || pp.bit_depth_idx > 1) {
        vq_err("av1: profile %u, bit depth index %u: only Main 8/10-bit", pp.profile,
               pp.bit_depth_idx);
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    }
    if (pp.pic_info_fields.bits.large_scale_tile || pp.anchor_frames_num) {
        vq_err("av1: large-scale tile decoding is not supported");
        return VA_STATUS_ERROR_UNIMPLEMENTED;
    }
    if (pp.film_grain_info.film_grain_info_fields.bits.apply_grain &&
        (!pp.seq_info_fields.fields.film_grain_params_present ||
         !f->ctrl_present || !f->ctrl_present[AV1_CTRL_FILM_GRAIN])) {
        vq_err("av1: film grain to apply, but %s",
               pp.seq_info_fields.fields.film_grain_params_present
                   ? "the device has no V4L2_CID_STATELESS_AV1_FILM_GRAIN"
                   : "the sequence says film_grain_params_present = 0");
        return VA_STATUS_ERROR_UNIMPLEMENTED;
    }
    type = pp.pic_info_fields.bits.frame_type;
    intra = type == AV1_KEY_FRAME || type == AV1_INTRA_ONLY_FRAME;
    up_w = pp.frame_width_minus1 + 1u;
    fh = pp.frame_height_minus1 + 1u;
    fw = up_w;
    if (pp.pic_info_fields.bits.use_superres) {
        if (pp.superres_scale_denominator < 9 || pp.superres_scale_denominator > 16) {
            vq_err("av1: superres denominator %u", pp.superres_scale_denominator);
            return VA_STATUS_ERROR_INVALID_PARAMETER;
        }
        fw = (up_w * 8 + pp.superres_scale_denominator / 2) / pp.superres_scale_denominator;
    }
    if (up_w > f->cap_width || fh > f->cap_height) {
        vq_err("av1: frame %ux%u larger than the CAPTURE format %ux%u", up_w, fh, f->cap_width,
               f->cap_height);
        return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    }

    for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
        map[i] = pp.ref_frame_map[i];
    /* a show_existing_frame of a key frame (handled by FFmpeg without the hwaccel) shows
     * up as every VA slot holding that key frame; the device slots follow from the map */
    if (av1_infer_prev_refresh(&s->st, map, &se_key) >= 0 && se_key)
        s->st.show_existing_key_seen++;
    av1_vslots_plan(&s->st, map,
                    type == AV1_SWITCH_FRAME || (type == AV1_KEY_FRAME && pp.pic_info_fields.bits.show_frame),
                    &plan);

    fill_sequence(&pp, &s->seq);
    memset(fr, 0, sizeof(*fr));
    if (fill_tile_info(&pp, fw, fh, &fr->tile_info) < 0)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    fill_segmentation(&pp, &fr->segmentation);
    fill_filters(&pp, fr);
    fill_global_motion(&pp, &fr->global_motion);
    fill_film_grain(&pp, &s->grain);

    {
        uint32_t fl = V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE;
#define PF(va, v4l2)                                                                           \
    if (pp.pic_info_fields.bits.va)                                                            \
    fl |= V4L2_AV1_FRAME_FLAG_##v4l2
        PF(show_frame, SHOW_FRAME);
        PF(showable_frame, SHOWABLE_FRAME);
        PF(error_resilient_mode, ERROR_RESILIENT_MODE);
        PF(disable_cdf_update, DISABLE_CDF_UPDATE);
        PF(allow_screen_content_tools, ALLOW_SCREEN_CONTENT_TOOLS);
        PF(force_integer_mv, FORCE_INTEGER_MV);
        PF(allow_intrabc, ALLOW_INTRABC);
        PF(use_superres, USE_SUPERRES);
        PF(allow_high_precision_mv, ALLOW_HIGH_PRECISION_MV);
        PF(is_motion_mode_switchable, IS_MOTION_MODE_SWITCHABLE);
        PF(use_ref_frame_mvs, USE_REF_FRAME_MVS);
        PF(disable_frame_end_update_cdf, DISABLE_FRAME_END_UPDATE_CDF);
        PF(allow_warped_motion, ALLOW_WARPED_MOTION);
#undef PF
        /* spec 5.9.2 inferences, which FFmpeg's CBS skips for reduced still-picture
         * headers: a shown frame's showable_frame = (frame_type != KEY_FRAME); shown key
         * frames and switch frames are error resilient */
        if (fl & V4L2_AV1_FRAME_FLAG_SHOW_FRAME) {
            fl &= ~(uint32_t)V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME;
            if (type != AV1_KEY_FRAME)
                fl |= V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME;
        }
        if (type == AV1_SWITCH_FRAME ||
            (type == AV1_KEY_FRAME && (fl & V4L2_AV1_FRAME_FLAG_SHOW_FRAME)))
            fl |= V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE;
        if (pp.mode_control_fields.bits.reference_select)
            fl |= V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT;
        if (pp.mode_control_fields.bits.reduced_tx_set_used)
            fl |= V4L2_AV1_FRAME_FLAG_REDUCED_TX_SET;
        if (pp.mode_control_fields.bits.skip_mode_present)
            fl |= V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT;
        fr->flags = fl;
    }
    fr->superres_denom = pp.pic_info_fields.bits.use_superres ? pp.superres_scale_denominator : 8;
    fr->primary_ref_frame = pp.primary_ref_frame;
    fr->frame_type = (enum v4l2_av1_frame_type)type;
    fr->order_hint = pp.order_hint;
    fr->upscaled_width = up_w;
    fr->interpolation_filter = (enum v4l2_av1_interpolation_filter)(pp.interp_filter > 4 ? 4 : pp.interp_filter);
    fr->tx_mode = (enum v4l2_av1_tx_mode)(pp.mode_control_fields.bits.tx_mode > 2 ? 2 : pp.mode_control_fields.bits.tx_mode);
    fr->frame_width_minus_1 = fw - 1;
    fr->frame_height_minus_1 = fh - 1;
    fr->render_width_minus_1 = (uint16_t)(up_w - 1);
    fr->render_height_minus_1 = (uint16_t)(fh - 1);

    /* device slots (av1_vslots_plan): the timestamp of each live frame, 0 for dead slots */
    for (unsigned v = 0; v < AV1_NUM_REF_FRAMES; v++) {
        uint64_t ts = 0;
        if (plan.vslot_surface[v] != AV1_INVALID_ID &&
            f->ref_ts(f->opaque, plan.vslot_surface[v], &ts) < 0)
            ts = 0;
        fr->reference_frame_ts[v] = ts;
    }
    memset(hints, 0, sizeof(hints));
    for (unsigned i = 0; i < AV1_REFS_PER_FRAME; i++) {
        unsigned idx = pp.ref_frame_idx[i];
        int v;
        if (idx >= AV1_NUM_REF_FRAMES) {
            vq_err("av1: ref_frame_idx[%u] = %u", i, idx);
            return VA_STATUS_ERROR_INVALID_PARAMETER;
        }
        v = plan.vslot_of_real[idx];
        fr->ref_frame_idx[i] = (int8_t)(v >= 0 ? v : 0);
        if (!intra) {
            const struct av1_surface_info *in = av1_state_find(&s->st, map[idx]);
            if (!in || v < 0 || !fr->reference_frame_ts[v]) {
                vq_err("av1: reference %u (VA slot %u, surface 0x%x) is no frame the device "
                       "kept%s", i, idx, map[idx],
                       in && v < 0 ? " (dropped: 8 distinct live frames)" : "");
                return VA_STATUS_ERROR_INVALID_SURFACE;
            }
            hints[i] = in->order_hint;
            fr->order_hints[V4L2_AV1_REF_LAST_FRAME + i] = in->order_hint;
        }
    }
    if (av1_skip_mode_frames(intra, pp.mode_control_fields.bits.reference_select,
                             s->seq.order_hint_bits, pp.order_hint, hints,
                             fr->skip_mode_frame))
        fr->flags |= V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED;
    else if (pp.mode_control_fields.bits.skip_mode_present) {
        vq_err("av1: skip mode present but not allowed by the references' order hints");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    fr->refresh_frame_flags = plan.refresh;
    /* Film grain (VA: current_display_picture != current_frame): the device applies the
     * grain into the CAPTURE buffer (FILM_GRAIN control, APPLY_GRAIN) and keeps the
     * grain-free frame as the reference of that buffer's timestamp; the core gives the
     * buffer to the display surface too, and current_frame stays the reference. */
    f->display = VA_INVALID_SURFACE;
    if (pp.current_display_picture != VA_INVALID_SURFACE &&
        pp.current_display_picture != pp.current_frame)
        f->display = pp.current_display_picture;

    st = fill_tiles(s, &pp, f, &n_tiles);
    if (st != VA_STATUS_SUCCESS)
        return st;

    f->n_ctrls = 0;
    for (unsigned i = 0; i < vareq_codec_av1.n_ctrls; i++) {
        struct v4l2_ext_control *c = &f->ctrls[f->n_ctrls];
        if (!f->ctrl_present[i])
            continue;
        memset(c, 0, sizeof(*c));
        c->id = vareq_codec_av1.ctrls[i].id;
        switch (c->id) {
        case V4L2_CID_STATELESS_AV1_SEQUENCE:
            c->ptr = &s->seq;
            c->size = sizeof(s->seq);
            break;
        case V4L2_CID_STATELESS_AV1_FRAME:
            c->ptr = fr;
            c->size = sizeof(*fr);
            break;
        case V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY:
            c->ptr = s->tiles;
            c->size = (uint32_t)(n_tiles * sizeof(s->tiles[0]));
            break;
        case V4L2_CID_STATELESS_AV1_FILM_GRAIN:
            if (!(s->seq.flags & V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT))
                continue;
            c->ptr = &s->grain;
            c->size = sizeof(s->grain);
            break;
        default:
            continue;
        }
        f->n_ctrls++;
    }

    /* remember what this frame put into its surface; the next frame checks the refresh */
    {
        struct av1_surface_info in = {
            .surface = pp.current_frame,
            .order_hint = pp.order_hint,
            .frame_type = (uint8_t)type,
            .shown = pp.pic_info_fields.bits.show_frame,
            .upscaled_width = up_w,
            .frame_height = fh,
        };
        av1_state_record(&s->st, &in);
        av1_vslots_commit(&s->st, &plan, pp.current_frame);
        s->st.have_prev = true;
        s->st.prev_surface = pp.current_frame;
        memcpy(s->st.prev_map, map, sizeof(map));
        if (plan.evicted)
            vq_dbg("av1: 8 distinct live frames: device slot 0x%02x dropped its frame",
                   plan.refresh);
        if (plan.relocated)
            vq_dbg("av1: device slots 0x%02x name frames an eviction had dropped",
                   plan.relocated);
    }
    vq_dbg("av1: type %u %ux%u (up %u) oh %u, %u tiles, %zu bytes, refresh 0x%02x%s%s%s%s", type,
           fw, fh, up_w, pp.order_hint, n_tiles, f->out_used, fr->refresh_frame_flags,
           (fr->segmentation.flags & V4L2_AV1_SEGMENTATION_FLAG_ENABLED) ? " seg" : "",
           (fr->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES) ? " superres" : "",
           (fr->loop_restoration.flags & V4L2_AV1_LOOP_RESTORATION_FLAG_USES_LR) ? " lr" : "",
           (fr->flags & V4L2_AV1_FRAME_FLAG_DISABLE_FRAME_END_UPDATE_CDF) ? "" : " cdf-update");
    return VA_STATUS_SUCCESS;
}

/* Size for the core's in-stream size change (codec.h frame_size). AV1 frames of one
 * sequence may have any size up to the sequence maximum (reference scaling, spatial layers),
 * so the CAPTURE format only grows: a frame that fits reports nothing; one that does not
 * fit reports its size, as a keyframe when it is a shown key frame (every slot refreshed). */
static int av1_frame_size(const struct vareq_codec_frame *f, unsigned *w, unsigned *h, bool *key)
{
    VADecPictureParameterBufferAV1 pp;

    if (!f->pic_param || f->pic_param->size < sizeof(pp))
        return -1;
    memcpy(&pp, f->pic_param->data, sizeof(pp));
    *w = pp.frame_width_minus1 + 1u;
    *h = pp.frame_height_minus1 + 1u;
    if (*w <= f->cap_width && *h <= f->cap_height)
        return -1;
    *key = pp.pic_info_fields.bits.frame_type == AV1_KEY_FRAME && pp.pic_info_fields.bits.show_frame;
    return 0;
}

/* Bit depth for devices that enumerate P010 only after the sequence control says 10-bit
 * (codec.h format_ctrls): a Main-profile 4:2:0 sequence header of that depth. */
static int av1_format_ctrls(unsigned bit_depth, struct v4l2_ext_control *ctrls, unsigned *n,
                            void *buf, size_t buf_size)
{
    struct v4l2_ctrl_av1_sequence *seq = buf;

    if (buf_size < sizeof(*seq) || (bit_depth != 8 && bit_depth != 10))
        return -1;
    memset(seq, 0, sizeof(*seq));
    seq->flags = V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X | V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y;
    seq->seq_profile = 0;
    seq->bit_depth = (uint8_t)bit_depth;
    seq->max_frame_width_minus_1 = 0xffff;
    seq->max_frame_height_minus_1 = 0xffff;
    memset(&ctrls[0], 0, sizeof(ctrls[0]));
    ctrls[0].id = V4L2_CID_STATELESS_AV1_SEQUENCE;
    ctrls[0].ptr = seq;
    ctrls[0].size = sizeof(*seq);
    *n = 1;
    return 0;
}

const struct vareq_codec vareq_codec_av1 = {
    .name = "AV1",
    .output_pixfmt = V4L2_PIX_FMT_AV1_FRAME,
    .profiles = {{VAProfileAV1Profile0, "AV1Profile0", VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10}},
    .n_profiles = 1,
    .ctrls = {{V4L2_CID_STATELESS_AV1_SEQUENCE, true},
              {V4L2_CID_STATELESS_AV1_FRAME, true},
              {V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, true},
              {V4L2_CID_STATELESS_AV1_FILM_GRAIN, false}},
    .n_ctrls = 4,
    .pic_param_size = sizeof(VADecPictureParameterBufferAV1),
    .slice_param_size = sizeof(VASliceParameterBufferAV1),
    .ctx_init = av1_ctx_init,
    .ctx_destroy = av1_ctx_destroy,
    .translate = av1_translate,
    .frame_size = av1_frame_size,
    .format_ctrls = av1_format_ctrls,
    .refs_all_live = true, /* reference_frame_ts[] names all eight slots */
};
