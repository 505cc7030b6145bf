/* Logging (env VAREQ_LOG=error|warn|info|debug, default error) on stderr,
 * lines "vareq: <level>: ...". */
#ifndef VAREQ_LOG_H
#define VAREQ_LOG_H

enum vareq_log_level {
    VAREQ_LOG_ERROR = 0,
    VAREQ_LOG_WARN = 1,
    VAREQ_LOG_INFO = 2,
    VAREQ_LOG_DEBUG = 3,
};

void vareq_log(enum vareq_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int vareq_log_enabled(enum vareq_log_level level);

#define vq_err(...) vareq_log(VAREQ_LOG_ERROR, __VA_ARGS__)
#define vq_warn(...) vareq_log(VAREQ_LOG_WARN, __VA_ARGS__)
#define vq_info(...) vareq_log(VAREQ_LOG_INFO, __VA_ARGS__)
#define vq_dbg(...) vareq_log(VAREQ_LOG_DEBUG, __VA_ARGS__)

/* Integer environment variable with bounds; returns def when unset or invalid. */
long vareq_env_long(const char *name, long def, long min, long max);

#endif
