#include "codecs/av1/av1_state.h"

#include <string.h>

void av1_state_init(struct av1_state *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
        s->prev_map[i] = AV1_INVALID_ID;
}

const struct av1_surface_info *av1_state_find(const struct av1_state *s, uint32_t surface)
{
    for (unsigned i = 0; i < s->n && i < AV1_MAX_TRACKED; i++)
        if (s->tab[i].surface == surface)
            return &s->tab[i];
    return NULL;
}

void av1_state_record(struct av1_state *s, const struct av1_surface_info *info)
{
    unsigned at = s->n;
    for (unsigned i = 0; i < s->n && i < AV1_MAX_TRACKED; i++)
        if (s->tab[i].surface == info->surface) {
            at = i;
            break;
        }
    if (at >= AV1_MAX_TRACKED) { /* full: replace the oldest decode */
        at = 0;
        for (unsigned i = 1; i < AV1_MAX_TRACKED; i++)
            if (s->tab[i].seq < s->tab[at].seq)
                at = i;
    }
    s->tab[at] = *info;
    s->tab[at].seq = ++s->seq;
    if (at == s->n && s->n < AV1_MAX_TRACKED)
        s->n++;
}

int av1_infer_prev_refresh(const struct av1_state *s, const uint32_t map[AV1_NUM_REF_FRAMES],
                           bool *show_existing_key)
{
    unsigned flags = 0;
    bool all_same = true;

    *show_existing_key = false;
    if (!s->have_prev)
        return -1;
    for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++) {
        if (map[i] == s->prev_surface && map[i] != AV1_INVALID_ID)
            flags |= 1u << i;
        if (map[i] != map[0])
            all_same = false;
    }
    if (all_same && map[0] != AV1_INVALID_ID && map[0] != s->prev_surface) {
        const struct av1_surface_info *k = av1_state_find(s, map[0]);
        if (k && k->frame_type == AV1_KEY_FRAME)
            *show_existing_key = true;
    }
    return (int)flags;
}

int av1_relative_dist(uint32_t a, uint32_t b, unsigned bits)
{
    if (!bits)
        return 0;
    int diff = (int)a - (int)b;
    int m = 1 << (bits - 1);
    diff = (diff & (m - 1)) - (diff & m);
    return diff;
}

bool av1_skip_mode_frames(bool intra, bool reference_select, unsigned order_hint_bits,
                          uint32_t order_hint, const uint32_t hints[AV1_REFS_PER_FRAME],
                          uint8_t skip_mode_frame[2])
{
    int forward_idx = -1, backward_idx = -1, second_idx = -1;
    uint32_t forward_hint = 0, backward_hint = 0, second_hint = 0;

    skip_mode_frame[0] = skip_mode_frame[1] = 0;
    if (intra || !reference_select || !order_hint_bits)
        return false;
    for (int i = 0; i < AV1_REFS_PER_FRAME; i++) {
        uint32_t h = hints[i];
        if (av1_relative_dist(h, order_hint, order_hint_bits) < 0) {
            if (forward_idx < 0 || av1_relative_dist(h, forward_hint, order_hint_bits) > 0) {
                forward_idx = i;
                forward_hint = h;
            }
        } else if (av1_relative_dist(h, order_hint, order_hint_bits) > 0) {
            if (backward_idx < 0 || av1_relative_dist(h, backward_hint, order_hint_bits) < 0) {
                backward_idx = i;
                backward_hint = h;
            }
        }
    }
    if (forward_idx < 0)
        return false;
    if (backward_idx >= 0) {
        int a = forward_idx < backward_idx ? forward_idx : backward_idx;
        int b = forward_idx < backward_idx ? backward_idx : forward_idx;
        skip_mode_frame[0] = (uint8_t)(1 + a);
        skip_mode_frame[1] = (uint8_t)(1 + b);
        return true;
    }
    for (int i = 0; i < AV1_REFS_PER_FRAME; i++) {
        uint32_t h = hints[i];
        if (av1_relative_dist(h, forward_hint, order_hint_bits) < 0) {
            if (second_idx < 0 || av1_relative_dist(h, second_hint, order_hint_bits) > 0) {
                second_idx = i;
                second_hint = h;
            }
        }
    }
    if (second_idx < 0)
        return false;
    {
        int a = forward_idx < second_idx ? forward_idx : second_idx;
        int b = forward_idx < second_idx ? second_idx : forward_idx;
        skip_mode_frame[0] = (uint8_t)(1 + a);
        skip_mode_frame[1] = (uint8_t)(1 + b);
    }
    return true;
}

/* The decode number of the frame `surface` holds now, 0 if unknown. */
static uint64_t live_seq(const struct av1_state *s, uint32_t surface)
{
    const struct av1_surface_info *in = surface != AV1_INVALID_ID ? av1_state_find(s, surface) : NULL;
    return in ? in->seq : 0;
}

int av1_vslots_plan(const struct av1_state *s, const uint32_t map[AV1_NUM_REF_FRAMES],
                    bool refresh_all, struct av1_vplan *plan)
{
    bool live[AV1_NUM_REF_FRAMES]; /* device slot holds a frame some VA slot holds */
    int free_slot = -1, dup = -1, oldest = -1;

    plan->refresh = 0;
    plan->evicted = false;
    for (unsigned v = 0; v < AV1_NUM_REF_FRAMES; v++) {
        const struct av1_vslot *vs = &s->vslots[v];
        live[v] = false;
        plan->vslot_surface[v] = AV1_INVALID_ID;
        if (!vs->valid || live_seq(s, vs->surface) != vs->seq)
            continue; /* empty, or the surface was decoded into again */
        for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++)
            if (map[i] == vs->surface)
                live[v] = true;
        if (live[v])
            plan->vslot_surface[v] = vs->surface;
    }
    for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++) {
        plan->vslot_of_real[i] = -1;
        for (unsigned v = 0; v < AV1_NUM_REF_FRAMES; v++)
            if (live[v] && s->vslots[v].surface == map[i]) {
                plan->vslot_of_real[i] = (int8_t)v;
                break;
            }
    }
    plan->relocated = 0;
    if (refresh_all) {
        plan->refresh = 0xff;
        return 0;
    }
    /* live frames without a device slot (dropped by an eviction): name them again */
    for (unsigned i = 0; i < AV1_NUM_REF_FRAMES; i++) {
        if (plan->vslot_of_real[i] >= 0 || map[i] == AV1_INVALID_ID || !live_seq(s, map[i]))
            continue;
        for (unsigned v = 0; v < AV1_NUM_REF_FRAMES; v++)
            if ((plan->relocated & (1u << v)) && plan->vslot_surface[v] == map[i])
                plan->vslot_of_real[i] = (int8_t)v;
        for (unsigned v = 0; plan->vslot_of_real[i] < 0 && v < AV1_NUM_REF_FRAMES; v++)
            if (!live[v]) {
                live[v] = true;
                plan->vslot_surface[v] = map[i];
                plan->relocated |= (uint8_t)(1u << v);
                plan->vslot_of_real[i] = (int8_t)v;
            }
    }
    for (unsigned v = 0; v < AV1_NUM_REF_FRAMES; v++) {
        if (!live[v]) {
            if (free_slot < 0)
                free_slot = (int)v;
            continue;
        }
        for (unsigned o = 0; o < v; o++)
            if (live[o] && s->vslots[o].surface == s->vslots[v].surface && dup < 0)
                dup = (int)v; /* a second copy of a live frame */
        if (plan->relocated & (1u << v))
            continue;
        if (oldest < 0 || s->vslots[v].seq < s->vslots[oldest].seq)
            oldest = (int)v;
    }
    if (free_slot >= 0)
        plan->refresh = (uint8_t)(1u << free_slot);
    else if (dup >= 0)
        plan->refresh = (uint8_t)(1u << dup);
    else if (oldest >= 0) {
        plan->refresh = (uint8_t)(1u << oldest);
        plan->evicted = true;
    }
    return 0;
}

void av1_vslots_commit(struct av1_state *s, const struct av1_vplan *plan, uint32_t surface)
{
    uint64_t seq = live_seq(s, surface);
    for (unsigned v = 0; v < AV1_NUM_REF_FRAMES; v++)
        if (plan->relocated & (1u << v)) {
            s->vslots[v].valid = true;
            s->vslots[v].surface = plan->vslot_surface[v];
            s->vslots[v].seq = live_seq(s, plan->vslot_surface[v]);
            s->relocations++;
        }
    for (unsigned v = 0; v < AV1_NUM_REF_FRAMES; v++)
        if (plan->refresh & (1u << v)) {
            s->vslots[v].valid = true;
            s->vslots[v].surface = surface;
            s->vslots[v].seq = seq;
        }
    if (plan->evicted)
        s->evictions++;
}
