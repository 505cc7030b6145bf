/* simdev logging: one-line diagnostics on stderr when VAREQ_SIM_LOG is set. */
#ifndef SIM_LOG_H
#define SIM_LOG_H

#include <stdbool.h>

bool sim_log_enabled(void);

/* Always printed (configuration errors the user must see). */
void sim_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Printed only when VAREQ_SIM_LOG is set (non-empty and not "0"). */
void sim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
