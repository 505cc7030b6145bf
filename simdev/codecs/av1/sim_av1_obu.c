/* AV1 OBU writer (spec sections 5.3, 5.5, 5.9, 5.11). Syntax only: the semantics are dav1d's.
 * Choices that do not change the decode: no timing/decoder-model info, one operating point
 * (idc 0, level 31), no frame ids, screen content tools and integer MV "select" at the
 * frame level, frame sizes always coded (frame_size_override_flag follows the control),
 * found_ref = 0, all loop-filter deltas sent when an update is signalled. */
#include "sim_av1_obu_int.h"

#include <stdio.h>
#include <string.h>

#define OBU_SEQUENCE_HEADER 1
#define OBU_FRAME_HEADER 3
#define OBU_TILE_GROUP 4

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
    av1_hdr_sequence(&w, in->seq);
    av1_bw_trailing(&w);
    n = av1_bw_bytes(&w);
    if (w.overflow || cap - pos < n + 10)
        FAIL("sequence header does not fit");
    pos += put_obu_header(out + pos, OBU_SEQUENCE_HEADER, n);
    memcpy(out + pos, tmp, n);
    pos += n;

    /* frame header OBU */
    av1_bw_init(&w, tmp, sizeof(tmp));
    if (av1_hdr_frame(&w, &c) < 0)
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
