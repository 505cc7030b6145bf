/* vp9-park: VP9 reference scaling through the VA API the way FFmpeg 5.1 drives it. On
 * every frame size change (also an inter frame that predicts from references of another
 * size) the client destroys its VA context and creates a new one with new surfaces of the
 * new size; the references stay the old surfaces. The driver must continue the V4L2
 * session (docs/architecture.md "VP9 reference scaling"): every frame decodes and equals
 * libvpx's output, the old surfaces stay readable, and the session ends when its last
 * frame-holding surface is destroyed (stats: no CAPTURE buffer live).
 *   vp9-park DRIVER.so STREAM.ivf [--keyframe-sizes]
 * (VAREQ_DEVICE=sim). The stream must change size on an inter frame (e.g. vpxenc --rt
 * --resize-allowed=1 at a starved bitrate), unless --keyframe-sizes: then it changes size
 * at keyframes only (e.g. tiny sizes 1x1..16x16, below a device's minimum format size: the
 * CAPTURE format is clamped up and the frame decodes into it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ivf.h"
#include "va_client.h"
#include "vp9_superframe.h"

#define N_SURF 12
#define MAX_OLD (VC_MAX_SURF * 8)

static VASurfaceID old_surf[MAX_OLD];
static int n_old;

static bool in_slots(const struct vc_dec *d, VASurfaceID s)
{
    for (int k = 0; k < 8; k++)
        if (d->slots[k] == s)
            return true;
    return false;
}

/* Destroys the old surfaces no reference slot holds any more (FFmpeg frees its old frame
 * pool's surfaces once no frame refers to them). */
static void drop_unreferenced(struct vc_dec *d, bool all)
{
    struct VADriverVTable *vt = &d->drv->vt;
    int keep = 0;

    for (int i = 0; i < n_old; i++) {
        if (!all && (in_slots(d, old_surf[i]) || old_surf[i] == d->last)) {
            old_surf[keep++] = old_surf[i];
            continue;
        }
        VC_CHECK(vt->vaDestroySurfaces(&d->drv->ctx, &old_surf[i], 1) == VA_STATUS_SUCCESS,
                 "DestroySurfaces 0x%x", old_surf[i]);
    }
    n_old = keep;
}

/* FFmpeg's get_format on a size change: new context and new surfaces at w x h. */
static int switch_context(struct vc_dec *d, unsigned w, unsigned h)
{
    struct VADriverVTable *vt = &d->drv->vt;
    VADriverContextP ctx = &d->drv->ctx;

    if (vt->vaDestroyContext(ctx, d->vctx) != VA_STATUS_SUCCESS)
        return -1;
    for (int i = 0; i < d->n_surf && n_old < MAX_OLD; i++)
        old_surf[n_old++] = d->surf[i];
    if (vt->vaCreateSurfaces2(ctx, VA_RT_FORMAT_YUV420, w, h, d->surf, (unsigned)d->n_surf,
                              NULL, 0) != VA_STATUS_SUCCESS ||
        vt->vaCreateContext(ctx, d->cfg, (int)w, (int)h, VA_PROGRESSIVE, d->surf, d->n_surf,
                            &d->vctx) != VA_STATUS_SUCCESS)
        return -1;
    d->w = w;
    d->h = h;
    return 0;
}

int main(int argc, char **argv)
{
    struct vc_driver drv;
    struct vc_dec d;
    struct ivf_file ivf;
    const uint8_t *data;
    size_t size;
    char err[256];
    char stats[] = "/tmp/vareq-vp9-park-stats-XXXXXX";
    int frames = 0, exact = 0, inter_switches = 0, switches = 0, old_reads = 0, r;

    bool keyframe_sizes = argc == 4 && !strcmp(argv[3], "--keyframe-sizes");

    if (argc != 3 && !keyframe_sizes) {
        fprintf(stderr, "usage: vp9-park DRIVER.so STREAM.ivf [--keyframe-sizes]\n");
        return 2;
    }
    if (ivf_open(&ivf, argv[2], err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    r = mkstemp(stats);
    if (r < 0)
        return 2;
    close(r);
    setenv("VAREQ_STATS_FILE", stats, 1);
    if (vc_open(&drv, argv[1]) < 0 ||
        vc_dec_init(&d, &drv, ivf.width, ivf.height, N_SURF, 0, 0) < 0) {
        fprintf(stderr, "cannot open the driver or create the first context\n");
        return 2;
    }
    while ((r = ivf_next(&ivf, &data, &size)) > 0) {
        size_t offs[VP9_MAX_SUPERFRAME_FRAMES], sizes[VP9_MAX_SUPERFRAME_FRAMES];
        struct vp9_parser_state peek = d.ps;
        struct vp9_frame_hdr h;
        struct vc_frame fr;
        VASurfaceID target;
        VAStatus st;
        unsigned w, hh;

        if (vp9_superframe_split(data, size, offs, sizes) != 1 ||
            vp9_parse_frame(&peek, data, size, &h, err, sizeof(err)) < 0 ||
            h.show_existing_frame) {
            VC_CHECK(0, "packet %d: not a single decodable frame (%s)", frames, err);
            break;
        }
        w = h.frame.frame_width_minus_1 + 1u;
        hh = h.frame.frame_height_minus_1 + 1u;
        if (w != d.w || hh != d.h) {
            bool key = h.frame.flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME;
            VC_CHECK(switch_context(&d, w, hh) == 0, "frame %d: new context %ux%u", frames, w,
                     hh);
            switches++;
            inter_switches += !key;
        }
        fr.data = (uint8_t *)data;
        fr.size = size;
        st = vc_decode(&d, &fr, &target);
        VC_CHECK(st == VA_STATUS_SUCCESS, "frame %d (%ux%u): %s", frames, w, hh, vaErrorStr(st));
        if (st == VA_STATUS_SUCCESS && vc_check_getimage(&d, target))
            exact++;
        else
            VC_CHECK(0, "frame %d (%ux%u) differs from libvpx", frames, w, hh);
        frames++;
        /* an old surface still holding a reference reads as before */
        for (int i = 0; i < n_old; i++)
            if (in_slots(&d, old_surf[i])) {
                VAImageFormat fmt = {.fourcc = VA_FOURCC_NV12};
                VAImage img;
                if (drv.vt.vaCreateImage(&drv.ctx, &fmt, 16, 16, &img) == VA_STATUS_SUCCESS) {
                    VC_CHECK(drv.vt.vaGetImage(&drv.ctx, old_surf[i], 0, 0, 16, 16,
                                               img.image_id) == VA_STATUS_SUCCESS,
                             "old surface 0x%x unreadable", old_surf[i]);
                    drv.vt.vaDestroyImage(&drv.ctx, img.image_id);
                    old_reads++;
                }
                break;
            }
        drop_unreferenced(&d, false);
    }
    VC_CHECK(r == 0, "bad IVF frame");
    fprintf(stderr, "vp9-park: %d/%d frames byte-exact, %d context switches (%d on inter "
            "frames), %d reads of old reference surfaces\n", exact, frames, switches,
            inter_switches, old_reads);
    VC_CHECK(frames > 0 && exact == frames, "every frame byte-exact");
    if (keyframe_sizes)
        VC_CHECK(switches > 0 && inter_switches == 0, "size changes: %d, on inter frames %d",
                 switches, inter_switches);
    else
        VC_CHECK(inter_switches > 0, "the stream has no inter frame of another size");

    /* the end: context destroyed (session parked, its surfaces hold frames), then every
     * surface: the session ends, no CAPTURE buffer stays */
    VC_CHECK(drv.vt.vaDestroyContext(&drv.ctx, d.vctx) == VA_STATUS_SUCCESS, "DestroyContext");
    VC_CHECK(vc_json_field(stats, "capture_buffers_live") > 0,
             "the session was not parked after DestroyContext");
    drop_unreferenced(&d, true);
    VC_CHECK(drv.vt.vaDestroySurfaces(&drv.ctx, d.surf, d.n_surf) == VA_STATUS_SUCCESS,
             "DestroySurfaces");
    VC_CHECK(vc_json_field(stats, "capture_buffers_live") == 0,
             "CAPTURE buffers live after the last surface: %ld",
             vc_json_field(stats, "capture_buffers_live"));
    drv.vt.vaDestroyConfig(&drv.ctx, d.cfg);
    vpx_codec_destroy(&d.ref);
    vc_close(&drv);
    ivf_close(&ivf);
    unlink(stats);
    return check_exit("vp9-park", vc_failures);
}
