/* Unit test of the AV1 translator's state derivations (backend/codecs/av1/av1_state.c):
 * refresh_frame_flags inference from ref_frame_map, show-existing key frame detection,
 * relative order-hint distance and skip-mode frames (spec 5.9.22, 7.12). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "codecs/av1/av1_state.h"

static int failures;

static void record(struct av1_state *s, uint32_t surf, uint32_t oh, uint8_t type,
                   const uint32_t map[8])
{
    struct av1_surface_info in = {.surface = surf, .order_hint = oh, .frame_type = type};
    av1_state_record(s, &in);
    s->have_prev = true;
    s->prev_surface = surf;
    memcpy(s->prev_map, map, sizeof(s->prev_map));
}

int main(void)
{
    struct av1_state s;
    uint32_t empty[8], m[8];
    bool sek;
    uint8_t smf[2];

    av1_state_init(&s);
    for (int i = 0; i < 8; i++)
        empty[i] = AV1_INVALID_ID;
    EXPECT(av1_infer_prev_refresh(&s, empty, &sek) == -1);
    /* key frame into surface 10, refreshes all slots */
    record(&s, 10, 0, AV1_KEY_FRAME, empty);
    for (int i = 0; i < 8; i++)
        m[i] = 10;
    EXPECT(av1_infer_prev_refresh(&s, m, &sek) == 0xff && !sek);
    /* inter frame into 11 that refreshed slots 0 and 3 */
    record(&s, 11, 1, AV1_INTER_FRAME, m);
    m[0] = 11;
    m[3] = 11;
    EXPECT(av1_infer_prev_refresh(&s, m, &sek) == 0x09 && !sek);
    /* non-reference frame (12): map unchanged -> 0 */
    record(&s, 12, 2, AV1_INTER_FRAME, m);
    EXPECT(av1_infer_prev_refresh(&s, m, &sek) == 0);
    /* show_existing_frame of key frame 10 happened: all slots hold 10 */
    for (int i = 0; i < 8; i++)
        m[i] = 10;
    EXPECT(av1_infer_prev_refresh(&s, m, &sek) == 0 && sek);
    /* lookup */
    EXPECT(av1_state_find(&s, 11) && av1_state_find(&s, 11)->order_hint == 1);
    EXPECT(!av1_state_find(&s, 99));
    /* table overflow keeps the newest */
    for (uint32_t i = 0; i < 2 * AV1_MAX_TRACKED; i++)
        record(&s, 100 + i, i & 0x7f, AV1_INTER_FRAME, m);
    EXPECT(av1_state_find(&s, 100 + 2 * AV1_MAX_TRACKED - 1));
    EXPECT(!av1_state_find(&s, 100));
    /* get_relative_dist with 7 bits wraps */
    EXPECT(av1_relative_dist(1, 127, 7) == 2);
    EXPECT(av1_relative_dist(127, 1, 7) == -2);
    EXPECT(av1_relative_dist(5, 9, 0) == 0);
    /* skip mode: forward 4 (LAST), backward 8 (ALTREF) around 6 */
    {
        uint32_t h[7] = {4, 3, 2, 0, 8, 8, 8};
        EXPECT(av1_skip_mode_frames(false, true, 7, 6, h, smf) && smf[0] == 1 && smf[1] == 5);
        EXPECT(!av1_skip_mode_frames(false, false, 7, 6, h, smf));
        EXPECT(!av1_skip_mode_frames(true, true, 7, 6, h, smf));
    }
    /* only forward references: the two nearest */
    {
        uint32_t h[7] = {5, 4, 3, 2, 1, 1, 1};
        EXPECT(av1_skip_mode_frames(false, true, 7, 6, h, smf) && smf[0] == 1 && smf[1] == 2);
    }
    /* a single distinct forward hint: not allowed */
    {
        uint32_t h[7] = {5, 5, 5, 5, 5, 5, 5};
        EXPECT(!av1_skip_mode_frames(false, true, 7, 6, h, smf));
    }
    /* device slot plan: a key frame everywhere, then frames into dead slots */
    {
        struct av1_state v;
        struct av1_vplan pl;
        uint32_t vm[8];
        struct av1_surface_info k = {.surface = 50, .frame_type = AV1_KEY_FRAME};
        av1_state_init(&v);
        av1_vslots_plan(&v, empty, true, &pl);
        EXPECT(pl.refresh == 0xff && !pl.evicted);
        av1_state_record(&v, &k);
        av1_vslots_commit(&v, &pl, 50);
        for (int i = 0; i < 8; i++)
            vm[i] = 50;
        /* inter frame 51: every device slot holds 50 (copies): one copy is reused */
        av1_vslots_plan(&v, vm, false, &pl);
        EXPECT(pl.vslot_of_real[3] >= 0 && pl.vslot_surface[pl.vslot_of_real[3]] == 50);
        EXPECT(pl.refresh && !(pl.refresh & (pl.refresh - 1)) && !pl.evicted);
        EXPECT(!(pl.refresh & 1)); /* slot 0 keeps the first copy */
        {
            struct av1_surface_info in = {.surface = 51, .frame_type = AV1_INTER_FRAME};
            av1_state_record(&v, &in);
            av1_vslots_commit(&v, &pl, 51);
        }
        /* the stream put 51 into VA slot 2; 50 stays elsewhere */
        vm[2] = 51;
        av1_vslots_plan(&v, vm, false, &pl);
        EXPECT(pl.vslot_of_real[2] >= 0 && pl.vslot_surface[pl.vslot_of_real[2]] == 51);
        EXPECT(pl.vslot_of_real[0] >= 0 && pl.vslot_surface[pl.vslot_of_real[0]] == 50);
        /* surface 51 decoded again (new frame): its old device slot is dead */
        {
            struct av1_surface_info in = {.surface = 51, .frame_type = AV1_INTER_FRAME};
            av1_state_record(&v, &in);
        }
        av1_vslots_plan(&v, vm, false, &pl);
        /* its old device slot is dead: the frame is named in a free one, not stored there */
        EXPECT(pl.vslot_of_real[2] >= 0 && (pl.relocated & (1u << pl.vslot_of_real[2])));
        EXPECT(!(pl.refresh & pl.relocated));
        /* 8 distinct live frames: the least recently decoded one is dropped */
        av1_state_init(&v);
        for (uint32_t i = 0; i < 8; i++) {
            struct av1_surface_info in = {.surface = 60 + i, .frame_type = AV1_INTER_FRAME};
            struct av1_vplan p1;
            uint32_t m1[8];
            for (int j = 0; j < 8; j++)
                m1[j] = j < (int)i ? 60 + (uint32_t)j : AV1_INVALID_ID;
            av1_vslots_plan(&v, m1, false, &p1);
            EXPECT(!p1.evicted);
            av1_state_record(&v, &in);
            av1_vslots_commit(&v, &p1, 60 + i);
            vm[i] = 60 + i;
        }
        av1_vslots_plan(&v, vm, false, &pl);
        EXPECT(pl.evicted && pl.vslot_surface[__builtin_ctz(pl.refresh)] == 60);
        {
            /* 68 took 60's device slot; the stream replaced 61 instead: 60 is named again
             * in 61's (now dead) device slot */
            struct av1_surface_info in = {.surface = 68, .frame_type = AV1_INTER_FRAME};
            int slot61 = -1;
            for (int d = 0; d < 8; d++)
                if (pl.vslot_surface[d] == 61)
                    slot61 = d;
            av1_state_record(&v, &in);
            av1_vslots_commit(&v, &pl, 68);
            vm[1] = 68;
            av1_vslots_plan(&v, vm, false, &pl);
            EXPECT(pl.relocated == (1u << slot61) && pl.vslot_of_real[0] == slot61);
            EXPECT(pl.vslot_surface[pl.vslot_of_real[1]] == 68);
        }
    }
    return check_exit("av1-state-unit", failures);
}
