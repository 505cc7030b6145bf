/* VP8 translator: VA picture/slice parameters + the frame without its first 3 + 7*key
 * bytes (slice data) -> V4L2_CID_STATELESS_VP8_FRAME and the OUTPUT bytes
 * (V4L2_PIX_FMT_VP8_FRAME: the whole frame, frame tag first).
 *
 * VA strips the frame tag (key frame flag, version, show_frame, first_part_size) and the
 * keyframe start code and dimensions; the translator writes them back. show_frame is not
 * in VA's parameters: it is written as 1 (a stateless decoder decodes hidden frames the
 * same way; the client decides what to display). VA gives per-segment quantiser and
 * filter levels instead of the header fields the control carries, so the bool-coded
 * header is parsed (vp8_parser.c, which keeps the inter-frame state). The coder state
 * and the macroblock data offset come from VA (cross-checked against the parser). */
#include <stdlib.h>
#include <string.h>
#include <va/va.h>

#include "codecs/codec.h"
#include "codecs/vp8/vp8_parser.h"
#include "util/log.h"

struct vp8_va_state {
    struct vp8_parser_state parser;
    struct vp8_frame_info fi; /* the control payload lives here until S_EXT_CTRLS */
};

static int vp8_ctx_init(void **state)
{
    struct vp8_va_state *st = calloc(1, sizeof(*st));
    if (!st)
        return -1;
    vp8_parser_init(&st->parser);
    *state = st;
    return 0;
}

static void vp8_ctx_destroy(void *state)
{
    free(state);
}

static void put_le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v & 0xff);
    p[1] = (uint8_t)(v >> 8);
}

static VAStatus vp8_translate(void *state, struct vareq_codec_frame *f)
{
    struct vp8_va_state *st = state;
    struct v4l2_ctrl_vp8_frame *c = &st->fi.ctrl;
    VAPictureParameterBufferVP8 pp;
    VASliceParameterBufferVP8 sp;
    const struct vareq_va_buf *data;
    char err[160];
    int r;

    if (!f->pic_param || f->pic_param->size < sizeof(pp)) {
        vq_err("vp8: missing or short picture parameters");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    memcpy(&pp, f->pic_param->data, sizeof(pp));
    if (f->n_slice_params < 1 || f->n_slice_data < 1 ||
        f->slice_params[0].element_size < sizeof(sp) ||
        f->slice_params[0].size < sizeof(sp) || f->slice_params[0].num_elements < 1) {
        vq_err("vp8: missing slice parameters or slice data");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    if (f->n_slice_params > 1 || f->n_slice_data > 1)
        vq_warn("vp8: %u slice parameter / %u slice data buffers, using the first",
                f->n_slice_params, f->n_slice_data);
    memcpy(&sp, f->slice_params[0].data, sizeof(sp));
    data = &f->slice_data[0];
    if (sp.slice_data_offset > data->size ||
        sp.slice_data_size > data->size - sp.slice_data_offset || sp.slice_data_size == 0) {
        vq_err("vp8: slice data %u+%u outside the %zu-byte buffer", sp.slice_data_offset,
               sp.slice_data_size, data->size);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    const uint8_t *part = data->data + sp.slice_data_offset;
    size_t size = sp.slice_data_size;
    bool key = pp.pic_fields.bits.key_frame == 0; /* 0 means a key frame, as in the tag */
    size_t tag_len = key ? 10 : 3;
    uint64_t fps64 = (uint64_t)sp.partition_size[0] + (sp.macroblock_offset + 7) / 8;
    if (fps64 > size || fps64 >= (1u << 19)) {
        vq_err("vp8: first partition of %llu bytes (VA partition_size[0] %u, macroblock_offset "
               "%u) outside the %zu-byte frame", (unsigned long long)fps64, sp.partition_size[0],
               sp.macroblock_offset, size);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    if (pp.frame_width == 0 || pp.frame_height == 0 || pp.frame_width > 0x3fff ||
        pp.frame_height > 0x3fff) {
        vq_err("vp8: frame size %ux%u", pp.frame_width, pp.frame_height);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    if (pp.frame_width > f->cap_width || pp.frame_height > f->cap_height) {
        vq_err("vp8: frame %ux%u larger than the CAPTURE format %ux%u", pp.frame_width,
               pp.frame_height, f->cap_width, f->cap_height);
        return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    }
    if (tag_len + size > f->out_cap) {
        vq_err("vp8: frame of %zu bytes exceeds the OUTPUT buffer (%zu)", tag_len + size,
               f->out_cap);
        return VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
    }

    err[0] = 0;
    r = vp8_parse_stripped(&st->parser, key, pp.pic_fields.bits.version,
                           (uint16_t)pp.frame_width, (uint16_t)pp.frame_height, part, size,
                           (uint32_t)fps64, &st->fi, err, sizeof(err));
    if (r < 0) {
        vq_err("vp8: frame header: %s (%d)", err[0] ? err : "parse error", r);
        return VA_STATUS_ERROR_DECODING_ERROR;
    }

    /* VA's bool coder state and MB data offset are what the client's parser found */
    if (c->first_part_header_bits != sp.macroblock_offset ||
        c->coder_state.range != pp.bool_coder_ctx.range ||
        c->coder_state.value != pp.bool_coder_ctx.value ||
        c->coder_state.bit_count != pp.bool_coder_ctx.count)
        vq_warn("vp8: header end bit %u range %u value %u count %u parsed, VA says %u/%u/%u/%u",
                c->first_part_header_bits, c->coder_state.range, c->coder_state.value,
                c->coder_state.bit_count, sp.macroblock_offset, pp.bool_coder_ctx.range,
                pp.bool_coder_ctx.value, pp.bool_coder_ctx.count);
    c->first_part_header_bits = sp.macroblock_offset;
    c->coder_state.range = pp.bool_coder_ctx.range;
    c->coder_state.value = pp.bool_coder_ctx.value;
    c->coder_state.bit_count = pp.bool_coder_ctx.count;
    if (sp.num_of_partitions >= 2 && sp.num_of_partitions - 1u != c->num_dct_parts)
        vq_warn("vp8: %u DCT partitions parsed, VA says %u", c->num_dct_parts,
                sp.num_of_partitions - 1u);
    for (unsigned i = 0; i < c->num_dct_parts && i + 1 < 9; i++)
        if (sp.partition_size[i + 1] != c->dct_part_sizes[i])
            vq_dbg("vp8: DCT partition %u: %u bytes parsed, VA says %u", i,
                   c->dct_part_sizes[i], sp.partition_size[i + 1]);
    if (!!(c->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN) != pp.pic_fields.bits.sign_bias_golden ||
        !!(c->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT) != pp.pic_fields.bits.sign_bias_alternate ||
        c->prob_skip_false != pp.prob_skip_false ||
        (!key && (c->prob_intra != pp.prob_intra || c->prob_last != pp.prob_last ||
                  c->prob_gf != pp.prob_gf)))
        vq_warn("vp8: parsed header differs from VA's picture parameters");
    c->width = (uint16_t)pp.frame_width;
    c->height = (uint16_t)pp.frame_height;

    c->last_frame_ts = c->golden_frame_ts = c->alt_frame_ts = 0;
    if (!key) {
        const VASurfaceID ids[3] = {pp.last_ref_frame, pp.golden_ref_frame, pp.alt_ref_frame};
        uint64_t ts[3] = {0, 0, 0};
        static const char *const names[3] = {"last", "golden", "altref"};
        for (int i = 0; i < 3; i++)
            if (f->ref_ts(f->opaque, ids[i], &ts[i]) < 0) {
                vq_err("vp8: %s reference (surface 0x%x) holds no frame", names[i], ids[i]);
                return VA_STATUS_ERROR_INVALID_SURFACE;
            }
        c->last_frame_ts = ts[0];
        c->golden_frame_ts = ts[1];
        c->alt_frame_ts = ts[2];
    }

    /* OUTPUT: frame tag (+ start code and dimensions) + the frame VA gave */
    uint32_t tag = (key ? 0u : 1u) | (c->version & 7u) << 1 | 1u << 4 | (uint32_t)fps64 << 5;
    f->out[0] = (uint8_t)(tag & 0xff);
    f->out[1] = (uint8_t)(tag >> 8);
    f->out[2] = (uint8_t)(tag >> 16);
    if (key) {
        f->out[3] = 0x9d;
        f->out[4] = 0x01;
        f->out[5] = 0x2a;
        put_le16(f->out + 6, c->width | (unsigned)c->horizontal_scale << 14);
        put_le16(f->out + 8, c->height | (unsigned)c->vertical_scale << 14);
    }
    memcpy(f->out + tag_len, part, size);
    f->out_used = tag_len + size;

    f->n_ctrls = 0;
    for (unsigned i = 0; i < vareq_codec_vp8.n_ctrls; i++) {
        struct v4l2_ext_control *x = &f->ctrls[f->n_ctrls];
        if (!f->ctrl_present[i] || vareq_codec_vp8.ctrls[i].id != V4L2_CID_STATELESS_VP8_FRAME)
            continue;
        memset(x, 0, sizeof(*x));
        x->id = V4L2_CID_STATELESS_VP8_FRAME;
        x->ptr = c;
        x->size = sizeof(*c);
        f->n_ctrls++;
    }
    vq_dbg("vp8: %s frame %ux%u, %zu bytes, refs %llu/%llu/%llu", key ? "key" : "inter",
           c->width, c->height, f->out_used, (unsigned long long)c->last_frame_ts,
           (unsigned long long)c->golden_frame_ts, (unsigned long long)c->alt_frame_ts);
    return VA_STATUS_SUCCESS;
}

/* Size and keyframe flag from VA's picture parameters, for the core's in-stream size
 * change at keyframes (codec.h frame_size). */
static int vp8_frame_size(const struct vareq_codec_frame *f, unsigned *w, unsigned *h,
                          bool *key)
{
    VAPictureParameterBufferVP8 pp;
    if (!f->pic_param || f->pic_param->size < sizeof(pp))
        return -1;
    memcpy(&pp, f->pic_param->data, sizeof(pp));
    *w = pp.frame_width;
    *h = pp.frame_height;
    *key = pp.pic_fields.bits.key_frame == 0;
    return 0;
}

const struct vareq_codec vareq_codec_vp8 = {
    .name = "VP8",
    .output_pixfmt = V4L2_PIX_FMT_VP8_FRAME,
    .profiles = {{VAProfileVP8Version0_3, "VP8Version0_3", VA_RT_FORMAT_YUV420}},
    .n_profiles = 1,
    .ctrls = {{V4L2_CID_STATELESS_VP8_FRAME, true}},
    .n_ctrls = 1,
    .pic_param_size = sizeof(VAPictureParameterBufferVP8),
    .slice_param_size = sizeof(VASliceParameterBufferVP8),
    .ctx_init = vp8_ctx_init,
    .ctx_destroy = vp8_ctx_destroy,
    .translate = vp8_translate,
    .frame_size = vp8_frame_size,
};
