/* A vb2-like buffer queue: MMAP buffers backed by memfds, buffer states, ordering. */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_MAX_BUFFERS 32u
#define SIM_CAPTURE_OFF_BASE (1u << 30) /* like v4l2-mem2mem's DST_QUEUE_OFF_BASE */

struct sim_request;

enum sim_buf_state {
    SIM_BUF_DEQUEUED = 0, /* owned by userspace */
    SIM_BUF_IN_REQUEST,   /* bound to a request that is not queued yet */
    SIM_BUF_QUEUED,       /* owned by the driver, waiting */
    SIM_BUF_ACTIVE,       /* being decoded */
    SIM_BUF_DONE,         /* finished, waiting for DQBUF */
};

struct sim_buffer {
    unsigned index;
    int memfd;
    uint8_t *map; /* simdev's own shared mapping of the memfd */
    size_t length;
    uint32_t mem_offset;

    enum sim_buf_state state;
    uint64_t order; /* queue / done order */

    uint32_t bytesused;
    uint32_t data_offset;
    struct timeval timestamp;
    uint64_t ts_ns;
    bool has_ts;       /* a timestamp was copied into this CAPTURE buffer */
    bool error;
    uint32_t sequence;
    uint32_t user_flags; /* TIMECODE etc. copied on QBUF */

    struct sim_request *req; /* OUTPUT: bound request (IN_REQUEST / QUEUED / ACTIVE) */
    int request_fd;          /* fd given at QBUF, reported back, -1 otherwise */

    uint32_t dec_width, dec_height; /* CAPTURE: frame decoded into this buffer */
};

struct sim_queue {
    unsigned type;
    bool streaming;
    unsigned count;
    struct sim_buffer *bufs[SIM_MAX_BUFFERS];
    uint32_t next_offset;
    uint32_t sequence;
    uint64_t order_counter;
    struct v4l2_pix_format_mplane fmt;
};

void sim_queue_init(struct sim_queue *q, unsigned type);

/* Allocates up to count buffers of size bytes each (lock held). Returns the number
 * created (>= 0) or a negative errno when none could be created. */
int sim_queue_alloc(struct sim_queue *q, unsigned count, size_t size);

/* Frees every buffer. The caller has cancelled the queue first. */
void sim_queue_free_all(struct sim_queue *q);

struct sim_buffer *sim_queue_buffer(struct sim_queue *q, unsigned index);

/* Oldest buffer in the given state (by order), NULL if none. */
struct sim_buffer *sim_queue_oldest(struct sim_queue *q, enum sim_buf_state state);

unsigned sim_queue_count_state(const struct sim_queue *q, enum sim_buf_state state);

/* Buffer whose mem_offset == offset, NULL if none. */
struct sim_buffer *sim_queue_by_offset(struct sim_queue *q, uint32_t offset);

/* Capabilities reported by REQBUFS/CREATE_BUFS. */
uint32_t sim_queue_caps(const struct sim_queue *q);

/* Fills v4l2_buffer b (multi-planar; b->m.planes validated by the caller). */
void sim_queue_fill_buffer(const struct sim_queue *q, const struct sim_buffer *buf,
                           struct v4l2_buffer *b);

#endif
