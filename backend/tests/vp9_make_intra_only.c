/* vp9-make-intra-only: makes a VP9 test stream with intra-only frames and
 * show_existing_frame from an ordinary one (no encoder produces intra-only frames on
 * request). Every keyframe after the first is rewritten as a hidden intra-only frame
 * (reset_frame_context = all, refresh_frame_flags = 0xff: it decodes exactly like the
 * keyframe) and followed by a one-byte show_existing_frame of slot 0 (so the picture is
 * still output). The compressed header and tile data are kept.
 *   vp9-make-intra-only IN.ivf OUT.ivf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ivf.h"
#include "sim_vp9_headers.h"
#include "vp9_parser.h"
#include "vp9_superframe.h"

static int put_frame(FILE *o, const uint8_t *d, size_t n, uint64_t pts)
{
    uint8_t h[12];
    for (int i = 0; i < 4; i++)
        h[i] = (uint8_t)(n >> (8 * i));
    for (int i = 0; i < 8; i++)
        h[4 + i] = (uint8_t)(pts >> (8 * i));
    return fwrite(h, 1, 12, o) == 12 && fwrite(d, 1, n, o) == n ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct ivf_file ivf;
    char err[256];
    if (argc != 3) {
        fprintf(stderr, "usage: vp9-make-intra-only IN.ivf OUT.ivf\n");
        return 2;
    }
    if (ivf_open(&ivf, argv[1], err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    FILE *o = fopen(argv[2], "wb");
    if (!o || ivf.size < 32 || fwrite(ivf.data, 1, 32, o) != 32) {
        fprintf(stderr, "cannot write %s\n", argv[2]);
        return 2;
    }
    struct vp9_parser_state ps;
    vp9_parser_init(&ps);
    const uint8_t *data;
    size_t size;
    uint64_t pts = 0;
    unsigned keys = 0, converted = 0;
    uint8_t *buf = NULL;
    while (ivf_next(&ivf, &data, &size) > 0) {
        size_t offs[VP9_MAX_SUPERFRAME_FRAMES], sizes[VP9_MAX_SUPERFRAME_FRAMES];
        int nf = vp9_superframe_split(data, size, offs, sizes);
        struct vp9_frame_hdr h;
        if (nf != 1 || vp9_parse_frame(&ps, data, size, &h, err, sizeof(err)) < 0 ||
            !(h.frame.flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME) || keys++ == 0) {
            if (put_frame(o, data, size, pts++) < 0)
                return 2;
            continue;
        }
        struct v4l2_ctrl_vp9_frame f = h.frame;
        f.flags &= ~(uint64_t)(V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_SHOW_FRAME);
        f.flags |= V4L2_VP9_FRAME_FLAG_INTRA_ONLY;
        f.reset_frame_context = V4L2_VP9_RESET_FRAME_CTX_ALL;
        struct sim_vp9_slots slots = {{0, 1, 2}, 0xff};
        uint8_t unc[SIM_VP9_UNCOMP_MAX];
        size_t unc_len = 0, rest = size - f.uncompressed_header_size;
        if (sim_vp9_write_uncompressed(&f, &slots, f.compressed_header_size, unc, sizeof(unc),
                                       &unc_len, err, sizeof(err)) < 0) {
            fprintf(stderr, "frame %llu: %s\n", (unsigned long long)pts, err);
            return 1;
        }
        buf = realloc(buf, unc_len + rest);
        if (!buf)
            return 2;
        memcpy(buf, unc, unc_len);
        memcpy(buf + unc_len, data + f.uncompressed_header_size, rest);
        /* show_existing_frame of slot 0: frame_marker 2, profile, show_existing 1, idx 0 */
        uint8_t se = (uint8_t)(0x80 | (f.profile & 1) << 5 | (f.profile >> 1) << 4 | 0x08);
        if (put_frame(o, buf, unc_len + rest, pts++) < 0 || put_frame(o, &se, 1, pts++) < 0)
            return 2;
        converted++;
    }
    free(buf);
    fclose(o);
    ivf_close(&ivf);
    printf("%s: %u keyframe(s) rewritten as intra-only + show_existing_frame\n", argv[2],
           converted);
    return converted ? 0 : 1;
}
