/* Internals of the AV1 OBU writer (sim_av1_obu*.c), shared by its files:
 *   sim_av1_obu.c        temporal unit: sequence header, frame header and tile group OBUs
 *   sim_av1_obu_seq.c    sequence_header_obu() payload
 *   sim_av1_obu_frame.c  uncompressed_header(): frame type, size, references, flags
 *   sim_av1_obu_tools.c  tile_info, quantization, segmentation, loop filter, CDEF, LR
 *   sim_av1_obu_gm.c     global motion params, film grain params
 * Every writer checks what the syntax lets it check and fails with a reason (FAIL). */
#ifndef VAREQ_SIM_AV1_OBU_INT_H
#define VAREQ_SIM_AV1_OBU_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim_av1_bits.h"
#include "sim_av1_obu.h"

#define PRIMARY_REF_NONE 7

/* Fails the writer: the reason goes to err/errlen (locals or the context's). */
#define FAIL(...)                                                                              \
    do {                                                                                       \
        snprintf(err, errlen, __VA_ARGS__);                                                    \
        return -1;                                                                             \
    } while (0)

static inline unsigned seqf(const struct v4l2_ctrl_av1_sequence *s, uint32_t flag)
{
    return (s->flags & flag) ? 1 : 0;
}

static inline unsigned bits_for(uint32_t v) /* bits needed for v (>= 1) */
{
    unsigned n = 1;
    while (n < 32 && (v >> n))
        n++;
    return n;
}

/* The frame header being written, and what earlier parts of it derived. */
struct hdr_ctx {
    const struct av1_obu_in *in;
    const struct v4l2_ctrl_av1_sequence *s;
    const struct v4l2_ctrl_av1_frame *f;
    unsigned num_planes, order_hint_bits;
    bool intra, coded_lossless, all_lossless;
    unsigned frame_w, frame_h, up_w;
    unsigned tile_cols_log2, tile_rows_log2;
    char *err;
    size_t errlen;
};

void av1_hdr_sequence(struct av1_bw *w, const struct v4l2_ctrl_av1_sequence *s);
int av1_hdr_frame(struct av1_bw *w, struct hdr_ctx *c);
int av1_hdr_tile_info(struct av1_bw *w, struct hdr_ctx *c);
int av1_hdr_quant(struct av1_bw *w, struct hdr_ctx *c);
int av1_hdr_segmentation(struct av1_bw *w, struct hdr_ctx *c);
void av1_hdr_lossless(struct hdr_ctx *c); /* CodedLossless, AllLossless (spec 5.9.2) */
int av1_hdr_loop_filter(struct av1_bw *w, struct hdr_ctx *c, bool intrabc);
int av1_hdr_cdef(struct av1_bw *w, struct hdr_ctx *c, bool intrabc);
int av1_hdr_lr(struct av1_bw *w, struct hdr_ctx *c, bool intrabc);
int av1_hdr_global_motion(struct av1_bw *w, struct hdr_ctx *c);
int av1_hdr_film_grain(struct av1_bw *w, struct hdr_ctx *c);

#endif
