/* poll() over any mix of simdev fds (video, request, media) and foreign fds. */
#include "poll.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "context.h"
#include "device.h"
#include "fences.h"
#include "format.h"
#include "request.h"

/* Like v4l2_m2m_poll(): with POLLIN/POLLOUT requested, POLLERR when neither queue is
 * streaming with buffers owned by the driver, POLLOUT when an OUTPUT buffer is done,
 * POLLIN when a CAPTURE buffer is; POLLPRI when an event is pending. */
short sim_video_poll_events(struct sim_ctx *ctx, short requested)
{
    short ev = 0;
    if (ctx->nevents > 0)
        ev |= POLLPRI;
    if (!(requested & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)))
        return ev & (requested | POLLERR | POLLHUP);
    unsigned out_q = ctx->out.count - sim_queue_count_state(&ctx->out, SIM_BUF_DEQUEUED) -
                     sim_queue_count_state(&ctx->out, SIM_BUF_IN_REQUEST);
    unsigned cap_q = ctx->cap.count - sim_queue_count_state(&ctx->cap, SIM_BUF_DEQUEUED);

    if ((!ctx->out.streaming || out_q == 0) && (!ctx->cap.streaming || cap_q == 0))
        return (short)(POLLERR | (ev & requested));
    if (sim_queue_count_state(&ctx->out, SIM_BUF_DONE))
        ev |= POLLOUT | POLLWRNORM;
    if (sim_queue_count_state(&ctx->cap, SIM_BUF_DONE))
        ev |= POLLIN | POLLRDNORM;
    return ev & (requested | POLLERR | POLLHUP);
}

/* Like media_request_poll(). */
static short request_poll_events(const struct sim_request *req, short requested)
{
    if (!(requested & POLLPRI))
        return 0;
    if (req->state == SIM_REQ_COMPLETE)
        return POLLPRI;
    if (req->state != SIM_REQ_QUEUED)
        return POLLERR;
    return 0;
}

/* Fills revents of simdev fds (lock held); returns the number of ready fds and marks
 * foreign ones in *foreign. */
static int scan(struct pollfd *fds, nfds_t nfds, bool *foreign)
{
    int ready = 0;
    *foreign = false;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        const struct sim_fd_entry *e = sim_fd_lookup(fds[i].fd);
        if (!e) {
            *foreign = true;
            continue;
        }
        if (sim_dev_gone()) {
            fds[i].revents = POLLERR | POLLHUP;
            ready++;
            continue;
        }
        switch (e->type) {
        case SIM_OBJ_VIDEO:
            fds[i].revents = sim_video_poll_events(e->obj, fds[i].events);
            break;
        case SIM_OBJ_REQUEST:
            fds[i].revents = request_poll_events(e->obj, fds[i].events);
            break;
        case SIM_OBJ_MEDIA:
            break; /* the media node never signals */
        }
        if (fds[i].revents)
            ready++;
    }
    return ready;
}

/* Polls the foreign fds without blocking; returns the count ready, or -1/errno. */
static int poll_foreign(struct pollfd *fds, nfds_t nfds)
{
    int ready = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        if (fds[i].fd < 0 || sim_fd_lookup(fds[i].fd))
            continue;
        short fr = 0;
        if (sim_fence_poll(fds[i].fd, fds[i].events, &fr)) {
            fds[i].revents = fr; /* exported buffer memory: its fences decide */
            ready += fr != 0;
            continue;
        }
        struct pollfd one = { .fd = fds[i].fd, .events = fds[i].events };
        int r = poll(&one, 1, 0);
        if (r < 0)
            return -1;
        fds[i].revents = one.revents;
        ready += r > 0;
    }
    return ready;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

int sim_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    struct timespec deadline = { 0, 0 };
    if (nfds > 0 && !fds) {
        errno = EFAULT;
        return -1;
    }
    if (timeout_ms > 0)
        sim_deadline_ms(&deadline, timeout_ms);

    sim_lock();
    for (;;) {
        bool foreign;
        int ready = scan(fds, nfds, &foreign);
        if (foreign) {
            int f = poll_foreign(fds, nfds);
            if (f < 0) {
                int err = errno;
                sim_unlock();
                errno = err;
                return -1;
            }
            ready += f;
        }
        if (ready > 0 || timeout_ms == 0) {
            sim_unlock();
            return ready;
        }
        /* Foreign fds cannot wake us: re-check them at least every 5 ms. */
        struct timespec wake;
        if (foreign) {
            sim_deadline_ms(&wake, 5);
            if (timeout_ms > 0 && before(&deadline, &wake))
                wake = deadline;
        } else {
            wake = deadline;
        }
        int r = sim_event_wait(timeout_ms < 0 && !foreign ? NULL : &wake);
        if (r == ETIMEDOUT && timeout_ms > 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (!before(&now, &deadline)) {
                /* Last look, then report the timeout. */
                ready = scan(fds, nfds, &foreign);
                if (foreign && ready == 0) {
                    int f = poll_foreign(fds, nfds);
                    ready += f > 0 ? f : 0;
                }
                sim_unlock();
                return ready;
            }
        } else if (r && r != ETIMEDOUT) {
            sim_unlock();
            errno = r;
            return -1;
        }
    }
}
