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
#include <libavutil/dict.h>

#include "../codec.h"
#include "picture.h"
#include "sim_h264_ctrls.h"
#include "sim_h264_faults.h"
#include "sim_h264_marking.h"
#include "sim_h264_ps.h"
#include "sim_h264_reflist.h"
#include "sim_h264_slice.h"

#define N_RECORDS 64
#define PS_CAP 8192 /* room for the SPS and PPS NAL units written from the controls */

struct pic_record {
    bool used;
    uint64_t ts;
    unsigned frame_num;
    bool reference;
    unsigned fields; /* V4L2_H264_*_REF decoded into this buffer */
    int32_t top_poc, bottom_poc;
};

struct sim_engine {
    AVCodecContext *avctx; /* opened on the first job (the decode mode decides its flags) */
    bool chunks;           /* SLICE_BASED: AV_CODEC_FLAG2_CHUNKS, one slice per packet */
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
    /* SLICE_BASED: the picture whose slices arrive one request at a time */
    bool in_pic, pic_field, pic_bottom; /* a field picture writes only its own lines */
    uint64_t pic_ts;
    unsigned pic_w, pic_h;
    struct v4l2_ctrl_h264_sps pic_sps;
    struct v4l2_ctrl_h264_pps pic_pps;
    struct v4l2_ctrl_h264_scaling_matrix pic_sm;
    struct v4l2_ctrl_h264_decode_params pic_dec;
    /* reference marking from the slice headers (8.2.5): the DPB must match it */
    struct sim_h264_marking mark;
    /* the access unit handed to libavcodec (avcodec_send_packet copies a packet it does
     * not own, with its padding), kept across pictures */
    uint8_t *au;
    size_t au_cap;
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
    if (!e)
        return NULL;
    e->pkt = av_packet_alloc();
    e->frame = av_frame_alloc();
    e->cur = av_frame_alloc();
    if (!e->pkt || !e->frame || !e->cur) {
        av_packet_free(&e->pkt);
        av_frame_free(&e->frame);
        av_frame_free(&e->cur);
        free(e);
        return NULL;
    }
    return e;
}

/* Opens libavcodec's decoder; slice_based: each packet holds one slice of a picture
 * (AV_CODEC_FLAG2_CHUNKS: the picture ends when its last macroblock is decoded). */
static int open_decoder(struct sim_engine *e, bool slice_based)
{
    const AVCodec *c = avcodec_find_decoder(AV_CODEC_ID_H264);
    AVDictionary *opts = NULL;
    int r;
    if (!c)
        return -ENOSYS;
    e->avctx = avcodec_alloc_context3(c);
    if (!e->avctx)
        return -ENOMEM;
    e->avctx->opaque = e;
    e->avctx->get_buffer2 = get_buffer;
    e->avctx->thread_count = 1;
    e->avctx->flags |= AV_CODEC_FLAG_OUTPUT_CORRUPT;
    e->avctx->flags2 |= AV_CODEC_FLAG2_SHOW_ALL;
    if (slice_based)
        e->avctx->flags2 |= AV_CODEC_FLAG2_CHUNKS;
    e->avctx->err_recognition = AV_EF_EXPLODE;
    /* no error concealment: a damaged picture must stay damaged (and libavcodec's
     * concealment misjudges pictures that arrive one slice per packet) */
    av_dict_set(&opts, "enable_er", "0", 0);
    r = avcodec_open2(e->avctx, c, &opts);
    av_dict_free(&opts);
    if (r < 0) {
        avcodec_free_context(&e->avctx);
        return -EINVAL;
    }
    e->chunks = slice_based;
    return 0;
}

static void h264_destroy(struct sim_engine *e)
{
    if (!e)
        return;
    avcodec_free_context(&e->avctx);
    av_packet_free(&e->pkt);
    av_frame_free(&e->frame);
    av_frame_free(&e->cur);
    free(e->au);
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

/* ---- DECODE_PARAMS against a slice header ---- */

#define FAIL(...)                                                                          \
    do {                                                                                   \
        snprintf(err, errlen, "h264: " __VA_ARGS__);                                       \
        return -EINVAL;                                                                    \
    } while (0)

/* The DECODE_PARAMS fields that repeat slice header fields (NAL type and nal_ref_idc, PPS
 * id, frame_num, field/bottom, idr_pic_id, the POC syntax) against the parsed slice s;
 * with POC type 0 the POCs must also agree with the slice's lsb and delta. */
static int check_dec_params(const struct sim_h264_slice *s, const struct v4l2_ctrl_h264_sps *sps,
                            const struct v4l2_ctrl_h264_pps *pps,
                            const struct v4l2_ctrl_h264_decode_params *d, char *err,
                            size_t errlen)
{
    const bool bfpo = pps->flags & V4L2_H264_PPS_FLAG_BOTTOM_FIELD_PIC_ORDER_IN_FRAME_PRESENT;
    const bool idr = s->nal_type == 5;

    if (idr != !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC))
        FAIL("IDR flag %d, slice NAL type %u", !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC),
             s->nal_type);
    if (s->nal_ref_idc != d->nal_ref_idc)
        FAIL("nal_ref_idc %u in DECODE_PARAMS, %u in the slice", d->nal_ref_idc, s->nal_ref_idc);
    if (s->pps_id != pps->pic_parameter_set_id)
        FAIL("slice names PPS %u, the PPS control is %u", s->pps_id, pps->pic_parameter_set_id);
    if (s->frame_num != d->frame_num)
        FAIL("frame_num %u in DECODE_PARAMS, %u in the slice", d->frame_num, s->frame_num);
    if (s->field != !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC) ||
        s->bottom != !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD))
        FAIL("field/bottom flags %d/%d in DECODE_PARAMS, %d/%d in the slice",
             !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC),
             !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD), s->field, s->bottom);
    if (idr && s->idr_pic_id != d->idr_pic_id)
        FAIL("idr_pic_id %u in DECODE_PARAMS, %u in the slice", d->idr_pic_id, s->idr_pic_id);
    if (sps->pic_order_cnt_type == 0) {
        const unsigned bits = sps->log2_max_pic_order_cnt_lsb_minus4 + 4u;
        const int32_t cur_poc = s->bottom ? d->bottom_field_order_cnt : d->top_field_order_cnt;
        if (s->poc_lsb != d->pic_order_cnt_lsb)
            FAIL("pic_order_cnt_lsb %u in DECODE_PARAMS, %u in the slice",
                 d->pic_order_cnt_lsb, s->poc_lsb);
        if (bfpo && !s->field) {
            if (s->delta_poc_bottom != d->delta_pic_order_cnt_bottom)
                FAIL("delta_pic_order_cnt_bottom %d in DECODE_PARAMS, %d in the slice",
                     d->delta_pic_order_cnt_bottom, s->delta_poc_bottom);
            if (d->bottom_field_order_cnt != d->top_field_order_cnt + s->delta_poc_bottom)
                FAIL("bottom POC %d != top POC %d + delta %d", d->bottom_field_order_cnt,
                     d->top_field_order_cnt, s->delta_poc_bottom);
        }
        /* (8-4)..(8-9): POC = PicOrderCntMsb + lsb, PicOrderCntMsb a multiple of MaxLsb */
        if ((uint32_t)((int64_t)cur_poc - s->poc_lsb) % (1u << bits) != 0)
            FAIL("POC %d does not end in pic_order_cnt_lsb %u", cur_poc, s->poc_lsb);
    } else if (sps->pic_order_cnt_type == 1 &&
               !(sps->flags & V4L2_H264_SPS_FLAG_DELTA_PIC_ORDER_ALWAYS_ZERO)) {
        if (s->delta_poc[0] != d->delta_pic_order_cnt0)
            FAIL("delta_pic_order_cnt[0] %d in DECODE_PARAMS, %d in the slice",
                 d->delta_pic_order_cnt0, s->delta_poc[0]);
        if (bfpo && !s->field && s->delta_poc[1] != d->delta_pic_order_cnt1)
            FAIL("delta_pic_order_cnt[1] %d in DECODE_PARAMS, %d in the slice",
                 d->delta_pic_order_cnt1, s->delta_poc[1]);
    }
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
        if (!!(en->flags & V4L2_H264_DPB_ENTRY_FLAG_FIELD) !=
            !!(d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC))
            FAIL("DPB entry %u: FIELD flag %d while decoding a %s", i,
                 !!(en->flags & V4L2_H264_DPB_ENTRY_FLAG_FIELD),
                 (d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC) ? "field" : "frame");
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
        {
            /* PicNum (8-27, 8-28) / LongTermPicNum (8-29, frame_num holding
             * long_term_frame_idx); field decoding: the same-parity value 2n+1, or 2n */
            const bool lt = en->flags & V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM;
            const int64_t maxfn = 1ll << (sps->log2_max_frame_num_minus4 + 4);
            int64_t base = lt || en->frame_num <= d->frame_num ? (int64_t)en->frame_num
                                                                : (int64_t)en->frame_num - maxfn;
            int64_t pn = (int32_t)en->pic_num;
            bool ok = (d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC)
                          ? pn == 2 * base + 1 || pn == 2 * base
                          : pn == base;
            if (!ok)
                FAIL("DPB entry %u (ts %llu): pic_num %lld, frame_num %u gives %lld", i,
                     (unsigned long long)en->reference_ts, (long long)pn, en->frame_num,
                     (long long)base);
        }
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

/* Writes the decoded picture f into dst. A field picture writes only the lines of its
 * parity (as hantro, rkvdec and cedrus do): the other field's lines are what the buffer
 * held, the first field of the pair when the second is decoded into the same CAPTURE
 * buffer (the kernel model). */
static int copy_out(const AVFrame *f, struct sim_picture *dst, bool field, bool bottom,
                    char *err, size_t errlen)
{
    unsigned w = (unsigned)f->width, h = (unsigned)f->height;
    const size_t b = field && bottom ? 1 : 0, k = field ? 2 : 1; /* first line, line step */
    if (f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P)
        FAIL("decoded pixel format %d is not 8-bit 4:2:0", f->format);
    if (dst->fourcc != V4L2_PIX_FMT_NV12 && dst->fourcc != V4L2_PIX_FMT_NV12M)
        FAIL("CAPTURE format is not NV12/NV12M");
    if (!sim_picture_fits(dst, w, h) || (field && h % 4))
        FAIL("%ux%u %s does not fit the CAPTURE buffer", w, h, field ? "field pair" : "picture");
    if (f->linesize[0] < 0 || f->linesize[1] < 0 || f->linesize[2] < 0)
        FAIL("decoded picture with negative line sizes");
    const struct sim_i420 src = {
        .plane = { f->data[0] + b * (size_t)f->linesize[0], f->data[1] + b * (size_t)f->linesize[1],
                   f->data[2] + b * (size_t)f->linesize[2] },
        .stride = { k * (size_t)f->linesize[0], k * (size_t)f->linesize[1],
                    k * (size_t)f->linesize[2] },
    };
    const struct sim_semiplanar out = {
        .y = dst->plane[0].data + b * dst->plane[0].bytesperline,
        .uv = dst->plane[1].data + b * dst->plane[1].bytesperline,
        .y_bpl = k * (size_t)dst->plane[0].bytesperline,
        .uv_bpl = k * (size_t)dst->plane[1].bytesperline,
    };
    sim_i420_to_semiplanar(&src, &out, w, h / (unsigned)k, false);
    dst->width = w;
    dst->height = h;
    return 0;
}

static int write_picture(struct sim_engine *e, struct sim_picture *dst, char *err,
                         size_t errlen)
{
    e->cur->width = (int)e->pic_w;
    e->cur->height = (int)e->pic_h;
    return copy_out(e->cur, dst, e->pic_field, e->pic_bottom, err, errlen);
}

/* FRAME_BASED: every slice NAL unit of the OUTPUT buffer belongs to the picture that
 * DECODE_PARAMS describes, and the reference list modifications of each name pictures of
 * the DPB (the first slice is checked by the caller). */
static int check_other_slices(const uint8_t *bs, size_t len, size_t first_off,
                              const struct v4l2_ctrl_h264_sps *sps,
                              const struct v4l2_ctrl_h264_pps *pps,
                              const struct v4l2_ctrl_h264_decode_params *d, char *err,
                              size_t errlen)
{
    size_t start = first_off;
    if (first_off == 0)
        return 0; /* no start codes: one NAL unit */
    while (start < len) {
        size_t end = start, next = len;
        struct sim_h264_slice sh;
        int r;
        for (; end + 3 <= len; end++)
            if (!bs[end] && !bs[end + 1] && bs[end + 2] == 1) {
                next = end + 3;
                break;
            }
        if (next == len)
            end = len;
        while (end > start && !bs[end - 1])
            end--; /* trailing_zero_8bits / the zero byte of a 4-byte start code */
        r = sim_h264_parse_slice(bs + start, end - start, sps, pps, &sh, err, errlen);
        if (r == 0)
            r = check_dec_params(&sh, sps, pps, d, err, errlen);
        if (r == 0)
            r = sim_h264_check_ref_lists(sps, d, &sh, NULL, err, errlen);
        if (r < 0)
            return r;
        start = next;
    }
    return 0;
}

/* Sends one packet and drains libavcodec's output (ordered by POC, ignored: the picture
 * is read from e->cur). */
static int send_au(struct sim_engine *e, uint8_t *au, long n, uint64_t ts, char *err,
                   size_t errlen)
{
    int r;
    av_packet_unref(e->pkt);
    e->pkt->data = au;
    e->pkt->size = (int)n;
    e->pkt->pts = (int64_t)ts;
    r = avcodec_send_packet(e->avctx, e->pkt);
    e->pkt->data = NULL;
    e->pkt->size = 0;
    if (r < 0) {
        snprintf(err, errlen, "h264: libavcodec rejected the access unit (%s)", av_err2str(r));
        return -EINVAL;
    }
    for (;;) {
        r = avcodec_receive_frame(e->avctx, e->frame);
        av_frame_unref(e->frame);
        if (r == AVERROR(EAGAIN))
            return 0;
        if (r < 0) {
            snprintf(err, errlen, "h264: decode failed (%s)", av_err2str(r));
            return -EINVAL;
        }
    }
}

/* Offset of the first NAL unit: after the start code (ANNEX_B) or 0 (NONE). */
static int nal_start(const uint8_t *bs, size_t len, bool annex_b, size_t *off)
{
    if (!annex_b) {
        *off = 0;
        return 0;
    }
    if (len >= 4 && !bs[0] && !bs[1] && !bs[2] && bs[3] == 1)
        *off = 4;
    else if (len >= 3 && !bs[0] && !bs[1] && bs[2] == 1)
        *off = 3;
    else
        return -1;
    return 0;
}

/* SLICE_BASED, a later slice of the picture in the held CAPTURE buffer; sps, pps, sm (may
 * be NULL) and d: the job's controls, as decode_request found them. */
static int continue_picture(struct sim_engine *e, const struct sim_decode_job *job,
                            const struct v4l2_ctrl_h264_sps *sps,
                            const struct v4l2_ctrl_h264_pps *pps,
                            const struct v4l2_ctrl_h264_scaling_matrix *sm,
                            const struct v4l2_ctrl_h264_decode_params *d, const uint8_t *nal,
                            size_t nal_len, char *err, size_t errlen)
{
    uint8_t *au;
    int r;

    if (!e->in_pic || e->pic_ts != job->timestamp)
        FAIL("slice continues a picture this engine did not start (ts %llu)",
             (unsigned long long)job->timestamp);
    /* every slice of a picture carries the picture's controls (7.4.1.2.1: one SPS and
     * PPS content per picture; DECODE_PARAMS describes the picture) */
    if (memcmp(sps, &e->pic_sps, sizeof(*sps)) || memcmp(pps, &e->pic_pps, sizeof(*pps)) ||
        (sm && memcmp(sm, &e->pic_sm, sizeof(*sm))) || memcmp(d, &e->pic_dec, sizeof(*d)))
        FAIL("SPS/PPS/SCALING_MATRIX/DECODE_PARAMS differ between slices of one picture");
    if (sim_buf_ensure(&e->au, &e->au_cap, nal_len + 3) < 0)
        return -ENOMEM;
    au = e->au;
    au[0] = 0;
    au[1] = 0;
    au[2] = 1;
    memcpy(au + 3, nal, nal_len);
    r = send_au(e, au, (long)nal_len + 3, job->timestamp, err, errlen);
    if (r < 0)
        return r;
    if (!e->cur_valid)
        FAIL("the decoder started no picture");
    return write_picture(e, job->dst, err, errlen);
}

static int decode_request(struct sim_engine *e, const struct sim_decode_job *job, char *err,
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
    const struct v4l2_ctrl_h264_slice_params *slp =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_SLICE_PARAMS, NULL);
    const struct v4l2_ctrl_h264_pred_weights *pw =
        sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_PRED_WEIGHTS, NULL);
    const int32_t *mode = sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_DECODE_MODE, NULL);
    const int32_t *sc = sim_ctrls_get(job->ctrls, V4L2_CID_STATELESS_H264_START_CODE, NULL);
    const bool slice_based = mode && *mode == V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED;
    const bool annex_b = !sc || *sc == V4L2_STATELESS_H264_START_CODE_ANNEX_B;
    const uint8_t *bs = job->bitstream;
    size_t len = job->len, first_off;
    struct sim_h264_slice sh;
    uint8_t *au;
    long n;
    int r;
    bool field, second_field;
    struct pic_record rec;

    if (!sps || !pps || !d)
        FAIL("SPS, PPS or DECODE_PARAMS missing");
    if (!bs || len < 2)
        FAIL("empty OUTPUT buffer");
    if (!e->avctx) {
        r = open_decoder(e, slice_based);
        if (r < 0)
            FAIL("cannot open libavcodec's H.264 decoder (%d)", r);
    } else if (e->chunks != slice_based) {
        FAIL("DECODE_MODE changed inside a decoding context");
    }
    if (nal_start(bs, len, annex_b, &first_off) < 0)
        FAIL("START_CODE is Annex B but the OUTPUT buffer does not start with one");
    if (slice_based) {
        /* one slice per request: a second start code would be a second NAL unit */
        if (!slp)
            FAIL("SLICE_BASED request without SLICE_PARAMS");
        for (size_t i = first_off; annex_b && i + 3 <= len; i++)
            if (!bs[i] && !bs[i + 1] && bs[i + 2] == 1)
                FAIL("SLICE_BASED request with more than one NAL unit");
    }
    r = sim_h264_parse_slice(bs + first_off, len - first_off, sps, pps, &sh, err, errlen);
    if (r == 0)
        r = check_dec_params(&sh, sps, pps, d, err, errlen);
    if (r == 0)
        r = sim_h264_check_slice(&sh, slice_based ? slp : NULL, pw, d, err, errlen);
    if (r == 0 && slice_based)
        r = sim_h264_check_ref_lists(sps, d, &sh, slp, err, errlen);
    if (r == 0 && !slice_based)
        r = check_other_slices(bs, len, first_off, sps, pps, d, err, errlen);
    /* PFRAME / BFRAME: the picture has P (SP) / B slices; this one must be counted */
    if (r == 0 && sim_h264_slice_is_p(&sh) &&
        !(d->flags & V4L2_H264_DECODE_PARAM_FLAG_PFRAME))
        FAIL("P slice in a picture without DECODE_PARAMS PFRAME");
    if (r == 0 && sim_h264_slice_is_b(&sh) && !(d->flags & V4L2_H264_DECODE_PARAM_FLAG_BFRAME))
        FAIL("B slice in a picture without DECODE_PARAMS BFRAME");
    if (r < 0)
        return r;
    if (slice_based && job->continues_frame)
        return continue_picture(e, job, sps, pps, sm, d, bs + first_off, len - first_off, err,
                                errlen);
    if (slice_based && sh.first_mb != 0)
        FAIL("first slice of a picture starts at macroblock %u", sh.first_mb);

    /* SPS and PPS NAL units (at most PS_CAP bytes), a start code, the OUTPUT bytes */
    if (sim_buf_ensure(&e->au, &e->au_cap, PS_CAP + 3 + len) < 0)
        return -ENOMEM;
    au = e->au;
    n = sim_h264_write_sps(sps, au, 0, PS_CAP, err, errlen);
    if (n >= 0)
        n = sim_h264_write_pps(sps, pps, sm, au, (size_t)n, PS_CAP, err, errlen);
    if (n >= 0)
        r = check_dpb(e, sps, d, job->timestamp, err, errlen);
    if (n >= 0 && r == 0)
        r = sim_h264_marking_check(&e->mark, d, err, errlen);
    if (n < 0 || r < 0)
        return n < 0 ? (int)n : r;
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

    if (!field || !e->pending_field)
        e->cur_valid = false;
    e->in_pic = false;
    r = send_au(e, au, n, job->timestamp, err, errlen);
    if (r < 0)
        return r;
    if (!e->cur_valid) {
        snprintf(err, errlen, "h264: the decoder started no picture");
        return -EINVAL;
    }
    e->pic_w = (sps->pic_width_in_mbs_minus1 + 1u) * 16;
    e->pic_h = (sps->pic_height_in_map_units_minus1 + 1u) * 16 *
               ((sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY) ? 1u : 2u);
    e->pic_field = field;
    e->pic_bottom = d->flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD;
    r = write_picture(e, job->dst, err, errlen);
    if (r < 0)
        return r;
    if (slice_based) {
        e->in_pic = true;
        e->pic_ts = job->timestamp;
        e->pic_sps = *sps;
        e->pic_pps = *pps;
        if (sm)
            e->pic_sm = *sm;
        e->pic_dec = *d;
    }
    second_field = field && e->pending_field && e->pending.frame_num == rec.frame_num &&
                   !(e->pending.fields & rec.fields);
    sim_h264_marking_apply(&e->mark, sps, d, &sh, job->timestamp,
                           second_field ? e->pending.ts : 0);
    if (second_field) {
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
    return 0;
}

static int h264_decode(struct sim_engine *e, const struct sim_decode_job *job, char *err,
                       size_t errlen)
{
    int r = decode_request(e, job, err, errlen);
    if (r < 0)
        e->mark.known = false; /* a picture is missing: the marking is known again at an IDR */
    return r;
}

static const struct sim_ref_ts_field h264_ref_ts[] = {
    {V4L2_CID_STATELESS_H264_DECODE_PARAMS, offsetof(struct v4l2_ctrl_h264_decode_params, dpb[0].reference_ts)},
    {V4L2_CID_STATELESS_H264_DECODE_PARAMS, offsetof(struct v4l2_ctrl_h264_decode_params, dpb[1].reference_ts)},
};

/* Everything but the control table is the same for the frame-based codec and its
 * slice-based variant (one engine serves both; it reads DECODE_MODE per request). */
#define H264_CODEC_COMMON                                                                    \
    .name = "h264",                                                                          \
    .output_pixfmt = V4L2_PIX_FMT_H264_SLICE,                                                \
    .description = "H.264 Parsed Slice Data",                                                \
    .n_controls = SIM_H264_N_CONTROLS,                                                       \
    .bit_depths = SIM_BIT_DEPTH(8),                                                          \
    .ref_ts = h264_ref_ts,                                                                   \
    .n_ref_ts = 2,                                                                           \
    .faults = sim_h264_faults,                                                               \
    .n_faults = SIM_H264_N_FAULTS,                                                           \
    .create = h264_create,                                                                   \
    .destroy = h264_destroy,                                                                 \
    .decode = h264_decode

static const struct sim_codec sim_codec_h264_slice = {
    H264_CODEC_COMMON,
    .controls = sim_h264_controls_slice,
};

const struct sim_codec sim_codec_h264 = {
    H264_CODEC_COMMON,
    .controls = sim_h264_controls,
    .slice_based = &sim_codec_h264_slice,
};
