/* VA-level robustness tests through the driver (dlopen) on simdev. One mode per run
 * (argv[2]); argv[1] is the driver, VAREQ_SIMDEV_LIB names the simdev library the driver
 * loads (the test opens the same one to reach exported buffers' fences through the seam).
 *   fence          a compositor-like consumer holds every exported frame for HOLD_MS behind
 *                  an unsignalled reader fence (DMA_BUF_IOCTL_IMPORT_SYNC_FILE, modelled by
 *                  simdev): the driver never writes a frame's memory while its fence is
 *                  unsignalled, it waits (decodes block) instead, every frame is byte-exact;
 *                  with VAREQ_EXPORT_MODE=sticky (every decode into an exported surface
 *                  goes to the exported memory) and auto (per-frame exporter)
 *   fence-timeout  a reader fence that never signals: each decode that needs the memory
 *                  waits VAREQ_FENCE_TIMEOUT_MS, logs, counts fence_timeouts and goes on
 *                  (no hang), frames stay byte-exact
 *   faults         for each device fault simdev injects (VAREQ_SIM_FAULTS: ioctl errnos,
 *                  CAPTURE buffer ERROR flag, requests completing late or never, the device
 *                  disappearing): the VA call returns an error status, the driver logs an
 *                  error line, the context stays usable and the next keyframe decodes
 *                  byte-exact (device gone: a new context after the device is back)
 *   stale-ref      a decode that fails before reaching the device leaves its surface
 *                  without a frame: later frames referencing it fail, never decode from
 *                  the surface's older frame
 *   tainted        a decode that failed at the device (error flag, timeout, DQBUF error
 *                  and queue reset) taints its frame: every later frame predicted from it,
 *                  directly or through another, reports an error up to the next keyframe,
 *                  which decodes byte-exact; no success with other pixels than libvpx's
 * argv[3] (optional): the codec of the streams, vp9 (default) or vp8. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <vareq/sysops.h>

#include "va_client.h"

static const char *driver_path;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* simdev's seam table: the instance the driver loaded (same path, same handle). */
static const struct vareq_sysops *sim_ops(void)
{
    const char *path = getenv("VAREQ_SIMDEV_LIB");
    void *h;
    vareq_simdev_sysops_fn fn;

    if (!path || !*path) {
        fprintf(stderr, "VAREQ_SIMDEV_LIB is not set\n");
        return NULL;
    }
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return NULL;
    }
    fn = (vareq_simdev_sysops_fn)dlsym(h, VAREQ_SIMDEV_SYSOPS_SYMBOL);
    return fn ? fn() : NULL;
}

/* A reader fence on every object of an exported frame; returns the fence (an eventfd the
 * test signals) or -1. */
static int add_reader_fence(const struct vareq_sysops *ops, struct vc_held *h)
{
    int fence = eventfd(0, EFD_CLOEXEC);
    if (fence < 0)
        return -1;
    for (unsigned o = 0; o < h->desc.num_objects; o++) {
        struct dma_buf_import_sync_file imp = {.flags = DMA_BUF_SYNC_READ, .fd = fence};
        if (ops->ioctl(h->desc.objects[o].fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp) < 0) {
            fprintf(stderr, "IMPORT_SYNC_FILE: %s\n", strerror(errno));
            close(fence);
            return -1;
        }
    }
    return fence;
}

static void signal_fence(int fence)
{
    uint64_t one = 1;
    if (write(fence, &one, sizeof(one)) != sizeof(one))
        VC_CHECK(0, "signal fence: %s", strerror(errno));
    close(fence);
}

/* ---- stderr capture (the driver's log lines) ---- */

struct errcap {
    int saved;
    char path[40];
};

static void errcap_begin(struct errcap *c)
{
    int fd;
    fflush(stderr);
    snprintf(c->path, sizeof(c->path), "/tmp/vareq-robust-log-XXXXXX");
    fd = mkstemp(c->path);
    c->saved = dup(2);
    if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
    }
}

/* Restores stderr, prints what was captured (bounded) and counts lines containing key. */
static int errcap_end(struct errcap *c, const char *key)
{
    char line[1200];
    int n = 0, shown = 0;
    FILE *f;

    fflush(stderr);
    dup2(c->saved, 2);
    close(c->saved);
    f = fopen(c->path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        n += strstr(line, key) != NULL;
        if (shown++ < 12)
            fprintf(stderr, "  | %s", line);
    }
    if (shown > 12)
        fprintf(stderr, "  | ... (%d lines)\n", shown);
    fclose(f);
    unlink(c->path);
    return n;
}

/* ---- fence ---- */

#define HOLD_MS 120.0
#define RING 64

struct fence_run {
    struct vc_driver *drv;
    const struct vareq_sysops *ops;
    struct vc_stream *st;
    pthread_mutex_t lock;
    struct vc_held held[RING];
    int fence[RING];
    double t_export[RING];
    int head, tail; /* ring of frames the consumer holds */
    int exact, waited, done;
    double max_ms;
};

static void *fence_decoder(void *p)
{
    struct fence_run *r = p;
    struct vc_dec d;

    if (vc_dec_init(&d, r->drv, 176, 144, 4, 0, 0) < 0) {
        VC_CHECK(0, "decoder");
        goto out;
    }
    for (int f = 0; f < r->st->n; f++) {
        VASurfaceID t;
        struct vc_held h;
        double t0 = now_ms(), dt;
        VAStatus s = vc_decode(&d, &r->st->f[f], &t);
        int fence;

        dt = now_ms() - t0;
        VC_CHECK(s == VA_STATUS_SUCCESS, "decode %d: %s", f, vaErrorStr(s));
        r->waited += dt >= HOLD_MS / 3;
        if (dt > r->max_ms)
            r->max_ms = dt;
        if (vc_export_map(r->drv, t, true, &h) < 0) {
            VC_CHECK(0, "export %d", f);
            continue;
        }
        h.frame = f;
        if (vc_check_desc(&h.desc, h.maps, d.refimg, d.fw, d.fh))
            r->exact++;
        else
            VC_CHECK(0, "frame %d differs from libvpx", f);
        fence = add_reader_fence(r->ops, &h);
        VC_CHECK(fence >= 0 && vc_held_snapshot(&h) == 0, "fence/snapshot of frame %d", f);
        pthread_mutex_lock(&r->lock);
        if (r->head - r->tail >= RING || fence < 0) {
            pthread_mutex_unlock(&r->lock);
            VC_CHECK(0, "consumer ring full at frame %d", f);
            if (fence >= 0)
                signal_fence(fence);
            vc_held_release(&h);
            continue;
        }
        r->held[r->head % RING] = h;
        r->fence[r->head % RING] = fence;
        r->t_export[r->head % RING] = now_ms();
        r->head++;
        pthread_mutex_unlock(&r->lock);
    }
    vc_dec_fini(&d);
out:
    pthread_mutex_lock(&r->lock);
    r->done = 1;
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* One run: the decoder thread decodes and exports, this thread is the consumer. Returns
 * the number of frames whose memory changed while their fence was unsignalled. */
static int fence_run(const struct vareq_sysops *ops, const char *mode, int n_frames)
{
    struct vc_driver drv;
    struct vc_stream st = {0};
    struct fence_run r;
    pthread_t th;
    int changed = 0;
    char stats[] = "/tmp/vareq-fence-stats-XXXXXX";
    int sfd = mkstemp(stats);

    VC_CHECK(sfd >= 0, "mkstemp");
    close(sfd);
    setenv("VAREQ_STATS_FILE", stats, 1);
    setenv("VAREQ_EXPORT_MODE", mode, 1);
    memset(&r, 0, sizeof(r));
    pthread_mutex_init(&r.lock, NULL);
    r.drv = &drv;
    r.ops = ops;
    r.st = &st;
    if (vc_encode(&st, 176, 144, n_frames, 10, 51) < 0 || vc_open(&drv, driver_path) < 0) {
        VC_CHECK(0, "setup");
        return -1;
    }
    VC_CHECK(pthread_create(&th, NULL, fence_decoder, &r) == 0, "pthread_create");
    for (;;) {
        bool finished;
        pthread_mutex_lock(&r.lock);
        while (r.tail < r.head && now_ms() - r.t_export[r.tail % RING] >= HOLD_MS) {
            struct vc_held *h = &r.held[r.tail % RING];
            /* still fenced: the driver must not have written it */
            int c = vc_held_changed(h);
            if (c) {
                fprintf(stderr, "  frame %d was rewritten while its reader fence was "
                        "unsignalled\n", h->frame);
                changed++;
            }
            signal_fence(r.fence[r.tail % RING]);
            vc_held_release(h);
            r.tail++;
        }
        finished = r.done && r.tail == r.head;
        pthread_mutex_unlock(&r.lock);
        if (finished)
            break;
        usleep(2000);
    }
    pthread_join(th, NULL);
    vc_close(&drv);
    {
        long waits = vc_json_field(stats, "fence_waits");
        long timeouts = vc_json_field(stats, "fence_timeouts");
        fprintf(stderr, "fence (%s): %d/%d frames byte-exact, %d rewritten while fenced, %d "
                "decodes waited >= %.0f ms (longest %.0f ms); stats: fence_waits %ld, "
                "fence_timeouts %ld\n", mode, r.exact, st.n, changed, r.waited, HOLD_MS / 3,
                r.max_ms, waits, timeouts);
        VC_CHECK(r.exact == st.n, "%s: frames byte-exact", mode);
        VC_CHECK(changed == 0, "%s: memory written while a reader fence was unsignalled", mode);
        /* the consumer holds every frame HOLD_MS: with 4 surfaces + 1 spare the pool runs
         * out of unfenced memory, so decodes must have waited for the fences */
        VC_CHECK(r.waited > 0, "%s: no decode waited for a reader fence", mode);
        VC_CHECK(waits > 0 && timeouts == 0, "%s: fence_waits %ld, fence_timeouts %ld", mode,
                 waits, timeouts);
    }
    unlink(stats);
    unsetenv("VAREQ_STATS_FILE");
    unsetenv("VAREQ_EXPORT_MODE");
    vc_stream_free(&st);
    pthread_mutex_destroy(&r.lock);
    return changed;
}

static void test_fence(void)
{
    const struct vareq_sysops *ops;

    setenv("VAREQ_POOL_SPARES", "1", 1);
    setenv("VAREQ_FENCE_TIMEOUT_MS", "20000", 1); /* never reached: the consumer signals */
    /* the driver loads simdev at vaInitialize: open once so the table below is its own */
    {
        struct vc_driver drv;
        if (vc_open(&drv, driver_path) < 0) {
            VC_CHECK(0, "open");
            return;
        }
        vc_close(&drv);
    }
    ops = sim_ops();
    if (!ops) {
        VC_CHECK(0, "simdev sysops");
        return;
    }
    fence_run(ops, "sticky", 24);
    fence_run(ops, "auto", 24);
}

static void test_fence_timeout(void)
{
    const int timeout_ms = 150, n_frames = 12;
    const struct vareq_sysops *ops;
    struct vc_driver drv;
    struct vc_dec d;
    struct vc_stream st = {0};
    struct vc_held held[16];
    int fences[16], n_held = 0, exact = 0, long_waits = 0, lines;
    double max_ms = 0;
    char stats[] = "/tmp/vareq-fence-stats-XXXXXX", tmo[16];
    int sfd = mkstemp(stats);
    struct errcap cap;

    VC_CHECK(sfd >= 0, "mkstemp");
    close(sfd);
    snprintf(tmo, sizeof(tmo), "%d", timeout_ms);
    setenv("VAREQ_STATS_FILE", stats, 1);
    setenv("VAREQ_FENCE_TIMEOUT_MS", tmo, 1);
    setenv("VAREQ_EXPORT_MODE", "sticky", 1); /* decodes go to the exported memory */
    if (vc_encode(&st, 176, 144, n_frames, 10, 52) < 0 || vc_open(&drv, driver_path) < 0 ||
        !(ops = sim_ops()) || vc_dec_init(&d, &drv, 176, 144, 4, 0, 0) < 0) {
        VC_CHECK(0, "setup");
        return;
    }
    errcap_begin(&cap);
    for (int f = 0; f < st.n; f++) {
        VASurfaceID t;
        double t0 = now_ms(), dt;
        VAStatus s = vc_decode(&d, &st.f[f], &t);
        dt = now_ms() - t0;
        if (dt > max_ms)
            max_ms = dt;
        long_waits += dt >= timeout_ms;
        VC_CHECK(s == VA_STATUS_SUCCESS, "decode %d: %s", f, vaErrorStr(s));
        exact += vc_check_getimage(&d, t);
        /* a reader that never finishes: each surface exported once, fenced for good */
        if (n_held < 16 && f < 4 && vc_export_map(&drv, t, true, &held[n_held]) == 0) {
            fences[n_held] = add_reader_fence(ops, &held[n_held]);
            VC_CHECK(fences[n_held] >= 0, "fence");
            n_held++;
        }
    }
    lines = errcap_end(&cap, "VAREQ_FENCE_TIMEOUT_MS");
    vc_dec_fini(&d);
    vc_close(&drv);
    {
        long timeouts = vc_json_field(stats, "fence_timeouts");
        fprintf(stderr, "fence-timeout: %d/%d byte-exact, %d decodes waited >= %d ms "
                "(longest %.0f ms), %ld fence timeouts counted, %d log lines\n", exact, st.n,
                long_waits, timeout_ms, max_ms, timeouts, lines);
        VC_CHECK(exact == st.n, "frames byte-exact");
        VC_CHECK(long_waits > 0, "no decode waited for the fence");
        VC_CHECK(max_ms < timeout_ms * 2 + 2000, "a decode took %.0f ms (hang?)", max_ms);
        VC_CHECK(timeouts > 0 && timeouts == lines, "fence_timeouts %ld, log lines %d",
                 timeouts, lines);
    }
    for (int i = 0; i < n_held; i++) {
        if (fences[i] >= 0)
            signal_fence(fences[i]);
        vc_held_release(&held[i]);
    }
    unlink(stats);
    unsetenv("VAREQ_STATS_FILE");
    unsetenv("VAREQ_EXPORT_MODE");
    vc_stream_free(&st);
}

/* ---- faults ---- */

struct fault_case {
    const char *faults;  /* VAREQ_SIM_FAULTS */
    VAStatus want;       /* status of the failing decode (0: any error) */
};

#define KF_DIST 6
#define FAULT_FRAMES 18

/* Decodes the stream in a context opened with the fault; returns the number of checks
 * that failed (0 = pass). */
static void fault_case_run(struct vc_driver *drv, const struct vc_stream *st,
                           const struct fault_case *fc)
{
    struct vc_dec d;
    struct errcap cap;
    VAStatus status[FAULT_FRAMES];
    bool exact[FAULT_FRAMES];
    int first_fail = -1, fails = 0, lines, recovered = -1;

    setenv("VAREQ_SIM_FAULTS", fc->faults, 1);
    if (vc_dec_init(&d, drv, 176, 144, 6, 0, 0) < 0) {
        unsetenv("VAREQ_SIM_FAULTS");
        VC_CHECK(0, "%s: context setup failed", fc->faults);
        return;
    }
    unsetenv("VAREQ_SIM_FAULTS");
    errcap_begin(&cap);
    for (int f = 0; f < st->n && f < FAULT_FRAMES; f++) {
        VASurfaceID t;
        status[f] = vc_decode(&d, &st->f[f], &t);
        exact[f] = status[f] == VA_STATUS_SUCCESS && vc_check_getimage(&d, t);
        if (status[f] != VA_STATUS_SUCCESS) {
            fails++;
            if (first_fail < 0)
                first_fail = f;
        }
    }
    lines = errcap_end(&cap, "vareq: error");
    for (int f = 0; f < st->n && f < FAULT_FRAMES; f++)
        fprintf(stderr, "%c", status[f] != VA_STATUS_SUCCESS ? 'E' : exact[f] ? '=' : 'x');
    fprintf(stderr, "  %s: %d failed decodes (first %d: %s), %d error log lines\n",
            fc->faults, fails, first_fail,
            first_fail >= 0 ? vaErrorStr(status[first_fail]) : "-", lines);
    VC_CHECK(first_fail >= 0, "%s: no decode failed", fc->faults);
    if (first_fail >= 0) {
        VC_CHECK(!fc->want || status[first_fail] == fc->want, "%s: status %s, want %s",
                 fc->faults, vaErrorStr(status[first_fail]), vaErrorStr(fc->want));
        VC_CHECK(lines >= fails, "%s: %d failures but %d error log lines", fc->faults, fails,
                 lines);
        for (int f = 0; f < first_fail; f++)
            VC_CHECK(exact[f], "%s: frame %d before the fault", fc->faults, f);
        /* the context is still usable: the next keyframe decodes byte-exact */
        for (int k = (first_fail / KF_DIST + 1) * KF_DIST; k < FAULT_FRAMES; k += KF_DIST)
            if (status[k] == VA_STATUS_SUCCESS) {
                recovered = k;
                break;
            }
        VC_CHECK(recovered >= 0 && exact[recovered], "%s: no keyframe after the fault "
                 "decoded byte-exact (%d)", fc->faults, recovered);
        if (recovered >= 0 && recovered != (first_fail / KF_DIST + 1) * KF_DIST)
            fprintf(stderr, "  (the fault hit again; keyframe %d recovered)\n", recovered);
    }
    vc_dec_fini(&d);
}

/* The device disappears mid-stream: errors, no hang; once the context is gone (every
 * device fd closed) the device is back and a new context decodes byte-exact. */
static void fault_disappear(struct vc_driver *drv, const struct vc_stream *st)
{
    struct vc_dec d, d2;
    struct errcap cap;
    int fails = 0, lines, exact = 0;
    double t0 = now_ms();

    setenv("VAREQ_SIM_FAULTS", "disappear-after=120", 1);
    if (vc_dec_init(&d, drv, 176, 144, 6, 0, 0) < 0) {
        unsetenv("VAREQ_SIM_FAULTS");
        VC_CHECK(0, "disappear: context setup");
        return;
    }
    unsetenv("VAREQ_SIM_FAULTS");
    errcap_begin(&cap);
    for (int f = 0; f < st->n && f < FAULT_FRAMES; f++) {
        VASurfaceID t;
        VAStatus s = vc_decode(&d, &st->f[f], &t);
        fails += s != VA_STATUS_SUCCESS;
        exact += s == VA_STATUS_SUCCESS && vc_check_getimage(&d, t);
    }
    lines = errcap_end(&cap, "vareq: error");
    fprintf(stderr, "  disappear-after=120: %d failed decodes, %d byte-exact before, %d error "
            "log lines, %.0f ms\n", fails, exact, lines, now_ms() - t0);
    VC_CHECK(fails > 0 && exact > 0, "disappear: the device never disappeared mid-stream");
    VC_CHECK(lines >= fails, "disappear: %d failures, %d log lines", fails, lines);
    /* as ffmpeg does it on a size change or a new stream: the context goes, its surfaces
     * (holding frames decoded before the device went) stay until later. A VP9 session is
     * then parked (va/park.c) -- unless its device is gone or requests failed: this one
     * must end, so that its fds close and the device comes back */
    VC_CHECK(drv->vt.vaDestroyContext(&drv->ctx, d.vctx) == VA_STATUS_SUCCESS,
             "disappear: DestroyContext");
    /* re-plugged: a new context (new surfaces) decodes */
    if (vc_dec_init(&d2, drv, 176, 144, 6, 0, 0) < 0) {
        VC_CHECK(0, "disappear: no new context after the device came back");
    } else {
        exact = 0;
        for (int f = 0; f < KF_DIST; f++) {
            VASurfaceID t;
            exact += vc_decode(&d2, &st->f[f], &t) == VA_STATUS_SUCCESS &&
                     vc_check_getimage(&d2, t);
        }
        fprintf(stderr, "  disappear: new context %d/%d byte-exact\n", exact, KF_DIST);
        VC_CHECK(exact == KF_DIST, "disappear: new context");
        vc_dec_fini(&d2);
    }
    VC_CHECK(drv->vt.vaDestroySurfaces(&drv->ctx, d.surf, d.n_surf) == VA_STATUS_SUCCESS,
             "disappear: DestroySurfaces");
    drv->vt.vaDestroyConfig(&drv->ctx, d.cfg);
    vpx_codec_destroy(&d.ref);
}

static void test_faults(void)
{
    /* one decode makes one S_EXT_CTRLS, two QBUF (OUTPUT, CAPTURE), one REQUEST_QUEUE,
     * two DQBUF: the rates put the first hit inside the first group of pictures */
    static const struct fault_case cases[] = {
        {"ioctl:S_EXT_CTRLS:EINVAL:every=4", VA_STATUS_ERROR_DECODING_ERROR},
        {"ioctl:S_EXT_CTRLS:ENOMEM:every=4", VA_STATUS_ERROR_DECODING_ERROR},
        {"ioctl:QBUF:EIO:every=7", 0},
        {"ioctl:QBUF:EINVAL:every=8", 0},
        {"ioctl:REQUEST_QUEUE:EIO:every=4", 0},
        {"ioctl:REQUEST_QUEUE:ENOENT:every=5", 0},
        {"ioctl:DQBUF:EIO:every=7", 0},
        {"ioctl:DQBUF:EPIPE:every=8", 0},
        {"cap-error:every=4", VA_STATUS_ERROR_DECODING_ERROR},
        {"never:every=4", VA_STATUS_ERROR_TIMEDOUT},
        {"late=1500:every=4", VA_STATUS_ERROR_TIMEDOUT},
    };
    struct vc_driver drv;
    struct vc_stream st = {0};

    setenv("VAREQ_DECODE_TIMEOUT_MS", "400", 1);
    setenv("VAREQ_LOG", "error", 1);
    if (vc_encode(&st, 176, 144, FAULT_FRAMES, KF_DIST, 61) < 0 ||
        vc_open(&drv, driver_path) < 0) {
        VC_CHECK(0, "setup");
        return;
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        fault_case_run(&drv, &st, &cases[i]);
    fault_disappear(&drv, &st);
    vc_close(&drv);
    vc_stream_free(&st);
}

/* ---- a decode that fails before reaching the device ----
 * The k-th request's S_EXT_CTRLS fails (simdev fault), so frame k never reaches the
 * device; the client (as ffmpeg) still files the target surface in its reference slots.
 * That surface held an older frame: the driver must not let it stand in. Every later
 * decode either fails or is byte-exact against libvpx -- never success with wrong pixels
 * -- and the failed surface reads fail (vaGetImage, vaSyncSurface). Without invalidating
 * the surface's frame on a failed submit, frame k+1 decodes from the stale frame and
 * reports success. */
#define STALE_FRAMES 16

static void test_stale_ref(void)
{
    struct vc_driver drv;
    struct vc_stream st = {0};
    struct vc_dec d;
    VAStatus status[STALE_FRAMES];
    int first_fail = -1, later_fails = 0, wrong = 0, exact = 0;
    VASurfaceID failed_surface = VA_INVALID_SURFACE;

    setenv("VAREQ_LOG", "error", 1);
    /* one keyframe: nothing after the failure can decode without the lost frame */
    if (vc_encode(&st, 176, 144, STALE_FRAMES, 1000, 71) < 0 || vc_open(&drv, driver_path) < 0) {
        VC_CHECK(0, "setup");
        return;
    }
    /* VP9: one S_EXT_CTRLS at setup (bit depth), then one per frame: the 9th call is
     * frame 7 (VP8: frame 8); the 18th is past the stream */
    setenv("VAREQ_SIM_FAULTS", "ioctl:S_EXT_CTRLS:EINVAL:every=9", 1);
    if (vc_dec_init(&d, &drv, 176, 144, 6, 0, 0) < 0) {
        unsetenv("VAREQ_SIM_FAULTS");
        VC_CHECK(0, "context");
        return;
    }
    unsetenv("VAREQ_SIM_FAULTS");
    for (int f = 0; f < st.n && f < STALE_FRAMES; f++) {
        VASurfaceID t = VA_INVALID_SURFACE;
        status[f] = vc_decode(&d, &st.f[f], &t);
        if (status[f] == VA_STATUS_SUCCESS) {
            if (vc_check_getimage(&d, t))
                exact++;
            else {
                wrong++;
                VC_CHECK(0, "frame %d: decode reported success with wrong pixels", f);
            }
        } else if (first_fail < 0) {
            first_fail = f;
            failed_surface = t;
        } else {
            later_fails++;
        }
        fprintf(stderr, "%c", status[f] != VA_STATUS_SUCCESS ? 'E'
                              : wrong ? 'x' : '=');
    }
    fprintf(stderr, "  stale-ref: first failure at frame %d, %d later failures, %d exact, %d "
            "wrong\n", first_fail, later_fails, exact, wrong);
    VC_CHECK(first_fail > 0, "the fault did not hit a frame after the first");
    VC_CHECK(first_fail < 0 || later_fails > 0, "no later frame depended on the lost one");
    VC_CHECK(wrong == 0, "%d frame(s) decoded from a stale reference", wrong);
    if (failed_surface != VA_INVALID_SURFACE) {
        VAImageFormat fmt = {.fourcc = VA_FOURCC_NV12};
        VAImage img;
        VAStatus ss = drv.vt.vaSyncSurface(&drv.ctx, failed_surface);
        VC_CHECK(ss != VA_STATUS_SUCCESS, "vaSyncSurface of the failed surface succeeded");
        if (drv.vt.vaCreateImage(&drv.ctx, &fmt, 176, 144, &img) == VA_STATUS_SUCCESS) {
            VAStatus gs = drv.vt.vaGetImage(&drv.ctx, failed_surface, 0, 0, 176, 144,
                                            img.image_id);
            VC_CHECK(gs != VA_STATUS_SUCCESS, "vaGetImage of the failed surface read an "
                     "older frame");
            drv.vt.vaDestroyImage(&drv.ctx, img.image_id);
        }
    }
    vc_dec_fini(&d);
    vc_close(&drv);
    vc_stream_free(&st);
}

/* ---- frames predicted from a frame the device failed ----
 * Real decoders (hantro, rkvdec, cedrus) do not check their references: a frame predicted
 * from an error-flagged or cancelled CAPTURE buffer decodes from whatever that memory
 * holds and completes without a flag. The driver must report such frames failed itself
 * (docs/architecture.md "Threads and errors"). simdev refuses an error-flagged reference
 * (no picture), so cap-error shows the device-side failure; after a timeout or a DQBUF
 * error the device's buffer is complete and unflagged, which is where only the driver can
 * tell: without the taint those frames reported success. */
static void tainted_case(struct vc_driver *drv, const struct vc_stream *st, const char *faults)
{
    struct vc_dec d;
    struct errcap cap;
    VAStatus status[FAULT_FRAMES];
    bool exact[FAULT_FRAMES];
    int fails = 0, lines, first_fail = -1;
    char pattern[FAULT_FRAMES + 1];

    setenv("VAREQ_SIM_FAULTS", faults, 1);
    if (vc_dec_init(&d, drv, 176, 144, 6, 0, 0) < 0) {
        unsetenv("VAREQ_SIM_FAULTS");
        VC_CHECK(0, "%s: context setup failed", faults);
        return;
    }
    unsetenv("VAREQ_SIM_FAULTS");
    errcap_begin(&cap);
    for (int f = 0; f < FAULT_FRAMES; f++) {
        VASurfaceID t;
        status[f] = f < st->n ? vc_decode(&d, &st->f[f], &t)
                              : (VAStatus)VA_STATUS_ERROR_UNKNOWN;
        exact[f] = status[f] == VA_STATUS_SUCCESS && vc_check_getimage(&d, t);
        fails += status[f] != VA_STATUS_SUCCESS;
        if (status[f] != VA_STATUS_SUCCESS && first_fail < 0)
            first_fail = f;
        pattern[f] = status[f] != VA_STATUS_SUCCESS ? 'E' : exact[f] ? '=' : 'x';
    }
    pattern[FAULT_FRAMES] = '\0';
    lines = errcap_end(&cap, "vareq: error");
    fprintf(stderr, "%s  tainted, %s: %d failed decodes, %d error log lines\n", pattern,
            faults, fails, lines);
    VC_CHECK(first_fail >= 0, "%s: no decode failed", faults);
    VC_CHECK(lines >= fails, "%s: %d failures, %d error log lines", faults, fails, lines);
    for (int f = 0; f < FAULT_FRAMES; f++) {
        /* the first frame of its group of pictures that failed: every later frame of the
         * group predicts from it (libvpx: each inter frame from the previous one) */
        int gop = f / KF_DIST * KF_DIST, failed_before = -1;
        for (int g = gop; g < f; g++)
            if (status[g] != VA_STATUS_SUCCESS) {
                failed_before = g;
                break;
            }
        VC_CHECK(status[f] != VA_STATUS_SUCCESS || exact[f],
                 "%s: frame %d reported success with pixels other than libvpx's", faults, f);
        VC_CHECK(failed_before < 0 || status[f] != VA_STATUS_SUCCESS,
                 "%s: frame %d reported success although it predicts from frame %d, whose "
                 "decode failed (%s)", faults, f, failed_before, vaErrorStr(status[failed_before]));
        VC_CHECK(f % KF_DIST || exact[f], "%s: keyframe %d did not decode byte-exact", faults, f);
    }
    vc_dec_fini(&d);
}

static void test_tainted(void)
{
    static const char *const faults[] = {
        "cap-error:every=4",       /* the device flags frames 3, 7, 11, 15 */
        "late=1500:every=4",       /* they time out (VAREQ_DECODE_TIMEOUT_MS=400) */
        "ioctl:DQBUF:EIO:every=7", /* DQBUF fails after their completion: queues reset */
    };
    struct vc_driver drv;
    struct vc_stream st = {0};

    setenv("VAREQ_DECODE_TIMEOUT_MS", "400", 1);
    setenv("VAREQ_LOG", "error", 1);
    if (vc_encode(&st, 176, 144, FAULT_FRAMES, KF_DIST, 62) < 0 ||
        vc_open(&drv, driver_path) < 0) {
        VC_CHECK(0, "setup");
        return;
    }
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        tainted_case(&drv, &st, faults[i]);
    vc_close(&drv);
    vc_stream_free(&st);
}

int main(int argc, char **argv)
{
    const char *mode;

    if (argc < 3) {
        fprintf(stderr, "usage: %s DRIVER.so fence|fence-timeout|faults|stale-ref|tainted "
                "[vp9|vp8]\n", argv[0]);
        return 2;
    }
    driver_path = argv[1];
    mode = argv[2];
    /* optional codec of the streams (default VP9) */
    if (!vc_codec_arg(argc > 3 ? argv[3] : NULL))
        return 2;
    setenv("VAREQ_DEVICE", "sim", 0);
    if (!strcmp(mode, "fence")) {
        test_fence();
    } else if (!strcmp(mode, "fence-timeout")) {
        setenv("VAREQ_LOG", "warn", 1);
        test_fence_timeout();
    } else if (!strcmp(mode, "faults")) {
        test_faults();
    } else if (!strcmp(mode, "stale-ref")) {
        test_stale_ref();
    } else if (!strcmp(mode, "tainted")) {
        test_tainted();
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    return check_exit(mode, vc_failures);
}
