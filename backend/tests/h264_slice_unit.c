/* h264-slice-unit: the H.264 slice header parser on hand-built slices, truncations,
 * every single-bit corruption, emulation prevention and declined features. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "h264_bitreader.h"
#include "h264_slice.h"

static int failures;

/* minimal bit writer (RBSP) */
struct bw { uint8_t b[256]; size_t n; };
static void put(struct bw *w, unsigned nbits, uint32_t v)
{
    for (unsigned i = nbits; i-- > 0;) {
        if ((v >> i) & 1)
            w->b[w->n / 8] |= (uint8_t)(0x80 >> (w->n % 8));
        w->n++;
    }
}
static void ue(struct bw *w, uint32_t v)
{
    uint64_t x = (uint64_t)v + 1;
    unsigned len = 0;
    while ((x >> len) > 1)
        len++;
    put(w, len, 0);
    put(w, len + 1, (uint32_t)x);
}
static void se(struct bw *w, int32_t v) { ue(w, v > 0 ? (uint32_t)(2 * v - 1) : (uint32_t)(-2 * v)); }

static struct h264_slice_ps base_ps(void)
{
    struct h264_slice_ps ps;
    memset(&ps, 0, sizeof(ps));
    ps.log2_max_frame_num = 4;
    ps.log2_max_poc_lsb = 6;
    ps.frame_mbs_only = true;
    ps.chroma_array_type = 1;
    ps.deblocking_filter_control_present = true;
    return ps;
}

/* IDR I slice: returns NAL size in out (NAL header + RBSP + stop bit) */
static size_t build_idr(uint8_t *out, unsigned *hdr_bits)
{
    struct bw w;
    memset(&w, 0, sizeof(w));
    ue(&w, 0);      /* first_mb */
    ue(&w, 7);      /* slice_type I (all) */
    ue(&w, 3);      /* pps id */
    put(&w, 4, 5);  /* frame_num */
    ue(&w, 1234);   /* idr_pic_id */
    put(&w, 6, 42); /* poc lsb */
    put(&w, 1, 0);  /* no_output_of_prior_pics */
    put(&w, 1, 1);  /* long_term_reference_flag */
    se(&w, -3);     /* slice_qp_delta */
    ue(&w, 0);      /* disable_deblocking_filter_idc */
    se(&w, 2);
    se(&w, -1);
    *hdr_bits = (unsigned)w.n;
    put(&w, 8, 0xA5); /* some slice data */
    put(&w, 1, 1);
    out[0] = 0x65;
    memcpy(out + 1, w.b, (w.n + 7) / 8);
    return 1 + (w.n + 7) / 8;
}

int main(void)
{
    uint8_t nal[300];
    unsigned hdr_bits;
    size_t n = build_idr(nal, &hdr_bits);
    struct h264_slice_ps ps = base_ps();
    struct h264_slice_hdr h;
    char err[128];

    EXPECT(h264_parse_slice_header(nal, n, &ps, &h, err, sizeof(err)) == 0);
    EXPECT(h.idr && h.nal_ref_idc == 3 && h.slice_type == H264_SLICE_I && h.pps_id == 3);
    EXPECT(h.frame_num == 5 && h.idr_pic_id == 1234 && h.pic_order_cnt_lsb == 42);
    EXPECT(h.long_term_reference_flag && !h.no_output_of_prior_pics);
    EXPECT(h.dec_ref_pic_marking_bit_size == 2 && h.pic_order_cnt_bit_size == 6);
    EXPECT(h.slice_qp_delta == -3 && h.slice_alpha_c0_offset_div2 == 2 &&
           h.slice_beta_offset_div2 == -1);
    EXPECT(h.header_bit_size == hdr_bits);

    /* every truncation of the header failures cleanly */
    for (size_t len = 0; len < 1 + hdr_bits / 8; len++)
        EXPECT(h264_parse_slice_header(nal, len, &ps, &h, err, sizeof(err)) == -EINVAL);
    EXPECT(h264_parse_slice_header(NULL, 10, &ps, &h, err, sizeof(err)) == -EINVAL);

    /* every single-bit flip: no crash, and the result stays within the syntax ranges */
    for (size_t bit = 0; bit < n * 8; bit++) {
        uint8_t m[300];
        memcpy(m, nal, n);
        m[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
        if (h264_parse_slice_header(m, n, &ps, &h, err, sizeof(err)) == 0)
            EXPECT(h.slice_type <= 4 && h.pps_id <= 255 && h.header_bit_size <= (n - 1) * 8 &&
                   h.disable_deblocking_filter_idc <= 2);
    }

    /* random garbage: no crash */
    srand(1);
    for (int i = 0; i < 20000; i++) {
        uint8_t m[64];
        size_t len = (size_t)(rand() % 64);
        for (size_t j = 0; j < len; j++)
            m[j] = (uint8_t)rand();
        ps.frame_mbs_only = rand() & 1;
        ps.entropy_coding_mode = rand() & 1;
        ps.weighted_pred = rand() & 1;
        ps.weighted_bipred_idc = (unsigned)(rand() % 3);
        ps.pic_order_cnt_type = (unsigned)(rand() % 3);
        (void)h264_parse_slice_header(m, len, &ps, &h, err, sizeof(err));
    }
    ps = base_ps();

    /* emulation prevention: 00 00 03 inside the header is removed while reading */
    {
        struct h264_br br;
        const uint8_t esc[] = {0x00, 0x00, 0x03, 0x01, 0xff};
        h264_br_init(&br, esc, sizeof(esc));
        EXPECT(h264_br_u(&br, 24) == 0x000001 && h264_br_ok(&br));
        EXPECT(h264_br_u(&br, 8) == 0xff && h264_br_ok(&br));
        EXPECT(h264_br_u(&br, 1) == 0 && !h264_br_ok(&br));
        const uint8_t lz[] = {0x00, 0x00, 0x00, 0x00, 0x00};
        h264_br_init(&br, lz, sizeof(lz));
        (void)h264_br_ue(&br);
        EXPECT(!h264_br_ok(&br));
    }

    /* declined: FMO, data partitioning, MVC; invalid: forbidden bit, non-slice */
    ps.num_slice_groups_minus1 = 1;
    EXPECT(h264_parse_slice_header(nal, n, &ps, &h, err, sizeof(err)) == -ENOTSUP);
    ps = base_ps();
    nal[0] = 0x22; /* data partition A */
    EXPECT(h264_parse_slice_header(nal, n, &ps, &h, err, sizeof(err)) == -ENOTSUP);
    nal[0] = 0x74; /* MVC (20) */
    EXPECT(h264_parse_slice_header(nal, n, &ps, &h, err, sizeof(err)) == -ENOTSUP);
    nal[0] = 0xe5;
    EXPECT(h264_parse_slice_header(nal, n, &ps, &h, err, sizeof(err)) == -EINVAL);
    nal[0] = 0x67; /* SPS */
    EXPECT(h264_parse_slice_header(nal, n, &ps, &h, err, sizeof(err)) == -EINVAL);
    nal[0] = 0x05; /* IDR with nal_ref_idc 0 */
    EXPECT(h264_parse_slice_header(nal, n, &ps, &h, err, sizeof(err)) == -EINVAL);

    return check_exit("h264-slice-unit", failures);
}
