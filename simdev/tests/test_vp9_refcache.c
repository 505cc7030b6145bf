/* simdev-vp9-refcache: the VP9 engine's reference cache (simdev/codecs/vp9/sim_vp9.c,
 * "Reference cache"; docs/simdev.md) must give exactly what loading every reference from
 * its CAPTURE buffer gives, also when the client wrote into a reference buffer between
 * two decodes.
 *
 * A short stream is encoded here with libvpx (8-bit profile 0, and 10-bit profile 2 when
 * libvpx has high bit depth). It is decoded like the driver does it (the backend's VP9
 * parser -> controls, 8 reference slots of CAPTURE pictures named by timestamp) by
 * sim_vp9_decode, four times: cache on/off x with/without a write into the LAST
 * reference's CAPTURE memory just before frame K. Checks:
 *   - cache on == cache off, byte for byte, for every frame, with and without the write;
 *   - the write changes frame K (so the reference really was read from the buffer);
 *   - with the cache on, references were reused (the cache ran) and at frame K the
 *     written reference was loaded again;
 *   - 10-bit: a write into only the 6 unused low bits of P010 samples changes nothing
 *     (the CAPTURE samples a reload would read are the same), with the cache on or off.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include "check.h"
#include "sim_vp9.h"
#include "vp9_parser.h"
#include "vp9_superframe.h"

#define W 96
#define H 64
#define NFRAMES 12
#define SCRIBBLE_AT 6 /* frame index (decode order) before which LAST is written into */

int failures;

struct packet {
    uint8_t *data;
    size_t size;
};

/* Encodes NFRAMES frames of a moving pattern; returns the number of packets (0: the
 * encoder could not be set up for this depth). */
static size_t encode(unsigned depth, struct packet *pk, size_t max)
{
    vpx_codec_enc_cfg_t cfg;
    if (vpx_codec_enc_config_default(vpx_codec_vp9_cx(), &cfg, 0) != VPX_CODEC_OK)
        return 0;
    cfg.g_w = W;
    cfg.g_h = H;
    cfg.g_timebase.num = 1;
    cfg.g_timebase.den = 30;
    cfg.g_threads = 1;
    cfg.g_lag_in_frames = 0;
    cfg.rc_target_bitrate = 400;
    cfg.kf_max_dist = 1000;
    bool hbd = depth > 8;
    if (hbd) {
        cfg.g_profile = 2;
        cfg.g_bit_depth = VPX_BITS_10;
        cfg.g_input_bit_depth = 10;
    }
    vpx_codec_ctx_t enc;
    if (vpx_codec_enc_init(&enc, vpx_codec_vp9_cx(), &cfg, hbd ? VPX_CODEC_USE_HIGHBITDEPTH : 0) !=
        VPX_CODEC_OK)
        return 0;
    vpx_codec_control(&enc, VP8E_SET_CPUUSED, 8);
    vpx_image_t img;
    if (!vpx_img_alloc(&img, hbd ? VPX_IMG_FMT_I42016 : VPX_IMG_FMT_I420, W, H, 16)) {
        vpx_codec_destroy(&enc);
        return 0;
    }
    size_t n = 0;
    for (int f = 0; f <= NFRAMES; f++) {
        for (int p = 0; p < 3; p++) {
            unsigned pw = p ? W / 2 : W, ph = p ? H / 2 : H;
            for (unsigned y = 0; y < ph; y++)
                for (unsigned x = 0; x < pw; x++) {
                    unsigned v = (x * 3 + y * 2 + (unsigned)f * 5 + (unsigned)p * 60) & 0xff;
                    unsigned sq = (x + (unsigned)f * 2) % 40 < 12 && (y + (unsigned)f) % 30 < 10;
                    if (sq)
                        v = 255 - v;
                    uint8_t *row = img.planes[p] + (size_t)y * (size_t)img.stride[p];
                    if (hbd)
                        ((uint16_t *)(void *)row)[x] = (uint16_t)(v * 4 + (x & 3));
                    else
                        row[x] = (uint8_t)v;
                }
        }
        /* f == NFRAMES: flush */
        if (vpx_codec_encode(&enc, f < NFRAMES ? &img : NULL, f, 1, 0, VPX_DL_REALTIME) !=
            VPX_CODEC_OK)
            break;
        vpx_codec_iter_t it = NULL;
        const vpx_codec_cx_pkt_t *pkt;
        while ((pkt = vpx_codec_get_cx_data(&enc, &it)))
            if (pkt->kind == VPX_CODEC_CX_FRAME_PKT && n < max) {
                pk[n].data = malloc(pkt->data.frame.sz);
                if (!pk[n].data)
                    abort();
                memcpy(pk[n].data, pkt->data.frame.buf, pkt->data.frame.sz);
                pk[n].size = pkt->data.frame.sz;
                n++;
            }
    }
    vpx_img_free(&img);
    vpx_codec_destroy(&enc);
    return n;
}

/* A CAPTURE picture: NV12 or P010, one memory plane, pitch larger than the row. */
struct pic {
    struct sim_picture sp;
    uint64_t ts;
    uint8_t *mem;
    size_t total;
};

static struct pic *pic_new(unsigned depth, uint64_t ts)
{
    struct pic *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    unsigned sb = depth > 8 ? 2 : 1, bpl = W * sb + 32;
    size_t luma = (size_t)bpl * H;
    p->total = luma + (size_t)bpl * (H / 2);
    p->mem = calloc(1, p->total);
    if (!p->mem)
        abort();
    p->sp.fourcc = depth > 8 ? V4L2_PIX_FMT_P010 : V4L2_PIX_FMT_NV12;
    p->sp.bit_depth = depth;
    p->sp.num_mem_planes = 1;
    p->sp.fmt_width = W;
    p->sp.fmt_height = H;
    p->sp.plane[0] = (struct sim_plane){ p->mem, luma, bpl };
    p->sp.plane[1] = (struct sim_plane){ p->mem + luma, p->total - luma, bpl };
    p->ts = ts;
    return p;
}

enum scribble { NONE, VISIBLE, LOW_BITS };

/* Writes into a 32x24 luma area and the chroma under it, as a client might. */
static void scribble(struct pic *p, unsigned depth, enum scribble how)
{
    unsigned sb = depth > 8 ? 2 : 1;
    for (unsigned pl = 0; pl < 2; pl++)
        for (unsigned y = 8 >> pl; y < (32u >> pl); y++) {
            uint8_t *row = p->sp.plane[pl].data + (size_t)y * p->sp.plane[pl].bytesperline;
            for (unsigned x = 16 * sb; x < 48 * sb; x++) {
                if (how == VISIBLE && (sb == 1 || (x & 1)))
                    row[x] ^= 0x5a;        /* 8-bit sample, or P010 high byte */
                else if (how == LOW_BITS && sb == 2 && !(x & 1))
                    row[x] ^= 0x2b;        /* P010 low byte: bits 7..6 kept */
            }
        }
}

struct run_out {
    uint8_t *frame[NFRAMES * 2]; /* copies of every decoded CAPTURE picture */
    size_t nframes;
    uint64_t reused, loaded;
    uint64_t loaded_before_k, loaded_at_k;
};

static int run(const struct packet *pk, size_t npk, unsigned depth, bool cache,
               enum scribble how, struct run_out *out)
{
    struct sim_vp9 *eng = sim_vp9_create();
    if (!eng)
        return -1;
    sim_vp9_set_ref_cache(eng, cache);
    struct vp9_parser_state ps;
    vp9_parser_init(&ps);
    struct pic *all[NFRAMES * 2] = { 0 };
    struct pic *slot[8] = { 0 };
    size_t nall = 0;
    char err[256];
    int ret = 0;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < npk && ret == 0; i++) {
        size_t offs[VP9_MAX_SUPERFRAME_FRAMES], sizes[VP9_MAX_SUPERFRAME_FRAMES];
        int nf = vp9_superframe_split(pk[i].data, pk[i].size, offs, sizes);
        for (int j = 0; j < nf && ret == 0; j++) {
            const uint8_t *data = pk[i].data + offs[j];
            struct vp9_frame_hdr h;
            if (vp9_parse_frame(&ps, data, sizes[j], &h, err, sizeof(err)) < 0) {
                printf("parse: %s\n", err);
                ret = -1;
                break;
            }
            if (h.show_existing_frame || nall >= NFRAMES * 2)
                continue;
            struct v4l2_ctrl_vp9_frame f = h.frame;
            const struct sim_picture *refs[3] = { NULL, NULL, NULL };
            bool intra = f.flags & (V4L2_VP9_FRAME_FLAG_KEY_FRAME | V4L2_VP9_FRAME_FLAG_INTRA_ONLY);
            if (!intra) {
                for (int r = 0; r < 3; r++) {
                    struct pic *rp = slot[h.ref_frame_idx[r]];
                    refs[r] = rp ? &rp->sp : NULL;
                }
                f.last_frame_ts = slot[h.ref_frame_idx[0]] ? slot[h.ref_frame_idx[0]]->ts : 0;
                f.golden_frame_ts = slot[h.ref_frame_idx[1]] ? slot[h.ref_frame_idx[1]]->ts : 0;
                f.alt_frame_ts = slot[h.ref_frame_idx[2]] ? slot[h.ref_frame_idx[2]]->ts : 0;
            }
            if (nall == SCRIBBLE_AT) {
                if (intra || !slot[h.ref_frame_idx[0]]) {
                    printf("frame %d is not an inter frame\n", SCRIBBLE_AT);
                    ret = -1;
                    break;
                }
                scribble(slot[h.ref_frame_idx[0]], depth, how);
                sim_vp9_ref_stats(eng, &out->reused, &out->loaded_before_k);
            }
            struct pic *dst = pic_new(depth, 1000 * (nall + 1));
            all[nall++] = dst;
            int r = sim_vp9_decode(eng, &f, &h.hdr, data, sizes[j], refs, &dst->sp, err,
                                   sizeof(err));
            if (r < 0) {
                printf("decode of frame %zu failed: %s\n", nall - 1, err);
                ret = -1;
                break;
            }
            if (nall - 1 == SCRIBBLE_AT) {
                uint64_t reused, loaded;
                sim_vp9_ref_stats(eng, &reused, &loaded);
                out->loaded_at_k = loaded - out->loaded_before_k;
            }
            for (int s = 0; s < 8; s++)
                if (h.refresh_frame_flags & (1u << s))
                    slot[s] = dst;
            out->frame[out->nframes] = malloc(dst->total);
            if (!out->frame[out->nframes])
                abort();
            memcpy(out->frame[out->nframes++], dst->mem, dst->total);
        }
    }
    sim_vp9_ref_stats(eng, &out->reused, &out->loaded);
    sim_vp9_destroy(eng);
    for (size_t i = 0; i < nall; i++) {
        free(all[i]->mem);
        free(all[i]);
    }
    return ret;
}

static void run_free(struct run_out *o)
{
    for (size_t i = 0; i < o->nframes; i++)
        free(o->frame[i]);
}

static size_t pic_bytes(unsigned depth)
{
    unsigned sb = depth > 8 ? 2 : 1, bpl = W * sb + 32;
    return (size_t)bpl * H + (size_t)bpl * (H / 2);
}

/* First frame where a and b differ, or -1. */
static long first_diff(const struct run_out *a, const struct run_out *b, unsigned depth)
{
    if (a->nframes != b->nframes)
        return 0;
    for (size_t i = 0; i < a->nframes; i++)
        if (memcmp(a->frame[i], b->frame[i], pic_bytes(depth)))
            return (long)i;
    return -1;
}

static void test_depth(unsigned depth)
{
    struct packet pk[NFRAMES * 2];
    size_t npk = encode(depth, pk, NFRAMES * 2);
    if (npk == 0) {
        CHECK(depth > 8, "libvpx cannot encode %u-bit VP9", depth);
        printf("SKIP %u-bit: libvpx has no high bit depth encoder\n", depth);
        return;
    }
    struct run_out on_w, off_w, on, off;
    int r1 = run(pk, npk, depth, true, VISIBLE, &on_w);
    int r2 = run(pk, npk, depth, false, VISIBLE, &off_w);
    int r3 = run(pk, npk, depth, true, NONE, &on);
    int r4 = run(pk, npk, depth, false, NONE, &off);
    CHECK(r1 == 0 && r2 == 0 && r3 == 0 && r4 == 0, "%u-bit: decodes failed", depth);
    CHECK(on.nframes == NFRAMES, "%u-bit: %zu frames decoded, %d expected", depth, on.nframes,
          NFRAMES);
    long d = first_diff(&on, &off, depth);
    CHECK(d < 0, "%u-bit, no write: cache on and off differ at frame %ld", depth, d);
    d = first_diff(&on_w, &off_w, depth);
    CHECK(d < 0, "%u-bit, write into LAST before frame %d: cache on and off differ at frame %ld",
          depth, SCRIBBLE_AT, d);
    d = first_diff(&on_w, &on, depth);
    CHECK(d == SCRIBBLE_AT, "%u-bit: the write into LAST should first change frame %d, "
          "changed %ld", depth, SCRIBBLE_AT, d);
    CHECK(on.reused > 0, "%u-bit: the cache reused no reference (%llu loaded)", depth,
          (unsigned long long)on.loaded);
    CHECK(off.reused == 0, "%u-bit: cache off reused %llu references", depth,
          (unsigned long long)off.reused);
    CHECK(on_w.loaded_at_k >= 1, "%u-bit: the written reference was not loaded again", depth);
    printf("%u-bit: %zu frames; cache on: %llu references reused, %llu loaded (%llu at the "
           "written frame); off: %llu loaded\n", depth, on.nframes,
           (unsigned long long)on.reused, (unsigned long long)on.loaded,
           (unsigned long long)on_w.loaded_at_k, (unsigned long long)off.loaded);
    if (depth > 8) {
        struct run_out on_l, off_l;
        int r5 = run(pk, npk, depth, true, LOW_BITS, &on_l);
        int r6 = run(pk, npk, depth, false, LOW_BITS, &off_l);
        CHECK(r5 == 0 && r6 == 0, "10-bit low-bit runs failed");
        /* the written buffer itself differs (it is a reference, not an output of later
         * frames): compare the frames decoded after the write */
        for (size_t i = SCRIBBLE_AT; i < on.nframes && i < on_l.nframes && i < off_l.nframes; i++) {
            CHECK(!memcmp(on_l.frame[i], on.frame[i], pic_bytes(depth)),
                  "10-bit: a write into the unused low bits changed frame %zu (cache on)", i);
            CHECK(!memcmp(off_l.frame[i], on.frame[i], pic_bytes(depth)),
                  "10-bit: a write into the unused low bits changed frame %zu (cache off)", i);
        }
        run_free(&on_l);
        run_free(&off_l);
    }
    run_free(&on_w);
    run_free(&off_w);
    run_free(&on);
    run_free(&off);
    for (size_t i = 0; i < npk; i++)
        free(pk[i].data);
}

int main(void)
{
    test_depth(8);
    test_depth(10);
    return check_exit("simdev-vp9-refcache");
}
