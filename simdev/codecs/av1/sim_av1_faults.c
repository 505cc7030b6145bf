#include "sim_av1_faults.h"

#include "vareq/v4l2-av1.h"

static struct v4l2_ctrl_av1_frame *frm(struct sim_ctrl_set *c)
{
    return sim_ctrls_get_mut(c, V4L2_CID_STATELESS_AV1_FRAME, NULL);
}

static struct v4l2_ctrl_av1_sequence *seqc(struct sim_ctrl_set *c)
{
    return sim_ctrls_get_mut(c, V4L2_CID_STATELESS_AV1_SEQUENCE, NULL);
}

static int inter(const struct v4l2_ctrl_av1_frame *f)
{
    return f->frame_type == V4L2_AV1_INTER_FRAME || f->frame_type == V4L2_AV1_SWITCH_FRAME;
}

#define FRAME_FAULT(fn, body) SIM_CTRL_FAULT(fn, struct v4l2_ctrl_av1_frame, f, frm(c), body)
#define FLAG_FAULT(fn, flag) FRAME_FAULT(fn, f->flags ^= (flag))
#define SEQ_FAULT(fn, flag)                                                                    \
    SIM_CTRL_FAULT(fn, struct v4l2_ctrl_av1_sequence, s, seqc(c), s->flags ^= (flag))

FRAME_FAULT(q_base, f->quantization.base_q_idx ^= 1)
FRAME_FAULT(q_ydc, f->quantization.delta_q_y_dc = (__s8)(f->quantization.delta_q_y_dc < 63 ? f->quantization.delta_q_y_dc + 1 : 62))
FRAME_FAULT(q_uvdc, {
    f->quantization.delta_q_u_dc = (__s8)(f->quantization.delta_q_u_dc < 63 ? f->quantization.delta_q_u_dc + 1 : 62);
    if (!(f->quantization.flags & V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA))
        f->quantization.delta_q_v_dc = f->quantization.delta_q_u_dc;
})
FRAME_FAULT(q_uvac, {
    f->quantization.delta_q_u_ac = (__s8)(f->quantization.delta_q_u_ac < 63 ? f->quantization.delta_q_u_ac + 1 : 62);
    if (!(f->quantization.flags & V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA))
        f->quantization.delta_q_v_ac = f->quantization.delta_q_u_ac;
})
FRAME_FAULT(q_vdc, {
    f->quantization.flags |= V4L2_AV1_QUANTIZATION_FLAG_DIFF_UV_DELTA;
    f->quantization.delta_q_v_dc = (__s8)(f->quantization.delta_q_u_dc < 63 ? f->quantization.delta_q_u_dc + 1 : 62);
})
FRAME_FAULT(q_matrix, {
    f->quantization.flags ^= V4L2_AV1_QUANTIZATION_FLAG_USING_QMATRIX;
    f->quantization.qm_y = f->quantization.qm_u = f->quantization.qm_v = 5;
})
FRAME_FAULT(q_delta_present, if (f->quantization.base_q_idx) f->quantization.flags ^= V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT)
FRAME_FAULT(lf_level0, f->loop_filter.level[0] ^= 1)
FRAME_FAULT(lf_level1, f->loop_filter.level[1] ^= 1)
FRAME_FAULT(lf_level_u, f->loop_filter.level[2] ^= 1)
FRAME_FAULT(lf_level_v, f->loop_filter.level[3] ^= 1)
FRAME_FAULT(lf_sharpness, f->loop_filter.sharpness ^= 1)
FRAME_FAULT(lf_ref_delta, {
    f->loop_filter.flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED | V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE;
    f->loop_filter.ref_deltas[0] = (__s8)(f->loop_filter.ref_deltas[0] < 63 ? f->loop_filter.ref_deltas[0] + 1 : 62);
})
FRAME_FAULT(lf_mode_delta, {
    f->loop_filter.flags |= V4L2_AV1_LOOP_FILTER_FLAG_DELTA_ENABLED | V4L2_AV1_LOOP_FILTER_FLAG_DELTA_UPDATE;
    f->loop_filter.mode_deltas[0] = (__s8)(f->loop_filter.mode_deltas[0] < 63 ? f->loop_filter.mode_deltas[0] + 1 : 62);
})
FRAME_FAULT(cdef_damping, f->cdef.damping_minus_3 ^= 1)
FRAME_FAULT(cdef_y_pri, f->cdef.y_pri_strength[0] ^= 1)
FRAME_FAULT(cdef_y_sec, f->cdef.y_sec_strength[0] = f->cdef.y_sec_strength[0] ? 0 : 1)
FRAME_FAULT(cdef_uv_pri, f->cdef.uv_pri_strength[0] ^= 1)
FRAME_FAULT(cdef_uv_sec, f->cdef.uv_sec_strength[0] = f->cdef.uv_sec_strength[0] ? 0 : 1)
FRAME_FAULT(lr_type, {
    enum v4l2_av1_frame_restoration_type *t = &f->loop_restoration.frame_restoration_type[0];
    if (*t == V4L2_AV1_FRAME_RESTORE_WIENER)
        *t = V4L2_AV1_FRAME_RESTORE_SGRPROJ;
    else if (*t == V4L2_AV1_FRAME_RESTORE_SGRPROJ)
        *t = V4L2_AV1_FRAME_RESTORE_WIENER;
})
FRAME_FAULT(lr_unit_shift, {
    struct v4l2_av1_loop_restoration *lr = &f->loop_restoration;
    lr->lr_unit_shift = lr->lr_unit_shift == 2 ? 1 : lr->lr_unit_shift + 1;
    lr->loop_restoration_size[0] = 256u >> (2 - lr->lr_unit_shift);
    lr->loop_restoration_size[1] = lr->loop_restoration_size[2] = lr->loop_restoration_size[0] >> lr->lr_uv_shift;
})
FRAME_FAULT(tx_mode, f->tx_mode = f->tx_mode == V4L2_AV1_TX_MODE_SELECT ? V4L2_AV1_TX_MODE_LARGEST : V4L2_AV1_TX_MODE_SELECT)
FRAME_FAULT(interp_filter, f->interpolation_filter = (enum v4l2_av1_interpolation_filter)((f->interpolation_filter + 1) % 5))
FLAG_FAULT(fl_reduced_tx_set, V4L2_AV1_FRAME_FLAG_REDUCED_TX_SET)
FRAME_FAULT(fl_hp_mv, if (inter(f)) f->flags ^= V4L2_AV1_FRAME_FLAG_ALLOW_HIGH_PRECISION_MV)
FRAME_FAULT(fl_motion_switchable, if (inter(f)) f->flags ^= V4L2_AV1_FRAME_FLAG_IS_MOTION_MODE_SWITCHABLE)
FRAME_FAULT(fl_ref_frame_mvs, if (inter(f)) f->flags ^= V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS)
FLAG_FAULT(fl_disable_cdf_update, V4L2_AV1_FRAME_FLAG_DISABLE_CDF_UPDATE)
FLAG_FAULT(fl_disable_end_update_cdf, V4L2_AV1_FRAME_FLAG_DISABLE_FRAME_END_UPDATE_CDF)
FRAME_FAULT(fl_reference_select, if (inter(f)) f->flags ^= V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT)
FRAME_FAULT(fl_warped_motion, if (inter(f)) f->flags ^= V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION)
FLAG_FAULT(fl_skip_mode_present, V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT)
FLAG_FAULT(fl_screen_content, V4L2_AV1_FRAME_FLAG_ALLOW_SCREEN_CONTENT_TOOLS)
FLAG_FAULT(fl_show_frame, V4L2_AV1_FRAME_FLAG_SHOW_FRAME)
FLAG_FAULT(fl_error_resilient, V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE)
FLAG_FAULT(fl_superres, V4L2_AV1_FRAME_FLAG_USE_SUPERRES)
FRAME_FAULT(primary_ref, if (f->primary_ref_frame < 7) f->primary_ref_frame = (__u8)((f->primary_ref_frame + 1) % 7))
FRAME_FAULT(ref_idx0, if (inter(f)) f->ref_frame_idx[0] = (__s8)((f->ref_frame_idx[0] + 1) % 8))
FRAME_FAULT(ref_idx6, if (inter(f)) f->ref_frame_idx[6] = (__s8)((f->ref_frame_idx[6] + 1) % 8))
FRAME_FAULT(order_hint, f->order_hint = f->order_hint + 1)
FRAME_FAULT(order_hints, f->order_hints[V4L2_AV1_REF_LAST_FRAME] += 1)
FRAME_FAULT(skip_mode_frame, f->skip_mode_frame[1] = (__u8)(f->skip_mode_frame[1] % 7 + 1))
FRAME_FAULT(frame_type, if (f->frame_type == V4L2_AV1_INTER_FRAME) f->frame_type = V4L2_AV1_INTRA_ONLY_FRAME)
FRAME_FAULT(frame_width, { f->frame_width_minus_1 -= 8; f->upscaled_width -= 8; })
FRAME_FAULT(frame_height, f->frame_height_minus_1 -= 8)
FRAME_FAULT(seg_enable, f->segmentation.flags ^= V4L2_AV1_SEGMENTATION_FLAG_ENABLED)
static void seg_data(struct sim_ctrl_set *c)
{
    struct v4l2_ctrl_av1_frame *f = frm(c);
    if (!f || !(f->segmentation.flags & V4L2_AV1_SEGMENTATION_FLAG_ENABLED))
        return;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 6; j++) /* the features with a value */
            if (f->segmentation.feature_enabled[i] & (1u << j)) {
                __s16 *v = &f->segmentation.feature_data[i][j];
                *v = (__s16)(j == 5 ? (*v + 1) % 8 : *v ? 0 : 5);
            }
}
FRAME_FAULT(gm_param, for (int r = 1; r < 8; r++) if (f->global_motion.type[r] != V4L2_AV1_WARP_MODEL_IDENTITY) f->global_motion.params[r][0] += 1 << 13)
FRAME_FAULT(tile_ctx_id, if (f->tile_info.tile_cols * f->tile_info.tile_rows > 1) f->tile_info.context_update_tile_id = (__u8)((f->tile_info.context_update_tile_id + 1) % (f->tile_info.tile_cols * f->tile_info.tile_rows)))
FRAME_FAULT(refresh_flags, if (f->frame_type != V4L2_AV1_KEY_FRAME && f->frame_type != V4L2_AV1_SWITCH_FRAME) f->refresh_frame_flags ^= 0x80)
SEQ_FAULT(seq_filter_intra, V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA)
SEQ_FAULT(seq_intra_edge, V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER)
SEQ_FAULT(seq_interintra, V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTERINTRA_COMPOUND)
SEQ_FAULT(seq_masked, V4L2_AV1_SEQUENCE_FLAG_ENABLE_MASKED_COMPOUND)
SEQ_FAULT(seq_dual_filter, V4L2_AV1_SEQUENCE_FLAG_ENABLE_DUAL_FILTER)
SEQ_FAULT(seq_jnt_comp, V4L2_AV1_SEQUENCE_FLAG_ENABLE_JNT_COMP)
SEQ_FAULT(seq_order_hint, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT)
SEQ_FAULT(seq_sb128, V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK)
SEQ_FAULT(seq_cdef, V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF)
SEQ_FAULT(seq_restoration, V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION)
SEQ_FAULT(seq_superres, V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES)
SEQ_FAULT(seq_warped, V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION)
SEQ_FAULT(seq_ref_frame_mvs, V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS)
SEQ_FAULT(seq_mono, V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME)
SEQ_FAULT(seq_sep_uv, V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q)
SEQ_FAULT(seq_color_range, V4L2_AV1_SEQUENCE_FLAG_COLOR_RANGE)
static void seq_order_bits(struct sim_ctrl_set *c)
{
    struct v4l2_ctrl_av1_sequence *s = seqc(c);
    if (s && s->order_hint_bits)
        s->order_hint_bits = 3;
}
static void tile_offset(struct sim_ctrl_set *c)
{
    struct v4l2_ctrl_av1_tile_group_entry *t =
        sim_ctrls_get_mut(c, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, NULL);
    if (t && t->tile_size > 1) {
        t->tile_offset++;
        t->tile_size--;
    }
}
static void tile_size(struct sim_ctrl_set *c)
{
    struct v4l2_ctrl_av1_tile_group_entry *t =
        sim_ctrls_get_mut(c, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, NULL);
    if (t && t->tile_size > 1)
        t->tile_size--;
}
static void tile_swap(struct sim_ctrl_set *c)
{
    uint32_t n = 0;
    struct v4l2_ctrl_av1_tile_group_entry *t =
        sim_ctrls_get_mut(c, V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, &n);
    if (t && n > 1) {
        struct v4l2_ctrl_av1_tile_group_entry x = t[0];
        t[0].tile_offset = t[1].tile_offset;
        t[0].tile_size = t[1].tile_size;
        t[1].tile_offset = x.tile_offset;
        t[1].tile_size = x.tile_size;
    }
}

/* Film grain: faults on frames that apply grain (the parameters of the others are unused). */
static struct v4l2_ctrl_av1_film_grain *grain(struct sim_ctrl_set *c)
{
    struct v4l2_ctrl_av1_film_grain *g =
        sim_ctrls_get_mut(c, V4L2_CID_STATELESS_AV1_FILM_GRAIN, NULL);
    return g && (g->flags & V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN) ? g : NULL;
}

#define GRAIN_FAULT(fn, body) SIM_CTRL_FAULT(fn, struct v4l2_ctrl_av1_film_grain, g, grain(c), body)

GRAIN_FAULT(fg_apply, g->flags &= (__u8)~V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN)
GRAIN_FAULT(fg_update, g->flags &= (__u8)~V4L2_AV1_FILM_GRAIN_FLAG_UPDATE_GRAIN)
GRAIN_FAULT(fg_seed, g->grain_seed ^= 1)
GRAIN_FAULT(fg_y_scaling, if (g->num_y_points) g->point_y_scaling[0] ^= 1)
GRAIN_FAULT(fg_cb_scaling, if (g->num_cb_points) g->point_cb_scaling[0] ^= 1)
GRAIN_FAULT(fg_cr_scaling, if (g->num_cr_points) g->point_cr_scaling[0] ^= 1)
GRAIN_FAULT(fg_scaling_shift, g->grain_scaling_minus_8 ^= 1)
GRAIN_FAULT(fg_ar_lag, g->ar_coeff_lag ^= 1)
GRAIN_FAULT(fg_ar_coeff_y, g->ar_coeffs_y_plus_128[0] ^= 1)
GRAIN_FAULT(fg_ar_coeff_cb, g->ar_coeffs_cb_plus_128[0] ^= 1)
GRAIN_FAULT(fg_ar_coeff_cr, g->ar_coeffs_cr_plus_128[0] ^= 1)
GRAIN_FAULT(fg_ar_shift, g->ar_coeff_shift_minus_6 ^= 1)
GRAIN_FAULT(fg_scale_shift, g->grain_scale_shift ^= 1)
GRAIN_FAULT(fg_cb_mult, g->cb_mult ^= 1)
GRAIN_FAULT(fg_cb_luma_mult, g->cb_luma_mult ^= 1)
GRAIN_FAULT(fg_cb_offset, g->cb_offset ^= 1)
GRAIN_FAULT(fg_cr_mult, g->cr_mult ^= 1)
GRAIN_FAULT(fg_cr_luma_mult, g->cr_luma_mult ^= 1)
GRAIN_FAULT(fg_cr_offset, g->cr_offset ^= 1)
GRAIN_FAULT(fg_overlap, g->flags ^= V4L2_AV1_FILM_GRAIN_FLAG_OVERLAP)
GRAIN_FAULT(fg_clip, g->flags ^= V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE)
GRAIN_FAULT(fg_csfl, g->flags ^= V4L2_AV1_FILM_GRAIN_FLAG_CHROMA_SCALING_FROM_LUMA)
SEQ_FAULT(seq_film_grain, V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT)

#define F(name, fn) {"av1-" name, fn}
const struct sim_codec_fault sim_av1_faults[] = {
    F("corrupt-base-q", q_base), F("q-y-dc", q_ydc), F("q-uv-dc", q_uvdc), F("q-uv-ac", q_uvac),
    F("q-v-dc", q_vdc), F("q-matrix", q_matrix), F("q-delta-present", q_delta_present),
    F("lf-level0", lf_level0), F("lf-level1", lf_level1), F("lf-level-u", lf_level_u),
    F("lf-level-v", lf_level_v), F("lf-sharpness", lf_sharpness), F("lf-ref-delta", lf_ref_delta),
    F("lf-mode-delta", lf_mode_delta), F("cdef-damping", cdef_damping), F("cdef-y-pri", cdef_y_pri),
    F("cdef-y-sec", cdef_y_sec), F("cdef-uv-pri", cdef_uv_pri), F("cdef-uv-sec", cdef_uv_sec),
    F("lr-type", lr_type), F("lr-unit-shift", lr_unit_shift), F("tx-mode", tx_mode),
    F("interp-filter", interp_filter), F("fl-reduced-tx-set", fl_reduced_tx_set),
    F("fl-hp-mv", fl_hp_mv), F("fl-motion-switchable", fl_motion_switchable),
    F("fl-ref-frame-mvs", fl_ref_frame_mvs), F("fl-disable-cdf-update", fl_disable_cdf_update),
    F("fl-disable-end-update-cdf", fl_disable_end_update_cdf),
    F("fl-reference-select", fl_reference_select), F("fl-warped-motion", fl_warped_motion),
    F("fl-skip-mode-present", fl_skip_mode_present), F("fl-screen-content", fl_screen_content),
    F("fl-show-frame", fl_show_frame), F("fl-error-resilient", fl_error_resilient),
    F("fl-superres", fl_superres), F("primary-ref", primary_ref), F("ref-idx0", ref_idx0),
    F("ref-idx6", ref_idx6), F("order-hint", order_hint), F("order-hints", order_hints),
    F("skip-mode-frame", skip_mode_frame), F("frame-type", frame_type),
    F("frame-width", frame_width), F("frame-height", frame_height), F("seg-enable", seg_enable),
    F("seg-data", seg_data), F("gm-param", gm_param), F("tile-ctx-id", tile_ctx_id),
    F("refresh-flags", refresh_flags), F("seq-filter-intra", seq_filter_intra),
    F("seq-intra-edge", seq_intra_edge), F("seq-interintra", seq_interintra),
    F("seq-masked", seq_masked), F("seq-dual-filter", seq_dual_filter),
    F("seq-jnt-comp", seq_jnt_comp), F("seq-order-hint", seq_order_hint), F("seq-sb128", seq_sb128),
    F("seq-cdef", seq_cdef), F("seq-restoration", seq_restoration), F("seq-superres", seq_superres),
    F("seq-warped", seq_warped), F("seq-ref-frame-mvs", seq_ref_frame_mvs), F("seq-mono", seq_mono),
    F("seq-sep-uv", seq_sep_uv), F("seq-color-range", seq_color_range),
    F("seq-order-bits", seq_order_bits), F("shift-tile-offset", tile_offset),
    F("tile-size", tile_size), F("tile-swap", tile_swap),
    F("fg-apply", fg_apply), F("fg-update", fg_update), F("fg-seed", fg_seed),
    F("fg-y-scaling", fg_y_scaling), F("fg-cb-scaling", fg_cb_scaling),
    F("fg-cr-scaling", fg_cr_scaling), F("fg-scaling-shift", fg_scaling_shift),
    F("fg-ar-lag", fg_ar_lag), F("fg-ar-coeff-y", fg_ar_coeff_y),
    F("fg-ar-coeff-cb", fg_ar_coeff_cb), F("fg-ar-coeff-cr", fg_ar_coeff_cr),
    F("fg-ar-shift", fg_ar_shift), F("fg-scale-shift", fg_scale_shift),
    F("fg-cb-mult", fg_cb_mult), F("fg-cb-luma-mult", fg_cb_luma_mult),
    F("fg-cb-offset", fg_cb_offset), F("fg-cr-mult", fg_cr_mult),
    F("fg-cr-luma-mult", fg_cr_luma_mult), F("fg-cr-offset", fg_cr_offset),
    F("fg-overlap", fg_overlap), F("fg-clip", fg_clip), F("fg-csfl", fg_csfl),
    F("seq-film-grain", seq_film_grain),
};
_Static_assert(sizeof(sim_av1_faults) / sizeof(sim_av1_faults[0]) == SIM_AV1_N_FAULTS,
               "SIM_AV1_N_FAULTS");
