/* H.264 reference picture lists (8.2.4.1 - 8.2.4.3) from the DECODE_PARAMS DPB. */
#include "sim_h264_reflist.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXL 33 /* 32 entries + the slot the modification process shifts into */

struct ref {
    int idx;        /* DPB index, -1: "no reference picture" */
    unsigned fields; /* V4L2_H264_{TOP,BOTTOM,FRAME}_REF */
};

struct ctx {
    const struct v4l2_ctrl_h264_decode_params *d;
    bool field;      /* decoding a field */
    unsigned parity; /* V4L2_H264_TOP/BOTTOM_FIELD_REF of the current field */
    int64_t max_frame_num;
};

static const struct v4l2_h264_dpb_entry *ent(const struct ctx *c, int i)
{
    return &c->d->dpb[i];
}

static bool usable(const struct ctx *c, int i)
{
    const struct v4l2_h264_dpb_entry *e = ent(c, i);
    return (e->flags & V4L2_H264_DPB_ENTRY_FLAG_VALID) &&
           (e->flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE) && (e->fields & V4L2_H264_FRAME_REF);
}

static bool is_lt(const struct ctx *c, int i)
{
    return ent(c, i)->flags & V4L2_H264_DPB_ENTRY_FLAG_LONG_TERM;
}

/* FrameNumWrap (8-27) of a short-term entry, LongTermFrameIdx of a long-term one */
static int64_t frame_key(const struct ctx *c, int i)
{
    const struct v4l2_h264_dpb_entry *e = ent(c, i);
    if (is_lt(c, i) || e->frame_num <= c->d->frame_num)
        return e->frame_num;
    return (int64_t)e->frame_num - c->max_frame_num;
}

/* PicOrderCnt of an entry: of its reference fields (8.2.1) */
static int64_t entry_poc(const struct ctx *c, int i)
{
    const struct v4l2_h264_dpb_entry *e = ent(c, i);
    if (e->fields == V4L2_H264_TOP_FIELD_REF)
        return e->top_field_order_cnt;
    if (e->fields == V4L2_H264_BOTTOM_FIELD_REF)
        return e->bottom_field_order_cnt;
    return e->top_field_order_cnt < e->bottom_field_order_cnt ? e->top_field_order_cnt
                                                               : e->bottom_field_order_cnt;
}

static int64_t cur_poc(const struct ctx *c)
{
    const struct v4l2_ctrl_h264_decode_params *d = c->d;
    if (c->field)
        return c->parity == V4L2_H264_BOTTOM_FIELD_REF ? d->bottom_field_order_cnt
                                                       : d->top_field_order_cnt;
    return d->top_field_order_cnt < d->bottom_field_order_cnt ? d->top_field_order_cnt
                                                               : d->bottom_field_order_cnt;
}

/* sort keys: the lists are at most 16 long, insertion sort */
static void sort_by(int *v, unsigned n, const int64_t *key, bool desc)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0; j--) {
            bool swap = desc ? key[v[j]] > key[v[j - 1]] : key[v[j]] < key[v[j - 1]];
            if (!swap)
                break;
            int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Frames (8.2.4.2.1/8.2.4.2.3): entries with both fields as reference, as frames.
 * Fields (8.2.4.2.5): alternate parities over the ordered frame list, same parity first. */
static unsigned emit(const struct ctx *c, const int *frames, unsigned n, struct ref *out,
                     unsigned at)
{
    if (!c->field) {
        for (unsigned i = 0; i < n && at < MAXL - 1; i++)
            if (ent(c, frames[i])->fields == V4L2_H264_FRAME_REF)
                out[at++] = (struct ref){frames[i], V4L2_H264_FRAME_REF};
        return at;
    }
    unsigned k[2] = {0, 0};
    const unsigned par[2] = {c->parity, c->parity ^ V4L2_H264_FRAME_REF};
    for (;;) {
        bool any = false;
        for (int p = 0; p < 2; p++) {
            while (k[p] < n && !(ent(c, frames[k[p]])->fields & par[p]))
                k[p]++;
            if (k[p] < n && at < MAXL - 1) {
                out[at++] = (struct ref){frames[k[p]], par[p]};
                k[p]++;
                any = true;
            }
        }
        if (!any)
            return at;
    }
}

static unsigned initial_list(const struct ctx *c, unsigned list, bool b, struct ref *out)
{
    int st[16], lt[16];
    int64_t key[16];
    unsigned nst = 0, nlt = 0, n = 0;

    for (int i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++) {
        if (!usable(c, i))
            continue;
        if (is_lt(c, i))
            lt[nlt++] = i;
        else
            st[nst++] = i;
        key[i] = frame_key(c, i);
    }
    for (int i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++)
        if (!usable(c, i))
            key[i] = 0;
    sort_by(lt, nlt, key, false);
    if (!b) {
        /* PicNum / FrameNumWrap descending */
        sort_by(st, nst, key, true);
        n = emit(c, st, nst, out, 0);
    } else {
        int64_t poc[16];
        int before[16], after[16], ord[16];
        unsigned nb = 0, na = 0, no = 0;
        const int64_t cp = cur_poc(c);
        for (int i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++)
            poc[i] = usable(c, i) ? entry_poc(c, i) : 0;
        for (unsigned i = 0; i < nst; i++) {
            if (poc[st[i]] <= cp)
                before[nb++] = st[i];
            else
                after[na++] = st[i];
        }
        sort_by(before, nb, poc, true);
        sort_by(after, na, poc, false);
        for (unsigned i = 0; i < (list ? na : nb); i++)
            ord[no++] = list ? after[i] : before[i];
        for (unsigned i = 0; i < (list ? nb : na); i++)
            ord[no++] = list ? before[i] : after[i];
        n = emit(c, ord, no, out, 0);
    }
    return emit(c, lt, nlt, out, n);
}

/* PicNum / LongTermPicNum of a list entry (8-28, 8-29, 8-30) */
static int64_t pic_num(const struct ctx *c, const struct ref *r)
{
    int64_t k = frame_key(c, r->idx);
    if (!c->field)
        return k;
    return r->fields == c->parity ? 2 * k + 1 : 2 * k;
}

/* 8.2.4.3: applies the modifications of one list of num entries */
static int modify(const struct ctx *c, const struct sim_h264_slice *s, unsigned list,
                  struct ref *l, unsigned num, char *err, size_t errlen)
{
    const int64_t max_pic_num = c->field ? 2 * c->max_frame_num : c->max_frame_num;
    const int64_t curr = c->field ? 2 * (int64_t)c->d->frame_num + 1 : c->d->frame_num;
    int64_t pred = curr;
    unsigned ref_idx = 0;

    for (unsigned m = 0; m < s->n_mod[list]; m++) {
        const struct sim_h264_mod *op = &s->mod[list][m];
        struct ref pic = {-1, 0};
        bool lt = op->idc == 2;
        int64_t want;
        if (ref_idx >= num)
            break;
        if (!lt) {
            int64_t diff = (int64_t)op->val + 1, nowrap;
            if (op->idc == 0) {
                nowrap = pred - diff;
                if (nowrap < 0)
                    nowrap += max_pic_num;
            } else {
                nowrap = pred + diff;
                if (nowrap >= max_pic_num)
                    nowrap -= max_pic_num;
            }
            pred = nowrap;
            want = nowrap > curr ? nowrap - max_pic_num : nowrap;
        } else {
            want = op->val;
        }
        /* the picture: an entry (and, for fields, a parity) with that number */
        for (int i = 0; i < V4L2_H264_NUM_DPB_ENTRIES && pic.idx < 0; i++) {
            if (!usable(c, i) || is_lt(c, i) != lt)
                continue;
            for (unsigned p = 1; p <= 2 && pic.idx < 0; p++) {
                struct ref r = {i, c->field ? p : V4L2_H264_FRAME_REF};
                if ((c->field && !(ent(c, i)->fields & p)) ||
                    (!c->field && ent(c, i)->fields != V4L2_H264_FRAME_REF))
                    continue;
                if (pic_num(c, &r) == want)
                    pic = r;
            }
        }
        if (pic.idx < 0) {
            snprintf(err, errlen, "h264: slice (first_mb %u) list %u modification %u names %s "
                     "picture number %lld, which no active DPB entry has", s->first_mb, list,
                     m, lt ? "long-term" : "short-term", (long long)want);
            return -EINVAL;
        }
        for (unsigned ci = num; ci > ref_idx; ci--)
            l[ci] = l[ci - 1];
        l[ref_idx++] = pic;
        unsigned n_idx = ref_idx;
        for (unsigned ci = ref_idx; ci <= num; ci++) {
            bool same = l[ci].idx >= 0 && is_lt(c, l[ci].idx) == lt && pic_num(c, &l[ci]) == want;
            if (!same)
                l[n_idx++] = l[ci];
        }
    }
    return 0;
}

int sim_h264_check_ref_lists(const struct v4l2_ctrl_h264_sps *sps,
                             const struct v4l2_ctrl_h264_decode_params *d,
                             const struct sim_h264_slice *s,
                             const struct v4l2_ctrl_h264_slice_params *sp, char *err,
                             size_t errlen)
{
    struct ctx c = {.d = d};
    struct ref l[2][MAXL];
    unsigned lists, len[2];
    const bool b = sim_h264_slice_is_b(s);

    if (sim_h264_slice_is_intra(s))
        return 0; /* I, SI: no lists */
    c.field = d->flags & V4L2_H264_DECODE_PARAM_FLAG_FIELD_PIC;
    c.parity = !c.field ? V4L2_H264_FRAME_REF
               : (d->flags & V4L2_H264_DECODE_PARAM_FLAG_BOTTOM_FIELD) ? V4L2_H264_BOTTOM_FIELD_REF
                                                                      : V4L2_H264_TOP_FIELD_REF;
    c.max_frame_num = 1ll << (sps->log2_max_frame_num_minus4 + 4);
    lists = b ? 2 : 1;
    for (unsigned x = 0; x < lists; x++) {
        for (unsigned i = 0; i < MAXL; i++)
            l[x][i] = (struct ref){-1, 0};
        len[x] = initial_list(&c, x, b, l[x]);
    }
    if (b && len[1] > 1 && len[0] == len[1] && !memcmp(l[0], l[1], len[0] * sizeof(l[0][0]))) {
        struct ref t = l[1][0];
        l[1][0] = l[1][1];
        l[1][1] = t;
    }
    for (unsigned x = 0; x < lists; x++) {
        const unsigned num = s->num_ref_idx_active_minus1[x] + 1;
        const struct v4l2_h264_reference *got = !sp ? NULL : x ? sp->ref_pic_list1 : sp->ref_pic_list0;
        for (unsigned i = num; i < MAXL; i++)
            l[x][i] = (struct ref){-1, 0}; /* truncation (8.2.4.2) */
        if (modify(&c, s, x, l[x], num, err, errlen) < 0)
            return -EINVAL;
        for (unsigned i = 0; sp && i < num && i < 32; i++) {
            if (l[x][i].idx < 0)
                continue; /* "no reference picture": the slice does not use it */
            if (got[i].index != l[x][i].idx || got[i].fields != l[x][i].fields) {
                snprintf(err, errlen, "h264: slice (first_mb %u) RefPicList%u[%u]: DPB %u "
                         "fields %u in SLICE_PARAMS, DPB %d fields %u from the DPB and the "
                         "slice header", s->first_mb, x, i, got[i].index, got[i].fields,
                         l[x][i].idx, l[x][i].fields);
                return -EINVAL;
            }
        }
    }
    return 0;
}
