/* Bit writer for H.264 RBSPs; the NAL unit is produced with emulation prevention. */
#ifndef VAREQ_SIM_H264_BITWRITER_H
#define VAREQ_SIM_H264_BITWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_h264_bw {
    uint8_t buf[4096]; /* RBSP */
    size_t bits;
    bool overflow;
};

void sim_h264_bw_init(struct sim_h264_bw *bw);
void sim_h264_bw_u(struct sim_h264_bw *bw, unsigned n, uint32_t v);
void sim_h264_bw_ue(struct sim_h264_bw *bw, uint32_t v);
void sim_h264_bw_se(struct sim_h264_bw *bw, int32_t v);
void sim_h264_bw_trailing(struct sim_h264_bw *bw);
/* Appends 00 00 00 01, the NAL header byte and the escaped RBSP to out. Returns the new
 * length or -1 when out is too small or the writer overflowed. */
long sim_h264_bw_nal(const struct sim_h264_bw *bw, uint8_t nal_header, uint8_t *out,
                     size_t len, size_t cap);

#endif
