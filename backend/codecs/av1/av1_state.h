/* AV1 decoder-state bookkeeping for the VA translator: what VA's picture parameters lack
 * (reference order hints, skip-mode frames, refresh_frame_flags) derived from what the
 * context has seen. Pure data, no VA calls: unit-tested by backend/tests/av1_state_unit.c. */
#ifndef VAREQ_AV1_STATE_H
#define VAREQ_AV1_STATE_H

#include <stdbool.h>
#include <stdint.h>

#define AV1_NUM_REF_FRAMES 8
#define AV1_REFS_PER_FRAME 7
#define AV1_MAX_TRACKED 64 /* surfaces remembered per context */
#define AV1_INVALID_ID 0xffffffffu

enum { AV1_KEY_FRAME = 0, AV1_INTER_FRAME = 1, AV1_INTRA_ONLY_FRAME = 2, AV1_SWITCH_FRAME = 3 };

/* What one decode put into a surface. */
struct av1_surface_info {
    uint32_t surface;
    uint32_t order_hint;
    uint8_t frame_type;
    bool shown;
    uint32_t upscaled_width, frame_height;
    uint64_t seq; /* decode counter, for replacement of the oldest entry */
};

struct av1_state {
    struct av1_surface_info tab[AV1_MAX_TRACKED];
    unsigned n;
    uint64_t seq;
    /* previous decoded frame, for the refresh_frame_flags inference at the next frame */
    bool have_prev;
    uint32_t prev_surface;
    uint8_t prev_sent_refresh;      /* what its request carried */
    uint32_t prev_map[AV1_NUM_REF_FRAMES]; /* ref_frame_map seen with it (state before it) */
    /* statistics */
    unsigned refresh_checked, refresh_mismatch, show_existing_key_seen;
};

void av1_state_init(struct av1_state *s);
const struct av1_surface_info *av1_state_find(const struct av1_state *s, uint32_t surface);
void av1_state_record(struct av1_state *s, const struct av1_surface_info *info);

/* refresh_frame_flags of the previous frame, inferred exactly from the state before the
 * current frame (map = the current frame's ref_frame_map). Returns -1 when there is no
 * previous frame. *show_existing_key is set when every slot now holds one earlier key frame
 * other than the previous frame (a show_existing_frame of a key frame happened between). */
int av1_infer_prev_refresh(const struct av1_state *s, const uint32_t map[AV1_NUM_REF_FRAMES],
                           bool *show_existing_key);

/* Spec 7.12 get_relative_dist. bits = OrderHintBits (0: order hints disabled). */
int av1_relative_dist(uint32_t a, uint32_t b, unsigned bits);

/* Spec 5.9.22 skip_mode_params: SkipModeFrame[0..1] (as LAST_FRAME + i values). Returns
 * true when skipModeAllowed. hints[i] = OrderHint of reference i (i = 0..6 = LAST..ALTREF). */
bool av1_skip_mode_frames(bool intra, bool reference_select, unsigned order_hint_bits,
                          uint32_t order_hint, const uint32_t hints[AV1_REFS_PER_FRAME],
                          uint8_t skip_mode_frame[2]);

#endif
