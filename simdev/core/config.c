#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const struct {
    const char *name;
    unsigned bit;
} fault_names[] = {
    { "vp9-swap-ref-ts", SIM_FAULT_VP9_SWAP_REF_TS },
    { "vp9-corrupt-base-q", SIM_FAULT_VP9_CORRUPT_BASE_Q },
};

static int parse_faults(const char *list, unsigned *out)
{
    unsigned faults = 0;
    const char *p = list;

    while (*p) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            size_t i;
            for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++) {
                if (strlen(fault_names[i].name) == len &&
                    strncmp(fault_names[i].name, p, len) == 0)
                    break;
            }
            if (i == sizeof(fault_names) / sizeof(fault_names[0])) {
                sim_err("VAREQ_SIM_FAULTS: unknown fault '%.*s'", (int)len, p);
                return -ENODEV;
            }
            faults |= fault_names[i].bit;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    *out = faults;
    return 0;
}

int sim_config_parse(struct sim_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));

    const char *profile = getenv("VAREQ_SIM_PROFILE");
    if (profile && profile[0] && strcmp(profile, "generic") != 0) {
        sim_err("VAREQ_SIM_PROFILE: unknown profile '%s' (known: generic)", profile);
        return -ENODEV;
    }
    cfg->profile = SIM_PROFILE_GENERIC;

    const char *faults = getenv("VAREQ_SIM_FAULTS");
    if (faults)
        return parse_faults(faults, &cfg->faults);
    return 0;
}
