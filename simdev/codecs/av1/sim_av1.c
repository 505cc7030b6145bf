/* simdev AV1 engine: slot model, dav1d, pictures. See sim_av1.h and docs/av1.md.
 *
 * Slot model. dav1d's 8 reference slots are used as a cache of decoded frames keyed by the
 * CAPTURE timestamp each was decoded into (a hardware decoder keeps a frame's side data -
 * motion vectors, CDFs, segmentation map - with its CAPTURE buffer in the same way). Every
 * request names the frames of all 8 slots (reference_frame_ts[]) and picks its references
 * among them (ref_frame_idx[]); the header dav1d sees uses the cache slots that hold them.
 * A named reference that is not in a CAPTURE buffer, not in the cache, or whose order hint
 * differs from order_hints[] fails the request.
 *
 * Which frames to keep: a frame is stored at once into a cache slot whose frame the
 * request does not name (such a frame left the V4L2 slots for good), so it is decoded once.
 * When every cache slot holds a named frame, it is decoded without storing it (refresh 0:
 * dav1d's state does not change; its picture goes to the CAPTURE buffer at once); the next
 * request tells exactly whether it is still in a slot (its reference_frame_ts[]); if it
 * is, the frame is decoded again, now stored into a cache slot whose frame no slot names
 * any more, before the new request is decoded. Shown key frames and switch frames refresh
 * every slot (the syntax requires it) and are stored at once.
 *
 * refresh_frame_flags is checked, not trusted: the engine keeps the V4L2 slots as the
 * requests' refresh_frame_flags describe them and compares every request's
 * reference_frame_ts[] with it; a difference is counted (sim_av1_slot_mismatches) and
 * fails the request in strict mode (VAREQ_SIM_AV1_STRICT=1). */
#include "sim_av1.h"

#include <dav1d/dav1d.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "picture.h"
#include "sim_av1_obu.h"

struct sim_slot {
    struct av1_slot_state st;
    uint64_t ts;
};

/* A frame decoded without being stored, kept until the next request says whether a slot
 * holds it. Everything needed to write its temporal unit again. */
struct sim_pending {
    bool valid;
    uint64_t ts;
    struct v4l2_ctrl_av1_sequence seq;
    struct v4l2_ctrl_av1_frame frame; /* header as given to dav1d (cache slot indices) */
    struct v4l2_ctrl_av1_film_grain grain;
    bool has_grain;
    struct v4l2_ctrl_av1_tile_group_entry tiles[V4L2_AV1_MAX_TILE_COUNT];
    unsigned n_tiles;
    uint8_t *data;
    size_t len, data_cap;
    struct av1_slot_state cache[8]; /* cache state it was decoded with */
};

struct sim_av1 {
    Dav1dContext *dav1d;
    struct sim_slot slots[8]; /* dav1d's slots: the cache */
    struct sim_pending pend;
    uint64_t vslot[8];        /* the V4L2 slots as the requests' refresh flags describe them */
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
    const char *v = getenv("VAREQ_SIM_AV1_STRICT");
    if (!e)
        return NULL;
    if (open_dav1d(e) < 0) {
        free(e);
        return NULL;
    }
    e->strict = v && v[0] == '1';
    return e;
}

void sim_av1_destroy(struct sim_av1 *e)
{
    if (!e)
        return;
    if (e->dav1d)
        dav1d_close(&e->dav1d);
    free(e->pend.data);
    free(e->buf);
    free(e);
}

unsigned long sim_av1_slot_mismatches(const struct sim_av1 *e)
{
    return e->vslot_mismatch;
}

static void reset(struct sim_av1 *e)
{
    dav1d_flush(e->dav1d);
    memset(e->slots, 0, sizeof(e->slots));
    memset(e->vslot_valid, 0, sizeof(e->vslot_valid));
    e->pend.valid = false;
}

static bool is_intra(const struct v4l2_ctrl_av1_frame *f)
{
    return f->frame_type == V4L2_AV1_KEY_FRAME || f->frame_type == V4L2_AV1_INTRA_ONLY_FRAME;
}

static bool refreshes_all(const struct v4l2_ctrl_av1_frame *f)
{
    return f->frame_type == V4L2_AV1_SWITCH_FRAME ||
           (f->frame_type == V4L2_AV1_KEY_FRAME && (f->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME));
}

static int copy_out(const Dav1dPicture *p, struct sim_picture *dst, char *err, size_t errlen)
{
    const unsigned w = (unsigned)p->p.w, h = (unsigned)p->p.h;
    const bool hbd = p->p.bpc > 8;
    if ((p->p.bpc != 8 && p->p.bpc != 10) || p->p.layout != DAV1D_PIXEL_LAYOUT_I420) {
        snprintf(err, errlen, "dav1d output %d-bit layout %d: only 8/10-bit 4:2:0", p->p.bpc,
                 (int)p->p.layout);
        return -EINVAL;
    }
    if (hbd != (dst->fourcc == V4L2_PIX_FMT_P010)) {
        snprintf(err, errlen, "%d-bit frame for a %u-bit CAPTURE format", p->p.bpc,
                 dst->fourcc == V4L2_PIX_FMT_P010 ? 10u : 8u);
        return -EINVAL;
    }
    if (!sim_picture_fits(dst, w, h)) {
        snprintf(err, errlen, "frame %ux%u does not fit the CAPTURE buffer", w, h);
        return -ENOSPC;
    }
    if (p->stride[0] < 0 || p->stride[1] < 0) {
        snprintf(err, errlen, "dav1d picture with negative strides");
        return -EINVAL;
    }
    const struct sim_i420 src = {
        .plane = { p->data[0], p->data[1], p->data[2] },
        .stride = { (size_t)p->stride[0], (size_t)p->stride[1], (size_t)p->stride[1] },
    };
    const struct sim_semiplanar out = {
        .y = dst->plane[0].data, .uv = dst->plane[1].data,
        .y_bpl = dst->plane[0].bytesperline, .uv_bpl = dst->plane[1].bytesperline,
    };
    sim_i420_to_semiplanar(&src, &out, w, h, hbd);
    dst->width = w;
    dst->height = h;
    return 0;
}

/* Writes the temporal unit and runs it through dav1d; *pic holds the picture on success. */
static int run_dav1d(struct sim_av1 *e, const struct av1_obu_in *in, Dav1dPicture *pic,
                     char *err, size_t errlen)
{
    size_t need = av1_obu_bound(in);
    Dav1dData dd;
    long n;
    int r;

    if (need > e->buf_cap) {
        uint8_t *nb = realloc(e->buf, need);
        if (!nb) {
            snprintf(err, errlen, "out of memory");
            return -ENOMEM;
        }
        e->buf = nb;
        e->buf_cap = need;
    }
    n = av1_write_temporal_unit(in, e->buf, e->buf_cap, err, errlen);
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
    memset(pic, 0, sizeof(*pic));
    r = dav1d_get_picture(e->dav1d, pic);
    if (dd.sz)
        dav1d_data_unref(&dd);
    if (r < 0) {
        reset(e);
        snprintf(err, errlen, "dav1d produced no picture (%d)", r);
        return -EINVAL;
    }
    return 0;
}

static int find_cached(const struct sim_av1 *e, uint64_t ts)
{
    for (int i = 0; i < 8; i++)
        if (e->slots[i].st.valid && e->slots[i].ts == ts)
            return i;
    return -1;
}

static void store(struct sim_av1 *e, unsigned mask, const struct v4l2_ctrl_av1_frame *f,
                  uint64_t ts)
{
    for (unsigned i = 0; i < 8; i++) {
        struct sim_slot *s = &e->slots[i];
        if (!(mask & (1u << i)))
            continue;
        s->st.valid = true;
        s->st.order_hint = f->order_hint;
        if (is_intra(f))
            av1_default_gm_params(s->st.gm_params);
        else
            memcpy(s->st.gm_params, f->global_motion.params, sizeof(s->st.gm_params));
        s->ts = ts;
    }
}

/* A cache slot the pending frame may take: empty, a second copy, or a frame that no slot of
 * the current request names. -1 if every cache slot holds a named frame. */
static int free_cache_slot(const struct sim_av1 *e, const __u64 named[8])
{
    int dup = -1, dead = -1;
    for (int d = 0; d < 8; d++) {
        bool is_named = false;
        if (!e->slots[d].st.valid)
            return d;
        for (int o = 0; o < d; o++)
            if (e->slots[o].st.valid && e->slots[o].ts == e->slots[d].ts && dup < 0)
                dup = d;
        for (unsigned i = 0; i < 8; i++)
            if (named[i] == e->slots[d].ts)
                is_named = true;
        if (!is_named && dead < 0)
            dead = d;
    }
    return dup >= 0 ? dup : dead;
}

/* Stores the pending frame if the current request's slots still name it. */
static int commit_pending(struct sim_av1 *e, const struct v4l2_ctrl_av1_frame *cur, char *err,
                          size_t errlen)
{
    struct sim_pending *p = &e->pend;
    struct av1_obu_in in;
    Dav1dPicture pic;
    bool named = false;
    int slot, r;

    if (!p->valid)
        return 0;
    p->valid = false;
    if (refreshes_all(cur) && cur->frame_type == V4L2_AV1_KEY_FRAME)
        return 0; /* a shown key frame replaces everything */
    for (unsigned i = 0; i < 8; i++)
        if (cur->reference_frame_ts[i] == p->ts)
            named = true;
    if (!named)
        return 0;
    slot = free_cache_slot(e, cur->reference_frame_ts);
    if (slot < 0) {
        snprintf(err, errlen, "internal: no cache slot for frame ts %llu",
                 (unsigned long long)p->ts);
        return -EINVAL;
    }
    p->frame.refresh_frame_flags = (uint8_t)(1u << slot);
    memset(&in, 0, sizeof(in));
    in.seq = &p->seq;
    in.frame = &p->frame;
    in.grain = p->has_grain ? &p->grain : NULL;
    in.tiles = p->tiles;
    in.n_tiles = p->n_tiles;
    in.data = p->data;
    in.len = p->len;
    in.slots = p->cache;
    r = run_dav1d(e, &in, &pic, err, errlen);
    if (r < 0)
        return r;
    dav1d_picture_unref(&pic);
    store(e, 1u << slot, &p->frame, p->ts);
    return 0;
}

static int keep_pending(struct sim_av1 *e, const struct av1_obu_in *in, uint64_t ts)
{
    struct sim_pending *p = &e->pend;
    if (in->n_tiles > V4L2_AV1_MAX_TILE_COUNT)
        return -EINVAL;
    if (in->len > p->data_cap) {
        uint8_t *nd = realloc(p->data, in->len);
        if (!nd)
            return -ENOMEM;
        p->data = nd;
        p->data_cap = in->len;
    }
    memcpy(p->data, in->data, in->len);
    p->len = in->len;
    p->seq = *in->seq;
    p->frame = *in->frame;
    p->has_grain = in->grain != NULL;
    if (in->grain)
        p->grain = *in->grain;
    memcpy(p->tiles, in->tiles, in->n_tiles * sizeof(p->tiles[0]));
    p->n_tiles = in->n_tiles;
    memcpy(p->cache, in->slots, sizeof(p->cache));
    p->ts = ts;
    p->valid = true;
    return 0;
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
            snprintf(err, errlen, "reference %u (slot %d, ts %llu) is not a reference frame of "
                     "this context", r, idx, (unsigned long long)ts);
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

static int check_vslots(struct sim_av1 *e, const struct v4l2_ctrl_av1_frame *f, char *err,
                        size_t errlen)
{
    bool differs = false;
    for (unsigned i = 0; i < 8; i++) {
        uint64_t ts = f->reference_frame_ts[i];
        if (!ts || !e->vslot_valid[i] || e->vslot[i] == ts)
            continue;
        differs = true;
        if (e->strict) {
            snprintf(err, errlen, "slot %u: reference_frame_ts %llu, but the earlier requests' "
                     "refresh_frame_flags put ts %llu there", i, (unsigned long long)ts,
                     (unsigned long long)e->vslot[i]);
            return -EINVAL;
        }
    }
    if (differs)
        e->vslot_mismatch++;
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
    const bool intra = is_intra(frame), all = refreshes_all(frame);
    Dav1dPicture pic;
    int r;

    if ((in_ctrls->seq->bit_depth != 8 && in_ctrls->seq->bit_depth != 10) ||
        in_ctrls->seq->seq_profile != 0) {
        snprintf(err, errlen, "profile %u %u-bit: this engine decodes Main 8/10-bit",
                 in_ctrls->seq->seq_profile, in_ctrls->seq->bit_depth);
        return -EINVAL;
    }
    if (all && frame->refresh_frame_flags != 0xff) {
        snprintf(err, errlen, "refresh_frame_flags 0x%02x on a shown key or switch frame",
                 frame->refresh_frame_flags);
        return -EINVAL;
    }
    if (frame->frame_type == V4L2_AV1_INTRA_ONLY_FRAME && frame->refresh_frame_flags == 0xff) {
        snprintf(err, errlen, "intra-only frame with refresh_frame_flags 0xff");
        return -EINVAL;
    }
    if ((r = check_vslots(e, frame, err, errlen)) < 0)
        return r;
    if ((r = commit_pending(e, frame, err, errlen)) < 0)
        return r;
    if (!intra && (r = map_refs(e, job, frame, mapped, err, errlen)) < 0)
        return r;

    /* A cache slot whose frame this request does not name can never be referenced again
     * (a frame leaves the V4L2 slots for good once a request stops naming it), so the
     * frame is stored there at once, as commit_pending would store it after the next
     * request: the same temporal unit with the same cache state, decoded once. Only when
     * every cache slot holds a named frame is it decoded unstored and kept pending. */
    const int spec = all ? -1 : free_cache_slot(e, frame->reference_frame_ts);
    hdr = *frame; /* the header dav1d sees: references and refresh in cache slots */
    for (unsigned i = 0; i < 7; i++)
        hdr.ref_frame_idx[i] = intra ? 0 : mapped[i];
    hdr.refresh_frame_flags = all ? 0xff : spec >= 0 ? (uint8_t)(1u << spec) : 0;
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
    if ((r = run_dav1d(e, &in, &pic, err, errlen)) < 0)
        return r;
    r = copy_out(&pic, job->dst, err, errlen);
    dav1d_picture_unref(&pic);
    if (r < 0)
        return r;
    if (all)
        store(e, 0xff, frame, job->timestamp);
    else if (spec >= 0)
        store(e, 1u << spec, &hdr, job->timestamp);
    else if ((r = keep_pending(e, &in, job->timestamp)) < 0) {
        snprintf(err, errlen, "out of memory");
        return r;
    }
    for (unsigned i = 0; i < 8; i++)
        if (frame->refresh_frame_flags & (1u << i)) {
            e->vslot[i] = job->timestamp;
            e->vslot_valid[i] = true;
        }
    return 0;
}
