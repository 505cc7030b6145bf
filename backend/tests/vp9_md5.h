/* Small MD5 (RFC 1321) for test tools. */
#ifndef VAREQ_VP9_MD5_H
#define VAREQ_VP9_MD5_H

#include <stddef.h>
#include <stdint.h>

struct vp9_md5 {
    uint32_t h[4];
    uint64_t len;
    uint8_t block[64];
    size_t fill;
};

void vp9_md5_init(struct vp9_md5 *m);
void vp9_md5_update(struct vp9_md5 *m, const void *data, size_t n);
void vp9_md5_final(struct vp9_md5 *m, uint8_t out[16]);
void vp9_md5_hex(const uint8_t d[16], char out[33]);

#endif
