#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* Generic faults; "vp9-swap-ref-ts" is the historic name of "swap-ref-ts". */
static const struct {
    const char *name;
    unsigned bit;
} generic_faults[] = {
    { "swap-ref-ts", SIM_FAULT_SWAP_REF_TS },
    { "vp9-swap-ref-ts", SIM_FAULT_SWAP_REF_TS },
};

static bool name_is(const char *name, const char *p, size_t len)
{
    return strlen(name) == len && strncmp(name, p, len) == 0;
}

/* Looks a fault up: device faults, the generic table, then every codec's table. */
static int add_fault(struct sim_config *cfg, const char *p, size_t len)
{
    int dev = sim_config_parse_dev_fault(&cfg->dev, p, len);
    if (dev != 0)
        return dev < 0 ? dev : 0;
    for (size_t i = 0; i < sizeof(generic_faults) / sizeof(generic_faults[0]); i++) {
        if (name_is(generic_faults[i].name, p, len)) {
            cfg->faults |= generic_faults[i].bit;
            return 0;
        }
    }
    for (size_t c = 0; sim_codecs[c]; c++) {
        const struct sim_codec *codec = sim_codecs[c];
        for (size_t i = 0; i < codec->n_faults; i++) {
            if (!name_is(codec->faults[i].name, p, len))
                continue;
            for (size_t k = 0; k < cfg->n_codec_faults; k++)
                if (cfg->codec_faults[k] == &codec->faults[i])
                    return 0;
            if (cfg->n_codec_faults == SIM_MAX_CODEC_FAULTS) {
                sim_err("VAREQ_SIM_FAULTS: more than %u codec faults", SIM_MAX_CODEC_FAULTS);
                return -ENODEV;
            }
            cfg->codec_faults[cfg->n_codec_faults++] = &codec->faults[i];
            return 0;
        }
    }
    sim_err("VAREQ_SIM_FAULTS: unknown fault '%.*s'", (int)len, p);
    return -ENODEV;
}

static int parse_faults(struct sim_config *cfg, const char *list)
{
    const char *p = list;

    while (*p) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            int ret = add_fault(cfg, p, len);
            if (ret)
                return ret;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* One fault per line; blank lines and '#' comments are ignored. */
static int parse_fault_file(struct sim_config *cfg, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        sim_err("VAREQ_SIM_FAULTS_FILE: cannot open %s: %s", path, strerror(errno));
        return -ENODEV;
    }
    char line[256];
    int ret = 0;
    while (!ret && fgets(line, sizeof(line), f)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, " \t\r\n");
        if (len > 0)
            ret = add_fault(cfg, p, len);
    }
    fclose(f);
    return ret;
}

int sim_config_parse(struct sim_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));

    const char *profile = getenv("VAREQ_SIM_PROFILE");
    if (!profile || !profile[0])
        profile = "generic";
    size_t len = strcspn(profile, "+");
    cfg->profile = sim_profile_find(profile, len);
    if (!cfg->profile) {
        sim_err("VAREQ_SIM_PROFILE: unknown profile '%.*s' (known: %s)", (int)len, profile,
                sim_profile_names());
        return -ENODEV;
    }
    for (const char *p = profile + len; *p == '+';) {
        p++;
        size_t olen = strcspn(p, "+");
        if (name_is("reset-on-free", p, olen)) {
            cfg->profile_opts |= SIM_PROFILE_OPT_RESET_ON_FREE;
        } else if (name_is("slice-based", p, olen)) {
            cfg->profile_opts |= SIM_PROFILE_OPT_SLICE_BASED;
        } else {
            sim_err("VAREQ_SIM_PROFILE: unknown option '%.*s' (known: reset-on-free, "
                    "slice-based)",
                    (int)olen, p);
            return -ENODEV;
        }
        p += olen;
    }

    const char *faults = getenv("VAREQ_SIM_FAULTS");
    if (faults) {
        int ret = parse_faults(cfg, faults);
        if (ret)
            return ret;
    }
    const char *file = getenv("VAREQ_SIM_FAULTS_FILE");
    if (file && file[0])
        return parse_fault_file(cfg, file);
    return 0;
}
