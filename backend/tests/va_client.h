/* Small VA client for the backend tests: loads the driver with dlopen on a zeroed
 * VADriverContext (VAREQ_DEVICE=sim), encodes VP9 streams in memory with libvpx, decodes
 * them through the driver's VA entry points and checks frames against libvpx. */
#ifndef VAREQ_TEST_VA_CLIENT_H
#define VAREQ_TEST_VA_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <va/va.h>
#include <va/va_backend.h>
#include <va/va_drmcommon.h>
#include <vpx/vpx_decoder.h>

#include "check.h"
#include "vp8_parser.h"
#include "vp9_parser.h"

extern _Atomic int vc_failures;

#define VC_CHECK(cond, ...) CHECK_COUNT(vc_failures, cond, __VA_ARGS__)

struct vc_driver {
    struct VADriverContext ctx;
    struct VADriverVTable vt;
};

int vc_open(struct vc_driver *d, const char *path);
void vc_close(struct vc_driver *d);

struct vc_frame {
    uint8_t *data;
    size_t size;
};

struct vc_stream {
    struct vc_frame *f;
    int n;
};

/* The codec vc_encode and vc_dec use: VP9 (default) or VP8. Set once, in main, before any
 * stream is encoded or decoder created. */
enum vc_codec { VC_VP9, VC_VP8 };
void vc_set_codec(enum vc_codec c);
enum vc_codec vc_get_codec(void);
/* A test program's optional codec argument (NULL or "vp9": VP9, "vp8": VP8) given to
 * vc_set_codec; false, with a message, for another name. */
bool vc_codec_arg(const char *name);

/* n frames at w x h (keyframe every kf_dist), content depends on seed. Appends to s. */
int vc_encode(struct vc_stream *s, unsigned w, unsigned h, int n, int kf_dist, int seed);
void vc_stream_free(struct vc_stream *s);

#define VC_MAX_SURF 32

struct vc_dec {
    struct vc_driver *drv;
    VAConfigID cfg;
    VAContextID vctx;
    VASurfaceID surf[VC_MAX_SURF];
    int n_surf;
    VASurfaceID slots[8];
    VASurfaceID last;
    unsigned w, h;     /* context size */
    struct vp9_parser_state ps;
    bool vp8;
    struct vp8_parser_state ps8;
    VASurfaceID ref8[3];  /* VP8 last, golden, altref */
    unsigned w8, h8;      /* VP8 size of the last keyframe */
    vpx_codec_ctx_t ref;
    vpx_image_t *refimg; /* libvpx output of the last decoded frame */
    unsigned fw, fh;     /* size of the last frame */
    bool is_key;
    /* optional: called after a successful vaEndPicture, before vaSyncSurface (the decode
     * may still be pending) */
    void (*after_end)(struct vc_dec *d, VASurfaceID target, void *arg);
    void *after_end_arg;
};

/* surf_w/surf_h: surface size (0: w x h) */
int vc_dec_init(struct vc_dec *d, struct vc_driver *drv, unsigned w, unsigned h, int n_surf,
                unsigned surf_w, unsigned surf_h);
void vc_dec_fini(struct vc_dec *d);
/* Decodes one frame (sync), also through libvpx. target = a surface no reference slot holds
 * and not the last one decoded. Returns the status of EndPicture/SyncSurface. */
VAStatus vc_decode(struct vc_dec *d, const struct vc_frame *f, VASurfaceID *target);
/* vaGetImage of the surface compared with d->refimg over fw x fh. */
bool vc_check_getimage(struct vc_dec *d, VASurfaceID s);
/* The surface read with vaCreateImage + vaGetImage (derive false) or vaDeriveImage (derive
 * true; the image's own pitches and offsets) compared with ref over w x h. */
bool vc_check_image(struct vc_driver *drv, VASurfaceID s, const vpx_image_t *ref, unsigned w,
                    unsigned h, bool derive);
/* A copy of an I420 libvpx image (vpx_img_free it). */
vpx_image_t *vc_image_copy(const vpx_image_t *src);
/* Compares a frame read through a DRM PRIME descriptor alone (maps[i] = mmap of object i)
 * with an I420 libvpx image over w x h. */
bool vc_check_desc(const VADRMPRIMESurfaceDescriptor *desc, uint8_t *const *maps,
                   const vpx_image_t *ref, unsigned w, unsigned h);
/* mmap every object of desc (read-only); 0 or -1. */
int vc_map_desc(const VADRMPRIMESurfaceDescriptor *desc, uint8_t **maps);
void vc_unmap_desc(const VADRMPRIMESurfaceDescriptor *desc, uint8_t **maps, bool close_fds);

/* An exported frame held by a consumer: descriptor, read-only mappings of its objects and
 * optional snapshots of them (to detect writes while held). */
struct vc_held {
    VADRMPRIMESurfaceDescriptor desc;
    uint8_t *maps[4];
    uint8_t *snapshot[4];
    int frame;
    bool live;
};

/* vaExportSurfaceHandle (DRM PRIME 2, composed or separate layers, read-only) + mmap of
 * every object; 0 or -1. */
int vc_export_map(struct vc_driver *drv, VASurfaceID s, bool composed, struct vc_held *h);
/* munmap, close the fds, free the snapshots (no-op if not live). */
void vc_held_release(struct vc_held *h);
/* Copies every object's bytes into h->snapshot; 0 or -1. */
int vc_held_snapshot(struct vc_held *h);
/* Number of objects whose bytes differ from the snapshot (the snapshot is refreshed). */
int vc_held_changed(struct vc_held *h);
/* Integer value of "key" in a small JSON file (the driver's VAREQ_STATS_FILE), -1 if none. */
long vc_json_field(const char *path, const char *key);

#endif
