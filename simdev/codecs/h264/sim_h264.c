/* simdev's H.264 engine and its codec table entry.
 *
 * Decodes one picture from what the uAPI carries: SPS/PPS NAL units are written from the
 * SPS/PPS/SCALING_MATRIX controls (sim_h264_ps.c) and put in front of the slice NAL units
 * of the OUTPUT buffer; libavcodec (one persistent decoder per context, which keeps its
 * own DPB) decodes them. Before decoding, the controls that repeat slice-header fields
 * (DECODE_PARAMS) are checked against the first slice header, and every DPB entry is
 * checked against the pictures this engine decoded (reference timestamp -> frame_num,
 * POC, fields, reference flag): an inconsistent request fails; nothing is repaired.
 * A first field produces no picture; the second field of the pair outputs the frame. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>

#include "../codec.h"
#include "sim_h264_ctrls.h"
#include "sim_h264_ps.h"

#define N_RECORDS 64

struct pic_record {
    bool used;
    uint64_t ts;
    unsigned frame_num;
    bool reference;
    unsigned fields; /* V4L2_H264_*_REF decoded into this buffer */
    int32_t top_poc, bottom_poc;
};

struct sim_engine {
    AVCodecContext *avctx;
    AVPacket *pkt;
    AVFrame *frame;
    struct pic_record rec[N_RECORDS];
    unsigned next_rec;
    /* first field waiting for its second field */
    bool pending_field;
    struct pic_record pending;
    /* the buffer libavcodec allocated for the picture being decoded (get_buffer2): its
     * pixels are read after the packet, whatever libavcodec's output order decides */
    AVFrame *cur;
    bool cur_valid;
};

static int get_buffer(AVCodecContext *avctx, AVFrame *f, int flags)
{
    struct sim_engine *e = avctx->opaque;
    int r = avcodec_default_get_buffer2(avctx, f, flags);
    if (r < 0 || !e)
        return r;
    av_frame_unref(e->cur);
    if (av_frame_ref(e->cur, f) == 0)
        e->cur_valid = true;
    return 0;
}

static struct sim_engine *h264_create(void)
{
    struct sim_engine *e = calloc(1, sizeof(*e));
    const AVCodec *c = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!e || !c)
        goto fail;
    e->avctx = avcodec_alloc_context3(c);
    e->pkt = av_packet_alloc();
    e->frame = av_frame_alloc();
    e->cur = av_frame_alloc();
    if (!e->avctx || !e->pkt || !e->frame || !e->cur)
        goto fail;
    e->avctx->opaque = e;
    e->avctx->get_buffer2 = get_buffer;
    e->avctx->thread_count = 1;
    e->avctx->flags |= AV_CODEC_FLAG_OUTPUT_CORRUPT;
    e->avctx->flags2 |= AV_CODEC_FLAG2_SHOW_ALL;
    e->avctx->err_recognition = AV_EF_EXPLODE;
    if (avcodec_open2(e->avctx, c, NULL) < 0)
        goto fail;
    return e;
fail:
    if (e) {
        avcodec_free_context(&e->avctx);
        av_packet_free(&e->pkt);
        av_frame_free(&e->frame);
        av_frame_free(&e->cur);
        free(e);
    }
    return NULL;
}

static void h264_destroy(struct sim_engine *e)
{
    if (!e)
        return;
    avcodec_free_context(&e->avctx);
    av_packet_free(&e->pkt);
    av_frame_free(&e->frame);
    av_frame_free(&e->cur);
    free(e);
}

static struct pic_record *find_rec(struct sim_engine *e, uint64_t ts)
{
    for (unsigned i = 0; i < N_RECORDS; i++)
        if (e->rec[i].used && e->rec[i].ts == ts)
            return &e->rec[i];
    return NULL;
}

static void add_rec(struct sim_engine *e, const struct pic_record *r)
{
    struct pic_record *old = find_rec(e, r->ts);
    if (!old) {
        old = &e->rec[e->next_rec];
        e->next_rec = (e->next_rec + 1) % N_RECORDS;
    }
    *old = *r;
    old->used = true;
}

/* ---- the first slice header (7.3.3, up to the POC syntax) ---- */

struct rbsp {
    const uint8_t *p;
    size_t n, i;
    unsigned bit, zeros;
    uint8_t cur;
    bool have, err;
};

static unsigned rb_bit(struct rbsp *r)
{
    if (r->err)
        return 0;
    if (!r->have || r->bit == 8) {
        if (r->i >= r->n) {
            r->err = true;
            return 0;
        }
        uint8_t b = r->p[r->i++];
        if (r->zeros >= 2 && b == 3) {
            r->zeros = 0;
            if (r->i >= r->n) {
                r->err = true;
                return 0;
            }
            b = r->p[r->i++];
        }
        r->zeros = b ? 0 : r->zeros + 1;
        r->cur = b;
        r->have = true;
        r->bit = 0;
    }
    return (r->cur >> (7 - r->bit++)) & 1u;
}

static uint32_t rb_u(struct rbsp *r, unsigned n)
{
    uint32_t v = 0;
    while (n--)
        v = (v << 1) | rb_bit(r);
    return v;
}

static uint32_t rb_ue(struct rbsp *r)
{
    unsigned lz = 0;
    while (!r->err && !rb_bit(r))
        if (++lz > 31) {
            r->err = true;
            return 0;
        }
    return lz ? (uint32_t)(((uint64_t)1 << lz) - 1 + rb_u(r, lz)) : 0;
}

static int32_t rb_se(struct rbsp *r)
{
    uint32_t k = rb_ue(r);
    return (k & 1) ? (int32_t)((k + 1) / 2) : -(int32_t)(k / 2);
}

#define FAIL(...)                                                                          \
    do {                                                                                   \
        snprintf(err, errlen, "h264: " __VA_ARGS__);                                       \
        return -EINVAL;                                                                    \
    } while (0)

static int check_first_slice(const uint8_t *nal, size_t n, const struct v4l2_ctrl_h264_sps *sps,
                             const struct v4l2_ctrl_h264_pps *pps,
                             const struct v4l2_ctrl_h264_decode_params *d, char *err,
                             size_t errlen)
{
    struct rbsp r = {.p = nal + 1, .n = n ? n - 1 : 0};
    unsigned type, ref_idc, v;
    bool idr, field = false, bottom = false;
    const bool bfpo = pps->flags & V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT;

    if (n < 2)
        FAIL("slice NAL unit of %zu bytes", n);
    type = nal[0] & 0x1f;
    ref_idc = (nal[0] >> 5) & 3;
    if (type != 1 && type != 5)
        FAIL("first NAL unit of the OUTPUT buffer has type %u, not a slice", type);
    idr = type == 5;
    if (idr != !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC))
        FAIL("IDR flag %d, slice NAL type %u", !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC), type);
    if (ref_idc != d->nal_ref_idc)
        FAIL("nal_ref_idc %u in DECODE_PARAMS, %u in the slice", d->nal_ref_idc, ref_idc);
    (void)rb_ue(&r);             /* first_mb_in_slice */
    v = rb_ue(&r);               /* slice_type */
    if (v > 9)
        FAIL("slice_type %u", v);
    v = rb_ue(&r);               /* pic_parameter_set_id */
    if (!r.err && v != pps->pic_parameter_set_id)
        FAIL("slice names PPS %u, the PPS control is %u", v, pps->pic_parameter_set_id);
    if (sps->flags & V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE)
        (void)rb_u(&r, 2);
    v = rb_u(&r, sps->log2_max_frame_num_minus4 + 4u);
    if (!r.err && v != d->frame_num)
        FAIL("frame_num %u in DECODE_PARAMS, %u in the slice", d->frame_num, v);
    if (!(sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY)) {
        field = rb_u(&r, 1);
        if (field)
            bottom = rb_u(&r, 1);
    }
    if (!r.err && (field != !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC) ||
                   bottom != !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD)))
        FAIL("field/bottom flags %d/%d in DECODE_PARAMS, %d/%d in the slice",
             !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC),
             !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD), field, bottom);
    if (idr) {
        v = rb_ue(&r);
        if (!r.err && v != d->idr_pic_id)
            FAIL("idr_pic_id %u in DECODE_PARAMS, %u in the slice", d->idr_pic_id, v);
    }
    if (sps->pic_order_cnt_type == 0) {
        unsigned bits = sps->log2_max_pic_order_cnt_lsb_minus4 + 4u;
        int32_t cur_poc;
        v = rb_u(&r, bits);
        if (!r.err && v != d->pic_order_cnt_lsb)
            FAIL("pic_order_cnt_lsb %u in DECODE_PARAMS, %u in the slice",
                 d->pic_order_cnt_lsb, v);
        if (bfpo && !field) {
            int32_t dv = rb_se(&r);
            if (!r.err && dv != d->delta_pic_order_cnt_bottom)
                FAIL("delta_pic_order_cnt_bottom %d in DECODE_PARAMS, %d in the slice",
                     d->delta_pic_order_cnt_bottom, dv);
            if (!r.err && d->bottom_field_order_cnt != d->top_field_order_cnt + dv)
                FAIL("bottom POC %d != top POC %d + delta %d", d->bottom_field_order_cnt,
                     d->top_field_order_cnt, dv);
        }
        /* (8-4)..(8-9): POC = PicOrderCntMsb + lsb, PicOrderCntMsb a multiple of MaxLsb */
        cur_poc = bottom ? d->bottom_field_order_cnt : d->top_field_order_cnt;
        if (!r.err && (uint32_t)((int64_t)cur_poc - v) % (1u << bits) != 0)
            FAIL("POC %d does not end in pic_order_cnt_lsb %u", cur_poc, v);
    } else if (sps->pic_order_cnt_type == 1 &&
               !(sps->flags & V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO)) {
        int32_t d0 = rb_se(&r);
        if (!r.err && d0 != d->delta_pic_order_cnt0)
            FAIL("delta_pic_order_cnt[0] %d in DECODE_PARAMS, %d in the slice",
                 d->delta_pic_order_cnt0, d0);
        if (bfpo && !field) {
            int32_t d1 = rb_se(&r);
            if (!r.err && d1 != d->delta_pic_order_cnt1)
                FAIL("delta_pic_order_cnt[1] %d in DECODE_PARAMS, %d in the slice",
                     d->delta_pic_order_cnt1, d1);
        }
    }
    if (r.err)
        FAIL("first slice header truncated");
    return 0;
}

static int check_dpb(struct sim_engine *e, const struct v4l2_ctrl_h264_sps *sps,
                     const struct v4l2_ctrl_h264_decode_params *d, const uint64_t cur_ts,
                     char *err, size_t errlen)
{
    unsigned n = 0;
    const unsigned max_refs = sps->max_num_ref_frames ? sps->max_num_ref_frames : 1;
    for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++) {
        const struct v4l2_h264_dpb_entry *en = &d->dpb[i];
        const struct pic_record *r;
        if (!(en->flags & V4L2_H264_DPB_ENTRY_FLAG_VALID))
            continue;
        for (unsigned j = 0; j < i; j++)
            if ((d->dpb[j].flags & V4L2_H264_DPB_ENTRY_FLAG_VALID) &&
                d->dpb[j].reference_ts == en->reference_ts)
                FAIL("DPB entries %u and %u name the same timestamp %llu", j, i,
                     (unsigned long long)en->reference_ts);
        if (!(en->flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE))
            continue;
        n++;
        r = find_rec(e, en->reference_ts);
        if (!r && e->pending_field && e->pending.ts == en->reference_ts)
            r = &e->pending;
        if (!r)
            FAIL("DPB entry %u: timestamp %llu names no picture this context decoded", i,
                 (unsigned long long)en->reference_ts);
        if (en->reference_ts == cur_ts && !e->pending_field)
            FAIL("DPB entry %u names the picture being decoded", i);
        if (!r->reference)
            FAIL("DPB entry %u (ts %llu) is a non-reference picture (nal_ref_idc 0)", i,
                 (unsigned long long)en->reference_ts);
        if ((en->fields & r->fields) != en->fields || !en->fields)
            FAIL("DPB entry %u: fields %u, the buffer holds fields %u", i, en->fields,
                 r->fields);
        if (!(en->flags & V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM) && en->frame_num != r->frame_num)
            FAIL("DPB entry %u (ts %llu): frame_num %u, the picture decoded there has %u", i,
                 (unsigned long long)en->reference_ts, en->frame_num, r->frame_num);
        if ((en->fields & V4L2_H264_TOP_FIELD_REF) && en->top_field_order_cnt != r->top_poc)
            FAIL("DPB entry %u (ts %llu): top POC %d, decoded %d", i,
                 (unsigned long long)en->reference_ts, en->top_field_order_cnt, r->top_poc);
        if ((en->fields & V4L2_H264_BOTTOM_FIELD_REF) &&
            en->bottom_field_order_cnt != r->bottom_poc)
            FAIL("DPB entry %u (ts %llu): bottom POC %d, decoded %d", i,
                 (unsigned long long)en->reference_ts, en->bottom_field_order_cnt,
                 r->bottom_poc);
    }
    if (n > max_refs)
        FAIL("%u active DPB entries, max_num_ref_frames %u", n, max_refs);
    if ((d->flags & (V4L2_H264_DECODE_PARAM_FLAG_PFRAME | V4L2_H264_DECODE_PARAM_FLAG_BFRAME)) &&
        n == 0 && !e->pending_field)
        FAIL("inter picture with an empty DPB");
    return 0;
}

static int copy_out(const AVFrame *f, struct sim_picture *dst, char *err, size_t errlen)
{
    unsigned w = (unsigned)f->width, h = (unsigned)f->height;
    if (f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P)
        FAIL("decoded pixel format %d is not 8-bit 4:2:0", f->format);
    if (dst->fourcc != V4L2_PIX_FMT_NV12 && dst->fourcc != V4L2_PIX_FMT_NV12M)
        FAIL("CAPTURE format is not NV12/NV12M");
    if (!sim_picture_fits(dst, w, h))
        FAIL("%ux%u picture does not fit the CAPTURE buffer", w, h);
    for (unsigned y = 0; y < h; y++)
        memcpy(dst->plane[0].data + (size_t)y * dst->plane[0].bytesperline,
               f->data[0] + (size_t)y * (size_t)f->linesize[0], w);
    for (unsigned y = 0; y < (h + 1) / 2; y++) {
        uint8_t *o = dst->plane[1].data + (size_t)y * dst->plane[1].bytesperline;
        const uint8_t *u = f->data[1] + (size_t)y * (size_t)f->linesize[1];
        const uint8_t *v = f->data[2] + (size_t)y * (size_t)f->linesize[2];
        for (unsigned x = 0; x < (w + 1) / 2; x++) {
            o[2 * x] = u[x];
            o[2 * x + 1] = v[x];
        }
    }
    dst->width = w;
    dst->height = h;
    return 0;
}

static int h264_decode(struct sim_engine *e, const struct sim_decode_job *job, char *err,
                       size_t errlen)
{
    const struct v4l2_ctrl_h264_sps *sps =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_SPS, NULL);
    const struct v4l2_ctrl_h264_pps *pps =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_PPS, NULL);
    const struct v4l2_ctrl_h264_scaling_matrix *sm =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_SCALING_MATRIX, NULL);
    const struct v4l2_ctrl_h264_decode_params *d =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_DECODE_PARAMS, NULL);
    const int32_t *mode = sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_DECODE_MODE, NULL);
    const int32_t *sc = sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_START_CODE, NULL);
    const uint8_t *bs = job->bitstream;
    size_t len = job->len, cap, first_off;
    uint8_t *au;
    long n;
    int r;
    bool field, got = false;
    struct pic_record rec;

    if (!sps || !pps || !d)
        FAIL("SPS, PPS or DECODE_PARAMS missing");
    if (!bs || len < 2)
        FAIL("empty OUTPUT buffer");
    if (mode && *mode == V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED) {
        /* one slice per request; the slice's own header carries what SLICE_PARAMS
         * repeats; multi-slice pictures in slice-based mode are not modelled */
    }
    if (!sc || *sc == V4L2_STATELESS_H264_START_CODE_ANNEX_B) {
        if (len >= 4 && !bs[0] && !bs[1] && !bs[2] && bs[3] == 1)
            first_off = 4;
        else if (len >= 3 && !bs[0] && !bs[1] && bs[2] == 1)
            first_off = 3;
        else
            FAIL("START_CODE is Annex B but the OUTPUT buffer does not start with one");
    } else {
        first_off = 0;
    }
    cap = len + 8192;
    au = malloc(cap);
    if (!au)
        return -ENOMEM;
    n = sim_h264_write_sps(sps, au, 0, cap, err, errlen);
    if (n >= 0)
        n = sim_h264_write_pps(sps, pps, sm, au, (size_t)n, cap, err, errlen);
    if (n < 0) {
        free(au);
        return (int)n;
    }
    r = check_first_slice(bs + first_off, len - first_off, sps, pps, d, err, errlen);
    if (r == 0)
        r = check_dpb(e, sps, d, job->timestamp, err, errlen);
    if (r < 0) {
        free(au);
        return r;
    }
    if (first_off == 0) {
        au[n++] = 0;
        au[n++] = 0;
        au[n++] = 1;
    }
    memcpy(au + n, bs, len);
    n += (long)len;

    field = d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC;
    memset(&rec, 0, sizeof(rec));
    rec.ts = job->timestamp;
    rec.frame_num = d->frame_num;
    rec.reference = d->nal_ref_idc != 0;
    rec.top_poc = d->top_field_order_cnt;
    rec.bottom_poc = d->bottom_field_order_cnt;
    rec.fields = !field ? V4L2_H264_FRAME_REF
                        : (d->flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD)
                              ? V4L2_H264_BOTTOM_FIELD_REF
                              : V4L2_H264_TOP_FIELD_REF;

    av_packet_unref(e->pkt);
    e->pkt->data = au;
    e->pkt->size = (int)n;
    e->pkt->pts = (int64_t)job->timestamp;
    if (!field || !e->pending_field)
        e->cur_valid = false;
    r = avcodec_send_packet(e->avctx, e->pkt);
    e->pkt->data = NULL;
    e->pkt->size = 0;
    free(au);
    if (r < 0) {
        snprintf(err, errlen, "h264: libavcodec rejected the access unit (%s)",
                 av_err2str(r));
        return -EINVAL;
    }
    /* libavcodec's output (ordered by POC) is drained and ignored */
    for (;;) {
        r = avcodec_receive_frame(e->avctx, e->frame);
        av_frame_unref(e->frame);
        if (r == AVERROR(EAGAIN))
            break;
        if (r < 0) {
            snprintf(err, errlen, "h264: decode failed (%s)", av_err2str(r));
            return -EINVAL;
        }
    }
    if (!e->cur_valid) {
        snprintf(err, errlen, "h264: the decoder started no picture");
        return -EINVAL;
    }
    /* a frame, or the second field of a pair: the picture is complete */
    if (!field || (e->pending_field && e->pending.frame_num == rec.frame_num &&
                   !(e->pending.fields & rec.fields))) {
        e->cur->width = (int)((sps->pic_width_in_mbs_minus1 + 1u) * 16);
        e->cur->height = (int)((sps->pic_height_in_map_units_minus1 + 1u) * 16 *
                               ((sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY) ? 1u : 2u));
        r = copy_out(e->cur, job->dst, err, errlen);
        if (r < 0)
            return r;
        got = true;
    }
    if (field && e->pending_field && e->pending.frame_num == rec.frame_num &&
        !(e->pending.fields & rec.fields)) {
        /* second field: the buffer holds the pair */
        if (rec.fields == V4L2_H264_BOTTOM_FIELD_REF)
            rec.top_poc = e->pending.top_poc;
        else
            rec.bottom_poc = e->pending.bottom_poc;
        rec.fields = V4L2_H264_FRAME_REF;
        rec.reference = rec.reference || e->pending.reference;
        e->pending_field = false;
    } else if (field) {
        e->pending_field = true;
        e->pending = rec;
    } else {
        e->pending_field = false;
    }
    add_rec(e, &rec);
    if (!got && !e->pending_field) {
        snprintf(err, errlen, "h264: the decoder returned no picture for ts %llu",
                 (unsigned long long)job->timestamp);
        return -EINVAL;
    }
    if (!got) {
        /* first field: the frame appears with its second field */
        job->dst->width = (sps->pic_width_in_mbs_minus1 + 1u) * 16;
        job->dst->height = (sps->pic_height_in_map_units_minus1 + 1u) * 16 *
                           ((sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY) ? 1u : 2u);
    }
    return 0;
}

static const struct sim_ref_ts_field h264_ref_ts[] = {
    {V4L2_CID_STATELESS_H264_DECODE_PARAMS, offsetof(struct v4l2_ctrl_h264_decode_params, dpb[0].reference_ts)},
    {V4L2_CID_STATELESS_H264_DECODE_PARAMS, offsetof(struct v4l2_ctrl_h264_decode_params, dpb[1].reference_ts)},
};

const struct sim_codec sim_codec_h264 = {
    .name = "h264",
    .output_pixfmt = V4L2_PIX_FMT_H264_SLICE,
    .description = "H.264 Parsed Slice Data",
    .controls = sim_h264_controls,
    .n_controls = 8,
    .bit_depths = SIM_BIT_DEPTH(8),
    .ref_ts = h264_ref_ts,
    .n_ref_ts = 2,
    .create = h264_create,
    .destroy = h264_destroy,
    .decode = h264_decode,
};
