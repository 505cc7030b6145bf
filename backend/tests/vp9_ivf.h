/* Minimal bounds-checked IVF reader (whole file in memory). */
#ifndef VAREQ_VP9_IVF_H
#define VAREQ_VP9_IVF_H

#include <stddef.h>
#include <stdint.h>

struct vp9_ivf {
    uint8_t *data;
    size_t size;
    size_t pos;
    char fourcc[5];
    unsigned width, height;
};

/* Returns 0 or a negative errno (with a reason in err). */
int vp9_ivf_open(struct vp9_ivf *f, const char *path, char *err, size_t errlen);
/* Next frame: returns 1 with data and size set, 0 at the end, negative on a bad frame. */
int vp9_ivf_next(struct vp9_ivf *f, const uint8_t **data, size_t *size);
void vp9_ivf_close(struct vp9_ivf *f);

#endif
