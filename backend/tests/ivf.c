#include "ivf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int ivf_open(struct ivf_file *f, const char *path, char *err, size_t errlen)
{
    memset(f, 0, sizeof(*f));
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot open %s", path);
        return -errno;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, fp);
        if (r == 0)
            break;
        n += r;
    }
    fclose(fp);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    f->data = buf;
    f->size = n;
    if (n < 32 || memcmp(buf, "DKIF", 4) != 0) {
        snprintf(err, errlen, "%s is not an IVF file", path);
        ivf_close(f);
        return -EINVAL;
    }
    unsigned hdr = (unsigned)buf[6] | (unsigned)buf[7] << 8;
    if (hdr < 32 || hdr > n) {
        snprintf(err, errlen, "bad IVF header length %u", hdr);
        ivf_close(f);
        return -EINVAL;
    }
    memcpy(f->fourcc, buf + 8, 4);
    f->width = (unsigned)buf[12] | (unsigned)buf[13] << 8;
    f->height = (unsigned)buf[14] | (unsigned)buf[15] << 8;
    f->pos = hdr;
    return 0;
}

int ivf_next(struct ivf_file *f, const uint8_t **data, size_t *size)
{
    if (f->pos == f->size)
        return 0;
    if (f->size - f->pos < 12)
        return -ENODATA;
    uint32_t sz = rd32(f->data + f->pos);
    if (sz > f->size - f->pos - 12)
        return -ENODATA;
    *data = f->data + f->pos + 12;
    *size = sz;
    f->pos += 12 + (size_t)sz;
    return 1;
}

void ivf_close(struct ivf_file *f)
{
    free(f->data);
    f->data = NULL;
    f->size = f->pos = 0;
}
