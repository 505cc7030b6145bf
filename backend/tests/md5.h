/* Small MD5 (RFC 1321) for test tools. */
#ifndef VAREQ_TEST_MD5_H
#define VAREQ_TEST_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5_ctx {
    uint32_t h[4];
    uint64_t len;
    uint8_t block[64];
    size_t fill;
};

void md5_init(struct md5_ctx *m);
void md5_update(struct md5_ctx *m, const void *data, size_t n);
void md5_final(struct md5_ctx *m, uint8_t out[16]);
void md5_hex(const uint8_t d[16], char out[33]);

#endif
