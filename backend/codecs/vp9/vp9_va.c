/* VP9 translator: VA picture/slice parameters + the whole frame (slice data) ->
 * V4L2_CID_STATELESS_VP9_FRAME (+ _COMPRESSED_HDR) and the OUTPUT bytes (the frame).
 * VA lacks most of the header fields, so the frame headers are parsed (vp9_parser). */
#include <stdlib.h>
#include <string.h>
#include <va/va.h>

#include "codecs/codec.h"
#include "codecs/vp9/vp9_parser.h"
#include "util/log.h"

struct vp9_va_state {
    struct vp9_parser_state parser;
    struct vp9_frame_hdr hdr; /* control payloads live here until S_EXT_CTRLS */
};

static int vp9_ctx_init(void **state)
{
    struct vp9_va_state *st = calloc(1, sizeof(*st));
    if (!st)
        return -1;
    vp9_parser_init(&st->parser);
    *state = st;
    return 0;
}

static void vp9_ctx_destroy(void *state)
{
    free(state);
}

static VAStatus vp9_translate(void *state, struct vareq_codec_frame *f)
{
    struct vp9_va_state *st = state;
    struct v4l2_ctrl_vp9_frame *fr = &st->hdr.frame;
    VADecPictureParameterBufferVP9 pp;
    VASliceParameterBufferVP9 sp;
    const struct vareq_va_buf *data;
    const uint8_t *bytes;
    size_t size;
    char err[160];
    bool intra;
    int r;

    if (!f->pic_param || f->pic_param->size < sizeof(pp)) {
        vq_err("vp9: missing or short picture parameters");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    memcpy(&pp, f->pic_param->data, sizeof(pp));
    if (f->n_slice_params < 1 || f->n_slice_data < 1 ||
        f->slice_params[0].element_size < sizeof(sp) ||
        f->slice_params[0].size < sizeof(sp) || f->slice_params[0].num_elements < 1) {
        vq_err("vp9: missing slice parameters or slice data");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    if (f->n_slice_params > 1 || f->n_slice_data > 1 || f->slice_params[0].num_elements > 1)
        vq_warn("vp9: %u slice parameter / %u slice data buffers, using the first",
                f->n_slice_params, f->n_slice_data);
    memcpy(&sp, f->slice_params[0].data, sizeof(sp));
    data = &f->slice_data[0];
    if (sp.slice_data_offset > data->size || sp.slice_data_size > data->size - sp.slice_data_offset) {
        vq_err("vp9: slice data %u+%u outside the %zu-byte buffer", sp.slice_data_offset,
               sp.slice_data_size, data->size);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    bytes = data->data + sp.slice_data_offset;
    size = sp.slice_data_size;
    if (!size) {
        vq_err("vp9: empty frame");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    if (size > f->out_cap) {
        vq_err("vp9: frame of %zu bytes exceeds the OUTPUT buffer (%zu)", size, f->out_cap);
        return VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
    }

    memset(&st->hdr, 0, sizeof(st->hdr));
    err[0] = 0;
    r = vp9_parse_frame(&st->parser, bytes, size, &st->hdr, err, sizeof(err));
    if (r < 0) {
        vq_err("vp9: frame header: %s (%d)", err[0] ? err : "parse error", r);
        return VA_STATUS_ERROR_DECODING_ERROR;
    }
    if (st->hdr.show_existing_frame) {
        vq_err("vp9: show_existing_frame has nothing to decode");
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    if ((f->profile == VAProfileVP9Profile0 && (fr->profile != 0 || fr->bit_depth != 8)) ||
        (f->profile == VAProfileVP9Profile2 && (fr->profile != 2 || fr->bit_depth != 10))) {
        vq_err("vp9: frame is profile %u %u-bit, context is %s", fr->profile, fr->bit_depth,
               f->profile == VAProfileVP9Profile0 ? "Profile0" : "Profile2 (10-bit)");
        return VA_STATUS_ERROR_DECODING_ERROR;
    }

    /* cross-checks against what VA says */
    if ((unsigned)fr->frame_width_minus_1 + 1 != pp.frame_width ||
        (unsigned)fr->frame_height_minus_1 + 1 != pp.frame_height)
        vq_warn("vp9: frame size %ux%u from the header, %ux%u from VA",
                fr->frame_width_minus_1 + 1, fr->frame_height_minus_1 + 1, pp.frame_width,
                pp.frame_height);
    if ((unsigned)fr->frame_width_minus_1 + 1 > f->cap_width ||
        (unsigned)fr->frame_height_minus_1 + 1 > f->cap_height) {
        vq_err("vp9: frame %ux%u larger than the CAPTURE format %ux%u",
               fr->frame_width_minus_1 + 1, fr->frame_height_minus_1 + 1, f->cap_width,
               f->cap_height);
        return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    }
    intra = (fr->flags & (V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_INTRA_ONLY)) != 0;
    fr->last_frame_ts = fr->golden_frame_ts = fr->alt_frame_ts = 0;
    if (!intra) {
        const unsigned va_idx[3] = {pp.pic_fields.bits.last_ref_frame,
                                    pp.pic_fields.bits.golden_ref_frame,
                                    pp.pic_fields.bits.alt_ref_frame};
        uint64_t ts[3] = {0, 0, 0};
        static const char *const names[3] = {"last", "golden", "altref"};
        for (int i = 0; i < 3; i++) {
            if (st->hdr.ref_frame_idx[i] != va_idx[i])
                vq_warn("vp9: %s reference slot %u in the header, %u from VA", names[i],
                        st->hdr.ref_frame_idx[i], va_idx[i]);
            if (f->ref_ts(f->opaque, pp.reference_frames[va_idx[i] & 7], &ts[i]) < 0) {
                vq_err("vp9: %s reference (slot %u, surface 0x%x) holds no frame", names[i],
                       va_idx[i], pp.reference_frames[va_idx[i] & 7]);
                return VA_STATUS_ERROR_INVALID_SURFACE;
            }
        }
        fr->last_frame_ts = ts[0];
        fr->golden_frame_ts = ts[1];
        fr->alt_frame_ts = ts[2];
    }

    memcpy(f->out, bytes, size);
    f->out_used = size;
    f->n_ctrls = 0;
    for (unsigned i = 0; i < vareq_codec_vp9.n_ctrls; i++) {
        struct v4l2_ext_control *c = &f->ctrls[f->n_ctrls];
        if (!f->ctrl_present[i])
            continue;
        memset(c, 0, sizeof(*c));
        c->id = vareq_codec_vp9.ctrls[i].id;
        if (c->id == V4L2_CID_STATELESS_VP9_FRAME) {
            c->ptr = &st->hdr.frame;
            c->size = sizeof(st->hdr.frame);
        } else if (c->id == V4L2_CID_STATELESS_VP9_COMPRESSED_HDR) {
            c->ptr = &st->hdr.hdr;
            c->size = sizeof(st->hdr.hdr);
        } else {
            continue;
        }
        f->n_ctrls++;
    }
    vq_dbg("vp9: %s frame %ux%u, %zu bytes, refs %llu/%llu/%llu",
           intra ? "intra" : "inter", fr->frame_width_minus_1 + 1,
           fr->frame_height_minus_1 + 1, size, (unsigned long long)fr->last_frame_ts,
           (unsigned long long)fr->golden_frame_ts, (unsigned long long)fr->alt_frame_ts);
    return VA_STATUS_SUCCESS;
}

/* Size and keyframe flag from VA's picture parameters (frame_type 0 = key frame), for the
 * core's in-stream size change (codec.h frame_size). Added by the backend core. */
static int vp9_frame_size(const struct vareq_codec_frame *f, unsigned *w, unsigned *h,
                          bool *key)
{
    VADecPictureParameterBufferVP9 pp;

    if (!f->pic_param || f->pic_param->size < sizeof(pp))
        return -1;
    memcpy(&pp, f->pic_param->data, sizeof(pp));
    *w = pp.frame_width;
    *h = pp.frame_height;
    *key = pp.pic_fields.bits.frame_type == 0;
    return 0;
}

/* Before CAPTURE is negotiated, tell the device the stream's bit depth with a VP9 frame
 * control (as for rkvdec, whose CAPTURE formats follow the current frame control). */
static int vp9_format_ctrls(unsigned bit_depth, struct v4l2_ext_control *ctrls, unsigned *n,
                            void *buf, size_t buf_size)
{
    struct v4l2_ctrl_vp9_frame *fr = buf;
    if (buf_size < sizeof(*fr) || (bit_depth != 8 && bit_depth != 10))
        return -1;
    memset(fr, 0, sizeof(*fr));
    fr->profile = bit_depth == 10 ? 2 : 0;
    fr->bit_depth = (uint8_t)bit_depth;
    fr->flags = V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_SHOW_FRAME |
                V4L2_VP9_FRAME_FLAG_X_SUBSAMPLING | V4L2_VP9_FRAME_FLAG_Y_SUBSAMPLING;
    memset(&ctrls[0], 0, sizeof(ctrls[0]));
    ctrls[0].id = V4L2_CID_STATELESS_VP9_FRAME;
    ctrls[0].ptr = fr;
    ctrls[0].size = sizeof(*fr);
    *n = 1;
    return 0;
}

const struct vareq_codec vareq_codec_vp9 = {
    .name = "VP9",
    .output_pixfmt = V4L2_PIX_FMT_VP9_FRAME,
    /* Profiles 1 and 3 (4:2:2, 4:4:0, 4:4:4) are not offered: no CAPTURE format holds
     * them, so vaCreateConfig declines them (VA_STATUS_ERROR_UNSUPPORTED_PROFILE). */
    .profiles = {{VAProfileVP9Profile0, "VP9Profile0", VA_RT_FORMAT_YUV420},
                 {VAProfileVP9Profile2, "VP9Profile2", VA_RT_FORMAT_YUV420_10}},
    .n_profiles = 2,
    .ctrls = {{V4L2_CID_STATELESS_VP9_FRAME, true},
              {V4L2_CID_STATELESS_VP9_COMPRESSED_HDR, false}},
    .n_ctrls = 2,
    .pic_param_size = sizeof(VADecPictureParameterBufferVP9),
    .slice_param_size = sizeof(VASliceParameterBufferVP9),
    .ctx_init = vp9_ctx_init,
    .ctx_destroy = vp9_ctx_destroy,
    .translate = vp9_translate,
    .frame_size = vp9_frame_size,
    .format_ctrls = vp9_format_ctrls,
};
