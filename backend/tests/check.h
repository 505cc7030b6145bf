/* Shared check macros of the backend's C tests (simdev/tests/check.h is simdev's). A failed
 * check prints where it is, the condition and a message, counts one failure, and the test
 * goes on; main returns check_exit(). CHECK and EXPECT count in the test's `failures`. */
#ifndef VAREQ_BACKEND_TEST_CHECK_H
#define VAREQ_BACKEND_TEST_CHECK_H

#include <stdio.h>

/* counter: the test's failure count (an int or an _Atomic int lvalue). */
#define CHECK_COUNT(counter, cond, ...)                                                    \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
            (counter)++;                                                                   \
        }                                                                                  \
    } while (0)

/* In a test that defines its count as `failures`. */
#define CHECK(cond, ...) CHECK_COUNT(failures, cond, __VA_ARGS__)

/* A check whose condition is its own message. */
#define EXPECT(cond)                                                                       \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* The end of a test: "<name>: N failure(s)" or "<name>: all checks passed" on stderr; the
 * exit status (1 when a check failed). */
static inline int check_exit(const char *name, int n_failed)
{
    if (n_failed)
        fprintf(stderr, "%s: %d failure(s)\n", name, n_failed);
    else
        fprintf(stderr, "%s: all checks passed\n", name);
    return n_failed ? 1 : 0;
}

#endif
