#ifndef VAREQ_SIM_H264_CTRLS_H
#define VAREQ_SIM_H264_CTRLS_H

#include <stddef.h>

#include "../codec.h"

extern const struct sim_ctrl_def sim_h264_controls[];
extern const struct sim_ctrl_def sim_h264_controls_slice[]; /* SLICE_BASED, no start codes */
#define SIM_H264_N_CONTROLS 8 /* of each table */

#endif
