/* Shared error-message helper for the VA driver's codec parsers and the simdev codec
 * engines: format a message into a caller-supplied buffer and return an error code. */
#ifndef VAREQ_ERRMSG_H
#define VAREQ_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Writes the printf-style message into err[0..errlen) (when err is non-NULL and errlen
 * is non-zero) and returns code, so call sites can `return vareq_errf(...)`. */
static inline int vareq_errf(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static inline int vareq_errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

#endif /* VAREQ_ERRMSG_H */
