/* vp9-parser-unit: known values from a tiny libvpx stream (64x48, headers embedded),
 * parse(write(control)) == control for hand-chosen controls (writer = simdev's), and
 * malformed headers rejected with an error, never a crash, state left unchanged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sim_vp9_headers.h"
#include "vp9_parser.h"
#include "vp9_probmap.h"

static int failures;

/* vpxenc --good --cq-level=30 of testsrc2 64x48: keyframe (headers + 1 tile byte) and the
 * following inter frame. Reference values cross-checked with libvpx's
 * VPXD_GET_LAST_QUANTIZER and VP8D_GET_LAST_REF_UPDATES. */
static const uint8_t tiny_key[116] = {
    0x82, 0x49, 0x83, 0x42, 0x00, 0x03, 0xf0, 0x02, 0xf6, 0x00, 0x38, 0x24,
    0x1c, 0x18, 0x0e, 0x00, 0x06, 0x10, 0x6f, 0xbf, 0xf3, 0xdf, 0xdd, 0xea,
    0xbd, 0x8f, 0xa8, 0xbd, 0x83, 0xb2, 0x7f, 0xbd, 0xef, 0xe2, 0xf5, 0xdb,
    0xb3, 0xe3, 0xfe, 0x4f, 0x62, 0xf6, 0x2e, 0xa0, 0xf5, 0x1e, 0x8b, 0xd8,
    0xba, 0x87, 0xd7, 0x7a, 0x8f, 0x45, 0xeb, 0xfa, 0x87, 0xd8, 0x09, 0x2a,
    0xfb, 0xaf, 0xe4, 0xf7, 0x17, 0x12, 0xcd, 0x47, 0x11, 0x70, 0x0e, 0x9d,
    0xea, 0x38, 0xa3, 0x87, 0xdf, 0x2e, 0xfa, 0xe5, 0x6b, 0x87, 0xf1, 0x2f,
    0x14, 0x71, 0x2e, 0xfa, 0xdd, 0x13, 0x3f, 0x86, 0x6f, 0x4d, 0xd0, 0xec,
    0x6c, 0x95, 0x02, 0xad, 0x37, 0x3b, 0x14, 0xd4, 0x4d, 0x14, 0xd4, 0x5f,
    0x2f, 0x3c, 0xcf, 0x79, 0x00, 0x00, 0x00, 0x7f,
};
static const uint8_t tiny_inter[19] = {
    0x86, 0x00, 0x40, 0x92, 0x9c, 0x10, 0x4f, 0x00, 0x00, 0x03, 0x60, 0x00,
    0x00, 0x7e, 0xe9, 0x2b, 0x9e, 0xe3, 0x40,
};

/* test-local MSB-first bit writer for hand-made headers */
struct bw {
    uint8_t b[64];
    size_t pos;
};
static void put(struct bw *w, uint32_t v, unsigned n)
{
    for (unsigned i = n; i-- > 0; w->pos++)
        if ((v >> i) & 1)
            w->b[w->pos >> 3] |= (uint8_t)(0x80u >> (w->pos & 7));
}

static void test_tiny_stream(void)
{
    struct vp9_parser_state st;
    struct vp9_frame_hdr h;
    char err[128];
    vp9_parser_init(&st);
    EXPECT(vp9_parse_frame(&st, tiny_key, sizeof(tiny_key), &h, err, sizeof(err)) == 0);
    EXPECT(!h.show_existing_frame);
    EXPECT(h.frame.flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME);
    EXPECT(h.frame.flags & V4L2_VP9_FRAME_FLAG_SHOW_FRAME);
    EXPECT(h.frame.flags & V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING);
    EXPECT(h.frame.flags & V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING);
    EXPECT(h.frame.profile == 0 && h.frame.bit_depth == 8);
    EXPECT(h.frame.frame_width_minus_1 == 63 && h.frame.frame_height_minus_1 == 47);
    EXPECT(h.frame.render_width_minus_1 == 63 && h.frame.render_height_minus_1 == 47);
    EXPECT(h.refresh_frame_flags == 0xff);
    EXPECT(h.frame.quant.base_q_idx == 7);
    EXPECT(h.frame.uncompressed_header_size == 18);
    EXPECT(h.frame.compressed_header_size == 97);
    EXPECT(h.hdr.tx_mode == V4L2_VP9_TX_MODE_ALLOW_32X32);
    EXPECT(h.frame.lf.ref_deltas[0] == 1 && h.frame.lf.ref_deltas[2] == -1 &&
          h.frame.lf.ref_deltas[3] == -1);
    EXPECT(st.slot_width[5] == 64 && st.slot_height[5] == 48);

    EXPECT(vp9_parse_frame(&st, tiny_inter, sizeof(tiny_inter), &h, err, sizeof(err)) == 0);
    EXPECT(!(h.frame.flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME));
    EXPECT(h.frame.quant.base_q_idx == 120);
    EXPECT(h.refresh_frame_flags == 0x01);
    EXPECT(h.ref_frame_idx[0] == 0 && h.ref_frame_idx[1] == 1 && h.ref_frame_idx[2] == 2);
    EXPECT(h.frame.frame_width_minus_1 == 63 && h.frame.frame_height_minus_1 == 47);
    EXPECT(h.frame.uncompressed_header_size == 10 && h.frame.compressed_header_size == 3);
    EXPECT(h.frame.reference_mode == V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE);

    /* an inter frame before any keyframe is rejected */
    struct vp9_parser_state fresh;
    vp9_parser_init(&fresh);
    EXPECT(vp9_parse_frame(&fresh, tiny_inter, sizeof(tiny_inter), &h, err, sizeof(err)) < 0);
}

/* every truncation and every single-bit flip of the headers: no crash, and on error
 * the state is unchanged */
static void test_truncation_and_flips(void)
{
    struct vp9_parser_state st, before;
    struct vp9_frame_hdr h;
    char err[128];
    for (size_t n = 0; n < 18 + 97; n++) {
        vp9_parser_init(&st);
        before = st;
        int r = vp9_parse_frame(&st, tiny_key, n, &h, err, sizeof(err));
        EXPECT(r < 0);
        EXPECT(err[0] != '\0');
        EXPECT(memcmp(&st, &before, sizeof(st)) == 0);
    }
    uint8_t buf[sizeof(tiny_key)];
    for (size_t bit = 0; bit < 8 * sizeof(buf); bit++) {
        memcpy(buf, tiny_key, sizeof(buf));
        buf[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
        vp9_parser_init(&st);
        before = st;
        if (vp9_parse_frame(&st, buf, sizeof(buf), &h, err, sizeof(err)) < 0)
            EXPECT(memcmp(&st, &before, sizeof(st)) == 0);
    }
}

static void test_malformed(void)
{
    struct vp9_parser_state st;
    struct vp9_frame_hdr h;
    char err[128];
    uint8_t buf[sizeof(tiny_key)];

    vp9_parser_init(&st);
    EXPECT(vp9_parse_frame(&st, NULL, 0, &h, err, sizeof(err)) < 0);
    /* bad frame marker */
    memcpy(buf, tiny_key, sizeof(buf));
    buf[0] = (uint8_t)((buf[0] & 0x3f) | 0x40);
    EXPECT(vp9_parse_frame(&st, buf, sizeof(buf), &h, err, sizeof(err)) == -EINVAL);
    EXPECT(strstr(err, "marker") != NULL);
    /* bad sync code */
    memcpy(buf, tiny_key, sizeof(buf));
    buf[2] ^= 0x10;
    EXPECT(vp9_parse_frame(&st, buf, sizeof(buf), &h, err, sizeof(err)) == -EINVAL);
    EXPECT(strstr(err, "sync") != NULL);
    /* profile 3 with the reserved bit set: 10 1 1 1 ... */
    struct bw w = { { 0 }, 0 };
    put(&w, 2, 2);
    put(&w, 1, 1);
    put(&w, 1, 1);
    put(&w, 1, 1);
    EXPECT(vp9_parse_frame(&st, w.b, sizeof(w.b), &h, err, sizeof(err)) == -EINVAL);
    EXPECT(strstr(err, "reserved") != NULL);
    /* hand-made 16x16 keyframe with header_size_in_bytes = 0 */
    memset(&w, 0, sizeof(w));
    put(&w, 2, 2);          /* frame marker */
    put(&w, 0, 2);          /* profile 0 */
    put(&w, 0, 1);          /* show_existing_frame */
    put(&w, 0, 1);          /* key frame */
    put(&w, 1, 1);          /* show_frame */
    put(&w, 0, 1);          /* error_resilient_mode */
    put(&w, 0x498342, 24);
    put(&w, 1, 3);          /* color space BT.601 */
    put(&w, 0, 1);          /* studio range */
    put(&w, 15, 16);
    put(&w, 15, 16);
    put(&w, 0, 1);          /* render size = frame size */
    put(&w, 1, 1);          /* refresh_frame_context */
    put(&w, 0, 1);          /* frame_parallel_decoding_mode */
    put(&w, 0, 2);          /* frame_context_idx */
    put(&w, 10, 6);         /* filter level */
    put(&w, 0, 3);
    put(&w, 0, 1);          /* no lf deltas */
    put(&w, 50, 8);         /* base_q_idx */
    put(&w, 0, 3);          /* no q deltas */
    put(&w, 0, 1);          /* no segmentation */
    put(&w, 0, 1);          /* tile rows */
    size_t size_pos = w.pos;
    put(&w, 0, 16);         /* header_size_in_bytes = 0 */
    EXPECT(vp9_parse_frame(&st, w.b, sizeof(w.b), &h, err, sizeof(err)) == -EINVAL);
    EXPECT(strstr(err, "size") != NULL);
    /* the same header claiming a compressed header larger than the data */
    w.pos = size_pos;
    put(&w, 0xffff, 16);
    EXPECT(vp9_parse_frame(&st, w.b, sizeof(w.b), &h, err, sizeof(err)) == -ENODATA);
    /* a compressed header whose marker bit is 1 (first byte 0xff) */
    w.pos = size_pos;
    for (int i = 0; i < 16; i++)
        w.b[(size_pos >> 3) + (size_t)i] &= (uint8_t)(i == 0 ? ~(0xffu >> (size_pos & 7)) : 0);
    put(&w, 4, 16);
    size_t hdr_bytes = (w.pos + 7) >> 3;
    memset(w.b + hdr_bytes, 0xff, 4);
    EXPECT(vp9_parse_frame(&st, w.b, hdr_bytes + 5, &h, err, sizeof(err)) == -EINVAL);
    EXPECT(!st.have_keyframe);
}

/* parse(write(control)) == control, with simdev's header writers */
static void test_inverse(void)
{
    struct v4l2_ctrl_vp9_frame f;
    struct v4l2_ctrl_vp9_compressed_hdr c;
    memset(&f, 0, sizeof(f));
    memset(&c, 0, sizeof(c));
    f.flags = V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
              V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING |
              V4L2_VP9_FRAME_FLAG_REFRESH_FRAME_CTX | V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING;
    f.frame_width_minus_1 = 1919;
    f.frame_height_minus_1 = 1079;
    f.render_width_minus_1 = 1279;
    f.render_height_minus_1 = 719;
    f.bit_depth = 8;
    f.frame_context_idx = 2;
    f.lf.level = 33;
    f.lf.sharpness = 5;
    f.lf.flags = V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED | V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE;
    const int8_t rd[4] = { 2, -63, 0, 17 }, md[2] = { -5, 63 };
    memcpy(f.lf.ref_deltas, rd, 4);
    memcpy(f.lf.mode_deltas, md, 2);
    f.quant.base_q_idx = 99;
    f.quant.delta_q_y_dc = -15;
    f.quant.delta_q_uv_ac = 7;
    f.seg.flags = V4L2_VP9_SEGMENTATION_FLAG_ENABLED | V4L2_VP9_SEGMENTATION_FLAG_UPDATE_MAP |
                  V4L2_VP9_SEGMENTATION_FLAG_UPDATE_DATA;
    const uint8_t tp[7] = { 1, 255, 128, 7, 200, 255, 3 };
    memcpy(f.seg.tree_probs, tp, 7);
    memset(f.seg.pred_probs, 255, 3);
    f.seg.feature_enabled[1] = V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_ALT_Q) |
                               V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_SKIP);
    f.seg.feature_data[1][0] = -200;
    f.seg.feature_enabled[7] = V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_ALT_L) |
                               V4L2_VP9_SEGMENT_FEATURE_ENABLED(V4L2_VP9_SEG_LVL_REF_FRAME);
    f.seg.feature_data[7][1] = 63;
    f.seg.feature_data[7][2] = 3;
    f.tile_cols_log2 = 2;
    f.tile_rows_log2 = 1;
    c.tx_mode = V4L2_VP9_TX_MODE_SELECT;
    c.tx8[1][0] = 7;
    c.tx32[0][2] = 254;
    c.coef[0][1][0][0][2][1] = 1;
    c.coef[3][1][1][5][5][2] = 253;
    c.coef[2][0][1][3][4][0] = 100;
    c.skip[2] = 64;

    char err[160];
    struct sim_vp9_slots slots = { { 0, 1, 2 }, 1 };
    uint8_t comp[SIM_VP9_COMP_MAX], unc[SIM_VP9_UNCOMP_MAX];
    size_t cl = 0, ul = 0;
    EXPECT(sim_vp9_check_frame(&f, err, sizeof(err)) == 0);
    EXPECT(sim_vp9_write_compressed(&f, &c, comp, sizeof(comp), &cl, err, sizeof(err)) == 0);
    EXPECT(sim_vp9_write_uncompressed(&f, &slots, cl, unc, sizeof(unc), &ul, err,
                                     sizeof(err)) == 0);
    uint8_t *frame = calloc(1, ul + cl + 4);
    if (!frame)
        abort();
    memcpy(frame, unc, ul);
    memcpy(frame + ul, comp, cl);
    struct vp9_parser_state st;
    struct vp9_frame_hdr h;
    vp9_parser_init(&st);
    int r = vp9_parse_frame(&st, frame, ul + cl + 4, &h, err, sizeof(err));
    EXPECT(r == 0);
    if (r == 0) {
        struct v4l2_ctrl_vp9_frame g = h.frame;
        EXPECT(g.uncompressed_header_size == ul && g.compressed_header_size == cl);
        g.uncompressed_header_size = f.uncompressed_header_size;
        g.compressed_header_size = f.compressed_header_size;
        /* a keyframe resets the deltas before the coded update: same values expected */
        EXPECT(memcmp(&g, &f, sizeof(f)) == 0);
        EXPECT(memcmp(&h.hdr, &c, sizeof(c)) == 0);
    }
    /* an inter frame with compound prediction and mv updates */
    f.flags = V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING |
              V4L2_VP9_FRAME_FLAG_PARALLEL_DEC_MODE | V4L2_VP9_FRAME_FLAG_ALLOW_HIGH_PREC_MV |
              V4L2_VP9_FRAME_FLAG_COLOR_RANGE_FULL_SWING;
    f.render_width_minus_1 = f.frame_width_minus_1;
    f.render_height_minus_1 = f.frame_height_minus_1;
    f.ref_frame_sign_bias = V4L2_VP9_SIGN_BIAS_ALT;
    f.reference_mode = V4L2_VP9_REFERENCE_MODE_SELECT;
    f.interpolation_filter = V4L2_VP9_INTERP_FILTER_EIGHTTAP_SMOOTH;
    f.reset_frame_context = V4L2_VP9_RESET_FRAME_CTX_SPEC;
    f.seg.flags = V4L2_VP9_SEGMENTATION_FLAG_ENABLED | V4L2_VP9_SEGMENTATION_FLAG_UPDATE_DATA |
                  V4L2_VP9_SEGMENTATION_FLAG_ABS_OR_DELTA_UPDATE;
    f.lf.flags = V4L2_VP9_LOOP_FILTER_FLAG_DELTA_ENABLED | V4L2_VP9_LOOP_FILTER_FLAG_DELTA_UPDATE;
    memset(&c, 0, sizeof(c));
    c.tx_mode = V4L2_VP9_TX_MODE_ALLOW_16X16;
    c.comp_mode[4] = 33;
    c.single_ref[2][1] = 20;
    c.comp_ref[0] = 150;
    c.y_mode[3][8] = 9;
    c.partition[15][2] = 200;
    c.inter_mode[6][0] = 2;
    c.mv.joint[1] = 0x81;
    c.mv.class0_fr[1][1][2] = 0x03;
    c.mv.hp[1] = 0xff;
    EXPECT(sim_vp9_check_frame(&f, err, sizeof(err)) == 0);
    EXPECT(sim_vp9_write_compressed(&f, &c, comp, sizeof(comp), &cl, err, sizeof(err)) == 0);
    EXPECT(sim_vp9_write_uncompressed(&f, &slots, cl, unc, sizeof(unc), &ul, err,
                                     sizeof(err)) == 0);
    free(frame);
    frame = calloc(1, ul + cl + 4);
    if (!frame)
        abort();
    memcpy(frame, unc, ul);
    memcpy(frame + ul, comp, cl);
    r = vp9_parse_frame(&st, frame, ul + cl + 4, &h, err, sizeof(err));
    EXPECT(r == 0);
    if (r == 0) {
        struct v4l2_ctrl_vp9_frame g = h.frame;
        g.uncompressed_header_size = f.uncompressed_header_size;
        g.compressed_header_size = f.compressed_header_size;
        EXPECT(memcmp(&g, &f, sizeof(f)) == 0);
        EXPECT(memcmp(&h.hdr, &c, sizeof(c)) == 0);
        EXPECT(h.refresh_frame_flags == 1);
    }
    free(frame);
    /* values the bitstream cannot carry are rejected by the writer */
    c.uv_mode[0][0] = 5;
    EXPECT(sim_vp9_write_compressed(&f, &c, comp, sizeof(comp), &cl, err, sizeof(err)) < 0);
    c.uv_mode[0][0] = 0;
    c.mv.sign[0] = 0x80;
    EXPECT(sim_vp9_write_compressed(&f, &c, comp, sizeof(comp), &cl, err, sizeof(err)) < 0);
    c.mv.sign[0] = 0;
    c.coef[3][0][0][0][0][0] = 5; /* tx 32x32 not allowed by ALLOW_16X16 */
    EXPECT(sim_vp9_write_compressed(&f, &c, comp, sizeof(comp), &cl, err, sizeof(err)) < 0);
    f.ref_frame_sign_bias = 0;
    EXPECT(sim_vp9_check_frame(&f, err, sizeof(err)) < 0); /* compound with equal biases */
}

static void test_inv_map(void)
{
    for (unsigned i = 0; i < 254; i++)
        EXPECT(sim_vp9_inv_map_index(vp9_inv_map(i)) == (int)i);
    EXPECT(vp9_inv_map(254) == 253 && sim_vp9_inv_map_index(253) == 253);
    EXPECT(vp9_inv_map(0) == 7 && vp9_inv_map(19) == 254 && vp9_inv_map(20) == 1);
    EXPECT(sim_vp9_inv_map_index(0) < 0 && sim_vp9_inv_map_index(255) < 0);
}

int main(void)
{
    test_tiny_stream();
    test_truncation_and_flips();
    test_malformed();
    test_inverse();
    test_inv_map();
    return check_exit("vp9-parser-unit", failures);
}
