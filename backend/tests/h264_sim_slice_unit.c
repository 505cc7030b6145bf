/* h264-sim-slice-unit: simdev's H.264 slice header parser and the checks built on it
 * (simdev/codecs/h264/sim_h264_slice.c, sim_h264_reflist.c): a slice written field by
 * field parses back to those fields, every SLICE_PARAMS / PRED_WEIGHTS / DECODE_PARAMS
 * field that differs fails the check, reference lists (8.2.4) for P and B frames and P
 * fields, reference marking (8.2.5: sliding window, MMCO) against the DPB, and malformed
 * input (every truncation, random bytes) fails without a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sim_h264_bitwriter.h"
#include "sim_h264_marking.h"
#include "sim_h264_reflist.h"
#include "sim_h264_slice.h"

static int failures;

static struct v4l2_ctrl_h264_sps sps;
static struct v4l2_ctrl_h264_pps pps;
static uint8_t nal[256];
static size_t nal_len;
static uint32_t hdr_bits; /* RBSP bits after the NAL header up to slice_data() */

/* A P slice (nal_ref_idc 2, CAVLC): 3 active references, one list modification, an explicit
 * weight table, no MMCO, deblocking offsets; then a few bytes of "slice data". */
static void make_p_slice(void)
{
    struct sim_h264_bw bw;
    uint8_t out[300];
    long n;

    memset(&sps, 0, sizeof(sps));
    sps.profile_idc = 77;
    sps.chroma_format_idc = 1;
    sps.log2_max_frame_num_minus4 = 0;         /* 4 bits */
    sps.pic_order_cnt_type = 0;
    sps.log2_max_pic_order_cnt_lsb_minus4 = 2; /* 6 bits */
    sps.max_num_ref_frames = 4;
    sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY;
    memset(&pps, 0, sizeof(pps));
    pps.flags = V4L2_H264_PPS_FLAG_WEIGHTED_PRED | V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;

    sim_h264_bw_init(&bw);
    sim_h264_bw_ue(&bw, 5);  /* first_mb_in_slice */
    sim_h264_bw_ue(&bw, 5);  /* slice_type P (all slices P) */
    sim_h264_bw_ue(&bw, 0);  /* pps id */
    sim_h264_bw_u(&bw, 4, 3); /* frame_num */
    sim_h264_bw_u(&bw, 6, 6); /* pic_order_cnt_lsb */
    sim_h264_bw_u(&bw, 1, 1); /* num_ref_idx_active_override_flag */
    sim_h264_bw_ue(&bw, 2);   /* num_ref_idx_l0_active_minus1 */
    sim_h264_bw_u(&bw, 1, 1); /* ref_pic_list_modification_flag_l0 */
    sim_h264_bw_ue(&bw, 0);   /* subtract */
    sim_h264_bw_ue(&bw, 1);   /* abs_diff_pic_num_minus1: PicNum 3 - 2 = 1 */
    sim_h264_bw_ue(&bw, 3);
    sim_h264_bw_ue(&bw, 5);   /* luma_log2_weight_denom */
    sim_h264_bw_ue(&bw, 3);   /* chroma_log2_weight_denom */
    sim_h264_bw_u(&bw, 1, 1); /* ref 0: luma */
    sim_h264_bw_se(&bw, 40);
    sim_h264_bw_se(&bw, -3);
    sim_h264_bw_u(&bw, 1, 0); /* ref 0: no chroma */
    sim_h264_bw_u(&bw, 1, 0); /* ref 1: defaults */
    sim_h264_bw_u(&bw, 1, 0);
    sim_h264_bw_u(&bw, 1, 0); /* ref 2: chroma */
    sim_h264_bw_u(&bw, 1, 1);
    sim_h264_bw_se(&bw, 9);
    sim_h264_bw_se(&bw, 2);
    sim_h264_bw_se(&bw, 7);
    sim_h264_bw_se(&bw, -1);
    sim_h264_bw_u(&bw, 1, 0); /* adaptive_ref_pic_marking_mode_flag */
    sim_h264_bw_se(&bw, -2);  /* slice_qp_delta */
    sim_h264_bw_ue(&bw, 0);   /* disable_deblocking_filter_idc */
    sim_h264_bw_se(&bw, 1);
    sim_h264_bw_se(&bw, -1);
    hdr_bits = (uint32_t)bw.bits;
    sim_h264_bw_u(&bw, 16, 0xbeef); /* "slice data" */
    sim_h264_bw_trailing(&bw);
    n = sim_h264_bw_nal(&bw, 0x41, out, 0, sizeof(out)); /* nal_ref_idc 2, type 1 */
    if (n < 5) {
        fprintf(stderr, "cannot write the test slice\n");
        exit(1);
    }
    nal_len = (size_t)n - 4;
    memcpy(nal, out + 4, nal_len);
}

static void test_parse_and_check(void)
{
    struct sim_h264_slice s;
    struct v4l2_ctrl_h264_slice_params sp;
    struct v4l2_ctrl_h264_pred_weights pw;
    struct v4l2_ctrl_h264_decode_params d;
    char err[200];
    int r = sim_h264_parse_slice(nal, nal_len, &sps, &pps, &s, err, sizeof(err));

    CHECK(r == 0, "parse: %s", err);
    CHECK(s.first_mb == 5 && s.slice_type == 0 && s.frame_num == 3 && s.poc_lsb == 6,
          "fields %u %u %u %u", s.first_mb, s.slice_type, s.frame_num, s.poc_lsb);
    CHECK(s.num_ref_idx_active_minus1[0] == 2, "num_ref_idx %u", s.num_ref_idx_active_minus1[0]);
    CHECK(s.n_mod[0] == 1 && s.mod[0][0].idc == 0 && s.mod[0][0].val == 1, "modification");
    CHECK(s.has_pw && s.pw.luma_log2_weight_denom == 5 && s.pw.chroma_log2_weight_denom == 3,
          "weight denoms");
    CHECK(s.pw.weight_factors[0].luma_weight[0] == 40 && s.pw.weight_factors[0].luma_offset[0] == -3,
          "luma weight 0");
    CHECK(s.pw.weight_factors[0].luma_weight[1] == 32 && s.pw.weight_factors[0].chroma_weight[1][0] == 8,
          "defaults 2^denom");
    CHECK(s.pw.weight_factors[0].chroma_weight[2][1] == 7 &&
              s.pw.weight_factors[0].chroma_offset[2][1] == -1, "chroma weight 2");
    CHECK(s.qp_delta == -2 && s.dbf_idc == 0 && s.alpha_div2 == 1 && s.beta_div2 == -1,
          "qp/deblocking");
    CHECK(s.poc_bit_size == 6 && s.drpm_bit_size == 1, "bit sizes %u %u", s.poc_bit_size,
          s.drpm_bit_size);
    CHECK(s.header_bit_size == hdr_bits, "header_bit_size %u, written %u", s.header_bit_size,
          hdr_bits);

    /* the controls the driver would send */
    memset(&sp, 0, sizeof(sp));
    sp.header_bit_size = hdr_bits;
    sp.first_mb_in_slice = 5;
    sp.slice_type = V4L2_H264_SLICE_TYPE_P;
    sp.slice_qp_delta = -2;
    sp.slice_alpha_c0_offset_div2 = 1;
    sp.slice_beta_offset_div2 = -1;
    sp.num_ref_idx_l0_active_minus1 = 2;
    pw = s.pw;
    memset(&d, 0, sizeof(d));
    d.pic_order_cnt_bit_size = 6;
    d.dec_ref_pic_marking_bit_size = 1;
    CHECK(sim_h264_check_slice(&s, &sp, &pw, &d, err, sizeof(err)) == 0, "check: %s", err);

    /* every field that differs fails */
#define MUST_FAIL(what, mutate)                                                            \
    do {                                                                                   \
        struct v4l2_ctrl_h264_slice_params sp2 = sp;                                       \
        struct v4l2_ctrl_h264_pred_weights pw2 = pw;                                       \
        struct v4l2_ctrl_h264_decode_params d2 = d;                                        \
        (void)sp2;                                                                         \
        (void)pw2;                                                                         \
        (void)d2;                                                                          \
        mutate;                                                                            \
        CHECK(sim_h264_check_slice(&s, &sp2, &pw2, &d2, err, sizeof(err)) < 0,             \
              "changed %s passed the check", what);                                        \
    } while (0)
    MUST_FAIL("header_bit_size", sp2.header_bit_size++);
    MUST_FAIL("first_mb_in_slice", sp2.first_mb_in_slice++);
    MUST_FAIL("slice_type", sp2.slice_type = V4L2_H264_SLICE_TYPE_I);
    MUST_FAIL("colour_plane_id", sp2.colour_plane_id = 1);
    MUST_FAIL("redundant_pic_cnt", sp2.redundant_pic_cnt = 1);
    MUST_FAIL("cabac_init_idc", sp2.cabac_init_idc = 1);
    MUST_FAIL("slice_qp_delta", sp2.slice_qp_delta++);
    MUST_FAIL("slice_qs_delta", sp2.slice_qs_delta++);
    MUST_FAIL("disable_deblocking_filter_idc", sp2.disable_deblocking_filter_idc = 1);
    MUST_FAIL("slice_alpha_c0_offset_div2", sp2.slice_alpha_c0_offset_div2++);
    MUST_FAIL("slice_beta_offset_div2", sp2.slice_beta_offset_div2++);
    MUST_FAIL("num_ref_idx_l0_active_minus1", sp2.num_ref_idx_l0_active_minus1++);
    MUST_FAIL("SP_FOR_SWITCH", sp2.flags |= V4L2_H264_SLICE_FLAG_SP_FOR_SWITCH);
    MUST_FAIL("luma_log2_weight_denom", pw2.luma_log2_weight_denom++);
    MUST_FAIL("chroma_log2_weight_denom", pw2.chroma_log2_weight_denom++);
    MUST_FAIL("luma_weight[1]", pw2.weight_factors[0].luma_weight[1]++);
    MUST_FAIL("luma_offset[0]", pw2.weight_factors[0].luma_offset[0]++);
    MUST_FAIL("chroma_weight[2][1]", pw2.weight_factors[0].chroma_weight[2][1]++);
    MUST_FAIL("chroma_offset[0][0]", pw2.weight_factors[0].chroma_offset[0][0]++);
    MUST_FAIL("pic_order_cnt_bit_size", d2.pic_order_cnt_bit_size++);
    MUST_FAIL("dec_ref_pic_marking_bit_size", d2.dec_ref_pic_marking_bit_size = 0);
    CHECK(sim_h264_check_slice(&s, &sp, NULL, &d, err, sizeof(err)) < 0,
          "a weight table without PRED_WEIGHTS passed");
}

static void test_malformed(void)
{
    struct sim_h264_slice s;
    char err[200];
    unsigned ok_short = 0;
    /* every truncation: the header ends at hdr_bits, so any cut before it must fail */
    for (size_t n = 0; n < nal_len; n++) {
        int r = sim_h264_parse_slice(nal, n, &sps, &pps, &s, err, sizeof(err));
        if (r == 0 && n >= 1 && 8 * (n - 1) < hdr_bits)
            ok_short++;
    }
    CHECK(ok_short == 0, "%u truncated slices parsed", ok_short);
    /* not a slice */
    {
        uint8_t sei[4] = {0x06, 0x05, 0x01, 0x80};
        CHECK(sim_h264_parse_slice(sei, sizeof(sei), &sps, &pps, &s, err, sizeof(err)) < 0,
              "SEI parsed as a slice");
    }
    /* random bytes with slice NAL headers: must return, whatever they say */
    uint32_t x = 2463534242u;
    for (int it = 0; it < 20000; it++) {
        uint8_t buf[64];
        size_t n = 1 + it % 64;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            buf[i] = (uint8_t)x;
        }
        buf[0] = (it & 1) ? 0x65 : 0x41;
        sps.flags ^= (it & 2) ? V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY : 0;
        pps.flags ^= (it & 4) ? V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE : 0;
        if (sim_h264_parse_slice(buf, n, &sps, &pps, &s, err, sizeof(err)) == 0) {
            struct v4l2_ctrl_h264_decode_params d;
            struct v4l2_ctrl_h264_slice_params sp;
            memset(&d, 0, sizeof(d));
            memset(&sp, 0, sizeof(sp));
            for (int i = 0; i < 16; i++) {
                d.dpb[i].flags = (x >> i) & 1 ? V4L2_H264_DPB_ENTRY_FLAG_VALID |
                                                    V4L2_H264_DPB_ENTRY_FLAG_ACTIVE
                                              : 0;
                d.dpb[i].fields = (uint8_t)((x >> (i + 3)) & 3);
                d.dpb[i].frame_num = (uint16_t)(i * 7 % 16);
                d.dpb[i].top_field_order_cnt = i * 3 - 20;
            }
            (void)sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err));
        }
    }
    make_p_slice();
}

static void dpb_frame(struct v4l2_ctrl_h264_decode_params *d, int i, unsigned frame_num,
                      int poc, unsigned fields, bool lt)
{
    struct v4l2_h264_dpb_entry *e = &d->dpb[i];
    e->reference_ts = 1000u * (i + 1);
    e->frame_num = (uint16_t)frame_num;
    e->pic_num = frame_num;
    e->fields = (uint8_t)fields;
    e->top_field_order_cnt = poc;
    e->bottom_field_order_cnt = poc;
    e->flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE |
               (lt ? V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM : 0);
}

static void set_list(struct v4l2_h264_reference *l, const int *idx, const unsigned *fields,
                     unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        l[i].index = (uint8_t)idx[i];
        l[i].fields = (uint8_t)fields[i];
    }
}

static void test_ref_lists(void)
{
    struct v4l2_ctrl_h264_decode_params d;
    struct v4l2_ctrl_h264_slice_params sp;
    struct sim_h264_slice s;
    char err[200];
    const unsigned F = V4L2_H264_FRAME_REF, T = V4L2_H264_TOP_FIELD_REF,
                   B = V4L2_H264_BOTTOM_FIELD_REF;

    /* P frame, frame_num 3: DPB frame_num 0 (slot 2), 1 (slot 0), 2 (slot 1), long-term
     * idx 0 (slot 3). Initial list by PicNum: 2, 1, 0, then LT 0; the parsed slice moves
     * PicNum 1 first and keeps 3 entries: 1, 2, 0. */
    memset(&d, 0, sizeof(d));
    d.frame_num = 3;
    dpb_frame(&d, 0, 1, 2, F, false);
    dpb_frame(&d, 1, 2, 4, F, false);
    dpb_frame(&d, 2, 0, 0, F, false);
    dpb_frame(&d, 3, 0, -8, F, true);
    CHECK(sim_h264_parse_slice(nal, nal_len, &sps, &pps, &s, err, sizeof(err)) == 0, "%s", err);
    memset(&sp, 0, sizeof(sp));
    set_list(sp.ref_pic_list0, (const int[]){0, 1, 2}, (const unsigned[]){F, F, F}, 3);
    CHECK(sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err)) == 0, "P list: %s", err);
    set_list(sp.ref_pic_list0, (const int[]){1, 0, 2}, (const unsigned[]){F, F, F}, 3);
    CHECK(sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err)) < 0,
          "P list without the modification passed");
    /* without the modification and with 4 entries: 2, 1, 0, LT */
    s.n_mod[0] = 0;
    s.num_ref_idx_active_minus1[0] = 3;
    set_list(sp.ref_pic_list0, (const int[]){1, 0, 2, 3}, (const unsigned[]){F, F, F, F}, 4);
    CHECK(sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err)) == 0, "P initial: %s",
          err);
    /* a modification naming a picture the DPB lacks fails */
    s.n_mod[0] = 1;
    s.mod[0][0].idc = 2;
    s.mod[0][0].val = 5;
    CHECK(sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err)) < 0,
          "long-term picture 5 found");

    /* B frame, POC 3: short-term POCs 2 (slot 0), 4 (slot 1), 0 (slot 2), LT (slot 3).
     * L0: 2, 0, 4, LT; L1: 4, 2, 0, LT. */
    memset(&s, 0, sizeof(s));
    s.slice_type = 1;
    s.num_ref_idx_active_minus1[0] = 3;
    s.num_ref_idx_active_minus1[1] = 3;
    d.top_field_order_cnt = d.bottom_field_order_cnt = 3;
    set_list(sp.ref_pic_list0, (const int[]){0, 2, 1, 3}, (const unsigned[]){F, F, F, F}, 4);
    set_list(sp.ref_pic_list1, (const int[]){1, 0, 2, 3}, (const unsigned[]){F, F, F, F}, 4);
    CHECK(sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err)) == 0, "B lists: %s",
          err);
    /* every reference before the current picture: L1 == L0 -> its first two swap */
    d.top_field_order_cnt = d.bottom_field_order_cnt = 9;
    s.num_ref_idx_active_minus1[0] = s.num_ref_idx_active_minus1[1] = 1;
    set_list(sp.ref_pic_list0, (const int[]){1, 0}, (const unsigned[]){F, F}, 2);
    set_list(sp.ref_pic_list1, (const int[]){0, 1}, (const unsigned[]){F, F}, 2);
    CHECK(sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err)) == 0, "B swap: %s", err);

    /* P field, the bottom field of frame_num 2 whose top field (slot 0) was decoded first;
     * slot 1: frame_num 1, both fields. By FrameNumWrap: slot 0, slot 1; alternating from
     * the same parity (8.2.4.2.5): slot 1 bottom, slot 0 top, slot 1 top. */
    memset(&d, 0, sizeof(d));
    d.frame_num = 2;
    d.flags = V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC | V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD;
    dpb_frame(&d, 0, 2, 4, T, false);
    dpb_frame(&d, 1, 1, 2, F, false);
    memset(&s, 0, sizeof(s));
    s.slice_type = 0;
    s.field = s.bottom = true;
    s.num_ref_idx_active_minus1[0] = 2;
    set_list(sp.ref_pic_list0, (const int[]){1, 0, 1}, (const unsigned[]){B, T, T}, 3);
    CHECK(sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err)) == 0, "P field: %s", err);
    set_list(sp.ref_pic_list0, (const int[]){0, 1, 1}, (const unsigned[]){T, B, T}, 3);
    CHECK(sim_h264_check_ref_lists(&sps, &d, &s, &sp, err, sizeof(err)) < 0,
          "P field list in frame order passed");
}

/* decodes one picture into the model: frame frame_num at ts, nal_ref_idc 1 */
static void mark_frame(struct sim_h264_marking *mk, uint64_t ts, unsigned frame_num, bool idr,
                       const struct sim_h264_mmco *ops, unsigned n_ops)
{
    struct v4l2_ctrl_h264_decode_params d;
    struct sim_h264_slice s;
    memset(&d, 0, sizeof(d));
    memset(&s, 0, sizeof(s));
    d.frame_num = (uint16_t)frame_num;
    s.nal_type = idr ? 5 : 1;
    s.nal_ref_idc = 1;
    s.adaptive_marking = n_ops > 0;
    s.n_mmco = n_ops;
    for (unsigned i = 0; i < n_ops; i++)
        s.mmco[i] = ops[i];
    sim_h264_marking_apply(mk, &sps, &d, &s, ts, 0);
}

static int dpb_check(const struct sim_h264_marking *mk, const uint64_t *ts, const bool *lt,
                     const unsigned *frame_num, unsigned n)
{
    struct v4l2_ctrl_h264_decode_params d;
    char err[200];
    memset(&d, 0, sizeof(d));
    for (unsigned i = 0; i < n; i++) {
        d.dpb[i].reference_ts = ts[i];
        d.dpb[i].fields = V4L2_H264_FRAME_REF;
        d.dpb[i].frame_num = (uint16_t)frame_num[i];
        d.dpb[i].flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE |
                         (lt[i] ? V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM : 0);
    }
    return sim_h264_marking_check(mk, &d, err, sizeof(err));
}

static void test_marking(void)
{
    struct sim_h264_marking mk;
    memset(&mk, 0, sizeof(mk));
    sps.max_num_ref_frames = 2;
    mark_frame(&mk, 1000, 0, true, NULL, 0);
    mark_frame(&mk, 2000, 1, false, NULL, 0);
    mark_frame(&mk, 3000, 2, false, NULL, 0); /* sliding window drops ts 1000 */
    CHECK(dpb_check(&mk, (const uint64_t[]){3000, 2000}, (const bool[]){0, 0},
                    (const unsigned[]){2, 1}, 2) == 0, "sliding window");
    CHECK(dpb_check(&mk, (const uint64_t[]){3000}, (const bool[]){0}, (const unsigned[]){2}, 1) < 0,
          "a reference missing from the DPB passed");
    CHECK(dpb_check(&mk, (const uint64_t[]){3000, 2000, 1000}, (const bool[]){0, 0, 0},
                    (const unsigned[]){2, 1, 0}, 3) < 0, "a dropped reference in the DPB passed");
    CHECK(dpb_check(&mk, (const uint64_t[]){3000, 2000}, (const bool[]){1, 0},
                    (const unsigned[]){2, 1}, 2) < 0, "LONG_TERM on a short-term picture passed");
    /* frame_num 3: MMCO 1 (PicNum 3 - 2 = 1: ts 2000 unused), MMCO 6 (current long-term 1) */
    mark_frame(&mk, 4000, 3, false,
               (const struct sim_h264_mmco[]){{.op = 1, .diff_minus1 = 1},
                                              {.op = 6, .long_term_frame_idx = 1}}, 2);
    CHECK(dpb_check(&mk, (const uint64_t[]){3000, 4000}, (const bool[]){0, 1},
                    (const unsigned[]){2, 1}, 2) == 0, "MMCO 1 + 6");
    CHECK(dpb_check(&mk, (const uint64_t[]){3000, 4000}, (const bool[]){0, 1},
                    (const unsigned[]){2, 0}, 2) < 0, "a wrong long_term_frame_idx passed");
    /* frame_num 4: MMCO 3 (PicNum 2 -> long-term 1: ts 4000 loses index 1), then the
     * sliding window is not run (adaptive marking): ts 3000 long-term 1, ts 5000 short-term */
    mark_frame(&mk, 5000, 4, false,
               (const struct sim_h264_mmco[]){{.op = 3, .diff_minus1 = 1, .long_term_frame_idx = 1}}, 1);
    CHECK(dpb_check(&mk, (const uint64_t[]){3000, 5000}, (const bool[]){1, 0},
                    (const unsigned[]){1, 4}, 2) == 0, "MMCO 3");
    /* MMCO 5: everything unused, the current picture becomes frame_num 0 */
    mark_frame(&mk, 6000, 5, false, (const struct sim_h264_mmco[]){{.op = 5}}, 1);
    CHECK(dpb_check(&mk, (const uint64_t[]){6000}, (const bool[]){0}, (const unsigned[]){0}, 1) == 0,
          "MMCO 5");
    /* a gap in frame_num: no longer modelled, nothing is checked until the next IDR */
    mark_frame(&mk, 7000, 9, false, NULL, 0);
    CHECK(dpb_check(&mk, NULL, NULL, NULL, 0) == 0, "after a frame_num gap");
    sps.max_num_ref_frames = 4;
}

int main(void)
{
    make_p_slice();
    test_parse_and_check();
    test_malformed();
    test_ref_lists();
    test_marking();
    return check_exit("h264-sim-slice-unit", failures);
}
