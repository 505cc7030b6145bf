/* Unit test of simdev's AV1 bit writer and sequence header writer: f/su/ns/leb128 against a
 * reader written from the spec (4.10), and sequence headers written from controls parsed
 * back by dav1d (dav1d_parse_sequence_header) field by field. */
#include <dav1d/dav1d.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sim_av1_bits.h"
#include "sim_av1_obu.h"

static int failures;

struct br {
    const uint8_t *b;
    size_t pos;
};

static uint32_t rd(struct br *r, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++, r->pos++)
        v = (v << 1) | ((r->b[r->pos >> 3] >> (7 - (r->pos & 7))) & 1);
    return v;
}

static uint32_t rd_ns(struct br *r, uint32_t n) /* spec 4.10.7 */
{
    unsigned w = 0;
    for (uint32_t x = n; x; x >>= 1)
        w++;
    uint32_t m = (1u << w) - n, v = rd(r, w - 1);
    if (v < m)
        return v;
    return (v << 1) - m + rd(r, 1);
}

static void test_bits(void)
{
    uint8_t buf[4096];
    struct av1_bw w;
    struct br r;

    av1_bw_init(&w, buf, sizeof(buf));
    for (uint32_t n = 2; n < 300; n += 7)
        for (uint32_t v = 0; v < n; v += 3)
            av1_bw_ns(&w, n, v);
    EXPECT(!w.overflow);
    r.b = buf;
    r.pos = 0;
    for (uint32_t n = 2; n < 300; n += 7)
        for (uint32_t v = 0; v < n; v += 3) {
            uint32_t got = rd_ns(&r, n);
            if (got != v) {
                fprintf(stderr, "ns(%u): wrote %u read %u\n", n, v, got);
                failures++;
                return;
            }
        }
    av1_bw_init(&w, buf, sizeof(buf));
    av1_bw_su(&w, 7, -63);
    av1_bw_su(&w, 7, 63);
    av1_bw_f(&w, 3, 5);
    av1_bw_trailing(&w);
    EXPECT(av1_bw_bytes(&w) == 3);
    r.pos = 0;
    EXPECT(rd(&r, 7) == 0x41 && rd(&r, 7) == 63 && rd(&r, 3) == 5 && rd(&r, 1) == 1);
    /* overflow is detected, never written past the buffer */
    av1_bw_init(&w, buf, 1);
    av1_bw_f(&w, 16, 0xffff);
    EXPECT(w.overflow && av1_bw_bytes(&w) == 1);
    {
        uint8_t l[8];
        EXPECT(av1_leb128(l, 0) == 1 && l[0] == 0);
        EXPECT(av1_leb128(l, 300) == 2 && l[0] == 0xac && l[1] == 0x02);
    }
}

/* Writes a temporal unit for a 64x64 key frame and parses its sequence header OBU. */
static int seq_roundtrip(const struct v4l2_ctrl_av1_sequence *seq, Dav1dSequenceHeader *out)
{
    static uint8_t tile[16] = {0};
    struct v4l2_ctrl_av1_frame f;
    struct v4l2_ctrl_av1_tile_group_entry t = {0, sizeof(tile), 0, 0};
    struct av1_slot_state slots[8];
    struct av1_obu_in in;
    uint8_t out_buf[8192];
    char err[160];
    long n;
    size_t hdr_len;

    memset(&f, 0, sizeof(f));
    memset(slots, 0, sizeof(slots));
    f.frame_type = V4L2_AV1_KEY_FRAME;
    f.flags = V4L2_AV1_FRAME_FLAG_SHOW_FRAME | V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE |
              V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE;
    f.refresh_frame_flags = 0xff;
    f.primary_ref_frame = 7;
    f.upscaled_width = 64;
    f.frame_width_minus_1 = 63;
    f.frame_height_minus_1 = 63;
    f.render_width_minus_1 = 63;
    f.render_height_minus_1 = 63;
    f.superres_denom = 8;
    f.quantization.base_q_idx = 100;
    f.tile_info.flags = V4L2_AV1_TILE_INFO_FLAG_UNIFORM_TILE_SPACING;
    f.tile_info.tile_cols = f.tile_info.tile_rows = 1;
    f.tile_info.tile_size_bytes = 4;
    f.tile_info.mi_col_starts[1] = f.tile_info.mi_row_starts[1] = 16;
    memset(&in, 0, sizeof(in));
    in.seq = seq;
    in.frame = &f;
    in.tiles = &t;
    in.n_tiles = 1;
    in.data = tile;
    in.len = sizeof(tile);
    in.slots = slots;
    n = av1_write_temporal_unit(&in, out_buf, sizeof(out_buf), err, sizeof(err));
    if (n < 0) {
        fprintf(stderr, "write: %s\n", err);
        return -1;
    }
    /* first OBU: header byte + leb128 size */
    if ((out_buf[0] >> 3) != 1)
        return -1;
    hdr_len = 1 + 1; /* sizes < 128 here */
    if (out_buf[1] & 0x80)
        return -1;
    return dav1d_parse_sequence_header(out, out_buf, hdr_len + out_buf[1]);
}

static void test_sequence(void)
{
    struct v4l2_ctrl_av1_sequence s;
    Dav1dSequenceHeader h;

    memset(&s, 0, sizeof(s));
    s.flags = V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT | V4L2_AV1_SEQUENCE_FLAG_ENABLE_JNT_COMP |
              V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS | V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF |
              V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION | V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X |
              V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y | V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA |
              V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q | V4L2_AV1_SEQUENCE_FLAG_COLOR_RANGE |
              V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT;
    s.order_hint_bits = 7;
    s.bit_depth = 10;
    s.max_frame_width_minus_1 = 1919;
    s.max_frame_height_minus_1 = 1079;
    memset(&h, 0, sizeof(h));
    EXPECT(seq_roundtrip(&s, &h) == 0);
    EXPECT(h.profile == 0 && h.hbd == 1 && h.max_width == 1920 && h.max_height == 1080);
    EXPECT(h.order_hint && h.order_hint_n_bits == 7 && h.jnt_comp && h.ref_frame_mvs);
    EXPECT(h.cdef && h.restoration && h.filter_intra && !h.intra_edge_filter && !h.sb128);
    EXPECT(h.layout == DAV1D_PIXEL_LAYOUT_I420 && h.color_range == 1 && h.separate_uv_delta_q);
    EXPECT(h.film_grain_present && !h.super_res && !h.warped_motion && !h.dual_filter);
    EXPECT(h.screen_content_tools == DAV1D_ADAPTIVE && h.force_integer_mv == DAV1D_ADAPTIVE);

    memset(&s, 0, sizeof(s));
    s.flags = V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK | V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME |
              V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES | V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION |
              V4L2_AV1_SEQUENCE_FLAG_ENABLE_DUAL_FILTER |
              V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER | V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE;
    s.bit_depth = 8;
    s.max_frame_width_minus_1 = 0xffff;
    s.max_frame_height_minus_1 = 0xffff;
    memset(&h, 0, sizeof(h));
    EXPECT(seq_roundtrip(&s, &h) == 0);
    EXPECT(h.hbd == 0 && h.max_width == 65536 && h.max_height == 65536 && h.sb128);
    EXPECT(h.layout == DAV1D_PIXEL_LAYOUT_I400 && h.super_res && h.warped_motion && h.dual_filter);
    EXPECT(h.intra_edge_filter && h.still_picture && !h.order_hint && !h.film_grain_present);
}

int main(void)
{
    test_bits();
    test_sequence();
    return check_exit("av1-obu-unit", failures);
}
