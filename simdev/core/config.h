/* Per-open configuration read from the environment (VAREQ_SIM_PROFILE, VAREQ_SIM_FAULTS). */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <stddef.h>

#include "../codecs/codec.h"
#include "profile.h"

#define SIM_MAX_CODEC_FAULTS 16u

struct sim_config {
    const struct sim_profile *profile;
    unsigned profile_opts; /* enum sim_profile_opt */
    unsigned faults; /* enum sim_generic_fault bits (codecs/codec.h) */
    /* Codec-specific faults by name (applied only to jobs of their codec). */
    const struct sim_codec_fault *codec_faults[SIM_MAX_CODEC_FAULTS];
    size_t n_codec_faults;
};

/* Parses the environment: VAREQ_SIM_PROFILE=<name>[+<option>...], VAREQ_SIM_FAULTS.
 * Returns 0, or -ENODEV (with a stderr line) for an unknown profile, option or fault. */
int sim_config_parse(struct sim_config *cfg);

#endif
