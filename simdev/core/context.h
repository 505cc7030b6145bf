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

#define SIM_MAX_CODECS 8u
#define SIM_MAX_SUBS 64u
#define SIM_MAX_EVENTS 32u

struct sim_sub {
    uint32_t type, id, flags;
};

struct sim_ctx {
    int fd;
    int oflags;
    struct sim_config cfg;
    struct sim_queue out;
    struct sim_queue cap;
    /* Codecs this device offers (profile), the one of the OUTPUT format, controls. */
    const struct sim_profile *profile;
    const struct sim_codec *codecs[SIM_MAX_CODECS];
    struct sim_profile_codec pcodecs[SIM_MAX_CODECS]; /* the profile's rules per codec */
    size_t ncodecs;
    const struct sim_codec *codec;    /* codec of the OUTPUT format */
    unsigned bit_depth;               /* 8 or 10: selects the CAPTURE formats */
    struct sim_ctrl_handler hdl;
    struct sim_ctrl_set cur;      /* current control values */
    struct sim_ctrl_set job_ctrls; /* the running job's private copy (worker reads it) */

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
    /* Priority and events (video_events.c). */
    uint32_t prio;
    struct sim_sub subs[SIM_MAX_SUBS];
    unsigned nsubs;
    struct v4l2_event events[SIM_MAX_EVENTS];
    unsigned nevents;
    uint32_t event_sequence;

    /* Fault counters (config.h struct sim_dev_faults). */
    unsigned ioctl_fault_hits[SIM_MAX_IOCTL_FAULTS];
    unsigned ioctl_calls;
    unsigned jobs;      /* worker only */
    unsigned allocs;

    /* Decode engine: created, used and destroyed by the worker thread only. */
    struct sim_engine *engine;
    const struct sim_codec *engine_codec;
};

/* open() of the video node. Returns fd or -errno. */
int sim_ctx_open(int oflags);
/* close() of a video fd (entry already removed from the fd table). Lock held on entry
 * and on return (dropped while joining the worker). */
void sim_ctx_release(struct sim_ctx *ctx);

struct sim_queue *sim_ctx_queue(struct sim_ctx *ctx, unsigned type);

/* The codec of OUTPUT pixel format pixfmt if this device offers it, else NULL. */
const struct sim_codec *sim_ctx_codec(const struct sim_ctx *ctx, uint32_t pixfmt);
/* The profile's rules for codec c of ctx (never NULL for a codec of ctx). */
const struct sim_profile_codec *sim_ctx_pcodec(const struct sim_ctx *ctx,
                                               const struct sim_codec *c);
/* Capabilities reported by REQBUFS/CREATE_BUFS for q. */
uint32_t sim_queue_caps(const struct sim_ctx *ctx, const struct sim_queue *q);
/* The current codec offers V4L2_BUF_CAP_SUPPORTS_M2M_HOLD_CAPTURE_BUF. */
bool sim_ctx_hold_supported(const struct sim_ctx *ctx);
/* VIDIOC_DECODER_CMD / TRY_DECODER_CMD (stateless: FLUSH only). */
int sim_ctx_decoder_cmd(struct sim_ctx *ctx, struct v4l2_decoder_cmd *dc, bool try_only);

/* video_events.c */
void sim_ctx_prio_open(struct sim_ctx *ctx);
void sim_ctx_prio_close(struct sim_ctx *ctx);
uint32_t sim_ctx_prio_max(void);
bool sim_ctx_prio_ok(const struct sim_ctx *ctx);
int sim_ctx_set_prio(struct sim_ctx *ctx, uint32_t prio);
int sim_ctx_subscribe(struct sim_ctx *ctx, struct v4l2_event_subscription *sub, bool on);
int sim_ctx_dqevent(struct sim_ctx *ctx, struct v4l2_event *ev);
/* A control's current value changed (S_CTRL/S_EXT_CTRLS without request). */
void sim_ctx_ctrl_changed(struct sim_ctx *ctx, uint32_t id);

/* Applies the ioctl faults and "disappear-after" to a call of cmd on ctx's objects:
 * 0 (go on) or the negative errno to fail with. Lock held. */
int sim_ctx_fault_ioctl(struct sim_ctx *ctx, unsigned long cmd);

/* Resets both formats to the profile's defaults after open (lock held). */
void sim_ctx_reset_formats(struct sim_ctx *ctx);

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
/* The multi-planar implementation, and the single-planar translation (video_sp.c). */
int sim_video_ioctl_mp(struct sim_ctx *ctx, unsigned long cmd, void *arg);
int sim_video_ioctl_sp(struct sim_ctx *ctx, unsigned long cmd, void *arg);
bool sim_video_known_ioctl(unsigned long cmd);
int sim_video_buf_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg, bool *handled);
int sim_video_ctrl_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg, bool *handled);
short sim_video_poll_events(struct sim_ctx *ctx, short requested);

/* Worker thread entry. */
void *sim_worker_main(void *arg);

#endif
