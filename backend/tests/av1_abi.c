/* AV1 stateless uAPI layout check: sizes and offsets of vareq/v4l2-av1.h (or of the system
 * headers when they define AV1) against the Linux 6.5 ABI. The expected numbers were worked
 * out by hand from include/uapi/linux/v4l2-controls.h (natural alignment, 4-byte enums),
 * not taken from the compiler. Exit 1 on any mismatch. */
#include <stddef.h>
#include <stdio.h>

#include "vareq/v4l2-av1.h"

static int fails;

static void check(const char *what, size_t got, size_t want)
{
    if (got != want) {
        fprintf(stderr, "FAIL %s: %zu, ABI says %zu\n", what, got, want);
        fails++;
    }
}

#define SZ(T, n) check("sizeof(" #T ")", sizeof(struct T), n)
#define OFF(T, f, n) check("offsetof(" #T ", " #f ")", offsetof(struct T, f), n)

int main(void)
{
    /* ids, types, format */
    check("V4L2_CID_STATELESS_AV1_SEQUENCE", V4L2_CID_STATELESS_AV1_SEQUENCE, 0xa40900 + 500);
    check("V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY", V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY,
          0xa40900 + 501);
    check("V4L2_CID_STATELESS_AV1_FRAME", V4L2_CID_STATELESS_AV1_FRAME, 0xa40900 + 502);
    check("V4L2_CID_STATELESS_AV1_FILM_GRAIN", V4L2_CID_STATELESS_AV1_FILM_GRAIN, 0xa40900 + 505);
    check("V4L2_CTRL_TYPE_AV1_SEQUENCE", V4L2_CTRL_TYPE_AV1_SEQUENCE, 0x280);
    check("V4L2_CTRL_TYPE_AV1_TILE_GROUP_ENTRY", V4L2_CTRL_TYPE_AV1_TILE_GROUP_ENTRY, 0x281);
    check("V4L2_CTRL_TYPE_AV1_FRAME", V4L2_CTRL_TYPE_AV1_FRAME, 0x282);
    check("V4L2_CTRL_TYPE_AV1_FILM_GRAIN", V4L2_CTRL_TYPE_AV1_FILM_GRAIN, 0x283);
    check("V4L2_PIX_FMT_AV1_FRAME", V4L2_PIX_FMT_AV1_FRAME, 0x46315641u); /* 'A','V','1','F' */
    check("V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q", V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q,
          1u << 19);
    check("V4L2_AV1_FRAME_FLAG_FRAME_REFS_SHORT_SIGNALING",
          V4L2_AV1_FRAME_FLAG_FRAME_REFS_SHORT_SIGNALING, 1u << 19);
    check("V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE",
          V4L2_AV1_FILM_GRAIN_FLAG_CLIP_TO_RESTRICTED_RANGE, 1u << 4);
    check("V4L2_AV1_SEG_LVL_REF_GLOBALMV", V4L2_AV1_SEG_LVL_REF_GLOBALMV, 7);

    SZ(v4l2_ctrl_av1_sequence, 12);
    OFF(v4l2_ctrl_av1_sequence, seq_profile, 4);
    OFF(v4l2_ctrl_av1_sequence, order_hint_bits, 5);
    OFF(v4l2_ctrl_av1_sequence, bit_depth, 6);
    OFF(v4l2_ctrl_av1_sequence, max_frame_width_minus_1, 8);
    OFF(v4l2_ctrl_av1_sequence, max_frame_height_minus_1, 10);

    SZ(v4l2_ctrl_av1_tile_group_entry, 16);
    OFF(v4l2_ctrl_av1_tile_group_entry, tile_size, 4);
    OFF(v4l2_ctrl_av1_tile_group_entry, tile_row, 8);
    OFF(v4l2_ctrl_av1_tile_group_entry, tile_col, 12);

    SZ(v4l2_av1_global_motion, 236);
    OFF(v4l2_av1_global_motion, type, 8);
    OFF(v4l2_av1_global_motion, params, 40);
    OFF(v4l2_av1_global_motion, invalid, 232);

    SZ(v4l2_av1_loop_restoration, 28);
    OFF(v4l2_av1_loop_restoration, frame_restoration_type, 4);
    OFF(v4l2_av1_loop_restoration, loop_restoration_size, 16);

    SZ(v4l2_av1_cdef, 34);
    OFF(v4l2_av1_cdef, y_sec_strength, 10);
    OFF(v4l2_av1_cdef, uv_sec_strength, 26);

    SZ(v4l2_av1_segmentation, 138);
    OFF(v4l2_av1_segmentation, feature_enabled, 2);
    OFF(v4l2_av1_segmentation, feature_data, 10);

    SZ(v4l2_av1_loop_filter, 17);
    OFF(v4l2_av1_loop_filter, sharpness, 5);
    OFF(v4l2_av1_loop_filter, ref_deltas, 6);
    OFF(v4l2_av1_loop_filter, mode_deltas, 14);
    OFF(v4l2_av1_loop_filter, delta_lf_res, 16);

    SZ(v4l2_av1_quantization, 11);
    OFF(v4l2_av1_quantization, delta_q_v_ac, 6);
    OFF(v4l2_av1_quantization, delta_q_res, 10);

    SZ(v4l2_av1_tile_info, 1040);
    OFF(v4l2_av1_tile_info, mi_col_starts, 4);
    OFF(v4l2_av1_tile_info, mi_row_starts, 264);
    OFF(v4l2_av1_tile_info, width_in_sbs_minus_1, 524);
    OFF(v4l2_av1_tile_info, height_in_sbs_minus_1, 780);
    OFF(v4l2_av1_tile_info, tile_size_bytes, 1036);

    SZ(v4l2_ctrl_av1_frame, 1784);
    OFF(v4l2_ctrl_av1_frame, quantization, 1040);
    OFF(v4l2_ctrl_av1_frame, superres_denom, 1051);
    OFF(v4l2_ctrl_av1_frame, segmentation, 1052);
    OFF(v4l2_ctrl_av1_frame, loop_filter, 1190);
    OFF(v4l2_ctrl_av1_frame, cdef, 1207);
    OFF(v4l2_ctrl_av1_frame, skip_mode_frame, 1241);
    OFF(v4l2_ctrl_av1_frame, primary_ref_frame, 1243);
    OFF(v4l2_ctrl_av1_frame, loop_restoration, 1244);
    OFF(v4l2_ctrl_av1_frame, global_motion, 1272);
    OFF(v4l2_ctrl_av1_frame, flags, 1508);
    OFF(v4l2_ctrl_av1_frame, frame_type, 1512);
    OFF(v4l2_ctrl_av1_frame, order_hint, 1516);
    OFF(v4l2_ctrl_av1_frame, upscaled_width, 1520);
    OFF(v4l2_ctrl_av1_frame, interpolation_filter, 1524);
    OFF(v4l2_ctrl_av1_frame, tx_mode, 1528);
    OFF(v4l2_ctrl_av1_frame, frame_width_minus_1, 1532);
    OFF(v4l2_ctrl_av1_frame, frame_height_minus_1, 1536);
    OFF(v4l2_ctrl_av1_frame, render_width_minus_1, 1540);
    OFF(v4l2_ctrl_av1_frame, render_height_minus_1, 1542);
    OFF(v4l2_ctrl_av1_frame, current_frame_id, 1544);
    OFF(v4l2_ctrl_av1_frame, buffer_removal_time, 1548);
    OFF(v4l2_ctrl_av1_frame, reserved, 1676);
    OFF(v4l2_ctrl_av1_frame, order_hints, 1680);
    OFF(v4l2_ctrl_av1_frame, reference_frame_ts, 1712);
    OFF(v4l2_ctrl_av1_frame, ref_frame_idx, 1776);
    OFF(v4l2_ctrl_av1_frame, refresh_frame_flags, 1783);

    SZ(v4l2_ctrl_av1_film_grain, 194);
    OFF(v4l2_ctrl_av1_film_grain, cr_mult, 1);
    OFF(v4l2_ctrl_av1_film_grain, grain_seed, 2);
    OFF(v4l2_ctrl_av1_film_grain, film_grain_params_ref_idx, 4);
    OFF(v4l2_ctrl_av1_film_grain, num_y_points, 5);
    OFF(v4l2_ctrl_av1_film_grain, point_y_value, 6);
    OFF(v4l2_ctrl_av1_film_grain, point_y_scaling, 22);
    OFF(v4l2_ctrl_av1_film_grain, num_cb_points, 38);
    OFF(v4l2_ctrl_av1_film_grain, point_cb_value, 39);
    OFF(v4l2_ctrl_av1_film_grain, point_cb_scaling, 55);
    OFF(v4l2_ctrl_av1_film_grain, num_cr_points, 71);
    OFF(v4l2_ctrl_av1_film_grain, point_cr_value, 72);
    OFF(v4l2_ctrl_av1_film_grain, point_cr_scaling, 88);
    OFF(v4l2_ctrl_av1_film_grain, grain_scaling_minus_8, 104);
    OFF(v4l2_ctrl_av1_film_grain, ar_coeff_lag, 105);
    OFF(v4l2_ctrl_av1_film_grain, ar_coeffs_y_plus_128, 106);
    OFF(v4l2_ctrl_av1_film_grain, ar_coeffs_cb_plus_128, 131);
    OFF(v4l2_ctrl_av1_film_grain, ar_coeffs_cr_plus_128, 156);
    OFF(v4l2_ctrl_av1_film_grain, ar_coeff_shift_minus_6, 181);
    OFF(v4l2_ctrl_av1_film_grain, grain_scale_shift, 182);
    OFF(v4l2_ctrl_av1_film_grain, cb_mult, 183);
    OFF(v4l2_ctrl_av1_film_grain, cb_luma_mult, 184);
    OFF(v4l2_ctrl_av1_film_grain, cr_luma_mult, 185);
    OFF(v4l2_ctrl_av1_film_grain, cb_offset, 186);
    OFF(v4l2_ctrl_av1_film_grain, cr_offset, 188);
    OFF(v4l2_ctrl_av1_film_grain, reserved, 190);

#ifdef VAREQ_OWN_AV1_UAPI
    printf("av1-abi: vareq/v4l2-av1.h declarations (system headers lack AV1)\n");
#else
    printf("av1-abi: system header declarations\n");
#endif
    if (fails) {
        fprintf(stderr, "av1-abi: %d mismatches\n", fails);
        return 1;
    }
    printf("av1-abi: all sizes and offsets match the Linux 6.5 ABI\n");
    return 0;
}
