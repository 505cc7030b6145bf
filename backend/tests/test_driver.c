/* test-driver: loads v4l2_request_drv_video.so with dlopen, initialises it on a zeroed
 * VADriverContext with VAREQ_DEVICE=sim, and checks profiles, configs, surfaces, images,
 * export, and (when libvpx is available) a byte-exact VP9 decode against libvpx:
 * frames encoded in memory with libvpx, decoded through the driver's VA entry points
 * into the simdev device, read back with vaGetImage and vaDeriveImage. */
#include <dlfcn.h>
#include <sys/mman.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <va/va.h>
#include <va/va_backend.h>
#include <va/va_drmcommon.h>

#ifdef HAVE_VPX
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vpx_encoder.h>

#include "vp9_parser.h"
#endif

#include "check.h"

static _Atomic int failures;

#define CHECK_VA(expr)                                                          \
    do {                                                                        \
        VAStatus st_ = (expr);                                                  \
        CHECK(st_ == VA_STATUS_SUCCESS, "%s", vaErrorStr(st_));                 \
    } while (0)

typedef VAStatus (*init_fn)(VADriverContextP);

static void test_basics(VADriverContextP ctx)
{
    struct VADriverVTable *vt = ctx->vtable;
    VAProfile profiles[32];
    VAEntrypoint eps[8];
    VAConfigAttrib attr = {.type = VAConfigAttribRTFormat};
    VASurfaceAttrib sattr[16];
    unsigned nsattr = 16;
    int n = 0, found = 0;
    VAConfigID cfg;
    VASurfaceID surf[4];
    VAContextID vctx;
    VAImageFormat fmts[4];
    VAImage img, dimg;
    VADRMPRIMESurfaceDescriptor desc;

    CHECK(ctx->max_profiles > 0 && ctx->max_entrypoints > 0 && ctx->max_attributes > 0 &&
              ctx->max_image_formats > 0 && ctx->max_subpic_formats > 0 && ctx->str_vendor,
          "driver context limits");
    CHECK_VA(vt->vaQueryConfigProfiles(ctx, profiles, &n));
    for (int i = 0; i < n; i++)
        found |= profiles[i] == VAProfileVP9Profile0;
    CHECK(found, "VP9Profile0 not advertised (%d profiles)", n);
    CHECK_VA(vt->vaQueryConfigEntrypoints(ctx, VAProfileVP9Profile0, eps, &n));
    CHECK(n == 1 && eps[0] == VAEntrypointVLD, "entrypoints");
    CHECK(vt->vaQueryConfigEntrypoints(ctx, VAProfileMPEG2Main, eps, &n) ==
              VA_STATUS_ERROR_UNSUPPORTED_PROFILE, "MPEG-2 entrypoints (no MPEG-2 translator)");
    CHECK_VA(vt->vaGetConfigAttributes(ctx, VAProfileVP9Profile0, VAEntrypointVLD, &attr, 1));
    CHECK(attr.value & VA_RT_FORMAT_YUV420, "RT format 0x%x", attr.value);
    CHECK(vt->vaCreateConfig(ctx, VAProfileMPEG2Main, VAEntrypointVLD, NULL, 0, &cfg) ==
              VA_STATUS_ERROR_UNSUPPORTED_PROFILE, "unsupported profile accepted");
    CHECK(vt->vaCreateConfig(ctx, VAProfileVP9Profile0, VAEntrypointEncSlice, NULL, 0, &cfg) ==
              VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT, "encode entrypoint accepted");
    CHECK_VA(vt->vaCreateConfig(ctx, VAProfileVP9Profile0, VAEntrypointVLD, &attr, 1, &cfg));
    CHECK_VA(vt->vaQuerySurfaceAttributes(ctx, cfg, sattr, &nsattr));
    found = 0;
    for (unsigned i = 0; i < nsattr; i++) {
        if (sattr[i].type == VASurfaceAttribPixelFormat)
            found |= sattr[i].value.value.i == (int)VA_FOURCC_NV12;
        if (sattr[i].type == VASurfaceAttribMaxWidth)
            CHECK(sattr[i].value.value.i >= 1920, "max width %d", sattr[i].value.value.i);
        if (sattr[i].type == VASurfaceAttribMemoryType)
            CHECK(sattr[i].value.value.i & VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2, "mem type");
    }
    CHECK(found, "NV12 surface attribute");
    /* the reported pixel formats are what a context can negotiate: 10-bit render targets
     * work exactly when P010 is reported for the config */
    {
        int p010 = 0, n_pix = 0;
        VASurfaceID s10[2];
        VAContextID c10;
        VAConfigAttrib rt = {.type = VAConfigAttribRTFormat};
        for (unsigned i = 0; i < nsattr; i++)
            if (sattr[i].type == VASurfaceAttribPixelFormat) {
                n_pix++;
                p010 |= sattr[i].value.value.i == (int)VA_FOURCC_P010;
                CHECK(sattr[i].value.value.i == (int)VA_FOURCC_NV12 ||
                          sattr[i].value.value.i == (int)VA_FOURCC_P010,
                      "pixel format 0x%x", sattr[i].value.value.i);
            }
        CHECK(n_pix >= 1, "no pixel format reported");
        CHECK_VA(vt->vaGetConfigAttributes(ctx, VAProfileVP9Profile0, VAEntrypointVLD, &rt, 1));
        CHECK(!!(rt.value & VA_RT_FORMAT_YUV420_10) == p010 || !p010,
              "RT format 0x%x vs P010 listed %d", rt.value, p010);
        CHECK_VA(vt->vaCreateSurfaces2(ctx, VA_RT_FORMAT_YUV420_10, 352, 288, s10, 2, NULL, 0));
        VAStatus st10 = vt->vaCreateContext(ctx, cfg, 352, 288, VA_PROGRESSIVE, s10, 2, &c10);
        if (p010) {
            CHECK(st10 == VA_STATUS_SUCCESS, "P010 listed but 10-bit context failed: %s",
                  vaErrorStr(st10));
        } else {
            CHECK(st10 == VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT,
                  "10-bit context without a 10-bit CAPTURE format: %s", vaErrorStr(st10));
        }
        if (st10 == VA_STATUS_SUCCESS)
            vt->vaDestroyContext(ctx, c10);
        CHECK_VA(vt->vaDestroySurfaces(ctx, s10, 2));
        /* P010 surface with an NV12 pixel format attribute: refused */
        VASurfaceAttrib bad = {.type = VASurfaceAttribPixelFormat,
                               .flags = VA_SURFACE_ATTRIB_SETTABLE,
                               .value = {.type = VAGenericValueTypeInteger,
                                         .value.i = (int)VA_FOURCC_NV12}};
        CHECK(vt->vaCreateSurfaces2(ctx, VA_RT_FORMAT_YUV420_10, 64, 64, s10, 1, &bad, 1) !=
                  VA_STATUS_SUCCESS, "10-bit surface with NV12 pixel format accepted");
    }

    CHECK_VA(vt->vaCreateSurfaces2(ctx, VA_RT_FORMAT_YUV420, 352, 288, surf, 4, NULL, 0));
    CHECK_VA(vt->vaCreateContext(ctx, cfg, 352, 288, VA_PROGRESSIVE, surf, 4, &vctx));

    CHECK_VA(vt->vaQueryImageFormats(ctx, fmts, &n));
    CHECK(n == 2 && fmts[0].fourcc == VA_FOURCC_NV12 && fmts[1].fourcc == VA_FOURCC_P010 &&
              n <= ctx->max_image_formats, "image formats (%d, max %d)", n,
          ctx->max_image_formats);
    CHECK_VA(vt->vaCreateImage(ctx, &fmts[0], 352, 288, &img));
    CHECK(img.num_planes == 2 && img.pitches[0] >= 352 && img.offsets[1] >= img.pitches[0] * 288,
          "image layout");
    /* never decoded: GetImage has nothing to read */
    CHECK(vt->vaGetImage(ctx, surf[0], 0, 0, 352, 288, img.image_id) != VA_STATUS_SUCCESS,
          "GetImage on an undecoded surface");

    /* export before any decode (Chromium does this): gives the surface memory */
    memset(&desc, 0, sizeof(desc));
    CHECK_VA(vt->vaExportSurfaceHandle(ctx, surf[1], VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
                                       VA_EXPORT_SURFACE_COMPOSED_LAYERS |
                                           VA_EXPORT_SURFACE_READ_ONLY,
                                       &desc));
    CHECK(desc.num_objects == 1 && desc.objects[0].fd >= 0 && desc.num_layers == 1 &&
              desc.layers[0].num_planes == 2 && desc.layers[0].pitch[0] % 64 == 0 &&
              desc.layers[0].offset[1] >= desc.layers[0].pitch[0] * 288,
          "composed descriptor (pitch %u, uv offset %u)", desc.layers[0].pitch[0],
          desc.layers[0].offset[1]);
    if (desc.objects[0].fd >= 0)
        close(desc.objects[0].fd);
    memset(&desc, 0, sizeof(desc));
    CHECK_VA(vt->vaExportSurfaceHandle(ctx, surf[1], VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
                                       VA_EXPORT_SURFACE_SEPARATE_LAYERS |
                                           VA_EXPORT_SURFACE_READ_ONLY,
                                       &desc));
    CHECK(desc.num_layers == 2 && desc.layers[0].drm_format == 0x20203852 /* R8 */ &&
              desc.layers[1].drm_format == 0x38385247 /* GR88 */,
          "separate layers");
    if (desc.objects[0].fd >= 0)
        close(desc.objects[0].fd);
    CHECK(vt->vaExportSurfaceHandle(ctx, surf[1], VA_SURFACE_ATTRIB_MEM_TYPE_VA, 0, &desc) ==
              VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE, "export mem type VA");

    /* derive: maps the surface's memory with the real layout */
    CHECK_VA(vt->vaDeriveImage(ctx, surf[2], &dimg));
    CHECK(dimg.pitches[0] % 64 == 0 && dimg.offsets[1] >= dimg.pitches[0] * 288, "derived");
    {
        void *p = NULL;
        CHECK_VA(vt->vaMapBuffer(ctx, dimg.buf, &p));
        CHECK(p != NULL, "derived map");
        CHECK_VA(vt->vaUnmapBuffer(ctx, dimg.buf));
    }
    CHECK_VA(vt->vaDestroyImage(ctx, dimg.image_id));
    CHECK_VA(vt->vaDestroyImage(ctx, img.image_id));
    CHECK(vt->vaPutImage(ctx, surf[0], 0, 0, 0, 16, 16, 0, 0, 16, 16) ==
              VA_STATUS_ERROR_UNIMPLEMENTED, "PutImage");
    CHECK_VA(vt->vaDestroyContext(ctx, vctx));
    /* a second context of another size: formats are set again (no cache) */
    CHECK_VA(vt->vaCreateContext(ctx, cfg, 176, 144, VA_PROGRESSIVE, surf, 4, &vctx));
    CHECK_VA(vt->vaDestroyContext(ctx, vctx));
    CHECK_VA(vt->vaDestroySurfaces(ctx, surf, 4));
    CHECK_VA(vt->vaDestroyConfig(ctx, cfg));
}

#ifdef HAVE_VPX
#define W 176
#define H 144
#define NFRAMES 12

struct enc_frame {
    uint8_t *data;
    size_t size;
};

static int encode(struct enc_frame *out, int n)
{
    vpx_codec_ctx_t enc;
    vpx_codec_enc_cfg_t cfg;
    vpx_image_t img;
    int got = 0;

    if (vpx_codec_enc_config_default(vpx_codec_vp9_cx(), &cfg, 0))
        return -1;
    cfg.g_w = W;
    cfg.g_h = H;
    cfg.g_lag_in_frames = 0; /* no hidden alt-ref: one frame per packet */
    cfg.rc_target_bitrate = 300;
    cfg.kf_max_dist = 8; /* a second keyframe */
    if (vpx_codec_enc_init(&enc, vpx_codec_vp9_cx(), &cfg, 0))
        return -1;
    vpx_img_alloc(&img, VPX_IMG_FMT_I420, W, H, 1);
    for (int f = 0; f <= n && got < n; f++) {
        const vpx_codec_cx_pkt_t *pkt;
        vpx_codec_iter_t it = NULL;
        if (f < n) {
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    img.planes[0][y * img.stride[0] + x] = (uint8_t)(x * 2 + y + f * 7);
            for (int y = 0; y < H / 2; y++)
                for (int x = 0; x < W / 2; x++) {
                    img.planes[1][y * img.stride[1] + x] = (uint8_t)(128 + x - f * 3);
                    img.planes[2][y * img.stride[2] + x] = (uint8_t)(100 + y + f);
                }
            vpx_codec_encode(&enc, &img, f, 1, 0, VPX_DL_GOOD_QUALITY);
        } else {
            vpx_codec_encode(&enc, NULL, f, 1, 0, VPX_DL_GOOD_QUALITY);
        }
        while ((pkt = vpx_codec_get_cx_data(&enc, &it)) && got < n) {
            if (pkt->kind != VPX_CODEC_CX_FRAME_PKT)
                continue;
            out[got].data = malloc(pkt->data.frame.sz);
            memcpy(out[got].data, pkt->data.frame.buf, pkt->data.frame.sz);
            out[got].size = pkt->data.frame.sz;
            got++;
        }
    }
    vpx_img_free(&img);
    vpx_codec_destroy(&enc);
    return got;
}

/* corrupt >= 0: that frame is truncated; frames from it to the next keyframe may fail
 * (never crash), frames after the next keyframe must be byte-exact again. */
static void test_decode(VADriverContextP ctx, int corrupt)
{
    struct VADriverVTable *vt = ctx->vtable;
    struct enc_frame frames[NFRAMES];
    int n = encode(frames, NFRAMES);
    vpx_codec_ctx_t dec;
    VAConfigID cfg;
    VASurfaceID surf[10];
    VASurfaceID slots[8];
    VAContextID vctx;
    VAImageFormat fmt = {.fourcc = VA_FOURCC_NV12};
    VAImage img;
    struct vp9_parser_state ps;
    int matched = 0, expected = 0, errors = 0;
    bool damaged = false;

    CHECK(n == NFRAMES, "encoded %d frames", n);
    if (n <= 0)
        return;
    vp9_parser_init(&ps);
    CHECK(vpx_codec_dec_init(&dec, vpx_codec_vp9_dx(), NULL, 0) == 0, "libvpx decoder");
    CHECK_VA(vt->vaCreateConfig(ctx, VAProfileVP9Profile0, VAEntrypointVLD, NULL, 0, &cfg));
    CHECK_VA(vt->vaCreateSurfaces2(ctx, VA_RT_FORMAT_YUV420, W, H, surf, 10, NULL, 0));
    CHECK_VA(vt->vaCreateContext(ctx, cfg, W, H, VA_PROGRESSIVE, surf, 10, &vctx));
    CHECK_VA(vt->vaCreateImage(ctx, &fmt, W, H, &img));
    for (int i = 0; i < 8; i++)
        slots[i] = VA_INVALID_SURFACE;
    /* Chromium model: export surf[0] once before any decode and keep reading that memory */
    VADRMPRIMESurfaceDescriptor desc;
    const uint8_t *exp_map = MAP_FAILED;
    int export_checked = 0;
    memset(&desc, 0, sizeof(desc));
    CHECK_VA(vt->vaExportSurfaceHandle(ctx, surf[0], VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
                                       VA_EXPORT_SURFACE_COMPOSED_LAYERS |
                                           VA_EXPORT_SURFACE_READ_ONLY, &desc));
    if (desc.objects[0].fd >= 0)
        exp_map = mmap(NULL, desc.objects[0].size, PROT_READ, MAP_SHARED, desc.objects[0].fd, 0);

    for (int f = 0; f < n; f++) {
        struct vp9_frame_hdr hdr;
        VADecPictureParameterBufferVP9 pp;
        VASliceParameterBufferVP9 sp;
        VABufferID bufs[3];
        VASurfaceID target = VA_INVALID_SURFACE;
        char err[128];
        void *map;

        size_t fsize = f == corrupt ? 12 : frames[f].size;
        CHECK(vp9_parse_frame(&ps, frames[f].data, frames[f].size, &hdr, err, sizeof(err)) == 0,
              "parse frame %d: %s", f, err);
        if (f == corrupt)
            damaged = true;
        else if (hdr.frame.flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME)
            damaged = false;
        /* a surface not held by any reference slot */
        for (int s = 0; s < 10 && target == VA_INVALID_SURFACE; s++) {
            int used = 0;
            for (int k = 0; k < 8; k++)
                used |= slots[k] == surf[s];
            if (!used && (f == 0 || surf[s] != surf[(f + 9) % 10]))
                target = surf[s];
        }
        memset(&pp, 0, sizeof(pp));
        pp.frame_width = W;
        pp.frame_height = H;
        for (int k = 0; k < 8; k++)
            pp.reference_frames[k] = slots[k];
        pp.pic_fields.bits.frame_type = !(hdr.frame.flags & V4L2_VP9_FRAME_FLAG_KEY_FRAME);
        pp.pic_fields.bits.show_frame = 1;
        pp.pic_fields.bits.last_ref_frame = hdr.ref_frame_idx[0];
        pp.pic_fields.bits.golden_ref_frame = hdr.ref_frame_idx[1];
        pp.pic_fields.bits.alt_ref_frame = hdr.ref_frame_idx[2];
        pp.profile = 0;
        pp.bit_depth = 8;
        memset(&sp, 0, sizeof(sp));
        sp.slice_data_size = (uint32_t)fsize;
        sp.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
        CHECK_VA(vt->vaCreateBuffer(ctx, vctx, VAPictureParameterBufferType, sizeof(pp), 1, &pp, &bufs[0]));
        CHECK_VA(vt->vaCreateBuffer(ctx, vctx, VASliceParameterBufferType, sizeof(sp), 1, &sp, &bufs[1]));
        CHECK_VA(vt->vaCreateBuffer(ctx, vctx, VASliceDataBufferType, (unsigned)fsize, 1,
                                    frames[f].data, &bufs[2]));
        CHECK_VA(vt->vaBeginPicture(ctx, vctx, target));
        CHECK_VA(vt->vaRenderPicture(ctx, vctx, bufs, 3));
        VAStatus st_end = vt->vaEndPicture(ctx, vctx);
        for (int b = 0; b < 3; b++)
            vt->vaDestroyBuffer(ctx, bufs[b]);
        for (int k = 0; k < 8; k++)
            if (hdr.refresh_frame_flags & (1 << k))
                slots[k] = target;
        VAStatus st_sync = vt->vaSyncSurface(ctx, target);
        if (damaged) {
            errors += st_end != VA_STATUS_SUCCESS || st_sync != VA_STATUS_SUCCESS;
        } else {
            CHECK(st_end == VA_STATUS_SUCCESS, "EndPicture frame %d: %s", f, vaErrorStr(st_end));
            CHECK(st_sync == VA_STATUS_SUCCESS, "SyncSurface frame %d: %s", f, vaErrorStr(st_sync));
        }

        /* reference: libvpx */
        vpx_codec_iter_t it = NULL;
        vpx_image_t *ref;
        vpx_codec_decode(&dec, frames[f].data, (unsigned)frames[f].size, NULL, 0);
        ref = vpx_codec_get_frame(&dec, &it);
        CHECK(ref != NULL, "libvpx frame %d", f);
        if (!ref || damaged)
            continue;
        expected++;
        /* alternate read-back paths: GetImage and DeriveImage */
        VAImage di;
        VAImage *use = &img;
        if (f & 1) {
            CHECK_VA(vt->vaDeriveImage(ctx, target, &di));
            use = &di;
        } else {
            CHECK_VA(vt->vaGetImage(ctx, target, 0, 0, W, H, img.image_id));
        }
        CHECK_VA(vt->vaMapBuffer(ctx, use->buf, &map));
        {
            const uint8_t *y = (const uint8_t *)map + use->offsets[0];
            const uint8_t *uv = (const uint8_t *)map + use->offsets[1];
            int same = 1;
            for (int r = 0; r < H && same; r++)
                same = !memcmp(y + r * use->pitches[0], ref->planes[0] + r * ref->stride[0], W);
            for (int r = 0; r < H / 2 && same; r++)
                for (int c = 0; c < W / 2 && same; c++)
                    same = uv[r * use->pitches[1] + 2 * c] == ref->planes[1][r * ref->stride[1] + c] &&
                           uv[r * use->pitches[1] + 2 * c + 1] == ref->planes[2][r * ref->stride[2] + c];
            CHECK(same, "frame %d differs from libvpx (%s)", f, (f & 1) ? "derive" : "getimage");
            if (target == surf[0] && exp_map != MAP_FAILED) {
                const uint8_t *ey = exp_map + desc.layers[0].offset[0];
                int esame = 1;
                for (int r = 0; r < H && esame; r++)
                    esame = !memcmp(ey + r * desc.layers[0].pitch[0],
                                    ref->planes[0] + r * ref->stride[0], W);
                CHECK(esame, "frame %d not in the memory exported before decoding", f);
                export_checked++;
            }
            matched += same;
        }
        vt->vaUnmapBuffer(ctx, use->buf);
        if (f & 1)
            vt->vaDestroyImage(ctx, di.image_id);
    }
    fprintf(stderr, "decode%s: %d/%d frames byte-exact, %d errors reported, %d checked "
            "in exported memory\n", corrupt >= 0 ? " (corrupted frame)" : "", matched,
            expected, errors, export_checked);
    if (corrupt < 0)
        CHECK(export_checked > 0, "no decode into the exported surface");
    if (exp_map != MAP_FAILED)
        munmap((void *)exp_map, desc.objects[0].size);
    if (desc.objects[0].fd >= 0)
        close(desc.objects[0].fd);
    CHECK(matched == expected && expected > 0, "byte-exact frames");
    if (corrupt >= 0)
        CHECK(errors > 0, "the corrupted frame was not reported");
    vt->vaDestroyImage(ctx, img.image_id);
    CHECK_VA(vt->vaDestroyContext(ctx, vctx));
    CHECK_VA(vt->vaDestroySurfaces(ctx, surf, 10));
    vt->vaDestroyConfig(ctx, cfg);
    vpx_codec_destroy(&dec);
    for (int f = 0; f < n; f++)
        free(frames[f].data);
}
#endif

#ifdef HAVE_VPX
static void *decode_thread(void *arg)
{
    test_decode(arg, -1);
    return NULL;
}

/* several contexts decoding at the same time from several threads */
static void test_threads(VADriverContextP ctx)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&t[i], NULL, decode_thread, ctx) == 0, "pthread_create");
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
}
#endif

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DRIVER_PATH;
    struct VADriverContext ctx;
    struct VADriverVTable vtable;
    void *h;
    init_fn init;
    VAStatus st;

    setenv("VAREQ_DEVICE", "sim", 0);
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return 1;
    }
    init = (init_fn)dlsym(h, "__vaDriverInit_1_17");
    if (!init) {
        fprintf(stderr, "no __vaDriverInit_1_17\n");
        return 1;
    }
    memset(&ctx, 0, sizeof(ctx));
    memset(&vtable, 0, sizeof(vtable));
    ctx.vtable = &vtable;
    ctx.display_type = VA_DISPLAY_DRM;
    st = init(&ctx);
    if (st != VA_STATUS_SUCCESS) {
        fprintf(stderr, "driver init failed: %s\n", vaErrorStr(st));
        return 1;
    }
    test_basics(&ctx);
#ifdef HAVE_VPX
    test_decode(&ctx, -1);
    test_decode(&ctx, 3);
    test_threads(&ctx);
#endif
    CHECK_VA(vtable.vaTerminate(&ctx));
    return check_exit("driver", failures);
}
