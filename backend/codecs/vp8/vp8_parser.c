/* VP8 frame header parser; see vp8_parser.h. Field order follows RFC 6386 19.2 and
 * libvpx's vp8_decode_frame (keyframe resets as libvpx does them). */
#include "vp8_parser.h"

#include <errno.h>
#include <string.h>

#include "vp8_boolreader.h"
#include "vp8_tables.h"
#include <vareq/errmsg.h>

static void key_reset(struct vp8_parser_state *st)
{
    memcpy(st->ent.coeff, vp8_default_coeff_probs, sizeof(st->ent.coeff));
    memcpy(st->ent.ymode, vp8_default_ymode_probs, sizeof(st->ent.ymode));
    memcpy(st->ent.uvmode, vp8_default_uv_mode_probs, sizeof(st->ent.uvmode));
    memcpy(st->ent.mv, vp8_default_mv_probs, sizeof(st->ent.mv));
    st->seg_abs = false;
    memset(st->seg_quant, 0, sizeof(st->seg_quant));
    memset(st->seg_lf, 0, sizeof(st->seg_lf));
    memset(st->seg_probs, 255, sizeof(st->seg_probs));
    memset(st->ref_lf, 0, sizeof(st->ref_lf));
    memset(st->mode_lf, 0, sizeof(st->mode_lf));
}

void vp8_parser_init(struct vp8_parser_state *st)
{
    memset(st, 0, sizeof(*st));
    key_reset(st);
}

static int signed_value(struct vp8_bool_reader *br, unsigned bits)
{
    int v = (int)vp8_br_literal(br, bits);
    return vp8_br_read(br, 128) ? -v : v;
}

static int8_t delta_q(struct vp8_bool_reader *br)
{
    return vp8_br_read(br, 128) ? (int8_t)signed_value(br, 4) : 0;
}

static int parse_header(struct vp8_parser_state *st, const uint8_t *part, size_t size,
                        struct vp8_frame_info *fi, char *err, size_t errlen)
{
    struct v4l2_ctrl_vp8_frame *c = &fi->ctrl;
    struct vp8_bool_reader br;
    struct vp8_entropy saved;
    bool seg_update_map = false, seg_update_data = false, seg_enabled;

    if (fi->first_part_size == 0 || fi->first_part_size > size)
        return vareq_errf(err, errlen, -EINVAL, "vp8: first partition size %u outside the %zu-byte frame",
                          fi->first_part_size, size);
    if (fi->key) {
        key_reset(st);
        st->have_key = true;
        st->width = (uint16_t)(fi->width | fi->hscale << 14);
        st->height = (uint16_t)(fi->height | fi->vscale << 14);
    } else if (!st->have_key) {
        return vareq_errf(err, errlen, -EINVAL, "vp8: inter frame before the first keyframe");
    } else {
        fi->width = st->width & 0x3fff;
        fi->hscale = (uint8_t)(st->width >> 14);
        fi->height = st->height & 0x3fff;
        fi->vscale = (uint8_t)(st->height >> 14);
    }
    vp8_br_init(&br, part, fi->first_part_size);
    if (fi->key) {
        fi->color_space = vp8_br_read(&br, 128);
        fi->clamping = vp8_br_read(&br, 128);
    }
    seg_enabled = vp8_br_read(&br, 128);
    if (seg_enabled) {
        seg_update_map = vp8_br_read(&br, 128);
        seg_update_data = vp8_br_read(&br, 128);
        if (seg_update_data) {
            st->seg_abs = vp8_br_read(&br, 128);
            for (int i = 0; i < 4; i++)
                st->seg_quant[i] = vp8_br_read(&br, 128) ? (int8_t)signed_value(&br, 7) : 0;
            for (int i = 0; i < 4; i++)
                st->seg_lf[i] = vp8_br_read(&br, 128) ? (int8_t)signed_value(&br, 6) : 0;
        }
        if (seg_update_map)
            for (int i = 0; i < 3; i++)
                st->seg_probs[i] = vp8_br_read(&br, 128) ? (uint8_t)vp8_br_literal(&br, 8) : 255;
    }
    bool simple = vp8_br_read(&br, 128);
    c->lf.level = (uint8_t)vp8_br_literal(&br, 6);
    c->lf.sharpness_level = (uint8_t)vp8_br_literal(&br, 3);
    bool lf_adj = vp8_br_read(&br, 128), lf_update = false;
    if (lf_adj) {
        lf_update = vp8_br_read(&br, 128);
        if (lf_update) {
            for (int i = 0; i < 4; i++)
                if (vp8_br_read(&br, 128))
                    st->ref_lf[i] = (int8_t)signed_value(&br, 6);
            for (int i = 0; i < 4; i++)
                if (vp8_br_read(&br, 128))
                    st->mode_lf[i] = (int8_t)signed_value(&br, 6);
        }
    }
    unsigned log2_parts = vp8_br_literal(&br, 2);
    c->quant.y_ac_qi = (uint8_t)vp8_br_literal(&br, 7);
    c->quant.y_dc_delta = delta_q(&br);
    c->quant.y2_dc_delta = delta_q(&br);
    c->quant.y2_ac_delta = delta_q(&br);
    c->quant.uv_dc_delta = delta_q(&br);
    c->quant.uv_ac_delta = delta_q(&br);
    fi->refresh_golden = fi->refresh_alt = fi->key;
    fi->copy_to_golden = fi->copy_to_alt = 0;
    bool sign_golden = false, sign_alt = false;
    if (!fi->key) {
        fi->refresh_golden = vp8_br_read(&br, 128);
        fi->refresh_alt = vp8_br_read(&br, 128);
        if (!fi->refresh_golden)
            fi->copy_to_golden = vp8_br_literal(&br, 2);
        if (!fi->refresh_alt)
            fi->copy_to_alt = vp8_br_literal(&br, 2);
        sign_golden = vp8_br_read(&br, 128);
        sign_alt = vp8_br_read(&br, 128);
    }
    fi->refresh_entropy = vp8_br_read(&br, 128);
    saved = st->ent;
    fi->refresh_last = fi->key ? true : vp8_br_read(&br, 128);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 11; l++)
                    if (vp8_br_read(&br, vp8_coeff_update_probs[i][j][k][l]))
                        st->ent.coeff[i][j][k][l] = (uint8_t)vp8_br_literal(&br, 8);
    bool no_skip_coeff = vp8_br_read(&br, 128);
    c->prob_skip_false = no_skip_coeff ? (uint8_t)vp8_br_literal(&br, 8) : 0;
    if (!fi->key) {
        c->prob_intra = (uint8_t)vp8_br_literal(&br, 8);
        c->prob_last = (uint8_t)vp8_br_literal(&br, 8);
        c->prob_gf = (uint8_t)vp8_br_literal(&br, 8);
        if (vp8_br_read(&br, 128))
            for (int i = 0; i < 4; i++)
                st->ent.ymode[i] = (uint8_t)vp8_br_literal(&br, 8);
        if (vp8_br_read(&br, 128))
            for (int i = 0; i < 3; i++)
                st->ent.uvmode[i] = (uint8_t)vp8_br_literal(&br, 8);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 19; j++)
                if (vp8_br_read(&br, vp8_mv_update_probs[i][j])) {
                    unsigned x = vp8_br_literal(&br, 7);
                    st->ent.mv[i][j] = (uint8_t)(x ? x << 1 : 1);
                }
    }
    if (br.overrun > 2)
        return vareq_errf(err, errlen, -EINVAL,
                          "vp8: frame header runs %zu bytes past the %u-byte first partition",
                          br.overrun, fi->first_part_size);
    fi->header_bits = vp8_br_window_bit(&br);
    fi->coder_range = (uint8_t)br.range;
    fi->coder_value = (uint8_t)(br.value >> 8);
    fi->coder_bit_count = (uint8_t)((8 - fi->header_bits % 8) % 8);

    /* DCT partitions: size table after the first partition, the last one is the rest */
    fi->num_dct_parts = 1u << log2_parts;
    size_t off = fi->first_part_size, table = 3 * (size_t)(fi->num_dct_parts - 1);
    if (table > size - off)
        return vareq_errf(err, errlen, -EINVAL, "vp8: partition table outside the frame");
    size_t data = off + table, left = size - data;
    for (unsigned i = 0; i + 1 < fi->num_dct_parts; i++) {
        const uint8_t *p = part + off + 3 * i;
        uint32_t s = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
        if (s > left)
            return vareq_errf(err, errlen, -EINVAL, "vp8: DCT partition %u (%u bytes) exceeds the frame",
                              i, s);
        fi->dct_part_sizes[i] = s;
        left -= s;
    }
    fi->dct_part_sizes[fi->num_dct_parts - 1] = (uint32_t)left;

    /* the control */
    c->segment.flags = 0;
    if (seg_enabled)
        c->segment.flags |= V4L2_VP8_SEGMENT_FLAG_ENABLED;
    if (seg_update_map)
        c->segment.flags |= V4L2_VP8_SEGMENT_FLAG_UPDATE_MAP;
    if (seg_update_data)
        c->segment.flags |= V4L2_VP8_SEGMENT_FLAG_UPDATE_FEATURE_DATA;
    if (!st->seg_abs)
        c->segment.flags |= V4L2_VP8_SEGMENT_FLAG_DELTA_VALUE_MODE;
    memcpy(c->segment.quant_update, st->seg_quant, 4);
    memcpy(c->segment.lf_update, st->seg_lf, 4);
    memcpy(c->segment.segment_probs, st->seg_probs, 3);
    c->lf.flags = (simple ? V4L2_VP8_LF_FILTER_TYPE_SIMPLE : 0) |
                  (lf_adj ? V4L2_VP8_LF_ADJ_ENABLE : 0) | (lf_update ? V4L2_VP8_LF_DELTA_UPDATE : 0);
    memcpy(c->lf.ref_frm_delta, st->ref_lf, 4);
    memcpy(c->lf.mb_mode_delta, st->mode_lf, 4);
    memcpy(c->entropy.coeff_probs, st->ent.coeff, sizeof(c->entropy.coeff_probs));
    memcpy(c->entropy.y_mode_probs, st->ent.ymode, 4);
    memcpy(c->entropy.uv_mode_probs, st->ent.uvmode, 3);
    memcpy(c->entropy.mv_probs, st->ent.mv, sizeof(c->entropy.mv_probs));
    c->coder_state.range = fi->coder_range;
    c->coder_state.value = fi->coder_value;
    c->coder_state.bit_count = fi->coder_bit_count;
    c->width = fi->width;
    c->height = fi->height;
    c->horizontal_scale = fi->hscale;
    c->vertical_scale = fi->vscale;
    c->version = (uint8_t)fi->version;
    c->num_dct_parts = (uint8_t)fi->num_dct_parts;
    c->first_part_size = fi->first_part_size;
    c->first_part_header_bits = fi->header_bits;
    memcpy(c->dct_part_sizes, fi->dct_part_sizes, sizeof(c->dct_part_sizes));
    c->flags = (fi->key ? V4L2_VP8_FRAME_FLAG_KEY_FRAME : 0) |
               (fi->show ? V4L2_VP8_FRAME_FLAG_SHOW_FRAME : 0) |
               (no_skip_coeff ? V4L2_VP8_FRAME_FLAG_MB_NO_SKIP_COEFF : 0) |
               (sign_golden ? V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN : 0) |
               (sign_alt ? V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT : 0);
    if (!fi->refresh_entropy)
        st->ent = saved;
    return 0;
}

int vp8_parse_stripped(struct vp8_parser_state *st, bool key, unsigned version,
                       uint16_t width, uint16_t height, const uint8_t *part, size_t size,
                       uint32_t first_part_size, struct vp8_frame_info *fi, char *err,
                       size_t errlen)
{
    memset(fi, 0, sizeof(*fi));
    if (!part || !size)
        return vareq_errf(err, errlen, -EINVAL, "vp8: empty frame");
    fi->key = key;
    fi->show = true;
    fi->version = version;
    fi->width = width & 0x3fff;
    fi->height = height & 0x3fff;
    fi->hscale = (uint8_t)(width >> 14);
    fi->vscale = (uint8_t)(height >> 14);
    fi->first_part_size = first_part_size;
    return parse_header(st, part, size, fi, err, errlen);
}

int vp8_parse_frame(struct vp8_parser_state *st, const uint8_t *frame, size_t size,
                    struct vp8_frame_info *fi, char *err, size_t errlen)
{
    memset(fi, 0, sizeof(*fi));
    if (!frame || size < 3)
        return vareq_errf(err, errlen, -EINVAL, "vp8: frame of %zu bytes has no frame tag", size);
    uint32_t tag = frame[0] | (uint32_t)frame[1] << 8 | (uint32_t)frame[2] << 16;
    fi->key = !(tag & 1);
    fi->version = (tag >> 1) & 7;
    fi->show = (tag >> 4) & 1;
    fi->first_part_size = tag >> 5;
    size_t hdr = 3;
    if (fi->key) {
        if (size < 10)
            return vareq_errf(err, errlen, -EINVAL, "vp8: keyframe of %zu bytes is truncated", size);
        if (frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a)
            return vareq_errf(err, errlen, -EINVAL, "vp8: keyframe start code missing");
        uint16_t w = (uint16_t)(frame[6] | frame[7] << 8), h = (uint16_t)(frame[8] | frame[9] << 8);
        fi->width = w & 0x3fff;
        fi->hscale = (uint8_t)(w >> 14);
        fi->height = h & 0x3fff;
        fi->vscale = (uint8_t)(h >> 14);
        if (!fi->width || !fi->height)
            return vareq_errf(err, errlen, -EINVAL, "vp8: keyframe size %ux%u", fi->width, fi->height);
        hdr = 10;
    }
    return parse_header(st, frame + hdr, size - hdr, fi, err, errlen);
}
