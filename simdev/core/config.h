/* Per-open configuration read from the environment (VAREQ_SIM_PROFILE, VAREQ_SIM_FAULTS). */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

enum sim_profile {
    SIM_PROFILE_GENERIC = 0,
};

enum sim_fault {
    SIM_FAULT_VP9_SWAP_REF_TS = 1u << 0,    /* "vp9-swap-ref-ts" */
    SIM_FAULT_VP9_CORRUPT_BASE_Q = 1u << 1, /* "vp9-corrupt-base-q" */
};

struct sim_config {
    enum sim_profile profile;
    unsigned faults; /* enum sim_fault bits */
};

/* Parses the environment. Returns 0, or -ENODEV (with a stderr line) for an unknown
 * profile or fault name. */
int sim_config_parse(struct sim_config *cfg);

#endif
