/* Sensitivity faults of the AV1 codec: each changes one control field of every request
 * (VAREQ_SIM_FAULTS=av1-...); backend/tests/av1_sensitivity.py checks that each one changes
 * the output or fails the request. */
#ifndef VAREQ_SIM_AV1_FAULTS_H
#define VAREQ_SIM_AV1_FAULTS_H

#include <stddef.h>

#include "../codec.h"

extern const struct sim_codec_fault sim_av1_faults[];
#define SIM_AV1_N_FAULTS 93

#endif
