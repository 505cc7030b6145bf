#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static int log_level = VAREQ_LOG_ERROR; /* written once under log_once */

static void log_init(void)
{
    const char *v = getenv("VAREQ_LOG");
    if (!v || !*v)
        return;
    if (!strcmp(v, "error"))
        log_level = VAREQ_LOG_ERROR;
    else if (!strcmp(v, "warn") || !strcmp(v, "warning"))
        log_level = VAREQ_LOG_WARN;
    else if (!strcmp(v, "info"))
        log_level = VAREQ_LOG_INFO;
    else if (!strcmp(v, "debug"))
        log_level = VAREQ_LOG_DEBUG;
}

int vareq_log_enabled(enum vareq_log_level level)
{
    pthread_once(&log_once, log_init);
    return (int)level <= log_level;
}

void vareq_log(enum vareq_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    char line[1024];
    va_list ap;
    int saved = errno;

    if (!vareq_log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* one fprintf per line so lines from several threads do not interleave */
    fprintf(stderr, "vareq: %s: %s\n", names[level], line);
    errno = saved;
}

long vareq_env_long(const char *name, long def, long min, long max)
{
    const char *v = getenv(name);
    char *end;
    long r;

    if (!v || !*v)
        return def;
    errno = 0;
    r = strtol(v, &end, 0);
    if (errno || *end || r < min || r > max) {
        vq_warn("ignoring %s=%s (expected an integer in [%ld, %ld])", name, v, min, max);
        return def;
    }
    return r;
}
