/* H.264 sensitivity faults: one control field changed in the job's copy of the controls. */
#include "sim_h264_faults.h"

#include <linux/v4l2-controls.h>

#define FAULT(fn, type, id, body) SIM_CTRL_FAULT(fn, type, x, sim_ctrls_get_mut(c, id, NULL), body)
#define SPS(fn, body) FAULT(fn, struct v4l2_ctrl_h264_sps, V4L2_CID_STATELESS_H264_SPS, body)
#define PPS(fn, body) FAULT(fn, struct v4l2_ctrl_h264_pps, V4L2_CID_STATELESS_H264_PPS, body)
#define SM(fn, body)                                                                       \
    FAULT(fn, struct v4l2_ctrl_h264_scaling_matrix, V4L2_CID_STATELESS_H264_SCALING_MATRIX, body)
#define PW(fn, body)                                                                       \
    FAULT(fn, struct v4l2_ctrl_h264_pred_weights, V4L2_CID_STATELESS_H264_PRED_WEIGHTS, body)
#define SL(fn, body)                                                                       \
    FAULT(fn, struct v4l2_ctrl_h264_slice_params, V4L2_CID_STATELESS_H264_SLICE_PARAMS, body)
#define DEC(fn, body)                                                                      \
    FAULT(fn, struct v4l2_ctrl_h264_decode_params, V4L2_CID_STATELESS_H264_DECODE_PARAMS, body)
/* the first valid DPB entry */
#define DPB(fn, body)                                                                      \
    DEC(fn, for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++) {                     \
        struct v4l2_h264_dpb_entry *e = &x->dpb[i];                                        \
        if (e->flags & V4L2_H264_DPB_ENTRY_FLAG_VALID) {                                   \
            body;                                                                          \
            break;                                                                         \
        }                                                                                  \
    })

SPS(sps_profile, x->profile_idc = x->profile_idc == 100 ? 77 : 100)
SPS(sps_constraints, x->constraint_set_flags ^= 0x3f)
SPS(sps_level, x->level_idc = x->level_idc == 51 ? 30 : 51)
SPS(sps_id, x->seq_parameter_set_id ^= 1)
SPS(sps_chroma_format, x->chroma_format_idc = x->chroma_format_idc == 1 ? 0 : 1)
SPS(sps_bit_depth_luma, x->bit_depth_luma_minus8 += 2)
SPS(sps_bit_depth_chroma, x->bit_depth_chroma_minus8 += 2)
SPS(sps_log2_max_frame_num, x->log2_max_frame_num_minus4 = (x->log2_max_frame_num_minus4 + 1) % 13)
SPS(sps_poc_type, x->pic_order_cnt_type = (x->pic_order_cnt_type + 1) % 3)
SPS(sps_log2_max_poc_lsb, x->log2_max_pic_order_cnt_lsb_minus4 = (x->log2_max_pic_order_cnt_lsb_minus4 + 1) % 13)
SPS(sps_max_num_ref_frames, x->max_num_ref_frames = x->max_num_ref_frames > 1 ? x->max_num_ref_frames - 1 : 2)
SPS(sps_poc_cycle, {
    x->num_ref_frames_in_pic_order_cnt_cycle = 1;
    x->offset_for_ref_frame[0] += 2;
})
SPS(sps_offset_non_ref, x->offset_for_non_ref_pic -= 2)
SPS(sps_offset_top_bottom, x->offset_for_top_to_bottom_field += 1)
SPS(sps_width, x->pic_width_in_mbs_minus1 -= 1)
SPS(sps_height, x->pic_height_in_map_units_minus1 -= 1)
SPS(sps_separate_colour_plane, x->flags ^= V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE)
SPS(sps_transform_bypass, x->flags ^= V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS)
SPS(sps_delta_poc_zero, x->flags ^= V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO)
SPS(sps_gaps, x->flags ^= V4L2_H264_SPS_FLAG_GAPS_IN_FRAME_NUM_VALUE_ALLOWED)
SPS(sps_frame_mbs_only, x->flags ^= V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY)
SPS(sps_mbaff, x->flags ^= V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD)
SPS(sps_direct_8x8, x->flags ^= V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE)

PPS(pps_id, x->pic_parameter_set_id ^= 1)
PPS(pps_sps_id, x->seq_parameter_set_id ^= 1)
PPS(pps_slice_groups, x->num_slice_groups_minus1 += 1)
PPS(pps_l0_default, x->num_ref_idx_l0_default_active_minus1 = (x->num_ref_idx_l0_default_active_minus1 + 1) % 32)
PPS(pps_l1_default, x->num_ref_idx_l1_default_active_minus1 = (x->num_ref_idx_l1_default_active_minus1 + 1) % 32)
PPS(pps_weighted_bipred, x->weighted_bipred_idc = (x->weighted_bipred_idc + 1) % 3)
PPS(pps_init_qp, x->pic_init_qp_minus26 = x->pic_init_qp_minus26 < 25 ? x->pic_init_qp_minus26 + 1 : 24)
PPS(pps_init_qs, x->pic_init_qs_minus26 = x->pic_init_qs_minus26 < 25 ? x->pic_init_qs_minus26 + 1 : 24)
PPS(pps_chroma_qp_offset, x->chroma_qp_index_offset = x->chroma_qp_index_offset < 12 ? x->chroma_qp_index_offset + 1 : 11)
PPS(pps_second_chroma_qp_offset, x->second_chroma_qp_index_offset = x->second_chroma_qp_index_offset < 12 ? x->second_chroma_qp_index_offset + 1 : 11)
PPS(pps_cabac, x->flags ^= V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE)
PPS(pps_bottom_field_poc, x->flags ^= V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT)
PPS(pps_weighted_pred, x->flags ^= V4L2_H264_PPS_FLAG_WEIGHTED_PRED)
PPS(pps_deblocking_present, x->flags ^= V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT)
PPS(pps_constrained_intra, x->flags ^= V4L2_H264_PPS_FLAG_CONSTRAINED_INTRA_PRED)
PPS(pps_redundant_pic_cnt, x->flags ^= V4L2_H264_PPS_FLAG_REDUNDANT_PIC_CNT_PRESENT)
PPS(pps_transform_8x8, x->flags ^= V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE)
PPS(pps_scaling_present, x->flags ^= V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT)

SM(sm_4x4_intra_y, x->scaling_list_4x4[0][5] += 3)
SM(sm_4x4_inter_cr, x->scaling_list_4x4[5][5] += 3)
SM(sm_8x8_intra_y, x->scaling_list_8x8[0][9] += 3)
SM(sm_8x8_inter_y, x->scaling_list_8x8[1][9] += 3)
SM(sm_8x8_chroma, x->scaling_list_8x8[2][9] += 3)

PW(pw_luma_denom, x->luma_log2_weight_denom = (x->luma_log2_weight_denom + 1) % 8)
PW(pw_chroma_denom, x->chroma_log2_weight_denom = (x->chroma_log2_weight_denom + 1) % 8)
PW(pw_luma_weight, x->weight_factors[0].luma_weight[0] += 1)
PW(pw_luma_offset, x->weight_factors[0].luma_offset[0] += 1)
PW(pw_chroma_weight, x->weight_factors[0].chroma_weight[0][1] += 1)
PW(pw_chroma_offset, x->weight_factors[0].chroma_offset[0][0] += 1)
PW(pw_l1_luma_weight, x->weight_factors[1].luma_weight[0] += 1)

SL(sl_header_bit_size, x->header_bit_size += 1)
SL(sl_first_mb, x->first_mb_in_slice += 1)
SL(sl_slice_type, x->slice_type = x->slice_type == V4L2_H264_SLICE_TYPE_I ? V4L2_H264_SLICE_TYPE_P : V4L2_H264_SLICE_TYPE_I)
SL(sl_colour_plane, x->colour_plane_id = (x->colour_plane_id + 1) % 3)
SL(sl_redundant_pic_cnt, x->redundant_pic_cnt += 1)
SL(sl_cabac_init_idc, x->cabac_init_idc = (x->cabac_init_idc + 1) % 3)
SL(sl_qp_delta, x->slice_qp_delta += 1)
SL(sl_qs_delta, x->slice_qs_delta += 1)
SL(sl_deblocking_idc, x->disable_deblocking_filter_idc = (x->disable_deblocking_filter_idc + 1) % 3)
SL(sl_alpha, x->slice_alpha_c0_offset_div2 = x->slice_alpha_c0_offset_div2 < 6 ? x->slice_alpha_c0_offset_div2 + 1 : 5)
SL(sl_beta, x->slice_beta_offset_div2 = x->slice_beta_offset_div2 < 6 ? x->slice_beta_offset_div2 + 1 : 5)
SL(sl_l0_active, x->num_ref_idx_l0_active_minus1 = (x->num_ref_idx_l0_active_minus1 + 1) % 32)
SL(sl_l1_active, x->num_ref_idx_l1_active_minus1 = (x->num_ref_idx_l1_active_minus1 + 1) % 32)
SL(sl_ref_list0_index, x->ref_pic_list0[0].index = (uint8_t)((x->ref_pic_list0[0].index + 1) % 16))
SL(sl_ref_list0_fields, x->ref_pic_list0[0].fields ^= V4L2_H264_BOTTOM_FIELD_REF)
SL(sl_ref_list1_index, x->ref_pic_list1[0].index = (uint8_t)((x->ref_pic_list1[0].index + 1) % 16))
SL(sl_direct_spatial, x->flags ^= V4L2_H264_SLICE_FLAG_DIRECT_SPATIAL_MV_PRED)
SL(sl_sp_for_switch, x->flags ^= V4L2_H264_SLICE_FLAG_SP_FOR_SWITCH)

DEC(dec_nal_ref_idc, x->nal_ref_idc = x->nal_ref_idc ? 0 : 2)
DEC(dec_frame_num, x->frame_num += 1)
DEC(dec_top_poc, x->top_field_order_cnt += 2)
DEC(dec_bottom_poc, x->bottom_field_order_cnt += 2)
DEC(dec_idr_pic_id, x->idr_pic_id += 1)
DEC(dec_poc_lsb, x->pic_order_cnt_lsb += 1)
DEC(dec_delta_poc_bottom, x->delta_pic_order_cnt_bottom += 1)
DEC(dec_delta_poc0, x->delta_pic_order_cnt0 += 1)
DEC(dec_delta_poc1, x->delta_pic_order_cnt1 += 1)
DEC(dec_drpm_bit_size, x->dec_ref_pic_marking_bit_size += 1)
DEC(dec_poc_bit_size, x->pic_order_cnt_bit_size += 1)
DEC(dec_slice_group_change_cycle, x->slice_group_change_cycle += 1)
DEC(dec_flag_idr, x->flags ^= V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC)
DEC(dec_flag_field, x->flags ^= V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC)
DEC(dec_flag_bottom, x->flags ^= V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD)
DEC(dec_flag_pframe, x->flags ^= V4L2_H264_DECODE_PARAM_FLAG_PFRAME)
DEC(dec_flag_bframe, x->flags ^= V4L2_H264_DECODE_PARAM_FLAG_BFRAME)
DPB(dpb_reference_ts, e->reference_ts += 1000)
DPB(dpb_pic_num, e->pic_num += 1)
DPB(dpb_frame_num, e->frame_num += 1)
DPB(dpb_fields, e->fields = e->fields == V4L2_H264_FRAME_REF ? V4L2_H264_TOP_FIELD_REF : V4L2_H264_FRAME_REF)
DPB(dpb_top_poc, e->top_field_order_cnt += 2)
DPB(dpb_bottom_poc, e->bottom_field_order_cnt += 2)
DPB(dpb_flag_valid, e->flags &= ~V4L2_H264_DPB_ENTRY_FLAG_VALID)
DPB(dpb_flag_active, e->flags ^= V4L2_H264_DPB_ENTRY_FLAG_ACTIVE)
DPB(dpb_flag_long_term, e->flags ^= V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM)
DPB(dpb_flag_field, e->flags ^= V4L2_H264_DPB_ENTRY_FLAG_FIELD)

#define F(name, fn) {"h264-" name, fn}
const struct sim_codec_fault sim_h264_faults[] = {
    F("sps-profile", sps_profile), F("sps-constraints", sps_constraints), F("sps-level", sps_level),
    F("sps-id", sps_id), F("sps-chroma-format", sps_chroma_format),
    F("sps-bit-depth-luma", sps_bit_depth_luma), F("sps-bit-depth-chroma", sps_bit_depth_chroma),
    F("sps-log2-max-frame-num", sps_log2_max_frame_num), F("sps-poc-type", sps_poc_type),
    F("sps-log2-max-poc-lsb", sps_log2_max_poc_lsb), F("sps-max-num-ref-frames", sps_max_num_ref_frames),
    F("sps-poc-cycle", sps_poc_cycle), F("sps-offset-non-ref", sps_offset_non_ref),
    F("sps-offset-top-bottom", sps_offset_top_bottom), F("sps-width", sps_width),
    F("sps-height", sps_height), F("sps-separate-colour-plane", sps_separate_colour_plane),
    F("sps-transform-bypass", sps_transform_bypass), F("sps-delta-poc-zero", sps_delta_poc_zero),
    F("sps-gaps", sps_gaps), F("sps-frame-mbs-only", sps_frame_mbs_only), F("sps-mbaff", sps_mbaff),
    F("sps-direct-8x8", sps_direct_8x8),
    F("pps-id", pps_id), F("pps-sps-id", pps_sps_id), F("pps-slice-groups", pps_slice_groups),
    F("pps-l0-default", pps_l0_default), F("pps-l1-default", pps_l1_default),
    F("pps-weighted-bipred", pps_weighted_bipred), F("pps-init-qp", pps_init_qp),
    F("pps-init-qs", pps_init_qs), F("pps-chroma-qp-offset", pps_chroma_qp_offset),
    F("pps-second-chroma-qp-offset", pps_second_chroma_qp_offset), F("pps-cabac", pps_cabac),
    F("pps-bottom-field-poc", pps_bottom_field_poc), F("pps-weighted-pred", pps_weighted_pred),
    F("pps-deblocking-present", pps_deblocking_present),
    F("pps-constrained-intra", pps_constrained_intra),
    F("pps-redundant-pic-cnt", pps_redundant_pic_cnt), F("pps-transform-8x8", pps_transform_8x8),
    F("pps-scaling-present", pps_scaling_present),
    F("sm-4x4-intra-y", sm_4x4_intra_y), F("sm-4x4-inter-cr", sm_4x4_inter_cr),
    F("sm-8x8-intra-y", sm_8x8_intra_y), F("sm-8x8-inter-y", sm_8x8_inter_y),
    F("sm-8x8-chroma", sm_8x8_chroma),
    F("pw-luma-denom", pw_luma_denom), F("pw-chroma-denom", pw_chroma_denom),
    F("pw-luma-weight", pw_luma_weight), F("pw-luma-offset", pw_luma_offset),
    F("pw-chroma-weight", pw_chroma_weight), F("pw-chroma-offset", pw_chroma_offset),
    F("pw-l1-luma-weight", pw_l1_luma_weight),
    F("sl-header-bit-size", sl_header_bit_size), F("sl-first-mb", sl_first_mb),
    F("sl-slice-type", sl_slice_type), F("sl-colour-plane", sl_colour_plane),
    F("sl-redundant-pic-cnt", sl_redundant_pic_cnt), F("sl-cabac-init-idc", sl_cabac_init_idc),
    F("sl-qp-delta", sl_qp_delta), F("sl-qs-delta", sl_qs_delta),
    F("sl-deblocking-idc", sl_deblocking_idc), F("sl-alpha", sl_alpha), F("sl-beta", sl_beta),
    F("sl-l0-active", sl_l0_active), F("sl-l1-active", sl_l1_active),
    F("sl-ref-list0-index", sl_ref_list0_index), F("sl-ref-list0-fields", sl_ref_list0_fields),
    F("sl-ref-list1-index", sl_ref_list1_index), F("sl-direct-spatial", sl_direct_spatial),
    F("sl-sp-for-switch", sl_sp_for_switch),
    F("dec-nal-ref-idc", dec_nal_ref_idc), F("dec-frame-num", dec_frame_num),
    F("dec-top-poc", dec_top_poc), F("dec-bottom-poc", dec_bottom_poc),
    F("dec-idr-pic-id", dec_idr_pic_id), F("dec-poc-lsb", dec_poc_lsb),
    F("dec-delta-poc-bottom", dec_delta_poc_bottom), F("dec-delta-poc0", dec_delta_poc0),
    F("dec-delta-poc1", dec_delta_poc1), F("dec-drpm-bit-size", dec_drpm_bit_size),
    F("dec-poc-bit-size", dec_poc_bit_size),
    F("dec-slice-group-change-cycle", dec_slice_group_change_cycle),
    F("dec-flag-idr", dec_flag_idr), F("dec-flag-field", dec_flag_field),
    F("dec-flag-bottom", dec_flag_bottom), F("dec-flag-pframe", dec_flag_pframe),
    F("dec-flag-bframe", dec_flag_bframe),
    F("dpb-reference-ts", dpb_reference_ts), F("dpb-pic-num", dpb_pic_num),
    F("dpb-frame-num", dpb_frame_num), F("dpb-fields", dpb_fields), F("dpb-top-poc", dpb_top_poc),
    F("dpb-bottom-poc", dpb_bottom_poc), F("dpb-flag-valid", dpb_flag_valid),
    F("dpb-flag-active", dpb_flag_active), F("dpb-flag-long-term", dpb_flag_long_term),
    F("dpb-flag-field", dpb_flag_field),
};
_Static_assert(sizeof(sim_h264_faults) / sizeof(sim_h264_faults[0]) == SIM_H264_N_FAULTS,
               "SIM_H264_N_FAULTS");
