/* Sensitivity faults of the H.264 codec: each changes one control field of every request
 * (VAREQ_SIM_FAULTS=h264-...); backend/tests/h264_sensitivity.py checks that each one
 * changes the output or fails the request (docs/h264-sensitivity.md). */
#ifndef VAREQ_SIM_H264_FAULTS_H
#define VAREQ_SIM_H264_FAULTS_H

#include <stddef.h>

#include "../codec.h"

extern const struct sim_codec_fault sim_h264_faults[];
#define SIM_H264_N_FAULTS 98

#endif
