/* Media requests (model of drivers/media/mc/mc-request.c). All functions: lock held. */
#ifndef SIM_REQUEST_H
#define SIM_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "ctrls.h"

struct sim_ctx;

enum sim_req_state {
    SIM_REQ_IDLE = 0,
    SIM_REQ_QUEUED,
    SIM_REQ_COMPLETE,
};

struct sim_request {
    int fd;              /* -1 once userspace closed it */
    enum sim_req_state state;
    struct sim_ctx *ctx; /* context whose objects are bound (NULL: empty request) */
    uint64_t out_mask;   /* OUTPUT buffer indices bound to the request */
    bool has_ctrls;      /* a control object (handler) is bound; vals is allocated */
    /* The request's control values: set flags mark what the request sets; once complete,
     * every value the frame was decoded with (G_EXT_CTRLS of a completed request). */
    struct sim_ctrl_set vals;
    uint64_t order;      /* queue order within its context */
};

/* Allocates a request and its fd (MEDIA_IOC_REQUEST_ALLOC). Returns fd or -errno. */
int sim_request_alloc(void);

/* Request fd ioctls. */
int sim_request_ioctl(struct sim_request *req, unsigned long cmd, void *arg);

/* userspace closed the request fd. */
void sim_request_release_fd(struct sim_request *req);

/* Binds req to ctx (first object). -EINVAL if bound to another context. */
int sim_request_bind(struct sim_request *req, struct sim_ctx *ctx);

/* Binds the request's control handler: allocates vals as a copy of ctx's current values
 * with no set flags (first S_EXT_CTRLS into the request). 0 or -errno. */
int sim_request_bind_ctrls(struct sim_request *req, struct sim_ctx *ctx);

/* Marks a queued request complete (its objects done) and frees it if orphaned. */
void sim_request_complete(struct sim_request *req);

/* Drops all objects of req (buffers back to DEQUEUED when not yet queued). */
void sim_request_clean(struct sim_request *req);

/* Context going away: detach req from it (completing it when queued). */
void sim_request_detach_ctx(struct sim_request *req);

/* Looks up a request fd. NULL if fd is not a request. */
struct sim_request *sim_request_from_fd(int fd);

#endif
