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

/* One slot of the device as the driver numbers them (see av1_vslots_plan). */
struct av1_vslot {
    bool valid;
    uint32_t surface; /* the surface whose frame the device stored there */
    uint64_t seq;     /* that frame's decode number (the surface may be decoded again) */
};

/* The device slots for one frame. */
struct av1_vplan {
    int8_t vslot_of_real[AV1_NUM_REF_FRAMES]; /* device slot holding VA slot i's frame, -1 */
    uint32_t vslot_surface[AV1_NUM_REF_FRAMES]; /* AV1_INVALID_ID: no live frame there */
    uint8_t refresh;  /* device slots the frame is stored into */
    bool evicted;     /* a live frame had to be dropped (8 distinct live frames) */
    uint8_t relocated; /* device slots given to a live frame an eviction had dropped */
};

struct av1_state {
    struct av1_surface_info tab[AV1_MAX_TRACKED];
    unsigned n;
    uint64_t seq;
    /* previous decoded frame, for the refresh_frame_flags inference at the next frame */
    bool have_prev;
    uint32_t prev_surface;
    uint32_t prev_map[AV1_NUM_REF_FRAMES]; /* ref_frame_map seen with it (state before it) */
    struct av1_vslot vslots[AV1_NUM_REF_FRAMES];
    /* statistics */
    unsigned show_existing_key_seen, evictions, relocations;
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

/* Device slot plan for a frame. The driver numbers the device's 8 slots itself: every slot
 * index in the controls (ref_frame_idx[], refresh_frame_flags, reference_frame_ts[], and
 * the slot the device loads CDFs / segmentation / loop-filter deltas from through
 * primary_ref_frame) is a device slot, so the controls are exact without knowing the
 * stream's refresh_frame_flags: each decoded frame is stored into a device slot whose frame
 * no VA slot holds any more (map = the frame's ref_frame_map, the exact slot state before
 * it); a frame the stream never stores just occupies a dead slot until it is reused. Only
 * when the 8 device slots hold 8 distinct live frames must one be dropped: the least
 * recently decoded one is (plan->evicted, counted). If the stream still holds it, it is
 * named again in the next dead device slot (plan->relocated): its picture, motion vectors
 * and timestamp are right, but a device that keeps CDFs / segmentation / loop-filter deltas
 * per slot index (rkvdec2/VPU981 keep CDFs per slot) has the dead frame's there, which
 * matters only if the relocated frame becomes a primary_ref_frame. refresh_all: a shown
 * key frame or a switch frame (stored everywhere, as the syntax requires). Returns 0. */
int av1_vslots_plan(const struct av1_state *s, const uint32_t map[AV1_NUM_REF_FRAMES],
                    bool refresh_all, struct av1_vplan *plan);
/* Records that the frame decoded into `surface` was stored as the plan says. */
void av1_vslots_commit(struct av1_state *s, const struct av1_vplan *plan, uint32_t surface);

/* Spec 7.12 get_relative_dist. bits = OrderHintBits (0: order hints disabled). */
int av1_relative_dist(uint32_t a, uint32_t b, unsigned bits);

/* Spec 5.9.22 skip_mode_params: SkipModeFrame[0..1] (as LAST_FRAME + i values). Returns
 * true when skipModeAllowed. hints[i] = OrderHint of reference i (i = 0..6 = LAST..ALTREF). */
bool av1_skip_mode_frames(bool intra, bool reference_select, unsigned order_hint_bits,
                          uint32_t order_hint, const uint32_t hints[AV1_REFS_PER_FRAME],
                          uint8_t skip_mode_frame[2]);

#endif
