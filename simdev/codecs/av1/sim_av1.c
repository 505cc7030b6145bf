#include "sim_av1.h"

#include <dav1d/dav1d.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_av1_obu.h"

struct sim_slot {
    struct av1_slot_state st;
    uint64_t ts;
};

struct sim_av1 {
    Dav1dContext *dav1d;
    struct sim_slot slots[8]; /* dav1d's slots: the cache */
    uint64_t vslot[8];        /* the V4L2 slots as the controls' refresh flags describe them */
    bool vslot_valid[8];
    unsigned long vslot_mismatch;
    bool strict;
    uint8_t *buf;
    size_t buf_cap;
};

static int open_dav1d(struct sim_av1 *e)
{
    Dav1dSettings s;
    dav1d_default_settings(&s);
    s.n_threads = 1;
    s.max_frame_delay = 1;
    s.apply_grain = 1; /* the frame header's apply_grain (from the control) decides */
    s.output_invisible_frames = 1;
    s.all_layers = 1;
    return dav1d_open(&e->dav1d, &s);
}

struct sim_av1 *sim_av1_create(void)
{
    struct sim_av1 *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    if (open_dav1d(e) < 0) {
        free(e);
        return NULL;
    }
    {
        const char *v = getenv("VAREQ_SIM_AV1_STRICT");
        e->strict = v && v[0] == '1';
    }
    return e;
}

void sim_av1_destroy(struct sim_av1 *e)
{
    if (!e)
        return;
    if (e->dav1d)
        dav1d_close(&e->dav1d);
    free(e->buf);
    free(e);
}

static void reset(struct sim_av1 *e)
{
    dav1d_flush(e->dav1d);
    memset(e->slots, 0, sizeof(e->slots));
    memset(e->vslot_valid, 0, sizeof(e->vslot_valid));
}

unsigned long sim_av1_slot_mismatches(const struct sim_av1 *e)
{
    return e->vslot_mismatch;
}

static int copy_out(const Dav1dPicture *p, struct sim_picture *dst, char *err, size_t errlen)
{
    const unsigned w = (unsigned)p->p.w, h = (unsigned)p->p.h;
    if (p->p.bpc != 8 || p->p.layout != DAV1D_PIXEL_LAYOUT_I420) {
        snprintf(err, errlen, "dav1d output %d-bit layout %d: only 8-bit 4:2:0 here", p->p.bpc,
                 (int)p->p.layout);
        return -EINVAL;
    }
    if (!sim_picture_fits(dst, w, h)) {
        snprintf(err, errlen, "frame %ux%u does not fit the CAPTURE buffer", w, h);
        return -ENOSPC;
    }
    for (unsigned y = 0; y < h; y++)
        memcpy(dst->plane[0].data + (size_t)y * dst->plane[0].bytesperline,
               (const uint8_t *)p->data[0] + (ptrdiff_t)y * p->stride[0], w);
    for (unsigned y = 0; y < (h + 1) / 2; y++) {
        uint8_t *row = dst->plane[1].data + (size_t)y * dst->plane[1].bytesperline;
        const uint8_t *u = (const uint8_t *)p->data[1] + (ptrdiff_t)y * p->stride[1];
        const uint8_t *v = (const uint8_t *)p->data[2] + (ptrdiff_t)y * p->stride[1];
        for (unsigned x = 0; x < (w + 1) / 2; x++) {
            row[2 * x] = u[x];
            row[2 * x + 1] = v[x];
        }
    }
    dst->width = w;
    dst->height = h;
    return 0;
}

/* The engine's slot model. dav1d's 8 reference slots are a cache of decoded frames keyed by
 * the CAPTURE timestamp they were decoded into (a hardware decoder keeps its per-frame
 * side data with each CAPTURE buffer in the same way); the request's reference_frame_ts[]
 * name the frames, ref_frame_idx[] picks the references among them, and the header given
 * to dav1d uses the cache slots that hold them. refresh_frame_flags decides which frames the
 * cache may drop: a frame outside the request's slot state first, then one the refresh
 * replaces. A named frame that is not in the cache, not in a CAPTURE buffer, or whose order
 * hint differs from order_hints[] fails the request.
 * The model of the V4L2 slots the controls describe (vslot, updated by refresh_frame_flags)
 * is compared with every request's reference_frame_ts[]; differences are counted, and fail
 * the request in strict mode (VAREQ_SIM_AV1_STRICT=1). */
static int find_cached(const struct sim_av1 *e, uint64_t ts)
{
    for (int i = 0; i < 8; i++)
        if (e->slots[i].st.valid && e->slots[i].ts == ts)
            return i;
    return -1;
}

static bool is_intra(const struct v4l2_ctrl_av1_frame *f)
{
    return f->frame_type == V4L2_AV1_KEY_FRAME || f->frame_type == V4L2_AV1_INTRA_ONLY_FRAME;
}

static int map_refs(const struct sim_av1 *e, const struct sim_decode_job *job,
                    const struct v4l2_ctrl_av1_frame *f, int8_t mapped[7], char *err,
                    size_t errlen)
{
    for (unsigned r = 0; r < 7; r++) {
        int idx = f->ref_frame_idx[r], d;
        uint64_t ts;
        const struct sim_picture *p;
        if (idx < 0 || idx > 7) {
            snprintf(err, errlen, "ref_frame_idx[%u] = %d", r, idx);
            return -EINVAL;
        }
        ts = f->reference_frame_ts[idx];
        p = ts ? sim_job_find_ref(job, ts) : NULL;
        if (!p || !p->width || !p->height) {
            snprintf(err, errlen, "reference %u (slot %d, ts %llu) names no decoded CAPTURE buffer",
                     r, idx, (unsigned long long)ts);
            return -EINVAL;
        }
        d = find_cached(e, ts);
        if (d < 0) {
            snprintf(err, errlen, "reference %u (slot %d, ts %llu) is not a frame this context decoded "
                     "and kept (refresh_frame_flags dropped it)", r, idx, (unsigned long long)ts);
            return -EINVAL;
        }
        if (f->order_hints[r + 1] != e->slots[d].st.order_hint) {
            snprintf(err, errlen, "order_hints[%u] = %u, frame ts %llu has order hint %u", r + 1,
                     f->order_hints[r + 1], (unsigned long long)ts, e->slots[d].st.order_hint);
            return -EINVAL;
        }
        mapped[r] = (int8_t)d;
    }
    return 0;
}

/* The cache slot that receives the new frame (bit mask), see above. */
static uint8_t choose_refresh(const struct sim_av1 *e, const struct v4l2_ctrl_av1_frame *f,
                              const int8_t mapped[7], bool intra)
{
    uint64_t after[8];
    int empty = -1, stale = -1, replaced = -1;

    if (f->frame_type == V4L2_AV1_SWITCH_FRAME ||
        (f->frame_type == V4L2_AV1_KEY_FRAME && (f->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME)))
        return 0xff;
    if (!f->refresh_frame_flags)
        return 0;
    for (unsigned i = 0; i < 8; i++)
        after[i] = (f->refresh_frame_flags & (1u << i)) ? 0 : f->reference_frame_ts[i];
    for (int d = 0; d < 8; d++) {
        bool in_before = false, in_after = false, is_ref = false;
        if (!e->slots[d].st.valid) {
            if (empty < 0)
                empty = d;
            continue;
        }
        for (unsigned i = 0; i < 8; i++) {
            if (f->reference_frame_ts[i] == e->slots[d].ts)
                in_before = true;
            if (after[i] && after[i] == e->slots[d].ts)
                in_after = true;
        }
        for (unsigned r = 0; !intra && r < 7; r++)
            if (mapped[r] == d)
                is_ref = true;
        (void)is_ref; /* references are read before the refresh: replacing them is fine */
        if (!in_before && stale < 0)
            stale = d;
        else if (in_before && !in_after && replaced < 0)
            replaced = d;
    }
    if (empty >= 0)
        return (uint8_t)(1u << empty);
    if (stale >= 0)
        return (uint8_t)(1u << stale);
    if (replaced >= 0)
        return (uint8_t)(1u << replaced);
    return 0; /* every cached frame stays referenced: cannot happen with 8 slots */
}

static int check_vslots(struct sim_av1 *e, const struct v4l2_ctrl_av1_frame *f, char *err,
                        size_t errlen)
{
    for (unsigned i = 0; i < 8; i++) {
        uint64_t ts = f->reference_frame_ts[i];
        if (!ts || !e->vslot_valid[i] || e->vslot[i] == ts)
            continue;
        e->vslot_mismatch++;
        if (e->strict) {
            snprintf(err, errlen, "slot %u: reference_frame_ts %llu, but the earlier requests' "
                     "refresh_frame_flags put ts %llu there", i, (unsigned long long)ts,
                     (unsigned long long)e->vslot[i]);
            return -EINVAL;
        }
    }
    return 0;
}

int sim_av1_decode(struct sim_av1 *e, const struct sim_av1_input *in_ctrls,
                   const struct sim_decode_job *job, char *err, size_t errlen)
{
    const struct v4l2_ctrl_av1_frame *frame = in_ctrls->frame;
    struct v4l2_ctrl_av1_frame hdr;
    struct av1_slot_state st[8];
    struct av1_obu_in in;
    int8_t mapped[7] = {0, 0, 0, 0, 0, 0, 0};
    const bool intra = is_intra(frame);
    uint8_t refresh;
    Dav1dData dd;
    Dav1dPicture pic;
    size_t need;
    long n;
    int r;

    if (in_ctrls->seq->bit_depth != 8 || in_ctrls->seq->seq_profile != 0) {
        snprintf(err, errlen, "profile %u %u-bit: this engine decodes Main 8-bit",
                 in_ctrls->seq->seq_profile, in_ctrls->seq->bit_depth);
        return -EINVAL;
    }
    if ((r = check_vslots(e, frame, err, errlen)) < 0)
        return r;
    if (!intra && (r = map_refs(e, job, frame, mapped, err, errlen)) < 0)
        return r;
    refresh = choose_refresh(e, frame, mapped, intra);
    if (frame->frame_type == V4L2_AV1_INTRA_ONLY_FRAME && refresh == 0xff)
        refresh = 0x01;
    /* the header dav1d sees: references and refresh in cache slots */
    hdr = *frame;
    for (unsigned i = 0; i < 7; i++)
        hdr.ref_frame_idx[i] = intra ? frame->ref_frame_idx[i] : mapped[i];
    if (frame->frame_type == V4L2_AV1_INTRA_ONLY_FRAME && frame->refresh_frame_flags == 0xff) {
        snprintf(err, errlen, "intra-only frame with refresh_frame_flags 0xff");
        return -EINVAL;
    }
    if (refresh != 0xff && (frame->frame_type == V4L2_AV1_SWITCH_FRAME ||
                            (frame->frame_type == V4L2_AV1_KEY_FRAME &&
                             (frame->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME))) ) {
        snprintf(err, errlen, "internal: refresh of a shown key frame");
        return -EINVAL;
    }
    if ((frame->frame_type == V4L2_AV1_SWITCH_FRAME ||
         (frame->frame_type == V4L2_AV1_KEY_FRAME && (frame->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME))) &&
        frame->refresh_frame_flags != 0xff) {
        snprintf(err, errlen, "refresh_frame_flags 0x%02x on a shown key or switch frame",
                 frame->refresh_frame_flags);
        return -EINVAL;
    }
    hdr.refresh_frame_flags = refresh;
    for (unsigned i = 0; i < 8; i++)
        st[i] = e->slots[i].st;
    memset(&in, 0, sizeof(in));
    in.seq = in_ctrls->seq;
    in.frame = &hdr;
    in.grain = in_ctrls->grain;
    in.tiles = in_ctrls->tiles;
    in.n_tiles = in_ctrls->n_tiles;
    in.data = job->bitstream;
    in.len = job->len;
    in.slots = st;
    need = av1_obu_bound(&in);
    if (need > e->buf_cap) {
        uint8_t *nb = realloc(e->buf, need);
        if (!nb) {
            snprintf(err, errlen, "out of memory");
            return -ENOMEM;
        }
        e->buf = nb;
        e->buf_cap = need;
    }
    n = av1_write_temporal_unit(&in, e->buf, e->buf_cap, err, errlen);
    if (n < 0)
        return -EINVAL;

    if (!dav1d_data_create(&dd, (size_t)n)) {
        snprintf(err, errlen, "dav1d_data_create failed");
        return -ENOMEM;
    }
    memcpy((uint8_t *)dd.data, e->buf, (size_t)n);
    r = dav1d_send_data(e->dav1d, &dd);
    if (r < 0 && r != DAV1D_ERR(EAGAIN)) {
        dav1d_data_unref(&dd);
        reset(e);
        snprintf(err, errlen, "dav1d rejected the frame (%d)", r);
        return -EINVAL;
    }
    memset(&pic, 0, sizeof(pic));
    r = dav1d_get_picture(e->dav1d, &pic);
    if (dd.sz)
        dav1d_data_unref(&dd);
    if (r < 0) {
        reset(e);
        snprintf(err, errlen, "dav1d produced no picture (%d)", r);
        return -EINVAL;
    }
    r = copy_out(&pic, job->dst, err, errlen);
    dav1d_picture_unref(&pic);
    if (r < 0)
        return r;
    for (unsigned i = 0; i < 8; i++) {
        if (refresh & (1u << i)) {
            struct sim_slot *s = &e->slots[i];
            s->st.valid = true;
            s->st.order_hint = frame->order_hint;
            if (intra)
                av1_default_gm_params(s->st.gm_params);
            else
                memcpy(s->st.gm_params, frame->global_motion.params, sizeof(s->st.gm_params));
            s->ts = job->timestamp;
        }
        if (frame->refresh_frame_flags & (1u << i)) {
            e->vslot[i] = job->timestamp;
            e->vslot_valid[i] = true;
        }
    }
    return 0;
}
