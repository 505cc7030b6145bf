/* AV1 sequence_header_obu() payload from the SEQUENCE control (spec 5.5). */
#include "sim_av1_obu_int.h"

#include <stdio.h>
#include <string.h>

void av1_hdr_sequence(struct av1_bw *w, const struct v4l2_ctrl_av1_sequence *s)
{
    const unsigned wb = bits_for(s->max_frame_width_minus_1);
    const unsigned hb = bits_for(s->max_frame_height_minus_1);
    const unsigned mono = seqf(s, V4L2_AV1_SEQUENCE_FLAG_MONO_CHROME);

    av1_bw_f(w, 3, s->seq_profile);
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_STILL_PICTURE));
    av1_bw_f(w, 1, 0); /* reduced_still_picture_header */
    av1_bw_f(w, 1, 0); /* timing_info_present_flag */
    av1_bw_f(w, 1, 0); /* initial_display_delay_present_flag */
    av1_bw_f(w, 5, 0); /* operating_points_cnt_minus_1 */
    av1_bw_f(w, 12, 0); /* operating_point_idc[0] */
    av1_bw_f(w, 5, 31); /* seq_level_idx[0]: no level constraint */
    av1_bw_f(w, 1, 0);  /* seq_tier[0] */
    av1_bw_f(w, 4, wb - 1);
    av1_bw_f(w, 4, hb - 1);
    av1_bw_f(w, wb, s->max_frame_width_minus_1);
    av1_bw_f(w, hb, s->max_frame_height_minus_1);
    av1_bw_f(w, 1, 0); /* frame_id_numbers_present_flag */
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_USE_128X128_SUPERBLOCK));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_FILTER_INTRA));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTRA_EDGE_FILTER));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_INTERINTRA_COMPOUND));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_MASKED_COMPOUND));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_DUAL_FILTER));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT));
    if (seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT)) {
        av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_JNT_COMP));
        av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS));
    }
    av1_bw_f(w, 1, 1); /* seq_choose_screen_content_tools: SELECT */
    av1_bw_f(w, 1, 1); /* seq_choose_integer_mv: SELECT */
    if (seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT))
        av1_bw_f(w, 3, s->order_hint_bits - 1u);
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_CDEF));
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_RESTORATION));
    /* color_config() */
    av1_bw_f(w, 1, s->bit_depth > 8); /* high_bitdepth */
    if (s->seq_profile == 2 && s->bit_depth > 8)
        av1_bw_f(w, 1, s->bit_depth == 12);
    if (s->seq_profile != 1)
        av1_bw_f(w, 1, mono);
    av1_bw_f(w, 1, 0); /* color_description_present_flag */
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_COLOR_RANGE));
    if (!mono) {
        if (s->seq_profile == 2 && s->bit_depth == 12) {
            av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X));
            if (seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X))
                av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y));
        }
        if (seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_X) &&
            seqf(s, V4L2_AV1_SEQUENCE_FLAG_SUBSAMPLING_Y))
            av1_bw_f(w, 2, 0); /* chroma_sample_position */
        av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_SEPARATE_UV_DELTA_Q));
    }
    av1_bw_f(w, 1, seqf(s, V4L2_AV1_SEQUENCE_FLAG_FILM_GRAIN_PARAMS_PRESENT));
}
