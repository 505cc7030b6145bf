/* Small VA client for the backend tests (see va_client.h). */
#include "va_client.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_encoder.h>

_Atomic int vc_failures;

static enum vc_codec vc_codec = VC_VP9; /* written once by main before any thread */

void vc_set_codec(enum vc_codec c)
{
    vc_codec = c;
}

enum vc_codec vc_get_codec(void)
{
    return vc_codec;
}

bool vc_codec_arg(const char *name)
{
    if (name && !strcmp(name, "vp8"))
        vc_set_codec(VC_VP8);
    else if (name && strcmp(name, "vp9")) {
        fprintf(stderr, "unknown codec %s (vp8, vp9)\n", name);
        return false;
    }
    return true;
}

typedef VAStatus (*init_fn)(VADriverContextP);

int vc_open(struct vc_driver *d, const char *path)
{
    void *h;
    init_fn init;
    VAStatus st;

    setenv("VAREQ_DEVICE", "sim", 0);
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL); /* kept loaded: one handle per process */
    if (!h) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return -1;
    }
    init = (init_fn)dlsym(h, "__vaDriverInit_1_17");
    if (!init) {
        fprintf(stderr, "no __vaDriverInit_1_17\n");
        return -1;
    }
    memset(d, 0, sizeof(*d));
    d->ctx.vtable = &d->vt;
    d->ctx.display_type = VA_DISPLAY_DRM;
    st = init(&d->ctx);
    if (st != VA_STATUS_SUCCESS) {
        fprintf(stderr, "driver init failed: %s\n", vaErrorStr(st));
        return -1;
    }
    return 0;
}

void vc_close(struct vc_driver *d)
{
    VC_CHECK(d->vt.vaTerminate(&d->ctx) == VA_STATUS_SUCCESS, "terminate");
}

int vc_encode(struct vc_stream *s, unsigned w, unsigned h, int n, int kf_dist, int seed)
{
    vpx_codec_ctx_t enc;
    vpx_codec_enc_cfg_t cfg;
    vpx_image_t img;
    int got = 0;
    struct vc_frame *nf = realloc(s->f, sizeof(*s->f) * (size_t)(s->n + n));

    if (!nf)
        return -1;
    s->f = nf;
    vpx_codec_iface_t *cx = vc_codec == VC_VP8 ? vpx_codec_vp8_cx() : vpx_codec_vp9_cx();
    if (vpx_codec_enc_config_default(cx, &cfg, 0))
        return -1;
    cfg.g_w = w;
    cfg.g_h = h;
    cfg.g_lag_in_frames = 0; /* no hidden alt-ref: one frame per packet */
    cfg.rc_target_bitrate = w * h / 200 + 100;
    cfg.kf_max_dist = (unsigned)kf_dist;
    cfg.g_threads = 1;
    if (vpx_codec_enc_init(&enc, cx, &cfg, 0))
        return -1;
    vpx_codec_control(&enc, VP8E_SET_CPUUSED, 8);
    vpx_img_alloc(&img, VPX_IMG_FMT_I420, w, h, 1);
    for (int f = 0; f <= n && got < n; f++) {
        const vpx_codec_cx_pkt_t *pkt;
        vpx_codec_iter_t it = NULL;
        if (f < n) {
            int t = f + seed * 13;
            for (unsigned y = 0; y < h; y++)
                for (unsigned x = 0; x < w; x++)
                    img.planes[0][y * (unsigned)img.stride[0] + x] =
                        (uint8_t)(x * 2 + y + (unsigned)t * 7 + ((x / 16 + y / 16 + (unsigned)t) % 3) * 40);
            for (unsigned y = 0; y < (h + 1) / 2; y++)
                for (unsigned x = 0; x < (w + 1) / 2; x++) {
                    img.planes[1][y * (unsigned)img.stride[1] + x] = (uint8_t)(128 + x - (unsigned)t * 3);
                    img.planes[2][y * (unsigned)img.stride[2] + x] = (uint8_t)(100 + y + (unsigned)t + (unsigned)seed);
                }
            vpx_codec_encode(&enc, &img, f, 1, 0, VPX_DL_REALTIME);
        } else {
            vpx_codec_encode(&enc, NULL, f, 1, 0, VPX_DL_REALTIME);
        }
        while ((pkt = vpx_codec_get_cx_data(&enc, &it)) && got < n) {
            struct vc_frame *fr = &s->f[s->n + got];
            if (pkt->kind != VPX_CODEC_CX_FRAME_PKT)
                continue;
            fr->data = malloc(pkt->data.frame.sz);
            if (!fr->data)
                break;
            memcpy(fr->data, pkt->data.frame.buf, pkt->data.frame.sz);
            fr->size = pkt->data.frame.sz;
            got++;
        }
    }
    vpx_img_free(&img);
    vpx_codec_destroy(&enc);
    s->n += got;
    return got == n ? 0 : -1;
}

void vc_stream_free(struct vc_stream *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->f[i].data);
    free(s->f);
    s->f = NULL;
    s->n = 0;
}

int vc_dec_init(struct vc_dec *d, struct vc_driver *drv, unsigned w, unsigned h, int n_surf,
                unsigned surf_w, unsigned surf_h)
{
    struct VADriverVTable *vt = &drv->vt;
    VADriverContextP ctx = &drv->ctx;

    memset(d, 0, sizeof(*d));
    d->drv = drv;
    d->w = w;
    d->h = h;
    d->n_surf = n_surf > VC_MAX_SURF ? VC_MAX_SURF : n_surf;
    d->last = VA_INVALID_SURFACE;
    for (int i = 0; i < 8; i++)
        d->slots[i] = VA_INVALID_SURFACE;
    vp9_parser_init(&d->ps);
    d->vp8 = vc_codec == VC_VP8;
    vp8_parser_init(&d->ps8);
    for (int i = 0; i < 3; i++)
        d->ref8[i] = VA_INVALID_SURFACE;
    if (vpx_codec_dec_init(&d->ref, d->vp8 ? vpx_codec_vp8_dx() : vpx_codec_vp9_dx(), NULL, 0))
        return -1;
    if (vt->vaCreateConfig(ctx, d->vp8 ? VAProfileVP8Version0_3 : VAProfileVP9Profile0,
                           VAEntrypointVLD, NULL, 0, &d->cfg))
        return -1;
    if (vt->vaCreateSurfaces2(ctx, VA_RT_FORMAT_YUV420, surf_w ? surf_w : w,
                              surf_h ? surf_h : h, d->surf, (unsigned)d->n_surf, NULL, 0))
        return -1;
    if (vt->vaCreateContext(ctx, d->cfg, (int)w, (int)h, VA_PROGRESSIVE, d->surf, d->n_surf,
                            &d->vctx))
        return -1;
    return 0;
}

void vc_dec_fini(struct vc_dec *d)
{
    struct VADriverVTable *vt = &d->drv->vt;
    VADriverContextP ctx = &d->drv->ctx;

    VC_CHECK(vt->vaDestroyContext(ctx, d->vctx) == VA_STATUS_SUCCESS, "DestroyContext");
    VC_CHECK(vt->vaDestroySurfaces(ctx, d->surf, d->n_surf) == VA_STATUS_SUCCESS,
             "DestroySurfaces");
    vt->vaDestroyConfig(ctx, d->cfg);
    vpx_codec_destroy(&d->ref);
}

/* One picture through VA: the picture parameter, slice parameter and slice data buffers,
 * Begin/Render/EndPicture into target (status in *st), d->after_end, then the buffers
 * destroyed. false when the buffers could not be created (nothing was submitted). */
static bool submit_picture(struct vc_dec *d, VASurfaceID target, void *pp, size_t pp_size,
                           void *sp, size_t sp_size, const uint8_t *data, size_t size,
                           VAStatus *st)
{
    struct VADriverVTable *vt = &d->drv->vt;
    VADriverContextP ctx = &d->drv->ctx;
    VABufferID bufs[3];

    if (vt->vaCreateBuffer(ctx, d->vctx, VAPictureParameterBufferType, (unsigned)pp_size, 1, pp,
                           &bufs[0]))
        return false;
    if (vt->vaCreateBuffer(ctx, d->vctx, VASliceParameterBufferType, (unsigned)sp_size, 1, sp,
                           &bufs[1])) {
        vt->vaDestroyBuffer(ctx, bufs[0]);
        return false;
    }
    if (vt->vaCreateBuffer(ctx, d->vctx, VASliceDataBufferType, (unsigned)size, 1,
                           (void *)data, &bufs[2])) {
        vt->vaDestroyBuffer(ctx, bufs[0]);
        vt->vaDestroyBuffer(ctx, bufs[1]);
        return false;
    }
    *st = vt->vaBeginPicture(ctx, d->vctx, target);
    if (*st == VA_STATUS_SUCCESS)
        *st = vt->vaRenderPicture(ctx, d->vctx, bufs, 3);
    if (*st == VA_STATUS_SUCCESS)
        *st = vt->vaEndPicture(ctx, d->vctx);
    if (*st == VA_STATUS_SUCCESS && d->after_end)
        d->after_end(d, target, d->after_end_arg);
    for (int b = 0; b < 3; b++)
        vt->vaDestroyBuffer(ctx, bufs[b]);
    return true;
}

/* After the references were updated: waits for the decode (st: the submit's status), runs
 * the frame through libvpx for d->refimg, and returns the decode's status. */
static VAStatus finish_decode(struct vc_dec *d, const struct vc_frame *fr, VASurfaceID target,
                              VAStatus st, VASurfaceID *out)
{
    vpx_codec_iter_t it = NULL;

    d->last = target;
    if (st == VA_STATUS_SUCCESS)
        st = d->drv->vt.vaSyncSurface(&d->drv->ctx, target);
    vpx_codec_decode(&d->ref, fr->data, (unsigned)fr->size, NULL, 0);
    d->refimg = vpx_codec_get_frame(&d->ref, &it);
    if (out)
        *out = target;
    return st;
}

/* VP8 through VA as ffmpeg does it: the frame without its tag (3 bytes, + 7 for a
 * keyframe), the header's bool-coder state and partition sizes in the parameters; the
 * client tracks last/golden/altref surfaces (RFC 6386 9.7-9.8, libvpx's order). */
static VAStatus decode_vp8(struct vc_dec *d, const struct vc_frame *fr, VASurfaceID *out)
{
    struct vp8_frame_info fi;
    const struct v4l2_ctrl_vp8_frame *c = &fi.ctrl;
    VAPictureParameterBufferVP8 pp;
    VASliceParameterBufferVP8 sp;
    VASurfaceID target = VA_INVALID_SURFACE, old[3];
    VAStatus st;
    size_t tag_len;
    char err[128];

    if (vp8_parse_frame(&d->ps8, fr->data, fr->size, &fi, err, sizeof(err)) != 0) {
        fprintf(stderr, "vp8 parse: %s\n", err);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    tag_len = fi.key ? 10 : 3;
    if (fi.key) {
        d->w8 = fi.width;
        d->h8 = fi.height;
    }
    for (int s = 0; s < d->n_surf && target == VA_INVALID_SURFACE; s++)
        if (d->surf[s] != d->last && d->surf[s] != d->ref8[0] && d->surf[s] != d->ref8[1] &&
            d->surf[s] != d->ref8[2])
            target = d->surf[s];
    if (target == VA_INVALID_SURFACE || fr->size <= tag_len)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    d->fw = d->w8;
    d->fh = d->h8;
    d->is_key = fi.key;
    memset(&pp, 0, sizeof(pp));
    pp.frame_width = d->w8;
    pp.frame_height = d->h8;
    pp.last_ref_frame = fi.key ? VA_INVALID_SURFACE : d->ref8[0];
    pp.golden_ref_frame = fi.key ? VA_INVALID_SURFACE : d->ref8[1];
    pp.alt_ref_frame = fi.key ? VA_INVALID_SURFACE : d->ref8[2];
    pp.out_of_loop_frame = VA_INVALID_SURFACE;
    pp.pic_fields.bits.key_frame = !fi.key; /* 0 = keyframe, as in the frame tag */
    pp.pic_fields.bits.version = fi.version;
    pp.pic_fields.bits.sign_bias_golden = !!(c->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_GOLDEN);
    pp.pic_fields.bits.sign_bias_alternate = !!(c->flags & V4L2_VP8_FRAME_FLAG_SIGN_BIAS_ALT);
    pp.prob_skip_false = c->prob_skip_false;
    pp.prob_intra = c->prob_intra;
    pp.prob_last = c->prob_last;
    pp.prob_gf = c->prob_gf;
    pp.bool_coder_ctx.range = c->coder_state.range;
    pp.bool_coder_ctx.value = c->coder_state.value;
    pp.bool_coder_ctx.count = c->coder_state.bit_count;
    memset(&sp, 0, sizeof(sp));
    sp.slice_data_size = (uint32_t)(fr->size - tag_len);
    sp.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
    sp.macroblock_offset = c->first_part_header_bits;
    sp.num_of_partitions = (uint8_t)(fi.num_dct_parts + 1);
    sp.partition_size[0] = fi.first_part_size - (c->first_part_header_bits + 7) / 8;
    for (unsigned i = 0; i < fi.num_dct_parts && i < 8; i++)
        sp.partition_size[i + 1] = fi.dct_part_sizes[i];
    if (!submit_picture(d, target, &pp, sizeof(pp), &sp, sizeof(sp), fr->data + tag_len,
                        sp.slice_data_size, &st))
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    memcpy(old, d->ref8, sizeof(old));
    if (fi.key) {
        d->ref8[0] = d->ref8[1] = d->ref8[2] = target;
    } else {
        /* libvpx swap_frame_buffers: altref copy, then golden copy (sees the new altref),
         * then the refreshes */
        if (fi.copy_to_alt == 1)
            d->ref8[2] = old[0];
        else if (fi.copy_to_alt == 2)
            d->ref8[2] = old[1];
        if (fi.copy_to_golden == 1)
            d->ref8[1] = old[0];
        else if (fi.copy_to_golden == 2)
            d->ref8[1] = d->ref8[2];
        if (fi.refresh_golden)
            d->ref8[1] = target;
        if (fi.refresh_alt)
            d->ref8[2] = target;
        if (fi.refresh_last)
            d->ref8[0] = target;
    }
    return finish_decode(d, fr, target, st, out);
}

VAStatus vc_decode(struct vc_dec *d, const struct vc_frame *fr, VASurfaceID *out)
{
    struct vp9_frame_hdr hdr;
    VADecPictureParameterBufferVP9 pp;
    VASliceParameterBufferVP9 sp;
    VASurfaceID target = VA_INVALID_SURFACE;
    VAStatus st;
    char err[128];

    if (d->vp8)
        return decode_vp8(d, fr, out);
    if (vp9_parse_frame(&d->ps, fr->data, fr->size, &hdr, err, sizeof(err)) != 0) {
        fprintf(stderr, "parse: %s\n", err);
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    }
    for (int s = 0; s < d->n_surf && target == VA_INVALID_SURFACE; s++) {
        int used = 0;
        for (int k = 0; k < 8; k++)
            used |= d->slots[k] == d->surf[s];
        if (!used && d->surf[s] != d->last)
            target = d->surf[s];
    }
    if (target == VA_INVALID_SURFACE)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    d->fw = hdr.frame.frame_width_minus_1 + 1u;
    d->fh = hdr.frame.frame_height_minus_1 + 1u;
    d->is_key = (hdr.frame.flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME) != 0;
    memset(&pp, 0, sizeof(pp));
    pp.frame_width = (uint16_t)d->fw;
    pp.frame_height = (uint16_t)d->fh;
    for (int k = 0; k < 8; k++)
        pp.reference_frames[k] = d->slots[k];
    pp.pic_fields.bits.frame_type = !d->is_key;
    pp.pic_fields.bits.show_frame = 1;
    pp.pic_fields.bits.last_ref_frame = hdr.ref_frame_idx[0];
    pp.pic_fields.bits.golden_ref_frame = hdr.ref_frame_idx[1];
    pp.pic_fields.bits.alt_ref_frame = hdr.ref_frame_idx[2];
    pp.profile = 0;
    pp.bit_depth = 8;
    memset(&sp, 0, sizeof(sp));
    sp.slice_data_size = (uint32_t)fr->size;
    sp.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
    if (!submit_picture(d, target, &pp, sizeof(pp), &sp, sizeof(sp), fr->data, fr->size, &st))
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    for (int k = 0; k < 8; k++)
        if (hdr.refresh_frame_flags & (1 << k))
            d->slots[k] = target;
    return finish_decode(d, fr, target, st, out);
}

static bool same_nv12(const uint8_t *y, unsigned ypitch, const uint8_t *uv, unsigned uvpitch,
                      const vpx_image_t *ref, unsigned w, unsigned h)
{
    if (!ref || ref->d_w != w || ref->d_h != h)
        return false;
    for (unsigned r = 0; r < h; r++)
        if (memcmp(y + (size_t)r * ypitch, ref->planes[0] + (size_t)r * (unsigned)ref->stride[0], w))
            return false;
    for (unsigned r = 0; r < (h + 1) / 2; r++)
        for (unsigned c = 0; c < (w + 1) / 2; c++)
            if (uv[(size_t)r * uvpitch + 2 * c] != ref->planes[1][r * (unsigned)ref->stride[1] + c] ||
                uv[(size_t)r * uvpitch + 2 * c + 1] != ref->planes[2][r * (unsigned)ref->stride[2] + c])
                return false;
    return true;
}

bool vc_check_image(struct vc_driver *drv, VASurfaceID s, const vpx_image_t *ref, unsigned w,
                    unsigned h, bool derive)
{
    struct VADriverVTable *vt = &drv->vt;
    VADriverContextP ctx = &drv->ctx;
    VAImageFormat fmt = {.fourcc = VA_FOURCC_NV12};
    VAImage img;
    void *map = NULL;
    bool ok = false;
    VAStatus st;

    if (derive) {
        st = vt->vaDeriveImage(ctx, s, &img);
        if (st != VA_STATUS_SUCCESS) {
            fprintf(stderr, "  vaDeriveImage(0x%x): %s\n", s, vaErrorStr(st));
            return false;
        }
        if (img.format.fourcc != VA_FOURCC_NV12 || img.width < w || img.height < h) {
            fprintf(stderr, "  vaDeriveImage(0x%x): image %.4s %ux%u\n", s,
                    (const char *)&img.format.fourcc, img.width, img.height);
            vt->vaDestroyImage(ctx, img.image_id);
            return false;
        }
    } else {
        if (vt->vaCreateImage(ctx, &fmt, (int)w, (int)h, &img))
            return false;
        st = vt->vaGetImage(ctx, s, 0, 0, w, h, img.image_id);
        if (st != VA_STATUS_SUCCESS) {
            fprintf(stderr, "  vaGetImage(0x%x): %s\n", s, vaErrorStr(st));
            vt->vaDestroyImage(ctx, img.image_id);
            return false;
        }
    }
    if (vt->vaMapBuffer(ctx, img.buf, &map) == VA_STATUS_SUCCESS) {
        const uint8_t *p = map;
        ok = (size_t)img.offsets[1] + (size_t)img.pitches[1] * ((h + 1) / 2 - 1) + w <=
                 img.data_size &&
             same_nv12(p + img.offsets[0], img.pitches[0], p + img.offsets[1], img.pitches[1],
                       ref, w, h);
        vt->vaUnmapBuffer(ctx, img.buf);
    }
    vt->vaDestroyImage(ctx, img.image_id);
    return ok;
}

bool vc_check_getimage(struct vc_dec *d, VASurfaceID s)
{
    return vc_check_image(d->drv, s, d->refimg, d->fw, d->fh, false);
}

vpx_image_t *vc_image_copy(const vpx_image_t *src)
{
    vpx_image_t *dst;

    if (!src || src->fmt != VPX_IMG_FMT_I420)
        return NULL;
    dst = vpx_img_alloc(NULL, VPX_IMG_FMT_I420, src->d_w, src->d_h, 1);
    if (!dst)
        return NULL;
    for (int p = 0; p < 3; p++) {
        unsigned rows = p ? (src->d_h + 1) / 2 : src->d_h;
        unsigned cols = p ? (src->d_w + 1) / 2 : src->d_w;
        for (unsigned r = 0; r < rows; r++)
            memcpy(dst->planes[p] + (size_t)r * (unsigned)dst->stride[p],
                   src->planes[p] + (size_t)r * (unsigned)src->stride[p], cols);
    }
    return dst;
}

/* plane p of desc: object index, offset, pitch (composed or separate layers) */
static void desc_plane(const VADRMPRIMESurfaceDescriptor *d, unsigned p, unsigned *obj,
                       unsigned *off, unsigned *pitch)
{
    if (d->num_layers == 1) {
        *obj = d->layers[0].object_index[p];
        *off = d->layers[0].offset[p];
        *pitch = d->layers[0].pitch[p];
    } else {
        *obj = d->layers[p].object_index[0];
        *off = d->layers[p].offset[0];
        *pitch = d->layers[p].pitch[0];
    }
}

bool vc_check_desc(const VADRMPRIMESurfaceDescriptor *desc, uint8_t *const *maps,
                   const vpx_image_t *ref, unsigned w, unsigned h)
{
    unsigned obj[2], off[2], pitch[2];

    if (desc->fourcc != VA_FOURCC_NV12)
        return false;
    for (unsigned p = 0; p < 2; p++) {
        unsigned rows = p ? (h + 1) / 2 : h;
        desc_plane(desc, p, &obj[p], &off[p], &pitch[p]);
        if (obj[p] >= desc->num_objects || !maps[obj[p]] || pitch[p] < w ||
            (size_t)off[p] + (size_t)pitch[p] * (rows - 1) + w > desc->objects[obj[p]].size)
            return false;
    }
    return same_nv12(maps[obj[0]] + off[0], pitch[0], maps[obj[1]] + off[1], pitch[1], ref, w,
                     h);
}

int vc_map_desc(const VADRMPRIMESurfaceDescriptor *desc, uint8_t **maps)
{
    for (unsigned i = 0; i < 4; i++)
        maps[i] = NULL;
    for (unsigned i = 0; i < desc->num_objects && i < 4; i++) {
        void *m = mmap(NULL, desc->objects[i].size, PROT_READ, MAP_SHARED,
                       desc->objects[i].fd, 0);
        if (m == MAP_FAILED) {
            vc_unmap_desc(desc, maps, false);
            return -1;
        }
        maps[i] = m;
    }
    return 0;
}

void vc_unmap_desc(const VADRMPRIMESurfaceDescriptor *desc, uint8_t **maps, bool close_fds)
{
    for (unsigned i = 0; i < desc->num_objects && i < 4; i++) {
        if (maps[i])
            munmap(maps[i], desc->objects[i].size);
        maps[i] = NULL;
        if (close_fds && desc->objects[i].fd >= 0)
            close(desc->objects[i].fd);
    }
}

void vc_held_release(struct vc_held *h)
{
    if (!h->live)
        return;
    vc_unmap_desc(&h->desc, h->maps, true);
    for (int i = 0; i < 4; i++) {
        free(h->snapshot[i]);
        h->snapshot[i] = NULL;
    }
    h->live = false;
}

int vc_export_map(struct vc_driver *drv, VASurfaceID s, bool composed, struct vc_held *h)
{
    memset(h, 0, sizeof(*h));
    if (drv->vt.vaExportSurfaceHandle(&drv->ctx, s, VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
                                      (composed ? VA_EXPORT_SURFACE_COMPOSED_LAYERS
                                                : VA_EXPORT_SURFACE_SEPARATE_LAYERS) |
                                          VA_EXPORT_SURFACE_READ_ONLY,
                                      &h->desc) != VA_STATUS_SUCCESS)
        return -1;
    if (vc_map_desc(&h->desc, h->maps) < 0) {
        for (unsigned i = 0; i < h->desc.num_objects; i++)
            close(h->desc.objects[i].fd);
        return -1;
    }
    h->live = true;
    return 0;
}

int vc_held_snapshot(struct vc_held *h)
{
    for (unsigned o = 0; o < h->desc.num_objects && o < 4; o++) {
        free(h->snapshot[o]);
        h->snapshot[o] = malloc(h->desc.objects[o].size);
        if (!h->snapshot[o])
            return -1;
        memcpy(h->snapshot[o], h->maps[o], h->desc.objects[o].size);
    }
    return 0;
}

int vc_held_changed(struct vc_held *h)
{
    int changed = 0;
    for (unsigned o = 0; o < h->desc.num_objects && o < 4; o++)
        if (h->snapshot[o] && memcmp(h->snapshot[o], h->maps[o], h->desc.objects[o].size)) {
            changed++;
            memcpy(h->snapshot[o], h->maps[o], h->desc.objects[o].size);
        }
    return changed;
}

long vc_json_field(const char *path, const char *key)
{
    char buf[4096], pat[64];
    FILE *f = fopen(path, "r");
    size_t n;
    const char *p;
    if (!f)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    p = strstr(buf, pat);
    return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}
