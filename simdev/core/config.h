/* Per-open configuration read from the environment (VAREQ_SIM_PROFILE, VAREQ_SIM_FAULTS). */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "../codecs/codec.h"
#include "profile.h"

#define SIM_MAX_CODEC_FAULTS 16u
#define SIM_MAX_IOCTL_FAULTS 8u

/* "once" (every == 0) or every Nth occurrence (N, 2N, ...). */
struct sim_fault_rate {
    bool on;
    unsigned every; /* 0: the first occurrence only */
};

/* ioctl:<NAME>:<ERRNO>[:once|:every=N] */
struct sim_ioctl_fault {
    unsigned long cmd;
    int err;
    struct sim_fault_rate rate;
};

/* Device-level faults (docs/simdev.md "Faults"); counters live in the context. */
struct sim_dev_faults {
    struct sim_ioctl_fault ioctl[SIM_MAX_IOCTL_FAULTS];
    size_t n_ioctl;
    unsigned late_ms;               /* late=<ms>[:every=N]: completion delayed */
    struct sim_fault_rate late;
    struct sim_fault_rate never;    /* never[:every=N]: the request never completes */
    struct sim_fault_rate cap_error; /* cap-error[:every=N]: CAPTURE done with ERROR */
    struct sim_fault_rate alloc;    /* alloc-fail[:every=N]: REQBUFS/CREATE_BUFS -ENOMEM */
    unsigned disappear_after;       /* disappear-after=N: the N+1th ioctl and all later
                                     * calls fail with ENODEV (0: off) */
};

/* True when occurrence number n (1-based) of a fault with this rate fires. */
static inline bool sim_fault_fires(const struct sim_fault_rate *r, unsigned n)
{
    return r->on && (r->every ? n % r->every == 0 : n == 1);
}

struct sim_config {
    const struct sim_profile *profile;
    unsigned profile_opts; /* enum sim_profile_opt */
    unsigned faults; /* enum sim_generic_fault bits (codecs/codec.h) */
    /* Codec-specific faults by name (applied only to jobs of their codec). */
    const struct sim_codec_fault *codec_faults[SIM_MAX_CODEC_FAULTS];
    size_t n_codec_faults;
    struct sim_dev_faults dev;
};

/* Parses a device fault spec (ioctl:..., late=..., never, cap-error, alloc-fail,
 * disappear-after=N) into f. 1: parsed, 0: not a device fault, -ENODEV: malformed. */
int sim_config_parse_dev_fault(struct sim_dev_faults *f, const char *spec, size_t len);

/* Parses the environment: VAREQ_SIM_PROFILE=<name>[+<option>...], VAREQ_SIM_FAULTS
 * (comma list) and VAREQ_SIM_FAULTS_FILE (one fault per line, '#' comments).
 * Returns 0, or -ENODEV (with a stderr line) for an unknown profile, option or fault. */
int sim_config_parse(struct sim_config *cfg);

#endif
