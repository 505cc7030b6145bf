#include "vp9_superframe.h"

#include <errno.h>

int vp9_superframe_split(const uint8_t *data, size_t size,
                         size_t offsets[VP9_MAX_SUPERFRAME_FRAMES],
                         size_t sizes[VP9_MAX_SUPERFRAME_FRAMES])
{
    if (!data || size == 0)
        return -ENODATA;
    uint8_t marker = data[size - 1];
    if ((marker & 0xe0) == 0xc0) {
        unsigned frames = (marker & 7u) + 1;
        unsigned mag = ((marker >> 3) & 3u) + 1;
        size_t index_sz = 2 + (size_t)mag * frames;
        if (size >= index_sz && data[size - index_sz] == marker) {
            const uint8_t *p = data + size - index_sz + 1;
            size_t off = 0, avail = size - index_sz;
            for (unsigned i = 0; i < frames; i++) {
                size_t fs = 0;
                for (unsigned b = 0; b < mag; b++)
                    fs |= (size_t)p[b] << (8 * b);
                p += mag;
                if (fs == 0 || fs > avail - off)
                    return -EINVAL;
                offsets[i] = off;
                sizes[i] = fs;
                off += fs;
            }
            return (int)frames;
        }
    }
    offsets[0] = 0;
    sizes[0] = size;
    return 1;
}
