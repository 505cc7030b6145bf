/* Internal state of the vareq VA-API driver.
 *
 * Locking:
 *  - drv->lock protects the object heaps and the surface<->context attachment
 *    (surface->ctx). It is held only for short sections.
 *  - ctx->lock protects the context's device state, its CAPTURE pool, its pending requests
 *    and the decode state of every surface attached to it (slot, timestamp, pending...).
 *  - Order: a thread holding ctx->lock may take drv->lock; never the reverse.
 *  - Object lifetimes follow the VA contract: an application must not destroy an object
 *    while another thread is using it.
 *  - Orphans (struct vareq_orphan): their refs and every surface->orphan /
 *    buffer->derived_orphan pointer change under drv->lock; the memory is never written
 *    again, so a holder of a reference reads it without a lock.
 *  - Counters are atomics; the stats file is written under a process-wide lock
 *    (driver.c), also at process exit / dlclose for drivers never terminated. */
#ifndef VAREQ_DRIVER_H
#define VAREQ_DRIVER_H

#include <linux/videodev2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <va/va.h>
#include <va/va_backend.h>

#include "codecs/codec.h"
#include "device/device.h"
#include "util/heap.h"
#include "util/log.h"
#include "va/layout.h"

#define VAREQ_VENDOR "vareq V4L2 request API driver 0.1"

#define VAREQ_ID_CONFIG 0x01000000u
#define VAREQ_ID_CONTEXT 0x02000000u
#define VAREQ_ID_SURFACE 0x04000000u
#define VAREQ_ID_BUFFER 0x08000000u
#define VAREQ_ID_IMAGE 0x0c000000u

#define VAREQ_MAX_PROFILES 32
#define VAREQ_MAX_OUTPUT_BUFS 8
#define VAREQ_MAX_REFS 16

struct vareq_context;

struct vareq_stats {
    atomic_ulong decoded;
    atomic_ulong decode_errors;
    atomic_ulong images_read;
    atomic_ulong exports;
    atomic_ulong fence_waits;
    atomic_ulong fence_timeouts;
    atomic_ulong reconfigs;
    atomic_ulong per_profile[VAREQ_MAX_PROFILES]; /* indexed like drv->profiles */
    /* only with VAREQ_STATS_FILE (driver.c): VA calls that do per-frame work, and the
     * calling threads' CPU time inside them (CLOCK_THREAD_CPUTIME_ID) */
    atomic_ulong va_calls;
    atomic_ulong driver_cpu_ns;
};

struct vareq_driver {
    pthread_mutex_t lock;
    const struct vareq_sysops *ops;
    char device_name[16]; /* "kernel" or "sim" */

    struct vareq_decoder decoders[VAREQ_MAX_DECODERS];
    unsigned n_decoders;

    /* advertised profiles (union over decoders) */
    VAProfile profiles[VAREQ_MAX_PROFILES];
    const char *profile_names[VAREQ_MAX_PROFILES];
    unsigned n_profiles;

    struct vareq_heap configs, contexts, surfaces, buffers, images;
    struct vareq_stats stats;
    /* a destroyed VP9 context's V4L2 session kept for the next context (drv->lock;
     * va/context.c "parked V4L2 sessions") */
    struct vareq_context *parked;

    /* configuration (read once at init) */
    unsigned pitch_align;
    unsigned pool_spares;
    bool pool_bound; /* VAREQ_POOL_POLICY=bound */
    int export_mode; /* VAREQ_EXPORT_MODE: VAREQ_EXPORT_AUTO / _STICKY / _FRESH */
    int decode_timeout_ms;
    int fence_timeout_ms;
    bool stats_timing; /* VAREQ_STATS_FILE set: the vtable's per-frame calls are timed */
};

enum { VAREQ_EXPORT_AUTO, VAREQ_EXPORT_STICKY, VAREQ_EXPORT_FRESH };

struct vareq_config {
    VAProfile profile;
    VAEntrypoint entrypoint;
    unsigned rt_format;
    const struct vareq_codec *codec;
    int decoder; /* index in drv->decoders */
};

/* A decoded frame whose CAPTURE memory outlived its queue (vaDestroyContext, in-stream
 * size change): the surface (and derived images) still read it, until the surface is
 * destroyed or decoded into again. Reference-counted under drv->lock. */
struct vareq_orphan {
    unsigned refs;                 /* holders: one surface + derived image buffers */
    const struct vareq_sysops *ops;
    struct vareq_orphan_mem mem;
    struct vareq_layout cap;       /* the layout the frame was decoded in */
    unsigned cap_width, cap_height; /* CAPTURE format size */
    unsigned width, height;        /* the context's coded size then (export size) */
};

struct vareq_surface {
    VASurfaceID id;
    unsigned width, height;
    unsigned rt_format;
    uint32_t fourcc;               /* VA_FOURCC_NV12 or VA_FOURCC_P010 (from rt_format/attribs) */
    /* attachment: written under drv->lock (and the old/new ctx->lock) */
    struct vareq_context *ctx;
    /* decode state, protected by ctx->lock */
    struct vareq_slot *slot;       /* CAPTURE memory holding this surface's frame */
    bool has_frame;                /* slot holds a decoded (or being-decoded) frame */
    uint64_t ts_ns;                /* timestamp of that frame (reference name) */
    uint64_t content_seq;          /* ctx->seq at the last decode submitted into it */
    uint64_t export_seq;           /* ctx->seq at the last export (0 = never) */
    unsigned export_count;         /* exports of this surface */
    uint64_t export_content_seq;   /* content_seq at the last export */
    struct vareq_slot *exported_slot; /* memory the consumer imported at the last export */
    bool export_once;              /* consumer keeps its import: decode into exported_slot */
    struct vareq_request *pending; /* request decoding into it, not completed */
    VAStatus status;               /* result of the last completed decode */
    int bound_index;               /* slot index for VAREQ_POOL_POLICY=bound, or -1 */
    /* the frame the surface held when its memory left the pool (drv->lock); read when the
     * surface holds no frame in a context */
    struct vareq_orphan *orphan;
};

struct vareq_buffer {
    VABufferID id;
    VABufferType type;
    VAContextID context;
    size_t element_size;
    unsigned num_elements;
    size_t size;
    uint8_t *data;       /* owned unless derived */
    bool mapped;
    /* derived image buffer: data points into a CAPTURE slot mapping */
    struct vareq_context *derived_ctx;
    struct vareq_slot *derived_slot;
    /* derived image of orphaned memory: data points into it, one reference held */
    struct vareq_orphan *derived_orphan;
};

struct vareq_image {
    VAImage va;
};

struct vareq_request {
    struct vareq_request *next;
    int fd;               /* media request fd */
    unsigned out_index;   /* OUTPUT buffer */
    struct vareq_slot *slot;
    struct vareq_surface *surface;
    struct vareq_surface *display; /* second surface showing the frame (codec display
                                    * surface, slot->sharer), or NULL */
    uint64_t ts_ns;
    struct vareq_slot *refs[VAREQ_MAX_REFS];
    unsigned n_refs;
    bool continues;       /* completes the frame already in slot (second field) */
    bool part_failed;     /* the device flagged a held request of the same picture */
    int profile_idx; /* index in drv->profiles for stats, or -1 */
};

struct vareq_outbuf {
    void *map;
    size_t length;
    bool busy;
};

/* Picture being assembled between BeginPicture and EndPicture. */
struct vareq_picture {
    struct vareq_surface *target;
    bool active;
    uint8_t *pic_param;
    size_t pic_param_size, pic_param_cap;
    bool have_pic_param;
    struct vareq_va_buf iq_matrix; /* VAIQMatrixBufferType (H.264), data owned, may be NULL */
    struct vareq_va_buf *slice_params;
    unsigned n_slice_params, cap_slice_params;
    struct vareq_va_buf *slice_data;
    unsigned n_slice_data, cap_slice_data;
};

struct vareq_context {
    pthread_mutex_t lock;
    VAContextID id;
    struct vareq_driver *drv;
    const struct vareq_codec *codec;
    VAProfile profile;
    int profile_idx;
    void *codec_state;
    int decoder;

    int video_fd, media_fd;
    /* buffer types of the two queues: *_MPLANE, or the single-planar API's (cedrus);
     * every V4L2 call of the context passes these (device/v4l2.c builds the structs) */
    uint32_t out_type, cap_type;
    unsigned width, height;
    struct v4l2_pix_format_mplane out_fmt; /* as G_FMT reported it (CAPTURE: cap below) */
    unsigned cap_width, cap_height; /* CAPTURE format size (G_FMT) */
    struct vareq_layout cap;        /* CAPTURE memory layout, as G_FMT reported it */
    unsigned bit_depth;             /* 8 or 10: chooses NV12/NV12M or P010 */
    unsigned n_targets;             /* render targets (pool size = targets + spares) */
    unsigned reconfigs;             /* in-stream CAPTURE re-negotiations */
    unsigned failed_requests;       /* decodes that failed (submission or device): such a
                                     * session is never parked (va/park.c) */
    bool ctrl_present[VAREQ_MAX_CTRLS];
    struct v4l2_query_ext_ctrl ctrl_info[VAREQ_MAX_CTRLS]; /* where ctrl_present */

    struct vareq_outbuf out[VAREQ_MAX_OUTPUT_BUFS];
    unsigned n_out;
    /* V4L2_BUF_CAP_* of the OUTPUT queue, as the REQBUFS that allocated out[] reported
     * them. A driver may change them only with the OUTPUT format (hantro sets
     * SUPPORTS_M2M_HOLD_CAPTURE_BUF for H.264 in S_FMT), and S_FMT(OUTPUT) is refused
     * while buffers are allocated, so they hold until free_output_bufs (context.c). */
    uint32_t out_caps;
    struct vareq_pool pool;
    bool streaming;

    struct vareq_request *req_head, *req_tail;
    unsigned n_pending;
    uint64_t ts_counter;
    uint64_t seq;

    struct vareq_picture pic;

    /* lifetime (drv->lock): threads between reading surface->ctx and locking ctx->lock
     * (vareq_surface_lock_ctx) and whether vaDestroyContext is done with it */
    unsigned users;
    bool destroyed;
};

/* driver.c */
static inline struct vareq_driver *vareq_drv(VADriverContextP ctx)
{
    return (struct vareq_driver *)ctx->pDriverData;
}
void vareq_stats_write(struct vareq_driver *drv);
/* Pixel data the driver copied (vaGetImage...): a process-wide counter (driver.c). */
void vareq_stats_pixel_copy(size_t bytes);

/* lookups (take drv->lock briefly) */
struct vareq_config *vareq_config_get(struct vareq_driver *drv, VAConfigID id);
struct vareq_context *vareq_context_get(struct vareq_driver *drv, VAContextID id);
struct vareq_surface *vareq_surface_get(struct vareq_driver *drv, VASurfaceID id);
struct vareq_buffer *vareq_buffer_get(struct vareq_driver *drv, VABufferID id);
struct vareq_image *vareq_image_get(struct vareq_driver *drv, VAImageID id);

/* Locks the context a surface is attached to; returns it (locked) or NULL. Safe against a
 * concurrent vaDestroyContext of that context (the surface then reads as detached). */
struct vareq_context *vareq_surface_lock_ctx(struct vareq_driver *drv, struct vareq_surface *s);
/* Drops a user of ctx (destroyed: the vaDestroyContext reference); frees the context when
 * it is destroyed and no thread uses it any more. Takes drv->lock; ctx->lock not held. */
void vareq_context_unref(struct vareq_driver *drv, struct vareq_context *ctx, bool destroyed);

/* va/surface.c: orphans */
/* The surface's orphan with a new reference, or NULL (takes drv->lock). */
struct vareq_orphan *vareq_surface_orphan_get(struct vareq_driver *drv, struct vareq_surface *s);
/* Drops a reference (takes drv->lock; frees the memory with the last one). NULL: no-op. */
void vareq_orphan_put(struct vareq_driver *drv, struct vareq_orphan *o);
/* Drops the surface's orphan: it was decoded into again (takes drv->lock). */
void vareq_surface_drop_orphan(struct vareq_driver *drv, struct vareq_surface *s);
/* Frees an orphan whose last reference is gone (no lock needed). */
void vareq_orphan_free(struct vareq_orphan *o);

/* va/request.c */
/* Completes the oldest pending request of ctx (ctx->lock held). */
VAStatus vareq_ctx_complete_oldest(struct vareq_context *ctx);
/* Completes every pending request (ctx->lock held). A failure resets the queues, which
 * fails the rest: none is pending afterwards; returns that failure. */
VAStatus vareq_ctx_complete_all(struct vareq_context *ctx);
/* Completes every pending request, then STREAMOFF/ON of both queues: every buffer (a
 * CAPTURE buffer queued for a picture whose submission failed half-way) returns to
 * userspace (ctx->lock held). */
void vareq_ctx_restart_queues(struct vareq_context *ctx, const char *why);
/* Completes requests until the surface has none pending (ctx->lock held). */
VAStatus vareq_ctx_sync_surface(struct vareq_context *ctx, struct vareq_surface *s);

/* va/context.c */
/* Gives the surface a slot if it has none (export/derive before decode). */
VAStatus vareq_ctx_ensure_slot(struct vareq_context *ctx, struct vareq_surface *s);
/* s now holds slot's memory (ctx->lock held): the memory s held returns to the pool, and
 * another surface that held slot (owner or sharer) loses it and its frame. */
void vareq_ctx_give_slot(struct vareq_context *ctx, struct vareq_surface *s,
                         struct vareq_slot *slot);
/* Detaches a surface from its context (ctx->lock held): sync, release slot. */
void vareq_ctx_detach_surface(struct vareq_context *ctx, struct vareq_surface *s);
/* Re-negotiates the CAPTURE (and OUTPUT) formats for w x h inside the context (ctx->lock
 * held): completes pending requests, STREAMOFF, frees every buffer, S_FMT/G_FMT, REQBUFS,
 * STREAMON. Every surface of the context loses its frame (call it for keyframes only). */
VAStatus vareq_ctx_reconfigure(struct vareq_context *ctx, unsigned w, unsigned h);
/* va/park.c */
/* Ends the parked V4L2 session, if any (vaTerminate; no lock held). */
void vareq_ctx_release_parked(struct vareq_driver *drv);
/* After surfaces were destroyed (no lock held): ends the parked session when no surface
 * holds a frame of it any more. The caller writes the stats (VAREQ_STATS_FILE) after. */
void vareq_ctx_check_parked(struct vareq_driver *drv);
/* Records an export of s (ctx->lock held): consumer model of the pool. */
void vareq_ctx_note_export(struct vareq_context *ctx, struct vareq_surface *s);
/* Takes a CAPTURE slot for a decode into s (ctx->lock held). */
VAStatus vareq_ctx_slot_for_decode(struct vareq_context *ctx, struct vareq_surface *s,
                                   struct vareq_slot **out);

/* buffer.c */
VAStatus vareq_buffer_create_internal(struct vareq_driver *drv, VAContextID context,
                                      VABufferType type, size_t size, unsigned num,
                                      const void *data, struct vareq_buffer **out);
void vareq_buffer_destroy_obj(struct vareq_driver *drv, struct vareq_buffer *buf);
void vareq_picture_reset(struct vareq_picture *pic);
void vareq_picture_free(struct vareq_picture *pic);

/* VA entry points */
VAStatus vareq_QueryConfigProfiles(VADriverContextP, VAProfile *, int *);
VAStatus vareq_QueryConfigEntrypoints(VADriverContextP, VAProfile, VAEntrypoint *, int *);
VAStatus vareq_GetConfigAttributes(VADriverContextP, VAProfile, VAEntrypoint, VAConfigAttrib *, int);
VAStatus vareq_CreateConfig(VADriverContextP, VAProfile, VAEntrypoint, VAConfigAttrib *, int, VAConfigID *);
VAStatus vareq_DestroyConfig(VADriverContextP, VAConfigID);
VAStatus vareq_QueryConfigAttributes(VADriverContextP, VAConfigID, VAProfile *, VAEntrypoint *, VAConfigAttrib *, int *);
VAStatus vareq_QuerySurfaceAttributes(VADriverContextP, VAConfigID, VASurfaceAttrib *, unsigned int *);

VAStatus vareq_CreateSurfaces(VADriverContextP, int, int, int, int, VASurfaceID *);
VAStatus vareq_CreateSurfaces2(VADriverContextP, unsigned int, unsigned int, unsigned int, VASurfaceID *, unsigned int, VASurfaceAttrib *, unsigned int);
VAStatus vareq_DestroySurfaces(VADriverContextP, VASurfaceID *, int);
VAStatus vareq_SyncSurface(VADriverContextP, VASurfaceID);
VAStatus vareq_SyncSurface2(VADriverContextP, VASurfaceID, uint64_t);
VAStatus vareq_QuerySurfaceStatus(VADriverContextP, VASurfaceID, VASurfaceStatus *);

VAStatus vareq_CreateContext(VADriverContextP, VAConfigID, int, int, int, VASurfaceID *, int, VAContextID *);
VAStatus vareq_DestroyContext(VADriverContextP, VAContextID);

VAStatus vareq_CreateBuffer(VADriverContextP, VAContextID, VABufferType, unsigned int, unsigned int, void *, VABufferID *);
VAStatus vareq_BufferSetNumElements(VADriverContextP, VABufferID, unsigned int);
VAStatus vareq_MapBuffer(VADriverContextP, VABufferID, void **);
VAStatus vareq_UnmapBuffer(VADriverContextP, VABufferID);
VAStatus vareq_DestroyBuffer(VADriverContextP, VABufferID);
VAStatus vareq_BufferInfo(VADriverContextP, VABufferID, VABufferType *, unsigned int *, unsigned int *);

VAStatus vareq_BeginPicture(VADriverContextP, VAContextID, VASurfaceID);
VAStatus vareq_RenderPicture(VADriverContextP, VAContextID, VABufferID *, int);
VAStatus vareq_EndPicture(VADriverContextP, VAContextID);

VAStatus vareq_QueryImageFormats(VADriverContextP, VAImageFormat *, int *);
VAStatus vareq_CreateImage(VADriverContextP, VAImageFormat *, int, int, VAImage *);
VAStatus vareq_DeriveImage(VADriverContextP, VASurfaceID, VAImage *);
VAStatus vareq_DestroyImage(VADriverContextP, VAImageID);
VAStatus vareq_GetImage(VADriverContextP, VASurfaceID, int, int, unsigned int, unsigned int, VAImageID);

VAStatus vareq_ExportSurfaceHandle(VADriverContextP, VASurfaceID, uint32_t, uint32_t, void *);

#endif
