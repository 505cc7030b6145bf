/* A decoding context: one open() of the video node (like a v4l2_m2m_ctx). */
#ifndef SIM_CONTEXT_H
#define SIM_CONTEXT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ctrls.h"
#include "queue.h"

struct sim_request;
struct sim_vp9;

struct sim_ctx {
    int fd;
    int oflags;
    struct sim_config cfg;
    struct sim_queue out;
    struct sim_queue cap;
    struct sim_ctrl_vals cur; /* current control values */

    /* Requests with objects of this context (not owned; see request.c). */
    struct sim_request **reqs;
    size_t nreqs, reqs_cap;
    uint64_t req_order;

    /* Worker. */
    pthread_t worker;
    bool worker_started;
    pthread_cond_t wake; /* worker waits here; also signalled when a job ends */
    bool stop;
    bool job_running;
    unsigned waiters; /* threads blocked in DQBUF or waiting for the job to end */
    struct sim_vp9 *vp9;
};

/* open() of the video node. Returns fd or -errno. */
int sim_ctx_open(int oflags);
/* close() of a video fd (entry already removed from the fd table). Lock held on entry
 * and on return (dropped while joining the worker). */
void sim_ctx_release(struct sim_ctx *ctx);

struct sim_queue *sim_ctx_queue(struct sim_ctx *ctx, unsigned type);

int sim_ctx_add_request(struct sim_ctx *ctx, struct sim_request *req);
void sim_ctx_remove_request(struct sim_ctx *ctx, struct sim_request *req);

/* Wakes the worker when a job might be ready. */
void sim_ctx_kick(struct sim_ctx *ctx);
/* Waits until no job is running (lock held). */
void sim_ctx_wait_idle(struct sim_ctx *ctx);

/* Returns every buffer of q to DEQUEUED (STREAMOFF / REQBUFS semantics), completing
 * queued requests and unbinding idle ones. Waits for a running job first. */
void sim_ctx_cancel_queue(struct sim_ctx *ctx, struct sim_queue *q);

/* Video node ioctls / poll state. */
int sim_video_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg);
int sim_video_buf_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg, bool *handled);
int sim_video_ctrl_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg, bool *handled);
short sim_video_poll_events(struct sim_ctx *ctx, short requested);

/* Worker thread entry. */
void *sim_worker_main(void *arg);

#endif
