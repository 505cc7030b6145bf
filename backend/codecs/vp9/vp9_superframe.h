/* VP9 superframe index (specification Annex B): splits one packet into its frames. */
#ifndef VAREQ_VP9_SUPERFRAME_H
#define VAREQ_VP9_SUPERFRAME_H

#include <stddef.h>
#include <stdint.h>

#define VP9_MAX_SUPERFRAME_FRAMES 8

/* Fills offsets/sizes of the frames in data and returns their count (1 when the packet
 * carries no index: the whole packet is one frame). Returns a negative errno for an
 * index whose sizes do not fit the packet. */
int vp9_superframe_split(const uint8_t *data, size_t size,
                         size_t offsets[VP9_MAX_SUPERFRAME_FRAMES],
                         size_t sizes[VP9_MAX_SUPERFRAME_FRAMES]);

#endif
