/* Minimal bounds-checked IVF reader (whole file in memory). */
#ifndef VAREQ_TEST_IVF_H
#define VAREQ_TEST_IVF_H

#include <stddef.h>
#include <stdint.h>

struct ivf_file {
    uint8_t *data;
    size_t size;
    size_t pos;
    char fourcc[5];
    unsigned width, height;
};

/* Returns 0 or a negative errno (with a reason in err). */
int ivf_open(struct ivf_file *f, const char *path, char *err, size_t errlen);
/* Next frame: returns 1 with data and size set, 0 at the end, negative on a bad frame. */
int ivf_next(struct ivf_file *f, const uint8_t **data, size_t *size);
void ivf_close(struct ivf_file *f);

#endif
