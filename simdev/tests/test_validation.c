/* One test per kernel validation rule of the stateless controls (core/ctrls_std.c; the
 * table of rules is docs/simdev-validation.md, whose rule ids are the names below).
 * Each case starts from a valid element (the type's kernel default plus the listed
 * fixes), applies one change and checks the verdict: "reject" (-EINVAL) or "clear"
 * (accepted with the named field cleared, as zero_reserved()/zero_padding() do). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vareq/v4l2-av1.h>

#include "../core/ctrls_std.h"

static int failures, cases;

union any {
    struct v4l2_ctrl_mpeg2_sequence mseq;
    struct v4l2_ctrl_mpeg2_picture mpic;
    struct v4l2_ctrl_h264_sps sps;
    struct v4l2_ctrl_h264_pps pps;
    struct v4l2_ctrl_h264_pred_weights pw;
    struct v4l2_ctrl_h264_slice_params sl;
    struct v4l2_ctrl_h264_decode_params dec;
    struct v4l2_ctrl_vp8_frame vp8;
    struct v4l2_ctrl_hevc_sps hsps;
    struct v4l2_ctrl_hevc_pps hpps;
    struct v4l2_ctrl_hevc_decode_params hdec;
    struct v4l2_ctrl_hevc_slice_params hsl;
    struct v4l2_ctrl_vp9_frame vp9;
    struct v4l2_ctrl_vp9_compressed_hdr vp9h;
    struct v4l2_ctrl_av1_sequence av1s;
    struct v4l2_ctrl_av1_frame av1f;
    struct v4l2_ctrl_av1_film_grain av1g;
};

static void base(uint32_t type, union any *u)
{
    memset(u, 0, sizeof(*u));
    sim_std_init(type, u);
    switch (type) {
    case V4L2_CTRL_TYPE_H264_SPS:
        u->sps.profile_idc = 100;
        break;
    case V4L2_CTRL_TYPE_VP8_FRAME:
        u->vp8.num_dct_parts = 1;
        break;
    case V4L2_CTRL_TYPE_AV1_FILM_GRAIN:
        u->av1g.flags = V4L2_AV1_FILM_GRAIN_FLAG_APPLY_GRAIN;
        break;
    default:
        break;
    }
}

static void expect(const char *id, uint32_t type, union any *u, int want)
{
    cases++;
    int got = sim_std_validate(type, u);
    if (got != want) {
        failures++;
        fprintf(stderr, "FAIL %s: got %d, want %d\n", id, got, want);
    }
}

#define REJECT(id, type, stmt)                                                           \
    do {                                                                               \
        union any u;                                                                   \
        base(type, &u);                                                                \
        expect(id "/valid", type, &u, 0);                                              \
        base(type, &u);                                                                \
        stmt;                                                                          \
        expect(id, type, &u, -EINVAL);                                                 \
    } while (0)

#define ACCEPT(id, type, stmt)                                                           \
    do {                                                                               \
        union any u;                                                                   \
        base(type, &u);                                                                \
        stmt;                                                                          \
        expect(id, type, &u, 0);                                                       \
    } while (0)

/* Accepted, and the field reads back as 0. */
#define CLEAR(id, type, stmt, field)                                                     \
    do {                                                                               \
        union any u;                                                                   \
        base(type, &u);                                                                \
        stmt;                                                                          \
        expect(id, type, &u, 0);                                                       \
        unsigned char z_[sizeof(field)];                                               \
        memset(z_, 0, sizeof(z_));                                                     \
        if (memcmp(&(field), z_, sizeof(z_))) {                                        \
            failures++;                                                                \
            fprintf(stderr, "FAIL %s: %s not cleared\n", id, #field);                  \
        }                                                                              \
    } while (0)

static void mpeg2(void)
{
    const uint32_t S = V4L2_CTRL_TYPE_MPEG2_SEQUENCE, P = V4L2_CTRL_TYPE_MPEG2_PICTURE;
    REJECT("mpeg2-seq-chroma-0", S, u.mseq.chroma_format = 0);
    REJECT("mpeg2-seq-chroma-4", S, u.mseq.chroma_format = 4);
    REJECT("mpeg2-pic-dc-precision", P, u.mpic.intra_dc_precision = 4);
    REJECT("mpeg2-pic-structure-0", P, u.mpic.picture_structure = 0);
    REJECT("mpeg2-pic-structure-4", P, u.mpic.picture_structure = 4);
    REJECT("mpeg2-pic-coding-type-0", P, u.mpic.picture_coding_type = 0);
    REJECT("mpeg2-pic-coding-type-4", P, u.mpic.picture_coding_type = 4);
    CLEAR("mpeg2-pic-reserved", P, memset(&u.mpic.reserved, 7, sizeof(u.mpic.reserved)),
          u.mpic.reserved);
}

static void h264(void)
{
    const uint32_t S = V4L2_CTRL_TYPE_H264_SPS, P = V4L2_CTRL_TYPE_H264_PPS,
                   W = V4L2_CTRL_TYPE_H264_PRED_WEIGHTS, L = V4L2_CTRL_TYPE_H264_SLICE_PARAMS,
                   D = V4L2_CTRL_TYPE_H264_DECODE_PARAMS;
    REJECT("h264-sps-422-needs-high422", S, (u.sps.profile_idc = 100, u.sps.chroma_format_idc = 2));
    ACCEPT("h264-sps-422-high422", S, (u.sps.profile_idc = 122, u.sps.chroma_format_idc = 2));
    REJECT("h264-sps-444-needs-high444", S, (u.sps.profile_idc = 122, u.sps.chroma_format_idc = 3));
    REJECT("h264-sps-chroma-idc", S, (u.sps.profile_idc = 244, u.sps.chroma_format_idc = 4));
    REJECT("h264-sps-bit-depth-luma", S, (u.sps.profile_idc = 110, u.sps.bit_depth_luma_minus8 = 7));
    REJECT("h264-sps-bit-depth-chroma", S,
           (u.sps.profile_idc = 110, u.sps.bit_depth_chroma_minus8 = 7));
    CLEAR("h264-sps-no-chroma-format-bit-depth", S,
          (u.sps.profile_idc = 66, u.sps.bit_depth_luma_minus8 = 7), u.sps.bit_depth_luma_minus8);
    REJECT("h264-sps-log2-max-frame-num", S, u.sps.log2_max_frame_num_minus4 = 13);
    REJECT("h264-sps-poc-type", S, u.sps.pic_order_cnt_type = 3);
    REJECT("h264-sps-log2-max-poc-lsb", S, u.sps.log2_max_pic_order_cnt_lsb_minus4 = 13);
    CLEAR("h264-sps-poc-lsb-cleared-if-type-not-0", S,
          (u.sps.pic_order_cnt_type = 1, u.sps.log2_max_pic_order_cnt_lsb_minus4 = 13),
          u.sps.log2_max_pic_order_cnt_lsb_minus4);
    REJECT("h264-sps-max-num-ref-frames", S, u.sps.max_num_ref_frames = V4L2_H264_REF_LIST_LEN + 1);
    {
        union any u;
        base(S, &u);
        u.sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY | V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
        expect("h264-sps-mbaff-cleared-if-frame-mbs-only", S, &u, 0);
        if (u.sps.flags & V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD) {
            failures++;
            fprintf(stderr, "FAIL h264-sps-mbaff-cleared-if-frame-mbs-only: flag kept\n");
        }
    }
    REJECT("h264-pps-slice-groups", P, u.pps.num_slice_groups_minus1 = 8);
    REJECT("h264-pps-ref-idx-l0", P, u.pps.num_ref_idx_l0_default_active_minus1 = 32);
    REJECT("h264-pps-ref-idx-l1", P, u.pps.num_ref_idx_l1_default_active_minus1 = 32);
    REJECT("h264-pps-weighted-bipred", P, u.pps.weighted_bipred_idc = 3);
    REJECT("h264-pps-init-qp-low", P, u.pps.pic_init_qp_minus26 = -63);
    REJECT("h264-pps-init-qp-high", P, u.pps.pic_init_qp_minus26 = 26);
    REJECT("h264-pps-init-qs-low", P, u.pps.pic_init_qs_minus26 = -27);
    REJECT("h264-pps-init-qs-high", P, u.pps.pic_init_qs_minus26 = 26);
    REJECT("h264-pps-chroma-qp-offset", P, u.pps.chroma_qp_index_offset = 13);
    REJECT("h264-pps-second-chroma-qp-offset", P, u.pps.second_chroma_qp_index_offset = -13);
    REJECT("h264-pw-luma-denom", W, u.pw.luma_log2_weight_denom = 8);
    REJECT("h264-pw-chroma-denom", W, u.pw.chroma_log2_weight_denom = 8);
    REJECT("h264-slice-colour-plane", L, u.sl.colour_plane_id = 3);
    REJECT("h264-slice-cabac-init", L, u.sl.cabac_init_idc = 3);
    REJECT("h264-slice-deblock-idc", L, u.sl.disable_deblocking_filter_idc = 3);
    REJECT("h264-slice-alpha-offset", L, u.sl.slice_alpha_c0_offset_div2 = 7);
    REJECT("h264-slice-beta-offset", L, u.sl.slice_beta_offset_div2 = -7);
    REJECT("h264-slice-ref-idx-l0", L,
           (u.sl.slice_type = V4L2_H264_SLICE_TYPE_P, u.sl.num_ref_idx_l0_active_minus1 = 32));
    REJECT("h264-slice-ref-idx-l1", L,
           (u.sl.slice_type = V4L2_H264_SLICE_TYPE_B, u.sl.num_ref_idx_l1_active_minus1 = 32));
    CLEAR("h264-slice-l1-cleared-if-not-b", L,
          (u.sl.slice_type = V4L2_H264_SLICE_TYPE_P, u.sl.num_ref_idx_l1_active_minus1 = 40),
          u.sl.num_ref_idx_l1_active_minus1);
    CLEAR("h264-slice-reserved", L, memset(&u.sl.reserved, 9, sizeof(u.sl.reserved)),
          u.sl.reserved);
    REJECT("h264-decode-nal-ref-idc", D, u.dec.nal_ref_idc = 4);
    CLEAR("h264-decode-dpb-reserved", D, memset(&u.dec.dpb[5].reserved, 1, sizeof(u.dec.dpb[5].reserved)),
          u.dec.dpb[5].reserved);
    CLEAR("h264-decode-reserved", D, memset(&u.dec.reserved, 1, sizeof(u.dec.reserved)),
          u.dec.reserved);
}

static void vp8(void)
{
    const uint32_t F = V4L2_CTRL_TYPE_VP8_FRAME;
    REJECT("vp8-num-dct-parts-0", F, u.vp8.num_dct_parts = 0);
    REJECT("vp8-num-dct-parts-3", F, u.vp8.num_dct_parts = 3);
    ACCEPT("vp8-num-dct-parts-8", F, u.vp8.num_dct_parts = 8);
    CLEAR("vp8-segment-padding", F, memset(&u.vp8.segment.padding, 1, sizeof(u.vp8.segment.padding)),
          u.vp8.segment.padding);
    CLEAR("vp8-coder-state-padding", F,
          memset(&u.vp8.coder_state.padding, 1, sizeof(u.vp8.coder_state.padding)),
          u.vp8.coder_state.padding);
}

static void hevc(void)
{
    const uint32_t S = V4L2_CTRL_TYPE_HEVC_SPS, P = V4L2_CTRL_TYPE_HEVC_PPS,
                   D = V4L2_CTRL_TYPE_HEVC_DECODE_PARAMS, L = V4L2_CTRL_TYPE_HEVC_SLICE_PARAMS;
    CLEAR("hevc-sps-pcm-cleared", S, u.hsps.pcm_sample_bit_depth_luma_minus1 = 5,
          u.hsps.pcm_sample_bit_depth_luma_minus1);
    CLEAR("hevc-sps-lt-refs-cleared", S, u.hsps.num_long_term_ref_pics_sps = 5,
          u.hsps.num_long_term_ref_pics_sps);
    CLEAR("hevc-pps-cu-qp-delta-cleared", P, u.hpps.diff_cu_qp_delta_depth = 3,
          u.hpps.diff_cu_qp_delta_depth);
    CLEAR("hevc-pps-tiles-cleared", P, u.hpps.num_tile_columns_minus1 = 3,
          u.hpps.num_tile_columns_minus1);
    CLEAR("hevc-pps-deblock-offsets-cleared", P,
          (u.hpps.flags = V4L2_HEVC_PPS_FLAG_PPS_DISABLE_DEBLOCKING_FILTER,
           u.hpps.pps_beta_offset_div2 = 3),
          u.hpps.pps_beta_offset_div2);
    REJECT("hevc-decode-dpb-entries", D,
           u.hdec.num_active_dpb_entries = V4L2_HEVC_DPB_ENTRIES_NUM_MAX + 1);
    CLEAR("hevc-slice-reserved", L, memset(&u.hsl.reserved1, 1, sizeof(u.hsl.reserved1)),
          u.hsl.reserved1);
}

static void vp9(void)
{
    const uint32_t F = V4L2_CTRL_TYPE_VP9_FRAME, H = V4L2_CTRL_TYPE_VP9_COMPRESSED_HDR;
    REJECT("vp9-flags-unknown", F, u.vp9.flags |= 0x8000);
    REJECT("vp9-error-resilient-and-refresh-ctx", F,
           u.vp9.flags |= V4L2_VP9_FRAME_FLAG_ERROR_RESILIENT | V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX);
    REJECT("vp9-profile", F, u.vp9.profile = 4);
    REJECT("vp9-reset-frame-context", F, u.vp9.reset_frame_context = 3);
    REJECT("vp9-frame-context-idx", F, u.vp9.frame_context_idx = 4);
    REJECT("vp9-bit-depth-profile0", F, u.vp9.bit_depth = 10);
    REJECT("vp9-bit-depth-profile2", F, (u.vp9.profile = 2, u.vp9.bit_depth = 8));
    ACCEPT("vp9-profile2-10bit", F, (u.vp9.profile = 2, u.vp9.bit_depth = 10));
    REJECT("vp9-profile0-420-only", F, u.vp9.flags &= ~V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING);
    REJECT("vp9-profile1-not-420", F, u.vp9.profile = 1);
    REJECT("vp9-interp-filter", F, u.vp9.interpolation_filter = 5);
    REJECT("vp9-tile-cols-log2", F, u.vp9.tile_cols_log2 = 7);
    ACCEPT("vp9-tile-rows-log2-unchecked", F, u.vp9.tile_rows_log2 = 3);
    REJECT("vp9-reference-mode", F, u.vp9.reference_mode = 3);
    REJECT("vp9-lf-flags", F, u.vp9.lf.flags = 4);
    REJECT("vp9-lf-level", F, u.vp9.lf.level = 64);
    REJECT("vp9-lf-sharpness", F, u.vp9.lf.sharpness = 8);
    REJECT("vp9-lf-ref-delta", F, u.vp9.lf.ref_deltas[2] = 64);
    REJECT("vp9-lf-mode-delta", F, u.vp9.lf.mode_deltas[1] = -64);
    REJECT("vp9-quant-delta-y-dc", F, u.vp9.quant.delta_q_y_dc = 16);
    REJECT("vp9-quant-delta-uv-dc", F, u.vp9.quant.delta_q_uv_dc = -16);
    REJECT("vp9-quant-delta-uv-ac", F, u.vp9.quant.delta_q_uv_ac = 16);
    REJECT("vp9-seg-flags", F, u.vp9.seg.flags = 0x20);
    REJECT("vp9-seg-feature-enabled", F, u.vp9.seg.feature_enabled[3] = 0x10);
    REJECT("vp9-seg-alt-q", F, u.vp9.seg.feature_data[0][0] = 256);
    REJECT("vp9-seg-alt-lf", F, u.vp9.seg.feature_data[1][1] = -64);
    REJECT("vp9-seg-ref-frame", F, u.vp9.seg.feature_data[2][2] = 4);
    REJECT("vp9-seg-skip", F, u.vp9.seg.feature_data[3][3] = 1);
    CLEAR("vp9-reserved", F, memset(&u.vp9.reserved, 1, sizeof(u.vp9.reserved)), u.vp9.reserved);
    CLEAR("vp9-lf-reserved", F, memset(&u.vp9.lf.reserved, 1, sizeof(u.vp9.lf.reserved)),
          u.vp9.lf.reserved);
    CLEAR("vp9-quant-reserved", F, memset(&u.vp9.quant.reserved, 1, sizeof(u.vp9.quant.reserved)),
          u.vp9.quant.reserved);
    CLEAR("vp9-seg-reserved", F, memset(&u.vp9.seg.reserved, 1, sizeof(u.vp9.seg.reserved)),
          u.vp9.seg.reserved);
    REJECT("vp9-hdr-tx-mode", H, u.vp9h.tx_mode = 5);
}

static void av1(void)
{
    const uint32_t S = V4L2_CTRL_TYPE_AV1_SEQUENCE, F = V4L2_CTRL_TYPE_AV1_FRAME,
                   G = V4L2_CTRL_TYPE_AV1_FILM_GRAIN;
    REJECT("av1-seq-flags", S, u.av1s.flags = 0x00100000);
    REJECT("av1-seq-profile1-mono", S,
           (u.av1s.seq_profile = 1, u.av1s.flags = V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME));
    REJECT("av1-seq-profile", S, u.av1s.seq_profile = 3);
    REJECT("av1-quant-flags", F, u.av1f.quantization.flags = 8);
    REJECT("av1-quant-delta-y-dc", F, u.av1f.quantization.delta_q_y_dc = 64);
    REJECT("av1-quant-delta-v-ac", F, u.av1f.quantization.delta_q_v_ac = -65);
    REJECT("av1-quant-delta-res", F, u.av1f.quantization.delta_q_res = 4);
    REJECT("av1-quant-qm", F, u.av1f.quantization.qm_u = 16);
    REJECT("av1-seg-flags", F, u.av1f.segmentation.flags = 32);
    REJECT("av1-seg-alt-q", F, u.av1f.segmentation.feature_data[0][0] = -256);
    REJECT("av1-seg-ref-frame", F, u.av1f.segmentation.feature_data[0][5] = 8);
    REJECT("av1-seg-unsigned", F, u.av1f.segmentation.feature_data[0][5] = -1);
    REJECT("av1-lf-flags", F, u.av1f.loop_filter.flags = 16);
    REJECT("av1-lf-level", F, u.av1f.loop_filter.level[2] = 64);
    REJECT("av1-lf-sharpness", F, u.av1f.loop_filter.sharpness = 8);
    REJECT("av1-lf-ref-delta", F, u.av1f.loop_filter.ref_deltas[0] = -65);
    REJECT("av1-lf-mode-delta", F, u.av1f.loop_filter.mode_deltas[1] = 64);
    REJECT("av1-cdef-damping", F, u.av1f.cdef.damping_minus_3 = 4);
    REJECT("av1-cdef-bits", F, u.av1f.cdef.bits = 4);
    REJECT("av1-cdef-y-pri", F, u.av1f.cdef.y_pri_strength[0] = 16);
    REJECT("av1-cdef-uv-sec", F, u.av1f.cdef.uv_sec_strength[0] = 5);
    ACCEPT("av1-cdef-unused-strength", F, u.av1f.cdef.y_pri_strength[1] = 16);
    REJECT("av1-lr-unit-shift", F, u.av1f.loop_restoration.lr_unit_shift = 4);
    REJECT("av1-lr-uv-shift", F, u.av1f.loop_restoration.lr_uv_shift = 2);
    REJECT("av1-frame-flags", F, u.av1f.flags = 0x00100000);
    REJECT("av1-superres-denom", F, u.av1f.superres_denom = 17);
    REJECT("av1-fg-flags", G, u.av1g.flags = 32);
    REJECT("av1-fg-ref-idx", G, u.av1g.film_grain_params_ref_idx = 8);
    REJECT("av1-fg-num-y", G, u.av1g.num_y_points = 15);
    REJECT("av1-fg-num-cb", G, u.av1g.num_cb_points = 11);
    REJECT("av1-fg-num-cr", G, u.av1g.num_cr_points = 16);
    REJECT("av1-fg-scaling", G, u.av1g.grain_scaling_minus_8 = 4);
    REJECT("av1-fg-ar-lag", G, u.av1g.ar_coeff_lag = 4);
    REJECT("av1-fg-ar-shift", G, u.av1g.ar_coeff_shift_minus_6 = 4);
    REJECT("av1-fg-scale-shift", G, u.av1g.grain_scale_shift = 4);
    REJECT("av1-fg-y-points-increasing", G,
           (u.av1g.num_y_points = 2, u.av1g.point_y_value[0] = 5, u.av1g.point_y_value[1] = 5));
    ACCEPT("av1-fg-points-unchecked-without-apply", G,
           (u.av1g.flags = 0, u.av1g.num_y_points = 2, u.av1g.point_y_value[0] = 5));
}

int main(void)
{
    mpeg2();
    h264();
    vp8();
    hevc();
    vp9();
    av1();
    if (failures) {
        fprintf(stderr, "simdev-validation: %d of %d case(s) failed\n", failures, cases);
        return 1;
    }
    printf("simdev-validation: %d cases passed\n", cases);
    return 0;
}
