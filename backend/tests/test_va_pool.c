/* VA-level tests of the CAPTURE pool, export, resolution changes and threads, through the
 * driver (dlopen) on simdev. One mode per run (argv[2]):
 *   hold         per-frame exporter holding each frame N = VAREQ_POOL_SPARES frame times:
 *                held bytes never change (decoupled policy), every frame read through its
 *                descriptor alone is byte-exact (composed and separate layers alternate)
 *   hold-bound   the same consumer with VAREQ_POOL_POLICY=bound: held frames DO change
 *                (the old 1:1 binding tears; the test asserts that it does)
 *   export-once  Chromium-style consumer: every surface exported once before decoding,
 *                each decoded frame must appear in the memory imported then
 *   memory       2000 frames with per-frame exports: CAPTURE buffers = surfaces + spares,
 *                no growth of fds, mappings or RSS
 *   resize       864x480, 1920x1080, 640x360, 1920x1080 in sequence in one process with
 *                context destroy/create between: byte-exact and the right size
 *   threads      4 contexts decoding at once from 4 threads, byte-exact
 *   resize-stream one context, surfaces of the largest size, a VP9 stream whose keyframes
 *                change the size 864x480 -> 1280x720 -> 640x360 -> 864x480 without a new
 *                context: byte-exact, the right size (GetImage and export)
 *   orphan       frames decoded into surfaces stay readable after vaDestroyContext (and
 *                after an in-stream size change), until the surface is destroyed or decoded
 *                into again: every surface read with vaGetImage, vaDeriveImage and export
 *                (composed and separate) is byte-exact, also while a new context at another
 *                size decodes (ffmpeg on a size change); a derived image and an export taken
 *                before the destroy stay valid; no fd, mapping or buffer left at the end
 *                (VP9: vaDestroyContext parks the session, memory stays at surfaces +
 *                spares; the 320x240 second context continues it)
 *   orphan-end   the same with a 352x288 second context that cannot continue the parked
 *                session: it ends at vaCreateContext, its frames become orphaned memory
 *   orphan-reuse a new context on the same surfaces: before decoding they still read the
 *                old frames; decoding into them replaces those (byte-exact), memory flat
 *   export-pending export right after vaEndPicture (decode still pending), read through
 *                the descriptor with (mpv) and without (ffmpeg 5.1 hwmap) vaSyncSurface
 *                before reading: byte-exact
 *   stats-exit   VAREQ_STATS_FILE is written at exit() and at dlclose without vaTerminate
 * argv[3] (optional): the codec, vp9 (default) or vp8 (hold, hold-bound, export-once,
 * resize, resize-stream, threads: e.g. on simdev's single-planar cedrus profile, which has
 * no VP9). */
#include <dirent.h>
#include <dlfcn.h>
#include <sys/wait.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "va_client.h"
#include <vpx/vp8dx.h>

static const char *driver_path;

/* Returns how many held frames changed while held; -1 on setup failure. */
static int hold_run(int hold_n, int n_frames)
{
    struct vc_driver drv;
    struct vc_dec d;
    struct vc_stream st = {0};
    struct vc_held ring[40];
    int changed = 0, exact = 0;

    if (hold_n < 1 || hold_n >= 40)
        return -1;
    memset(ring, 0, sizeof(ring));
    if (vc_encode(&st, 176, 144, n_frames, 10, 1) < 0 || vc_open(&drv, driver_path) < 0)
        return -1;
    /* few surfaces: the client hands a surface back right after exporting it */
    if (vc_dec_init(&d, &drv, 176, 144, 6, 0, 0) < 0) {
        fprintf(stderr, "decoder setup failed\n");
        return -1;
    }
    for (int f = 0; f < st.n; f++) {
        VASurfaceID t;
        struct vc_held *h = &ring[f % hold_n];
        VAStatus s = vc_decode(&d, &st.f[f], &t);
        VC_CHECK(s == VA_STATUS_SUCCESS, "decode %d: %s", f, vaErrorStr(s));
        vc_held_release(h); /* held for hold_n frame times */
        VC_CHECK(vc_export_map(&drv, t, f & 1, h) == 0, "export frame %d", f);
        if (!h->live)
            continue;
        h->frame = f;
        /* the descriptor alone describes the frame */
        if (vc_check_desc(&h->desc, h->maps, d.refimg, d.fw, d.fh))
            exact++;
        else
            VC_CHECK(0, "frame %d read through its descriptor differs from libvpx", f);
        VC_CHECK(vc_held_snapshot(h) == 0, "snapshot of frame %d", f);
        /* every frame still held must be unchanged */
        for (int k = 0; k < hold_n; k++) {
            struct vc_held *o = &ring[k];
            int c = o->live ? vc_held_changed(o) : 0;
            if (c) {
                fprintf(stderr, "  frame %d changed while held (now at frame %d)\n",
                        o->frame, f);
                changed += c;
            }
        }
    }
    for (int k = 0; k < hold_n; k++)
        vc_held_release(&ring[k]);
    fprintf(stderr, "hold %d: %d/%d exported frames byte-exact, %d changes while held\n",
            hold_n, exact, st.n, changed);
    VC_CHECK(exact == st.n, "exported frames byte-exact");
    vc_dec_fini(&d);
    vc_close(&drv);
    vc_stream_free(&st);
    return changed;
}

static void test_export_once(void)
{
    struct vc_driver drv;
    struct vc_dec d;
    struct vc_stream st = {0};
    struct vc_held imp[VC_MAX_SURF];
    int checked = 0;

    VC_CHECK(vc_encode(&st, 176, 144, 40, 10, 2) == 0, "encode");
    VC_CHECK(vc_open(&drv, driver_path) == 0, "open");
    VC_CHECK(vc_dec_init(&d, &drv, 176, 144, 8, 0, 0) == 0, "decoder");
    for (int i = 0; i < d.n_surf; i++)
        VC_CHECK(vc_export_map(&drv, d.surf[i], true, &imp[i]) == 0, "export surface %d", i);
    for (int f = 0; f < st.n; f++) {
        VASurfaceID t;
        VAStatus s = vc_decode(&d, &st.f[f], &t);
        VC_CHECK(s == VA_STATUS_SUCCESS, "decode %d: %s", f, vaErrorStr(s));
        for (int i = 0; i < d.n_surf; i++)
            if (d.surf[i] == t && imp[i].live) {
                VC_CHECK(vc_check_desc(&imp[i].desc, imp[i].maps, d.refimg, d.fw, d.fh),
                         "frame %d is not in the memory surface %d exported once", f, i);
                checked++;
            }
    }
    fprintf(stderr, "export-once: %d frames checked in memory imported before decoding\n",
            checked);
    VC_CHECK(checked == st.n, "every frame seen by the export-once consumer");
    for (int i = 0; i < d.n_surf; i++)
        vc_held_release(&imp[i]);
    vc_dec_fini(&d);
    vc_close(&drv);
    vc_stream_free(&st);
}

static long count_dir(const char *path)
{
    DIR *dir = opendir(path);
    long n = 0;
    if (!dir)
        return -1;
    while (readdir(dir))
        n++;
    closedir(dir);
    return n;
}

static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    long n = 0;
    int c;
    if (!f)
        return -1;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &res) != 2)
        res = -1;
    fclose(f);
    return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void test_memory(void)
{
    const int n_frames = 2000, n_surf = 8;
    struct vc_driver drv;
    struct vc_dec d;
    struct vc_stream st = {0};
    struct vc_held h[2];
    long fds0 = 0, maps0 = 0, rss0 = 0, fds1, maps1, rss1, fds_start, maps_start;
    char stats[] = "/tmp/vareq-pool-stats-XXXXXX";
    int sfd = mkstemp(stats), exact = 0;
    long spares = getenv("VAREQ_POOL_SPARES") ? atol(getenv("VAREQ_POOL_SPARES")) : 4;

    VC_CHECK(sfd >= 0, "mkstemp");
    close(sfd);
    setenv("VAREQ_STATS_FILE", stats, 1);
    memset(h, 0, sizeof(h));
    VC_CHECK(vc_encode(&st, 64, 64, n_frames, 30, 3) == 0, "encode");
    VC_CHECK(vc_open(&drv, driver_path) == 0, "open");
    fds_start = count_dir("/proc/self/fd");
    maps_start = count_lines("/proc/self/maps");
    VC_CHECK(vc_dec_init(&d, &drv, 64, 64, n_surf, 0, 0) == 0, "decoder");
    for (int f = 0; f < st.n; f++) {
        VASurfaceID t;
        VAStatus s = vc_decode(&d, &st.f[f], &t);
        if (s != VA_STATUS_SUCCESS) {
            VC_CHECK(0, "decode %d: %s", f, vaErrorStr(s));
            break;
        }
        vc_held_release(&h[f & 1]);
        VC_CHECK(vc_export_map(&drv, t, true, &h[f & 1]) == 0, "export %d", f);
        exact += h[f & 1].live && vc_check_desc(&h[f & 1].desc, h[f & 1].maps, d.refimg, d.fw, d.fh);
        if (f == 100) {
            fds0 = count_dir("/proc/self/fd");
            maps0 = count_lines("/proc/self/maps");
            rss0 = rss_kb();
        }
    }
    fds1 = count_dir("/proc/self/fd");
    maps1 = count_lines("/proc/self/maps");
    rss1 = rss_kb();
    vc_held_release(&h[0]);
    vc_held_release(&h[1]);
    fprintf(stderr, "memory: %d/%d exact; fds %ld -> %ld, mappings %ld -> %ld, RSS %ld -> %ld kB\n",
            exact, st.n, fds0, fds1, maps0, maps1, rss0, rss1);
    VC_CHECK(exact == st.n, "exported frames byte-exact");
    VC_CHECK(fds1 == fds0, "fd count grew");
    VC_CHECK(maps1 == maps0, "mapping count grew");
    VC_CHECK(rss1 - rss0 < 2048, "RSS grew by %ld kB", rss1 - rss0);
    /* vaDestroyContext writes the stats file. VP9 surfaces still hold frames, so the V4L2
     * session is parked (docs/architecture.md "VP9 reference scaling"): the memory stays
     * at surfaces + spares; it must all go with the last surface holding a frame. */
    VC_CHECK(drv.vt.vaDestroyContext(&drv.ctx, d.vctx) == VA_STATUS_SUCCESS, "DestroyContext");
    {
        long peak = vc_json_field(stats, "capture_buffers_peak");
        long live = vc_json_field(stats, "capture_buffers_live");
        fprintf(stderr, "memory: CAPTURE buffers peak %ld (surfaces %d + spares %ld), live "
                "after DestroyContext %ld\n", peak, n_surf, spares, live);
        VC_CHECK(peak == n_surf + spares, "CAPTURE buffers peak %ld", peak);
        VC_CHECK(live == (vc_get_codec() == VC_VP9 ? n_surf + spares : 0),
                 "CAPTURE buffers live after DestroyContext: %ld", live);
    }
    VC_CHECK(drv.vt.vaDestroySurfaces(&drv.ctx, d.surf, d.n_surf) == VA_STATUS_SUCCESS,
             "DestroySurfaces");
    drv.vt.vaDestroyConfig(&drv.ctx, d.cfg);
    vpx_codec_destroy(&d.ref);
    {
        long live = vc_json_field(stats, "capture_buffers_live");
        long orphaned = vc_json_field(stats, "capture_buffers_orphaned");
        fprintf(stderr, "memory: after DestroySurfaces: %ld CAPTURE buffers live, %ld "
                "orphaned; fds %ld, mappings %ld\n", live, orphaned, count_dir("/proc/self/fd"),
                count_lines("/proc/self/maps"));
        VC_CHECK(live == 0 && orphaned == 0, "CAPTURE buffers left after the last surface: "
                 "live %ld, orphaned %ld", live, orphaned);
        VC_CHECK(count_dir("/proc/self/fd") == fds_start &&
                 count_lines("/proc/self/maps") == maps_start,
                 "fds/mappings left after the last surface (before the decoder: %ld/%ld)",
                 fds_start, maps_start);
    }
    unlink(stats);
    unsetenv("VAREQ_STATS_FILE");
    vc_close(&drv);
    vc_stream_free(&st);
}

static void test_resize(void)
{
    static const unsigned sizes[][2] = {{864, 480}, {1920, 1080}, {640, 360}, {1920, 1080}};
    struct vc_driver drv;

    VC_CHECK(vc_open(&drv, driver_path) == 0, "open");
    for (unsigned i = 0; i < 4; i++) {
        unsigned w = sizes[i][0], h = sizes[i][1];
        struct vc_stream st = {0};
        struct vc_dec d;
        int exact = 0, right_size = 0;
        VC_CHECK(vc_encode(&st, w, h, 6, 30, (int)i) == 0, "encode %ux%u", w, h);
        if (vc_dec_init(&d, &drv, w, h, 8, 0, 0) < 0) {
            VC_CHECK(0, "decoder %ux%u", w, h);
            continue;
        }
        for (int f = 0; f < st.n; f++) {
            VASurfaceID t;
            struct vc_held e;
            VAStatus s = vc_decode(&d, &st.f[f], &t);
            VC_CHECK(s == VA_STATUS_SUCCESS, "%ux%u decode %d: %s", w, h, f, vaErrorStr(s));
            exact += vc_check_getimage(&d, t);
            if (vc_export_map(&drv, t, true, &e) == 0) {
                right_size += e.desc.width == w && e.desc.height == h &&
                              vc_check_desc(&e.desc, e.maps, d.refimg, w, h);
                vc_held_release(&e);
            }
        }
        fprintf(stderr, "resize %ux%u: %d/%d byte-exact (GetImage), %d/%d right size and "
                "byte-exact (export)\n", w, h, exact, st.n, right_size, st.n);
        VC_CHECK(exact == st.n && right_size == st.n, "%ux%u", w, h);
        vc_dec_fini(&d);
        vc_stream_free(&st);
    }
    vc_close(&drv);
}

static void test_resize_stream(void)
{
    static const unsigned sizes[][2] = {{864, 480}, {1280, 720}, {640, 360}, {864, 480}};
    struct vc_driver drv;
    struct vc_stream st = {0};
    struct vc_dec d;
    int exact = 0, right_size = 0, per = 8;

    for (unsigned i = 0; i < 4; i++)
        VC_CHECK(vc_encode(&st, sizes[i][0], sizes[i][1], per, 100, (int)i + 20) == 0, "encode");
    VC_CHECK(vc_open(&drv, driver_path) == 0, "open");
    if (vc_dec_init(&d, &drv, 864, 480, 8, 1920, 1080) < 0) {
        VC_CHECK(0, "decoder");
        return;
    }
    for (int f = 0; f < st.n; f++) {
        unsigned w = sizes[f / per][0], h = sizes[f / per][1];
        VASurfaceID t;
        struct vc_held e;
        VAStatus s = vc_decode(&d, &st.f[f], &t);
        VC_CHECK(s == VA_STATUS_SUCCESS, "frame %d (%ux%u): %s", f, w, h, vaErrorStr(s));
        VC_CHECK(d.fw == w && d.fh == h && d.refimg && d.refimg->d_w == w, "frame %d size", f);
        if (vc_check_getimage(&d, t))
            exact++;
        else
            VC_CHECK(0, "frame %d (%ux%u) differs from libvpx", f, w, h);
        if (vc_export_map(&drv, t, f & 1, &e) == 0) {
            if (e.desc.width == w && e.desc.height == h &&
                vc_check_desc(&e.desc, e.maps, d.refimg, w, h))
                right_size++;
            else
                VC_CHECK(0, "frame %d export %ux%u (want %ux%u) or content", f, e.desc.width,
                         e.desc.height, w, h);
            vc_held_release(&e);
        }
    }
    fprintf(stderr, "resize-stream: %d/%d byte-exact (GetImage), %d/%d right size and "
            "byte-exact (export)\n", exact, st.n, right_size, st.n);
    VC_CHECK(exact == st.n && right_size == st.n, "in-stream size changes");
    vc_dec_fini(&d);
    vc_close(&drv);
    vc_stream_free(&st);
}

/* ---- export of a surface whose decode is still pending ----
 * ffmpeg 5.1's hwmap (vaapi_map_to_drm_esh) exports a surface right after the decoder
 * queued it and never calls vaSyncSurface; newer clients (mpv) export, then sync. Both must
 * read the frame that decode writes: the export describes the memory of the pending
 * decode and does not return before it completed (V4L2 CAPTURE dma-bufs carry no write
 * fence a reader could wait for). Even frames: read through the descriptor right after the
 * export (ffmpeg 5.1); odd frames: export, vaSyncSurface, then read. */
struct pending_export {
    struct vc_held held;
    bool have;
    int frame, pending_seen, status_fail;
};

static void export_after_end(struct vc_dec *d, VASurfaceID target, void *arg)
{
    struct pending_export *pe = arg;
    VASurfaceStatus ss = VASurfaceReady;

    if (d->drv->vt.vaQuerySurfaceStatus(&d->drv->ctx, target, &ss) != VA_STATUS_SUCCESS)
        pe->status_fail++;
    pe->pending_seen += ss == VASurfaceRendering;
    pe->have = vc_export_map(d->drv, target, pe->frame & 1, &pe->held) == 0;
    /* ffmpeg 5.1: the bytes as they are right after the export, no sync */
    if (pe->have && !(pe->frame & 1) && vc_held_snapshot(&pe->held) < 0)
        pe->have = false;
}

static void test_export_pending(void)
{
    const unsigned w = 1280, h = 720;
    struct vc_driver drv;
    struct vc_dec d;
    struct vc_stream st = {0};
    struct pending_export pe;
    int exact_nosync = 0, exact_sync = 0, n_nosync = 0, n_sync = 0;

    memset(&pe, 0, sizeof(pe));
    VC_CHECK(vc_encode(&st, w, h, 12, 6, 81) == 0, "encode");
    VC_CHECK(vc_open(&drv, driver_path) == 0, "open");
    if (vc_dec_init(&d, &drv, w, h, 8, 0, 0) < 0) {
        VC_CHECK(0, "decoder");
        return;
    }
    d.after_end = export_after_end;
    d.after_end_arg = &pe;
    for (int f = 0; f < st.n; f++) {
        VASurfaceID t;
        VAStatus s;
        pe.frame = f;
        pe.have = false;
        s = vc_decode(&d, &st.f[f], &t); /* EndPicture, export (hook), vaSyncSurface */
        VC_CHECK(s == VA_STATUS_SUCCESS, "decode %d: %s", f, vaErrorStr(s));
        VC_CHECK(pe.have, "frame %d: export after EndPicture failed", f);
        if (!pe.have)
            continue;
        if (f & 1) {
            n_sync++;
            if (vc_check_desc(&pe.held.desc, pe.held.maps, d.refimg, d.fw, d.fh))
                exact_sync++;
            else
                VC_CHECK(0, "frame %d: export, sync, read: not the decoded frame", f);
        } else {
            n_nosync++;
            if (vc_check_desc(&pe.held.desc, pe.held.snapshot, d.refimg, d.fw, d.fh))
                exact_nosync++;
            else
                VC_CHECK(0, "frame %d: export, read without sync (ffmpeg 5.1): not the "
                         "decoded frame", f);
        }
        vc_held_release(&pe.held);
    }
    fprintf(stderr, "export-pending: %dx%d, %d exports of a pending decode; export+sync+read "
            "%d/%d byte-exact, export+read (no sync) %d/%d byte-exact\n", w, h,
            pe.pending_seen, exact_sync, n_sync, exact_nosync, n_nosync);
    VC_CHECK(pe.status_fail == 0, "vaQuerySurfaceStatus failed");
    /* the test means something only if decodes were still running at export time */
    VC_CHECK(pe.pending_seen > 0, "no export met a pending decode");
    VC_CHECK(exact_sync == n_sync && exact_nosync == n_nosync && n_sync + n_nosync == st.n,
             "exports of pending decodes");
    vc_dec_fini(&d);
    vc_close(&drv);
    vc_stream_free(&st);
}

/* ---- orphans: frames outliving their CAPTURE queue ---- */

struct kept {
    VASurfaceID s;
    vpx_image_t *ref; /* libvpx image of the last frame decoded into s (NULL: none) */
    unsigned w, h;
};

static void kept_note(struct kept *k, int n, VASurfaceID s, const struct vc_dec *d)
{
    for (int i = 0; i < n; i++)
        if (k[i].s == s) {
            if (k[i].ref)
                vpx_img_free(k[i].ref);
            k[i].ref = vc_image_copy(d->refimg);
            k[i].w = d->fw;
            k[i].h = d->fh;
        }
}

static void kept_free(struct kept *k, int n)
{
    for (int i = 0; i < n; i++)
        if (k[i].ref)
            vpx_img_free(k[i].ref);
}

/* Reads surface k through vaGetImage, vaDeriveImage and both export layouts; counts the
 * byte-exact reads (4 per surface). */
static int check_kept(struct vc_driver *drv, const struct kept *k, const char *what)
{
    int ok = 0;
    if (vc_check_image(drv, k->s, k->ref, k->w, k->h, false))
        ok++;
    else
        VC_CHECK(0, "%s: surface 0x%x (%ux%u): vaGetImage differs or failed", what, k->s,
                 k->w, k->h);
    if (vc_check_image(drv, k->s, k->ref, k->w, k->h, true))
        ok++;
    else
        VC_CHECK(0, "%s: surface 0x%x (%ux%u): vaDeriveImage differs or failed", what, k->s,
                 k->w, k->h);
    for (int composed = 0; composed < 2; composed++) {
        struct vc_held e;
        if (vc_export_map(drv, k->s, composed, &e) < 0) {
            VC_CHECK(0, "%s: surface 0x%x: export (%s) failed", what, k->s,
                     composed ? "composed" : "separate");
            continue;
        }
        if (e.desc.width == k->w && e.desc.height == k->h &&
            vc_check_desc(&e.desc, e.maps, k->ref, k->w, k->h))
            ok++;
        else
            VC_CHECK(0, "%s: surface 0x%x: export %ux%u (want %ux%u) or content differs",
                     what, k->s, e.desc.width, e.desc.height, k->w, k->h);
        vc_held_release(&e);
    }
    return ok;
}

/* end_parked = false ("orphan"): the second context (320x240) fits the destroyed context's
 * CAPTURE format and continues its parked VP9 session; true ("orphan-end"): it is larger
 * (352x288), the parked session ends at vaCreateContext and every frame it held becomes
 * orphaned memory. Both: the old frames stay readable throughout, and everything is freed
 * with the last surface. */
static void test_orphan(bool end_parked)
{
    struct vc_driver drv;
    struct vc_dec d, d2;
    struct vc_stream st = {0}, st2 = {0};
    struct kept k[VC_MAX_SURF];
    struct vc_held early;
    VAImage dimg;
    int n_surf = 8, reads = 0, want = 0, exact2 = 0;
    long fds0, maps0, fds1, maps1;
    char stats[] = "/tmp/vareq-orphan-stats-XXXXXX";
    int sfd = mkstemp(stats);

    VC_CHECK(sfd >= 0, "mkstemp");
    close(sfd);
    setenv("VAREQ_STATS_FILE", stats, 1);
    memset(k, 0, sizeof(k));
    /* 352x288, then a keyframe at 320x240 inside the same context (in-stream change) */
    VC_CHECK(vc_encode(&st, 352, 288, 10, 100, 31) == 0, "encode");
    /* the keyframe only: the test client reuses few surfaces, older ones must keep frames */
    VC_CHECK(vc_encode(&st, 320, 240, 1, 100, 32) == 0, "encode");
    unsigned w2 = end_parked ? 352 : 320, h2 = end_parked ? 288 : 240;
    long spares = getenv("VAREQ_POOL_SPARES") ? atol(getenv("VAREQ_POOL_SPARES")) : 4;
    long orphaned_parked = 0;
    VC_CHECK(vc_encode(&st2, w2, h2, 6, 100, 33) == 0, "encode");
    VC_CHECK(vc_open(&drv, driver_path) == 0, "open");
    fds0 = count_dir("/proc/self/fd");
    maps0 = count_lines("/proc/self/maps");
    if (vc_dec_init(&d, &drv, 352, 288, n_surf, 0, 0) < 0) {
        VC_CHECK(0, "decoder");
        return;
    }
    for (int i = 0; i < n_surf; i++)
        k[i].s = d.surf[i];
    for (int f = 0; f < st.n; f++) {
        VASurfaceID t;
        VAStatus s = vc_decode(&d, &st.f[f], &t);
        VC_CHECK(s == VA_STATUS_SUCCESS, "decode %d: %s", f, vaErrorStr(s));
        kept_note(k, n_surf, t, &d);
    }
    /* surfaces still holding a 352x288 frame, read after the in-stream size change */
    for (int i = 0; i < n_surf; i++)
        if (k[i].ref && k[i].w == 352) {
            reads += check_kept(&drv, &k[i], "after in-stream size change");
            want += 4;
        }
    VC_CHECK(want > 0, "no surface kept a frame from before the size change");
    /* taken before the destroy: a derived image (mapped) and an export (imported) */
    VC_CHECK(drv.vt.vaDeriveImage(&drv.ctx, d.last, &dimg) == VA_STATUS_SUCCESS, "derive");
    VC_CHECK(vc_export_map(&drv, d.last, true, &early) == 0, "export");

    VC_CHECK(drv.vt.vaDestroyContext(&drv.ctx, d.vctx) == VA_STATUS_SUCCESS, "DestroyContext");
    {
        long orphaned = vc_json_field(stats, "capture_buffers_orphaned");
        long live = vc_json_field(stats, "capture_buffers_live");
        fprintf(stderr, "orphan: after DestroyContext: %ld CAPTURE buffers live, %ld orphaned\n",
                live, orphaned);
        /* VP9 with surfaces holding frames: the V4L2 session is parked (docs/architecture.md
         * "VP9 reference scaling"): its pool stays, exactly surfaces + spares, no more; the
         * frames of the in-stream size change stay orphaned */
        VC_CHECK(live == n_surf + spares, "parked session: CAPTURE buffers live after "
                 "DestroyContext: %ld (want surfaces %d + spares %ld)", live, n_surf, spares);
        VC_CHECK(orphaned > 0 && orphaned <= n_surf, "orphaned buffers %ld", orphaned);
        orphaned_parked = orphaned;
    }
    /* the derived image and the export taken before still show the last frame */
    for (int i = 0; i < n_surf; i++)
        if (k[i].s == d.last) {
            void *map = NULL;
            VC_CHECK(early.live && vc_check_desc(&early.desc, early.maps, k[i].ref, k[i].w,
                                                 k[i].h), "export held across DestroyContext");
            VC_CHECK(drv.vt.vaMapBuffer(&drv.ctx, dimg.buf, &map) == VA_STATUS_SUCCESS && map,
                     "derived image mapped across DestroyContext");
            if (map) {
                const uint8_t *p = map;
                bool same = true;
                for (unsigned r = 0; r < k[i].h && same; r++)
                    same = !memcmp(p + dimg.offsets[0] + (size_t)r * dimg.pitches[0],
                                   k[i].ref->planes[0] + (size_t)r * (unsigned)k[i].ref->stride[0],
                                   k[i].w);
                VC_CHECK(same, "derived image (luma) across DestroyContext");
                drv.vt.vaUnmapBuffer(&drv.ctx, dimg.buf);
            }
        }
    vc_held_release(&early);
    drv.vt.vaDestroyImage(&drv.ctx, dimg.image_id);

    /* ffmpeg on a size change: a new context (new surfaces, another size) decodes while
     * the old surfaces are read */
    VC_CHECK(vc_dec_init(&d2, &drv, w2, h2, 6, 0, 0) == 0, "second decoder");
    {
        long orphaned = vc_json_field(stats, "capture_buffers_orphaned");
        long live = vc_json_field(stats, "capture_buffers_live");
        fprintf(stderr, "orphan: second context %ux%u: %ld CAPTURE buffers live, %ld "
                "orphaned\n", w2, h2, live, orphaned);
        if (end_parked) {
            /* the parked session ended (the stats file is written then, before the new
             * context's pool exists): none of its buffers is live, its frames moved to
             * orphaned memory */
            VC_CHECK(live == 0, "ended parked session: CAPTURE buffers live %ld", live);
            VC_CHECK(orphaned > orphaned_parked && orphaned <= orphaned_parked + n_surf,
                     "ended parked session: orphaned %ld (before %ld)", orphaned,
                     orphaned_parked);
        } else {
            /* the parked session continues: the same pool */
            VC_CHECK(live == n_surf + spares, "continued session: CAPTURE buffers live %ld",
                     live);
            VC_CHECK(orphaned == orphaned_parked, "continued session: orphaned %ld (before "
                     "%ld)", orphaned, orphaned_parked);
        }
    }
    for (int f = 0; f < st2.n; f++) {
        VASurfaceID t;
        VAStatus s = vc_decode(&d2, &st2.f[f], &t);
        VC_CHECK(s == VA_STATUS_SUCCESS, "second context decode %d: %s", f, vaErrorStr(s));
        exact2 += vc_check_getimage(&d2, t);
        if (f < n_surf && k[f].ref) {
            reads += check_kept(&drv, &k[f], "after DestroyContext");
            want += 4;
        }
    }
    for (int i = st2.n; i < n_surf; i++)
        if (k[i].ref) {
            reads += check_kept(&drv, &k[i], "after DestroyContext");
            want += 4;
        }
    /* a surface that never held a frame still has none */
    for (int i = 0; i < n_surf; i++)
        if (!k[i].ref) {
            VAImageFormat fmt = {.fourcc = VA_FOURCC_NV12};
            VAImage img;
            if (drv.vt.vaCreateImage(&drv.ctx, &fmt, 64, 64, &img) == VA_STATUS_SUCCESS) {
                VC_CHECK(drv.vt.vaGetImage(&drv.ctx, k[i].s, 0, 0, 64, 64, img.image_id) ==
                             VA_STATUS_ERROR_INVALID_SURFACE, "never-decoded surface read");
                drv.vt.vaDestroyImage(&drv.ctx, img.image_id);
            }
        }
    fprintf(stderr, "orphan: %d/%d reads of kept frames byte-exact (GetImage, DeriveImage, "
            "export composed + separate); second context %d/%d byte-exact\n",
            reads, want, exact2, st2.n);
    VC_CHECK(reads == want, "kept frames readable");
    VC_CHECK(exact2 == st2.n, "second context");
    vc_dec_fini(&d2);
    VC_CHECK(drv.vt.vaDestroySurfaces(&drv.ctx, d.surf, d.n_surf) == VA_STATUS_SUCCESS,
             "DestroySurfaces");
    drv.vt.vaDestroyConfig(&drv.ctx, d.cfg);
    vpx_codec_destroy(&d.ref);
    fds1 = count_dir("/proc/self/fd");
    maps1 = count_lines("/proc/self/maps");
    fprintf(stderr, "orphan: fds %ld -> %ld, mappings %ld -> %ld\n", fds0, fds1, maps0, maps1);
    VC_CHECK(fds1 == fds0, "fds left after destroying the surfaces");
    VC_CHECK(maps1 == maps0, "mappings left after destroying the surfaces");
    {
        /* the last frame-holding surface is gone: no parked session, nothing live */
        long orphaned = vc_json_field(stats, "capture_buffers_orphaned");
        long live = vc_json_field(stats, "capture_buffers_live");
        VC_CHECK(live == 0 && orphaned == 0, "after the last surface: live %ld, orphaned %ld",
                 live, orphaned);
    }
    vc_close(&drv);
    {
        long orphaned = vc_json_field(stats, "capture_buffers_orphaned");
        long live = vc_json_field(stats, "capture_buffers_live");
        VC_CHECK(orphaned == 0 && live == 0, "after terminate: live %ld, orphaned %ld", live,
                 orphaned);
    }
    unlink(stats);
    unsetenv("VAREQ_STATS_FILE");
    kept_free(k, n_surf);
    vc_stream_free(&st);
    vc_stream_free(&st2);
}

static void test_orphan_reuse(void)
{
    struct vc_driver drv;
    struct vc_dec d;
    struct vc_stream st = {0}, st2 = {0};
    struct kept k[VC_MAX_SURF];
    int n_surf = 8, reads = 0, want = 0, exact = 0, exported = 0;
    long fds0 = 0, maps0 = 0, fds1, maps1;

    memset(k, 0, sizeof(k));
    VC_CHECK(vc_encode(&st, 176, 144, 12, 100, 41) == 0, "encode");
    VC_CHECK(vc_encode(&st2, 176, 144, 40, 10, 42) == 0, "encode");
    VC_CHECK(vc_open(&drv, driver_path) == 0, "open");
    for (int round = 0; round < 3; round++) {
        struct vc_stream *s = round ? &st2 : &st;
        /* round 0 creates the surfaces; rounds 1, 2: a new context on the same surfaces */
        if (round == 0) {
            if (vc_dec_init(&d, &drv, 176, 144, n_surf, 0, 0) < 0) {
                VC_CHECK(0, "decoder");
                return;
            }
            for (int i = 0; i < n_surf; i++)
                k[i].s = d.surf[i];
        } else {
            VAStatus cs = drv.vt.vaCreateContext(&drv.ctx, d.cfg, 176, 144, VA_PROGRESSIVE,
                                                 d.surf, d.n_surf, &d.vctx);
            VC_CHECK(cs == VA_STATUS_SUCCESS, "CreateContext on the same surfaces: %s",
                     vaErrorStr(cs));
            /* attached to the new context, not decoded yet: the old frames */
            for (int i = 0; i < n_surf; i++)
                if (k[i].ref) {
                    reads += check_kept(&drv, &k[i], "new context, before decoding");
                    want += 4;
                }
            /* a fresh decoder state for the new stream */
            vpx_codec_destroy(&d.ref);
            VC_CHECK(vpx_codec_dec_init(&d.ref, vpx_codec_vp9_dx(), NULL, 0) == 0, "vpx");
            vp9_parser_init(&d.ps);
            for (int i = 0; i < 8; i++)
                d.slots[i] = VA_INVALID_SURFACE;
            d.last = VA_INVALID_SURFACE;
        }
        for (int f = 0; f < s->n; f++) {
            VASurfaceID t;
            struct vc_held e;
            VAStatus r = vc_decode(&d, &s->f[f], &t);
            VC_CHECK(r == VA_STATUS_SUCCESS, "round %d decode %d: %s", round, f, vaErrorStr(r));
            kept_note(k, n_surf, t, &d);
            exact += vc_check_getimage(&d, t);
            if (vc_export_map(&drv, t, true, &e) == 0) {
                exported += vc_check_desc(&e.desc, e.maps, d.refimg, d.fw, d.fh);
                vc_held_release(&e);
            }
        }
        /* untouched surfaces keep older frames, the others the new ones */
        VC_CHECK(drv.vt.vaDestroyContext(&drv.ctx, d.vctx) == VA_STATUS_SUCCESS, "destroy");
        for (int i = 0; i < n_surf; i++)
            if (k[i].ref) {
                reads += check_kept(&drv, &k[i], "after DestroyContext");
                want += 4;
            }
        if (round == 1) { /* no context, the surfaces keep their frames */
            fds0 = count_dir("/proc/self/fd");
            maps0 = count_lines("/proc/self/maps");
        }
    }
    fds1 = count_dir("/proc/self/fd");
    maps1 = count_lines("/proc/self/maps");
    fprintf(stderr, "orphan-reuse: %d/%d kept-frame reads byte-exact; %d/%d decodes "
            "byte-exact (GetImage), %d/%d (export); fds %ld -> %ld, mappings %ld -> %ld\n",
            reads, want, exact, st.n + 2 * st2.n, exported, st.n + 2 * st2.n, fds0, fds1,
            maps0, maps1);
    VC_CHECK(reads == want, "kept frames");
    VC_CHECK(exact == st.n + 2 * st2.n && exported == exact, "decodes on reused surfaces");
    /* same surfaces, same number of orphans (one per surface at most) after each round */
    VC_CHECK(fds1 == fds0 && maps1 == maps0, "fds/mappings grew across contexts");
    VC_CHECK(drv.vt.vaDestroySurfaces(&drv.ctx, d.surf, d.n_surf) == VA_STATUS_SUCCESS,
             "DestroySurfaces");
    drv.vt.vaDestroyConfig(&drv.ctx, d.cfg);
    vpx_codec_destroy(&d.ref);
    vc_close(&drv);
    kept_free(k, n_surf);
    vc_stream_free(&st);
    vc_stream_free(&st2);
}

/* A child decodes 5 frames with VAREQ_STATS_FILE set and leaves without vaTerminate:
 * how = 0: exit(); 1: dlclose of the driver then _exit() (no exit handlers);
 * 2: vaTerminate, then exit() (the destructor must not rewrite or break it). */
static void test_stats_exit(void)
{
    for (int how = 0; how < 3; how++) {
        char stats[] = "/tmp/vareq-exit-stats-XXXXXX";
        int sfd = mkstemp(stats), status = 0;
        pid_t pid;

        VC_CHECK(sfd >= 0, "mkstemp");
        close(sfd);
        unlink(stats);
        pid = fork();
        if (pid == 0) {
            struct vc_driver drv;
            struct vc_dec d;
            struct vc_stream st = {0};
            setenv("VAREQ_STATS_FILE", stats, 1);
            if (vc_encode(&st, 64, 64, 5, 30, 5) < 0 || vc_open(&drv, driver_path) < 0 ||
                vc_dec_init(&d, &drv, 64, 64, 4, 0, 0) < 0)
                _exit(3);
            for (int f = 0; f < st.n; f++)
                if (vc_decode(&d, &st.f[f], NULL) != VA_STATUS_SUCCESS)
                    _exit(4);
            if (how == 0)
                exit(0);
            if (how == 1) {
                void *h = dlopen(driver_path, RTLD_NOW | RTLD_NOLOAD);
                if (!h)
                    _exit(5);
                dlclose(h); /* ours */
                dlclose(h); /* vc_open's */
                h = dlopen(driver_path, RTLD_NOW | RTLD_NOLOAD);
                _exit(h ? 6 : 0); /* 6: not unloaded, the check cannot run */
            }
            vc_close(&drv);
            exit(0);
        }
        VC_CHECK(pid > 0, "fork");
        if (pid <= 0)
            continue;
        waitpid(pid, &status, 0);
        if (how == 1 && WIFEXITED(status) && WEXITSTATUS(status) == 6) {
            fprintf(stderr, "stats-exit: the driver stayed loaded after dlclose; dlclose case "
                    "not checked\n");
            unlink(stats);
            continue;
        }
        VC_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d status 0x%x", how,
                 status);
        {
            long decoded = vc_json_field(stats, "decoded");
            fprintf(stderr, "stats-exit: %s: stats file says decoded %ld\n",
                    how == 0 ? "exit() without vaTerminate"
                             : how == 1 ? "dlclose without vaTerminate"
                                        : "vaTerminate then exit()",
                    decoded);
            VC_CHECK(decoded == 5, "case %d: decoded %ld in the stats file", how, decoded);
        }
        unlink(stats);
    }
}

struct thread_arg {
    struct vc_driver *drv;
    int idx;
    int exact, total;
};

static void *decode_thread(void *p)
{
    struct thread_arg *a = p;
    static const unsigned sizes[4][2] = {{176, 144}, {320, 240}, {256, 128}, {352, 288}};
    struct vc_stream st = {0};
    struct vc_dec d;

    if (vc_encode(&st, sizes[a->idx][0], sizes[a->idx][1], 30, 10, 10 + a->idx) < 0 ||
        vc_dec_init(&d, a->drv, sizes[a->idx][0], sizes[a->idx][1], 8, 0, 0) < 0) {
        VC_CHECK(0, "thread %d setup", a->idx);
        return NULL;
    }
    for (int f = 0; f < st.n; f++) {
        VASurfaceID t;
        if (vc_decode(&d, &st.f[f], &t) == VA_STATUS_SUCCESS)
            a->exact += vc_check_getimage(&d, t);
        a->total++;
    }
    vc_dec_fini(&d);
    vc_stream_free(&st);
    return NULL;
}

static void test_threads(void)
{
    struct vc_driver drv;
    struct thread_arg a[4];
    pthread_t t[4];

    VC_CHECK(vc_open(&drv, driver_path) == 0, "open");
    for (int i = 0; i < 4; i++) {
        a[i] = (struct thread_arg){.drv = &drv, .idx = i};
        VC_CHECK(pthread_create(&t[i], NULL, decode_thread, &a[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        fprintf(stderr, "thread %d: %d/%d byte-exact\n", i, a[i].exact, a[i].total);
        VC_CHECK(a[i].exact == a[i].total && a[i].total == 30, "thread %d", i);
    }
    vc_close(&drv);
}

int main(int argc, char **argv)
{
    const char *mode;
    long spares = getenv("VAREQ_POOL_SPARES") ? atol(getenv("VAREQ_POOL_SPARES")) : 4;

    if (argc < 3) {
        fprintf(stderr, "usage: %s DRIVER.so hold|hold-bound|export-once|memory|resize|resize-stream|threads|"
                "orphan|orphan-end|orphan-reuse|export-pending|stats-exit [vp9|vp8]\n",
                argv[0]);
        return 2;
    }
    driver_path = argv[1];
    mode = argv[2];
    /* optional codec (default VP9): vp8 runs the pool, export and resize modes on VP8 */
    if (!vc_codec_arg(argc > 3 ? argv[3] : NULL))
        return 2;
    setenv("VAREQ_DEVICE", "sim", 0);
    if (!strcmp(mode, "hold")) {
        setenv("VAREQ_POOL_POLICY", "decoupled", 1);
        for (long n = 1; n <= spares; n++)
            VC_CHECK(hold_run((int)n, 40) == 0, "decoupled pool: frames changed while held %ld frame times", n);
    } else if (!strcmp(mode, "hold-bound")) {
        int changed;
        setenv("VAREQ_POOL_POLICY", "bound", 1);
        changed = hold_run((int)spares, 40);
        /* comparison: the 1:1 binding rewrites memory a consumer still holds */
        VC_CHECK(changed > 0, "bound policy did not tear (changed %d): the test cannot tell "
                 "the policies apart", changed);
    } else if (!strcmp(mode, "export-once")) {
        test_export_once();
    } else if (!strcmp(mode, "memory")) {
        test_memory();
    } else if (!strcmp(mode, "resize")) {
        test_resize();
    } else if (!strcmp(mode, "resize-stream")) {
        test_resize_stream();
    } else if (!strcmp(mode, "threads")) {
        test_threads();
    } else if (!strcmp(mode, "orphan")) {
        test_orphan(false);
    } else if (!strcmp(mode, "orphan-end")) {
        test_orphan(true);
    } else if (!strcmp(mode, "orphan-reuse")) {
        test_orphan_reuse();
    } else if (!strcmp(mode, "export-pending")) {
        test_export_pending();
    } else if (!strcmp(mode, "stats-exit")) {
        test_stats_exit();
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    return check_exit(mode, vc_failures);
}
