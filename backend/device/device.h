/* Device layer: the I/O seam providers, media-topology discovery, V4L2 helpers and the
 * CAPTURE memory pool. Every device access of the driver goes through a vareq_sysops. */
#ifndef VAREQ_DEVICE_H
#define VAREQ_DEVICE_H

#include <linux/videodev2.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vareq/sysops.h>

#define VAREQ_MAX_DECODERS 8
#define VAREQ_MAX_DEC_FORMATS 16
#define VAREQ_PATH_MAX 128

/* ---- seam providers (sysops_kernel.c, sysops_sim.c, sysops.c) ---- */
const struct vareq_sysops *vareq_sysops_kernel(void);
/* dlopens libvareq-simdev.so (see sysops_sim.c for the search order); NULL on failure */
const struct vareq_sysops *vareq_sysops_sim(void);
/* Selects the provider from VAREQ_DEVICE (kernel|sim); name gets "kernel" or "sim". */
const struct vareq_sysops *vareq_sysops_select(char *name, size_t len);

/* Process-wide counters of the seam (atomics in sysops_kernel.c), counted by both providers:
 * the simdev table is wrapped so that each call is counted before it is forwarded. */
struct vareq_seam_counts {
    unsigned long opens, ioctls, polls, mmaps, munmaps;
};
enum vareq_seam_op { VAREQ_SEAM_OPEN, VAREQ_SEAM_IOCTL, VAREQ_SEAM_POLL, VAREQ_SEAM_MMAP,
                     VAREQ_SEAM_MUNMAP, VAREQ_SEAM_N_OPS };
void vareq_seam_count(enum vareq_seam_op op);
void vareq_seam_counts_get(struct vareq_seam_counts *out);

/* ---- discovery.c ---- */
#define VAREQ_MAX_CAP_FORMATS 16

struct vareq_decoder_format {
    uint32_t pixfmt;
    unsigned min_w, max_w, min_h, max_h; /* ENUM_FRAMESIZES, or TRY_FMT clamping */
    /* CAPTURE formats enumerated after S_FMT(OUTPUT, pixfmt) */
    uint32_t cap_fmts[VAREQ_MAX_CAP_FORMATS];
    unsigned n_cap_fmts;
};

struct vareq_decoder {
    char media_path[VAREQ_PATH_MAX];
    char video_path[VAREQ_PATH_MAX];
    bool mplane; /* multi-planar M2M API; false: single-planar (V4L2_CAP_VIDEO_M2M) */
    struct vareq_decoder_format fmts[VAREQ_MAX_DEC_FORMATS];
    unsigned n_fmts;
};

/* Finds stateless decoders; returns how many were written to out. */
unsigned vareq_discover(const struct vareq_sysops *ops, struct vareq_decoder *out,
                        unsigned max);

/* ---- v4l2.c ---- */
/* ioctl through the seam, retried on EINTR; -1/errno on failure */
int vq_ioctl(const struct vareq_sysops *ops, int fd, unsigned long req, void *arg);
int vq_poll1(const struct vareq_sysops *ops, int fd, short events, int timeout_ms,
             short *revents);
const char *vq_fourcc(uint32_t f, char buf[8]);

/* Buffer type of a queue: the multi-planar API (mplane) or the single-planar one. Every
 * helper below takes such a type and builds its structures for that API. */
uint32_t vq_queue_type(bool mplane, bool capture);
/* S_FMT / TRY_FMT (pix in: the request, out: the answer) and G_FMT, as a
 * v4l2_pix_format_mplane on either API (single-planar: num_planes 1, plane_fmt[0]). */
int v4l2_s_fmt(const struct vareq_sysops *ops, int fd, uint32_t type,
               struct v4l2_pix_format_mplane *pix);
int v4l2_try_fmt(const struct vareq_sysops *ops, int fd, uint32_t type,
                 struct v4l2_pix_format_mplane *pix);
int v4l2_g_fmt(const struct vareq_sysops *ops, int fd, uint32_t type,
               struct v4l2_pix_format_mplane *pix);
/* ENUM_FMT of a queue into out[max]; returns how many. */
unsigned v4l2_enum_formats(const struct vareq_sysops *ops, int fd, uint32_t type,
                           uint32_t *out, unsigned max);
int v4l2_query_ctrl(const struct vareq_sysops *ops, int fd, uint32_t id,
                    struct v4l2_query_ext_ctrl *out);
int v4l2_reqbufs(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned *count);
/* The same; *caps (when not NULL): the queue's V4L2_BUF_CAP_* capabilities as REQBUFS
 * reported them (0 from drivers older than Linux 4.20, which report none). */
int v4l2_reqbufs_caps(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned *count,
                      uint32_t *caps);
int v4l2_querybuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                  uint32_t *offset, uint32_t *length);
/* QUERYBUF of a buffer with up to *n_planes memory planes; *n_planes gets the count. */
int v4l2_querybuf_planes(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                         unsigned *n_planes, uint32_t *offset, uint32_t *length);
int v4l2_stream(const struct vareq_sysops *ops, int fd, uint32_t type, bool on);
/* QBUF of an MMAP buffer with one memory plane. request_fd < 0: no request. flags: more
 * V4L2_BUF_FLAG_* to set (V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF), usually 0. */
int v4l2_qbuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
              size_t bytesused, uint64_t ts_ns, int request_fd, uint32_t flags);
/* QBUF of an MMAP buffer with n_planes memory planes (bytesused set on plane 0 only). */
int v4l2_qbuf_planes(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                     unsigned n_planes, size_t bytesused, uint64_t ts_ns, int request_fd);
/* DQBUF; fills index and flags. -1/EAGAIN when none is ready. */
int v4l2_dqbuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned *index,
               uint32_t *flags, uint64_t *ts_ns);
int v4l2_expbuf(const struct vareq_sysops *ops, int fd, uint32_t type, unsigned index,
                unsigned plane, int flags);
int media_request_alloc(const struct vareq_sysops *ops, int media_fd);
int media_request_queue(const struct vareq_sysops *ops, int req_fd);
struct timeval;
void vq_ns_to_timeval(uint64_t ns, struct timeval *tv);
uint64_t vq_timeval_to_ns(const struct timeval *tv);

/* ---- pool.c: CAPTURE memory ---- */
struct vareq_surface;

#define VAREQ_SLOT_MAX_PLANES 2

struct vareq_slot {
    unsigned index;          /* V4L2 CAPTURE buffer index */
    unsigned n_mem;          /* memory planes (1: NV12/P010, 2: NV12M) */
    void *map[VAREQ_SLOT_MAX_PLANES];
    size_t length[VAREQ_SLOT_MAX_PLANES];
    int dmabuf_fd[VAREQ_SLOT_MAX_PLANES]; /* our own EXPBUF fds (fence waits), -1 if none */
    struct vareq_surface *owner; /* surface whose frame this memory holds, or NULL */
    struct vareq_surface *sharer; /* a second surface showing the same frame (a codec's
                                   * display surface, AV1 film grain), or NULL; set only
                                   * with owner */
    uint64_t export_seq;     /* 0 = never exported; otherwise when last exported */
    uint64_t release_seq;    /* when it last returned to the pool */
    unsigned pending_refs;   /* pending requests naming it as a reference */
    bool queued;             /* queued at the device (being decoded into) */
    bool tainted;            /* the frame decoded last into it is not known good: its
                              * request failed at the device (error flag, timeout, queue
                              * reset) or predicted from such a frame (va/request.c) */
    atomic_uint pins;        /* derived images mapping it (changed under drv->lock) */
};

struct vareq_pool {
    const struct vareq_sysops *ops;
    int fd;
    uint32_t type;
    struct vareq_slot *slots;
    unsigned n;
    unsigned n_mem;          /* memory planes per buffer (from QUERYBUF) */
    uint64_t release_counter;
    unsigned fence_waits, fence_timeouts; /* counters (ctx->lock) */
};

/* CAPTURE memory detached from its pool ("orphaned"): a surface keeps reading its last
 * frame after the queue was freed (vaDestroyContext, in-stream size change). vb2 keeps MMAP
 * memory alive after REQBUFS(0)/close while a mapping or an exported dma-buf refers to it
 * (simdev's memfd-backed buffers behave the same); this struct holds both. */
struct vareq_orphan_mem {
    unsigned n_mem;
    void *map[VAREQ_SLOT_MAX_PLANES];
    size_t length[VAREQ_SLOT_MAX_PLANES];
    int fd[VAREQ_SLOT_MAX_PLANES]; /* dma-buf fd per plane (-1 if EXPBUF failed) */
};

/* Process-wide count of CAPTURE buffers currently allocated by the driver (all contexts). */
unsigned vareq_pool_live_buffers(void);
/* Process-wide count of orphaned CAPTURE buffers still held (not part of any pool). */
unsigned vareq_pool_orphaned_buffers(void);
/* Highest value vareq_pool_live_buffers() has had. */
unsigned vareq_pool_peak_buffers(void);

/* REQBUFS(count) + QUERYBUF + mmap of every memory plane (n_mem expected planes).
 * 0 or -1/errno. */
int vareq_pool_init(struct vareq_pool *p, const struct vareq_sysops *ops, int fd,
                    uint32_t type, unsigned count, unsigned n_mem);
/* munmap, close own fds, REQBUFS(0). */
void vareq_pool_fini(struct vareq_pool *p);
bool vareq_slot_free(const struct vareq_slot *s);
/* Free slot never exported first, then the least recently exported; NULL if none. */
struct vareq_slot *vareq_pool_pick(struct vareq_pool *p);
/* Surface `who` stops holding the slot's frame: a sharer just leaves; an owner leaving
 * hands the frame to the sharer, or, without one, releases the slot to the pool. */
void vareq_slot_leave(struct vareq_pool *p, struct vareq_slot *s, const struct vareq_surface *who);
/* EXPBUF of every memory plane for a consumer (the caller owns fds[0..n_mem-1]); also keeps
 * one fd per plane for fence waits. 0 or -1 (no fd left open). */
int vareq_pool_export(struct vareq_pool *p, struct vareq_slot *s, uint64_t seq, int *fds);
/* Moves the slot's mappings and dma-buf fds (EXPBUF of the planes that have none yet) into
 * out, before vareq_pool_fini frees the queue: the slot keeps no memory afterwards. The
 * slot must not be queued. */
void vareq_pool_orphan(struct vareq_pool *p, struct vareq_slot *s, struct vareq_orphan_mem *out);
/* munmap + close of orphaned memory. */
void vareq_orphan_mem_free(const struct vareq_sysops *ops, struct vareq_orphan_mem *m);
/* New dma-buf fds (O_CLOEXEC duplicates; the caller owns them) of every plane of orphaned
 * memory. 0 or -1 (no fd left open). */
int vareq_orphan_mem_dup(const struct vareq_sysops *ops, const struct vareq_orphan_mem *m,
                         int *fds);
/* Before writing memory that was exported: wait until readers' fences signal
 * (poll(POLLOUT) on the dma-buf of every plane, bounded by timeout_ms). Returns 0 when
 * idle, 1 when it timed out (memory reused anyway, logged), -1 when it cannot tell. */
int vareq_pool_wait_readers(struct vareq_pool *p, struct vareq_slot *s, int timeout_ms);

#endif
