#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sim_log_enabled(void)
{
    const char *v = getenv("VAREQ_SIM_LOG");
    return v && v[0] && strcmp(v, "0") != 0;
}

static void vlog(const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    /* One write per line so lines from several threads do not interleave. */
    fprintf(stderr, "vareq-simdev: %s\n", line);
}

void sim_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

void sim_log(const char *fmt, ...)
{
    if (!sim_log_enabled())
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}
