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
