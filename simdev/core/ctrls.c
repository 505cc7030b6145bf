#include "ctrls.h"

#include "ctrls_std.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- handler ---------------------------------------------------------------------- */

static int cmp_def(const void *a, const void *b)
{
    const struct sim_ctrl_def *x = *(const struct sim_ctrl_def *const *)a;
    const struct sim_ctrl_def *y = *(const struct sim_ctrl_def *const *)b;
    return x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
}

int sim_ctrl_handler_init(struct sim_ctrl_handler *h, const struct sim_codec *const *codecs,
                          size_t ncodecs)
{
    size_t total = 0;
    memset(h, 0, sizeof(*h));
    for (size_t c = 0; c < ncodecs; c++)
        total += codecs[c]->n_controls;
    if (total == 0)
        return 0;
    h->defs = calloc(total, sizeof(*h->defs));
    if (!h->defs)
        return -ENOMEM;
    for (size_t c = 0; c < ncodecs; c++) {
        for (size_t i = 0; i < codecs[c]->n_controls; i++) {
            const struct sim_ctrl_def *d = &codecs[c]->controls[i];
            bool dup = false;
            /* A control shared by two codecs of the table is registered once. */
            for (size_t k = 0; k < h->n; k++)
                dup |= h->defs[k]->id == d->id;
            if (!dup)
                h->defs[h->n++] = d;
        }
    }
    qsort(h->defs, h->n, sizeof(*h->defs), cmp_def);
    return 0;
}

void sim_ctrl_handler_free(struct sim_ctrl_handler *h)
{
    free(h->defs);
    h->defs = NULL;
    h->n = 0;
}

const struct sim_ctrl_def *sim_ctrl_find(const struct sim_ctrl_handler *h, uint32_t id)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->defs[i]->id == id)
            return h->defs[i];
    return NULL;
}

bool sim_ctrl_is_compound(const struct sim_ctrl_def *d)
{
    return d->type >= V4L2_CTRL_COMPOUND_TYPES || d->dims[0] != 0;
}

const struct sim_ctrl_def *sim_ctrl_next(const struct sim_ctrl_handler *h, uint32_t id,
                                         bool compound_ok, bool plain_ok)
{
    for (size_t i = 0; i < h->n; i++) { /* sorted by id */
        const struct sim_ctrl_def *d = h->defs[i];
        bool c = sim_ctrl_is_compound(d);
        if ((c && !compound_ok) || (!c && !plain_ok))
            continue;
        if (d->id > id)
            return d;
    }
    return NULL;
}

uint32_t sim_ctrl_max_elems(const struct sim_ctrl_def *d)
{
    if (d->flags & SIM_CTRL_DYNAMIC_ARRAY)
        return d->dims[0] ? d->dims[0] : 1;
    uint32_t n = 1;
    for (unsigned i = 0; i < V4L2_CTRL_MAX_DIMS && d->dims[i]; i++)
        n *= d->dims[i];
    return n;
}

uint32_t sim_ctrl_default_elems(const struct sim_ctrl_def *d)
{
    return (d->flags & SIM_CTRL_DYNAMIC_ARRAY) ? 1 : sim_ctrl_max_elems(d);
}

/* ---- values ----------------------------------------------------------------------- */

void sim_ctrl_init_elems(const struct sim_ctrl_def *d, void *data, uint32_t from, uint32_t to)
{
    uint8_t *p = data;
    for (uint32_t i = from; i < to; i++) {
        uint8_t *e = p + (size_t)i * d->elem_size;
        memset(e, 0, d->elem_size);
        if (d->type >= V4L2_CTRL_COMPOUND_TYPES)
            sim_std_init(d->type, e); /* the kernel's std_init_compound() */
        if (d->init) {
            d->init(e); /* the driver's own default (p_def) */
        } else if (d->type < V4L2_CTRL_COMPOUND_TYPES) {
            if (d->elem_size == sizeof(int64_t)) {
                int64_t v = d->def;
                memcpy(e, &v, sizeof(v));
            } else if (d->elem_size == sizeof(int32_t)) {
                int32_t v = (int32_t)d->def;
                memcpy(e, &v, sizeof(v));
            }
        }
    }
}

int sim_ctrl_set_init(struct sim_ctrl_set *s, const struct sim_ctrl_handler *h)
{
    memset(s, 0, sizeof(*s));
    if (h->n == 0)
        return 0;
    s->v = calloc(h->n, sizeof(*s->v));
    if (!s->v)
        return -ENOMEM;
    s->n = h->n;
    for (size_t i = 0; i < h->n; i++) {
        const struct sim_ctrl_def *d = h->defs[i];
        struct sim_ctrl_value *v = &s->v[i];
        v->def = d;
        v->max_elems = sim_ctrl_max_elems(d);
        v->elems = sim_ctrl_default_elems(d);
        v->data = calloc(v->max_elems, d->elem_size);
        if (!v->data) {
            sim_ctrl_set_free(s);
            return -ENOMEM;
        }
        sim_ctrl_init_elems(d, v->data, 0, v->max_elems);
    }
    return 0;
}

void sim_ctrl_set_free(struct sim_ctrl_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].data);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

void sim_ctrl_set_assign(struct sim_ctrl_set *dst, const struct sim_ctrl_set *src)
{
    size_t n = dst->n < src->n ? dst->n : src->n;
    for (size_t i = 0; i < n; i++) {
        struct sim_ctrl_value *d = &dst->v[i];
        const struct sim_ctrl_value *s = &src->v[i];
        if (d->def != s->def || d->max_elems != s->max_elems)
            continue; /* not the same handler: never happens, but never overflow */
        d->set = s->set;
        d->elems = s->elems;
        memcpy(d->data, s->data, (size_t)s->max_elems * s->def->elem_size);
    }
}

int sim_ctrl_set_dup(struct sim_ctrl_set *dst, const struct sim_ctrl_set *src)
{
    memset(dst, 0, sizeof(*dst));
    if (src->n == 0)
        return 0;
    dst->v = calloc(src->n, sizeof(*dst->v));
    if (!dst->v)
        return -ENOMEM;
    dst->n = src->n;
    for (size_t i = 0; i < src->n; i++) {
        const struct sim_ctrl_value *s = &src->v[i];
        dst->v[i] = *s;
        dst->v[i].data = malloc((size_t)s->max_elems * s->def->elem_size);
        if (!dst->v[i].data) {
            for (size_t k = i; k < dst->n; k++)
                dst->v[k].data = NULL;
            sim_ctrl_set_free(dst);
            return -ENOMEM;
        }
        memcpy(dst->v[i].data, s->data, (size_t)s->max_elems * s->def->elem_size);
    }
    return 0;
}

struct sim_ctrl_value *sim_ctrl_set_find(const struct sim_ctrl_set *s, uint32_t id)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) { /* sorted by id */
        size_t mid = lo + (hi - lo) / 2;
        uint32_t mid_id = s->v[mid].def->id;
        if (mid_id == id)
            return &s->v[mid];
        if (mid_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void sim_ctrl_set_clear_flags(struct sim_ctrl_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        s->v[i].set = false;
}

const void *sim_ctrls_get(const struct sim_ctrl_set *s, uint32_t id, uint32_t *elems)
{
    const struct sim_ctrl_value *v = s ? sim_ctrl_set_find(s, id) : NULL;
    if (elems)
        *elems = v ? v->elems : 0;
    return v ? v->data : NULL;
}

void *sim_ctrls_get_mut(struct sim_ctrl_set *s, uint32_t id, uint32_t *elems)
{
    struct sim_ctrl_value *v = s ? sim_ctrl_set_find(s, id) : NULL;
    if (elems)
        *elems = v ? v->elems : 0;
    return v ? v->data : NULL;
}

/* ---- validation (std_validate) ------------------------------------------------------ */

static int64_t round_to_range(int64_t v, const struct sim_ctrl_def *d)
{
    /* ROUND_TO_RANGE of v4l2-ctrls-core.c: clamp, then round to the nearest step. */
    int64_t step = d->step > 0 ? d->step : 1;
    if (v <= d->min)
        return d->min;
    if (v >= d->max)
        return d->max;
    int64_t off = v - d->min;
    off = (off + step / 2) / step * step;
    v = d->min + off;
    return v > d->max ? d->max - (d->max - d->min) % step : v;
}

static int validate_plain(const struct sim_ctrl_def *d, void *elem)
{
    int64_t v;
    int32_t v32 = 0;

    if (d->elem_size == sizeof(int64_t)) {
        memcpy(&v, elem, sizeof(v));
    } else {
        memcpy(&v32, elem, sizeof(v32));
        v = v32;
    }
    switch (d->type) {
    case V4L2_CTRL_TYPE_INTEGER:
    case V4L2_CTRL_TYPE_INTEGER64:
        v = round_to_range(v, d);
        break;
    case V4L2_CTRL_TYPE_BOOLEAN:
        v = v != 0;
        break;
    case V4L2_CTRL_TYPE_MENU:
    case V4L2_CTRL_TYPE_INTEGER_MENU:
        if (v < d->min || v > d->max)
            return -ERANGE; /* std_validate_elem: -ERANGE, reported as EINVAL */
        if (v < 64 && (d->menu_skip_mask & (1ull << v)))
            return -EINVAL;
        if (d->type == V4L2_CTRL_TYPE_MENU && d->menu && (!d->menu[v] || !d->menu[v][0]))
            return -EINVAL;
        break;
    default:
        break;
    }
    if (d->elem_size == sizeof(int64_t)) {
        memcpy(elem, &v, sizeof(v));
    } else {
        v32 = (int32_t)v;
        memcpy(elem, &v32, sizeof(v32));
    }
    return 0;
}

int sim_ctrl_validate_elems(const struct sim_ctrl_def *d, void *data, uint32_t elems)
{
    uint8_t *p = data;
    for (uint32_t i = 0; i < elems; i++) {
        void *e = p + (size_t)i * d->elem_size;
        int ret;
        if (d->type >= V4L2_CTRL_COMPOUND_TYPES) {
            /* std_validate_compound(), then the driver's try_ctrl-like checks. */
            ret = sim_std_validate(d->type, e);
            if (!ret && d->validate)
                ret = d->validate(e);
        } else
            ret = validate_plain(d, e);
        if (ret)
            return ret == -ERANGE ? -ERANGE : -EINVAL;
    }
    return 0;
}

void sim_ctrl_fill_query(const struct sim_ctrl_def *d, const struct sim_ctrl_value *cur,
                         struct v4l2_query_ext_ctrl *q)
{
    memset(q, 0, sizeof(*q));
    q->id = d->id;
    q->type = d->type;
    strncpy(q->name, d->name, sizeof(q->name) - 1);
    q->elem_size = d->elem_size;
    if (d->type >= V4L2_CTRL_COMPOUND_TYPES) {
        /* Compound controls: the kernel reports min 0, max 0, step 1, default 0. */
        q->minimum = 0;
        q->maximum = 0;
        q->step = 1;
        q->default_value = 0;
    } else {
        q->minimum = d->min;
        q->maximum = d->max;
        q->step = (d->type == V4L2_CTRL_TYPE_MENU || d->type == V4L2_CTRL_TYPE_INTEGER_MENU)
                      ? 1 : (uint64_t)d->step;
        q->default_value = d->def;
    }
    if (sim_ctrl_is_compound(d))
        q->flags |= V4L2_CTRL_FLAG_HAS_PAYLOAD;
    if (d->flags & SIM_CTRL_DYNAMIC_ARRAY)
        q->flags |= V4L2_CTRL_FLAG_DYNAMIC_ARRAY;
    q->elems = cur ? cur->elems : sim_ctrl_default_elems(d);
    for (unsigned i = 0; i < V4L2_CTRL_MAX_DIMS && d->dims[i]; i++) {
        q->dims[i] = d->dims[i];
        q->nr_of_dims = i + 1;
    }
}
