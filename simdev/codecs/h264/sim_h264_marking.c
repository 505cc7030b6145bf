/* H.264 decoded reference picture marking (8.2.5), and the DPB check built on it. */
#include "sim_h264_marking.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define FAIL(...)                                                                          \
    do {                                                                                   \
        snprintf(err, errlen, "h264: " __VA_ARGS__);                                       \
        return -EINVAL;                                                                    \
    } while (0)

struct cur {
    bool field;
    unsigned parity; /* V4L2_H264_TOP/BOTTOM_FIELD_REF, FRAME_REF for a frame */
    unsigned frame_num;
    int64_t max_frame_num;
};

static struct sim_h264_marked *find(struct sim_h264_marking *mk, uint64_t ts)
{
    for (unsigned i = 0; i < mk->n; i++)
        if (mk->m[i].ts == ts)
            return &mk->m[i];
    return NULL;
}

static void compact(struct sim_h264_marking *mk)
{
    unsigned k = 0;
    for (unsigned i = 0; i < mk->n; i++)
        if (mk->m[i].st_fields || mk->m[i].lt_fields)
            mk->m[k++] = mk->m[i];
    mk->n = k;
}

static int64_t wrap(const struct cur *c, unsigned frame_num)
{
    return frame_num > c->frame_num ? (int64_t)frame_num - c->max_frame_num : frame_num;
}

/* the short-term picture with PicNum pic_num (8-28): the frame, or one field */
static bool find_st(struct sim_h264_marking *mk, const struct cur *c, int64_t pic_num,
                    struct sim_h264_marked **out, unsigned *fields)
{
    for (unsigned i = 0; i < mk->n; i++) {
        struct sim_h264_marked *e = &mk->m[i];
        int64_t w = wrap(c, e->frame_num);
        if (!c->field) {
            if (e->st_fields == V4L2_H264_FRAME_REF && w == pic_num) {
                *out = e;
                *fields = V4L2_H264_FRAME_REF;
                return true;
            }
            continue;
        }
        for (unsigned p = 1; p <= 2; p++)
            if ((e->st_fields & p) && (p == c->parity ? 2 * w + 1 : 2 * w) == pic_num) {
                *out = e;
                *fields = p;
                return true;
            }
    }
    return false;
}

/* the long-term picture with LongTermPicNum pic_num (8-29) */
static bool find_lt(struct sim_h264_marking *mk, const struct cur *c, int64_t pic_num,
                    struct sim_h264_marked **out, unsigned *fields)
{
    for (unsigned i = 0; i < mk->n; i++) {
        struct sim_h264_marked *e = &mk->m[i];
        if (!c->field) {
            if (e->lt_fields == V4L2_H264_FRAME_REF && (int64_t)e->lt_idx == pic_num) {
                *out = e;
                *fields = V4L2_H264_FRAME_REF;
                return true;
            }
            continue;
        }
        for (unsigned p = 1; p <= 2; p++)
            if ((e->lt_fields & p) &&
                (p == c->parity ? 2 * (int64_t)e->lt_idx + 1 : 2 * (int64_t)e->lt_idx) == pic_num) {
                *out = e;
                *fields = p;
                return true;
            }
    }
    return false;
}

/* LongTermFrameIdx idx is taken away from every picture but `keep` (the frame the index is
 * being given to) */
static void free_lt_idx(struct sim_h264_marking *mk, unsigned idx,
                        const struct sim_h264_marked *keep)
{
    for (unsigned i = 0; i < mk->n; i++)
        if (&mk->m[i] != keep && mk->m[i].lt_fields && mk->m[i].lt_idx == idx)
            mk->m[i].lt_fields = 0;
}

static void sliding_window(struct sim_h264_marking *mk, const struct v4l2_ctrl_h264_sps *sps,
                           const struct cur *c)
{
    const unsigned max = sps->max_num_ref_frames ? sps->max_num_ref_frames : 1;
    for (;;) {
        unsigned nst = 0, nlt = 0;
        struct sim_h264_marked *oldest = NULL;
        for (unsigned i = 0; i < mk->n; i++) {
            struct sim_h264_marked *e = &mk->m[i];
            if (e->st_fields) {
                nst++;
                if (!oldest || wrap(c, e->frame_num) < wrap(c, oldest->frame_num))
                    oldest = e;
            }
            if (e->lt_fields)
                nlt++;
        }
        if (nst + nlt < max || !oldest)
            return;
        oldest->st_fields = 0;
    }
}

/* 8.2.5.4; returns true when the current picture was marked long-term (operation 6) */
static bool mmco(struct sim_h264_marking *mk, const struct cur *c, const struct sim_h264_slice *s,
                 struct sim_h264_marked *cur, unsigned *cur_frame_num)
{
    const int64_t curr_pic_num = c->field ? 2 * (int64_t)c->frame_num + 1 : c->frame_num;
    bool lt_current = false;

    for (unsigned i = 0; i < s->n_mmco; i++) {
        const struct sim_h264_mmco *m = &s->mmco[i];
        struct sim_h264_marked *e;
        unsigned f;
        int64_t x = curr_pic_num - ((int64_t)m->diff_minus1 + 1);
        switch (m->op) {
        case 1:
            if (find_st(mk, c, x, &e, &f))
                e->st_fields &= ~f;
            break;
        case 2:
            if (find_lt(mk, c, m->long_term_pic_num, &e, &f))
                e->lt_fields &= ~f;
            break;
        case 3:
            if (find_st(mk, c, x, &e, &f)) {
                free_lt_idx(mk, m->long_term_frame_idx, e);
                if (e->lt_fields && e->lt_idx != m->long_term_frame_idx)
                    e->lt_fields = 0; /* the other field held another index */
                e->st_fields &= ~f;
                e->lt_fields |= f;
                e->lt_idx = m->long_term_frame_idx;
            }
            break;
        case 4:
            mk->max_lt_idx = (int)m->max_idx_plus1 - 1;
            for (unsigned k = 0; k < mk->n; k++)
                if (mk->m[k].lt_fields && (int)mk->m[k].lt_idx > mk->max_lt_idx)
                    mk->m[k].lt_fields = 0;
            break;
        case 5:
            for (unsigned k = 0; k < mk->n; k++)
                mk->m[k].st_fields = mk->m[k].lt_fields = 0;
            mk->max_lt_idx = -1;
            *cur_frame_num = 0;
            break;
        case 6:
            free_lt_idx(mk, m->long_term_frame_idx, cur);
            if (cur && cur->lt_fields && cur->lt_idx != m->long_term_frame_idx)
                cur->lt_fields = 0;
            lt_current = true;
            break;
        default:
            break;
        }
    }
    return lt_current;
}

void sim_h264_marking_apply(struct sim_h264_marking *mk, const struct v4l2_ctrl_h264_sps *sps,
                            const struct v4l2_ctrl_h264_decode_params *d,
                            const struct sim_h264_slice *s, uint64_t ts,
                            uint64_t first_field_ts)
{
    struct cur c;
    struct sim_h264_marked *cur;
    const bool idr = s->nal_type == 5;
    unsigned lt_idx = 0, frame_num = d->frame_num;
    bool lt = false;

    c.field = d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC;
    c.parity = !c.field ? V4L2_H264_FRAME_REF
               : (d->flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD) ? V4L2_H264_BOTTOM_FIELD_REF
                                                                      : V4L2_H264_TOP_FIELD_REF;
    c.frame_num = d->frame_num;
    c.max_frame_num = 1ll << (sps->log2_max_frame_num_minus4 + 4);

    if (idr && !first_field_ts) {
        mk->n = 0;
        mk->max_lt_idx = s->long_term_reference_flag ? 0 : -1;
        mk->known = true;
    } else if (!mk->known) {
        return;
    } else if (mk->have_prev_ref && !idr && d->frame_num != mk->prev_ref_frame_num &&
               d->frame_num != (mk->prev_ref_frame_num + 1) % c.max_frame_num) {
        /* a gap in frame_num: "non-existing" frames (8.2.5.2) are not modelled */
        mk->known = false;
        return;
    }
    if (s->nal_ref_idc == 0)
        return;
    cur = first_field_ts ? find(mk, first_field_ts) : NULL;
    if (idr) {
        lt = s->long_term_reference_flag;
    } else if (s->adaptive_marking) {
        lt = mmco(mk, &c, s, cur, &frame_num);
        for (unsigned i = 0; i < s->n_mmco; i++)
            if (s->mmco[i].op == 6)
                lt_idx = s->mmco[i].long_term_frame_idx;
    } else if (!(cur && cur->st_fields)) {
        sliding_window(mk, sps, &c);
    }
    if (!cur || !(cur->st_fields | cur->lt_fields)) {
        compact(mk);
        cur = NULL;
    }
    if (!cur) {
        if (mk->n >= SIM_H264_MARK_MAX) {
            mk->known = false; /* more than the uAPI can hold: not modelled */
            return;
        }
        cur = &mk->m[mk->n++];
        memset(cur, 0, sizeof(*cur));
    }
    cur->ts = ts;
    cur->frame_num = frame_num;
    if (lt) {
        cur->lt_fields |= c.parity;
        cur->lt_idx = lt_idx;
    } else {
        cur->st_fields |= c.parity;
    }
    compact(mk);
    mk->have_prev_ref = true;
    mk->prev_ref_frame_num = frame_num;
}

int sim_h264_marking_check(const struct sim_h264_marking *mk,
                           const struct v4l2_ctrl_h264_decode_params *d, char *err,
                           size_t errlen)
{
    /* an IDR picture references nothing; what the DPB still lists is not checked */
    if (!mk->known || (d->flags & V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC))
        return 0;
    for (unsigned k = 0; k < mk->n; k++) {
        const struct sim_h264_marked *e = &mk->m[k];
        const struct v4l2_h264_dpb_entry *en = NULL;
        unsigned i;
        for (i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++)
            if ((d->dpb[i].flags & V4L2_H264_DPB_ENTRY_FLAG_VALID) &&
                (d->dpb[i].flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE) &&
                d->dpb[i].reference_ts == e->ts) {
                en = &d->dpb[i];
                break;
            }
        if (!en)
            FAIL("the picture of ts %llu (frame_num %u) is marked for %s reference, the DPB "
                 "has no active entry for it", (unsigned long long)e->ts, e->frame_num,
                 e->lt_fields ? "long-term" : "short-term");
        if (!!(en->flags & V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM) != !!e->lt_fields)
            FAIL("DPB entry %u (ts %llu): LONG_TERM %d, the picture is marked %s", i,
                 (unsigned long long)e->ts, !!(en->flags & V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM),
                 e->lt_fields ? "long-term" : "short-term");
        if (en->fields != (e->st_fields | e->lt_fields))
            FAIL("DPB entry %u (ts %llu): reference fields %u, marked %u", i,
                 (unsigned long long)e->ts, en->fields, e->st_fields | e->lt_fields);
        if (e->lt_fields && en->frame_num != e->lt_idx)
            FAIL("DPB entry %u (ts %llu): long_term_frame_idx %u, marked %u", i,
                 (unsigned long long)e->ts, en->frame_num, e->lt_idx);
    }
    for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++) {
        const struct v4l2_h264_dpb_entry *en = &d->dpb[i];
        bool found = false;
        if (!(en->flags & V4L2_H264_DPB_ENTRY_FLAG_VALID) ||
            !(en->flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE))
            continue;
        for (unsigned k = 0; k < mk->n && !found; k++)
            found = mk->m[k].ts == en->reference_ts;
        if (!found)
            FAIL("DPB entry %u (ts %llu) names a picture that is not marked for reference", i,
                 (unsigned long long)en->reference_ts);
    }
    return 0;
}
