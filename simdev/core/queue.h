/* A vb2-like buffer queue: MMAP buffers backed by memfds (one per plane), DMABUF buffers
 * backed by the client's fds (mapped at QBUF), buffer states, ordering. */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_MAX_BUFFERS 32u
#define SIM_MAX_PLANES 2u
#define SIM_CAPTURE_OFF_BASE (1u << 30) /* like v4l2-mem2mem's DST_QUEUE_OFF_BASE */

struct sim_request;

enum sim_buf_state {
    SIM_BUF_DEQUEUED = 0, /* owned by userspace */
    SIM_BUF_IN_REQUEST,   /* bound to a request that is not queued yet */
    SIM_BUF_QUEUED,       /* owned by the driver, waiting */
    SIM_BUF_ACTIVE,       /* being decoded */
    SIM_BUF_DONE,         /* finished, waiting for DQBUF */
};

struct sim_buf_plane {
    int memfd;           /* MMAP: own memfd; DMABUF: simdev's dup of the client's fd; -1 */
    uint8_t *map;        /* simdev's own shared mapping (NULL: DMABUF not attached yet) */
    size_t length;       /* bytes of memory (MMAP: allocated; DMABUF: size of the fd) */
    size_t min_length;   /* DMABUF: the format's plane size when the buffer was created */
    uint32_t mem_offset; /* MMAP: the mmap() cookie */
    int user_fd;         /* DMABUF: the fd given at the last QBUF (reported back) */
    uint32_t bytesused;
    uint32_t data_offset;
};

struct sim_buffer {
    unsigned index;
    unsigned num_planes;
    uint32_t memory;     /* V4L2_MEMORY_MMAP or V4L2_MEMORY_DMABUF */
    struct sim_buf_plane planes[SIM_MAX_PLANES];
    bool prepared;       /* PREPARE_BUF done, not queued yet */
    bool hold_capture;   /* OUTPUT: queued with V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF */
    bool held;           /* CAPTURE: kept for the next slice of the same frame (is_held) */
    bool hang;           /* OUTPUT: fault "never": its request never completes */

    enum sim_buf_state state;
    uint64_t order; /* queue / done order */

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
    uint32_t memory;   /* of the allocated buffers (0 when none) */
    struct sim_buffer *bufs[SIM_MAX_BUFFERS];
    uint32_t next_offset;
    uint32_t sequence;
    uint64_t order_counter;
    struct v4l2_pix_format_mplane fmt;
};

void sim_queue_init(struct sim_queue *q, unsigned type);

/* Allocates up to count buffers of nplanes planes of sizes[] bytes (lock held); DMABUF
 * buffers get their memory at QBUF. Returns the number created (>= 0) or a negative
 * errno when none could be created. */
int sim_queue_alloc(struct sim_queue *q, uint32_t memory, unsigned count, unsigned nplanes,
                    const size_t sizes[]);

/* DMABUF: attaches fd to plane p of buf (dup + mmap), replacing an older attachment.
 * -EINVAL when fd is not mappable or smaller than the plane must be. */
int sim_buffer_attach_dmabuf(struct sim_buffer *buf, unsigned p, int fd);

/* Frees every buffer. The caller has cancelled the queue first. */
void sim_queue_free_all(struct sim_queue *q);

struct sim_buffer *sim_queue_buffer(struct sim_queue *q, unsigned index);

/* Oldest buffer in the given state (by order), NULL if none. */
struct sim_buffer *sim_queue_oldest(struct sim_queue *q, enum sim_buf_state state);

unsigned sim_queue_count_state(const struct sim_queue *q, enum sim_buf_state state);

/* Buffer (and plane) whose mem_offset == offset, NULL if none. */
struct sim_buffer *sim_queue_by_offset(struct sim_queue *q, uint32_t offset, unsigned *plane);


/* Fills v4l2_buffer b (multi-planar; b->m.planes validated by the caller). */
void sim_queue_fill_buffer(const struct sim_queue *q, const struct sim_buffer *buf,
                           struct v4l2_buffer *b);

#endif
