/* Discovery of stateless decoders through the media topology (kernel and simdev alike):
 * media node -> MEDIA_ENT_F_PROC_VIDEO_DECODER entity -> (data-linked entities) ->
 * interface link -> MEDIA_INTF_T_V4L_VIDEO interface -> devnode_path(major, minor).
 * Overrides: LIBVA_V4L2_REQUEST_MEDIA_PATH, LIBVA_V4L2_REQUEST_VIDEO_PATH. */
#include <errno.h>
#include <fcntl.h>
#include <linux/media.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/codec.h"
#include "device/device.h"
#include "util/log.h"

/* MEDIA_LNK_FL_LINK_TYPE is (0xf << 28) in the uAPI header, which overflows int. */
#define LINK_TYPE_MASK 0xf0000000u

#define MAX_MEDIA_NODES 64

struct topo {
    struct media_v2_topology t;
    struct media_v2_entity *ents;
    struct media_v2_interface *intfs;
    struct media_v2_pad *pads;
    struct media_v2_link *links;
};

static void topo_free(struct topo *tp)
{
    free(tp->ents);
    free(tp->intfs);
    free(tp->pads);
    free(tp->links);
    memset(tp, 0, sizeof(*tp));
}

static int topo_get(const struct vareq_sysops *ops, int fd, struct topo *tp)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        struct media_v2_topology t;
        memset(&t, 0, sizeof(t));
        if (vq_ioctl(ops, fd, MEDIA_IOC_G_TOPOLOGY, &t) < 0)
            return -1;
        topo_free(tp);
        if (t.num_entities > 1024 || t.num_interfaces > 1024 || t.num_pads > 4096 ||
            t.num_links > 4096) {
            errno = E2BIG;
            return -1;
        }
        tp->ents = calloc(t.num_entities + 1, sizeof(*tp->ents));
        tp->intfs = calloc(t.num_interfaces + 1, sizeof(*tp->intfs));
        tp->pads = calloc(t.num_pads + 1, sizeof(*tp->pads));
        tp->links = calloc(t.num_links + 1, sizeof(*tp->links));
        if (!tp->ents || !tp->intfs || !tp->pads || !tp->links) {
            topo_free(tp);
            errno = ENOMEM;
            return -1;
        }
        struct media_v2_topology t2 = t;
        t2.ptr_entities = (uintptr_t)tp->ents;
        t2.ptr_interfaces = (uintptr_t)tp->intfs;
        t2.ptr_pads = (uintptr_t)tp->pads;
        t2.ptr_links = (uintptr_t)tp->links;
        if (vq_ioctl(ops, fd, MEDIA_IOC_G_TOPOLOGY, &t2) < 0) {
            topo_free(tp);
            return -1;
        }
        if (t2.topology_version != t.topology_version || t2.num_entities > t.num_entities ||
            t2.num_interfaces > t.num_interfaces || t2.num_pads > t.num_pads ||
            t2.num_links > t.num_links)
            continue; /* changed in between: retry */
        tp->t = t2;
        return 0;
    }
    errno = EAGAIN;
    return -1;
}

static int pad_entity(const struct topo *tp, uint32_t pad_id)
{
    for (uint32_t i = 0; i < tp->t.num_pads; i++)
        if (tp->pads[i].id == pad_id)
            return (int)tp->pads[i].entity_id;
    return -1;
}

/* Finds the video interface of the decoder entity: an interface linked to it or to an
 * entity connected to it by a data link (the kernel's m2m helper links the interface
 * to the source/sink I/O entities). */
static int find_video_intf(const struct topo *tp, uint32_t dec_id, uint32_t *major,
                           uint32_t *minor)
{
    uint32_t related[64];
    unsigned n = 0;

    related[n++] = dec_id;
    for (uint32_t i = 0; i < tp->t.num_links && n < 64; i++) {
        const struct media_v2_link *l = &tp->links[i];
        int se, ke;
        if ((l->flags & LINK_TYPE_MASK) != MEDIA_LNK_FL_DATA_LINK)
            continue;
        se = pad_entity(tp, l->source_id);
        ke = pad_entity(tp, l->sink_id);
        if (se == (int)dec_id && ke >= 0)
            related[n++] = (uint32_t)ke;
        else if (ke == (int)dec_id && se >= 0)
            related[n++] = (uint32_t)se;
    }
    for (unsigned r = 0; r < n; r++) {
        for (uint32_t i = 0; i < tp->t.num_links; i++) {
            const struct media_v2_link *l = &tp->links[i];
            if ((l->flags & LINK_TYPE_MASK) != MEDIA_LNK_FL_INTERFACE_LINK ||
                l->sink_id != related[r])
                continue;
            for (uint32_t k = 0; k < tp->t.num_interfaces; k++) {
                const struct media_v2_interface *in = &tp->intfs[k];
                if (in->id == l->source_id && in->intf_type == MEDIA_INTF_T_V4L_VIDEO) {
                    *major = in->devnode.major;
                    *minor = in->devnode.minor;
                    return 0;
                }
            }
        }
    }
    return -1;
}

/* Without ENUM_FRAMESIZES (cedrus has none): the OUTPUT format's clamping tells the range
 * (TRY_FMT of the smallest and the largest size; drivers clamp to what they decode). */
static void range_from_try_fmt(const struct vareq_sysops *ops, int fd, uint32_t type,
                               struct vareq_decoder_format *f)
{
    static const unsigned asks[2] = {1, 65536};
    for (unsigned k = 0; k < 2; k++) {
        struct v4l2_pix_format_mplane pix;
        memset(&pix, 0, sizeof(pix));
        pix.pixelformat = f->pixfmt;
        pix.width = pix.height = asks[k];
        pix.num_planes = 1;
        if (v4l2_try_fmt(ops, fd, type, &pix) < 0 || pix.pixelformat != f->pixfmt ||
            !pix.width || !pix.height) {
            vq_info("TRY_FMT OUTPUT %ux%u: %s: assuming 16x16..4096x4096", asks[k], asks[k],
                    strerror(errno));
            return;
        }
        if (k == 0) {
            f->min_w = pix.width;
            f->min_h = pix.height;
        } else {
            f->max_w = pix.width;
            f->max_h = pix.height;
        }
    }
}

static void range_from_framesizes(const struct vareq_sysops *ops, int fd, uint32_t type,
                                  struct vareq_decoder_format *f)
{
    struct v4l2_frmsizeenum fs;

    f->min_w = 16;
    f->min_h = 16;
    f->max_w = 4096;
    f->max_h = 4096;
    memset(&fs, 0, sizeof(fs));
    fs.index = 0;
    fs.pixel_format = f->pixfmt;
    if (vq_ioctl(ops, fd, VIDIOC_ENUM_FRAMESIZES, &fs) < 0) {
        vq_info("ENUM_FRAMESIZES failed (%s): size range from TRY_FMT", strerror(errno));
        range_from_try_fmt(ops, fd, type, f);
        return;
    }
    if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
        unsigned maxw = fs.discrete.width, maxh = fs.discrete.height;
        unsigned minw = maxw, minh = maxh;
        for (fs.index = 1; fs.index < 64; fs.index++) {
            if (vq_ioctl(ops, fd, VIDIOC_ENUM_FRAMESIZES, &fs) < 0)
                break;
            if (fs.discrete.width > maxw) maxw = fs.discrete.width;
            if (fs.discrete.height > maxh) maxh = fs.discrete.height;
            if (fs.discrete.width < minw) minw = fs.discrete.width;
            if (fs.discrete.height < minh) minh = fs.discrete.height;
        }
        f->min_w = minw; f->min_h = minh; f->max_w = maxw; f->max_h = maxh;
    } else {
        f->min_w = fs.stepwise.min_width;
        f->max_w = fs.stepwise.max_width;
        f->min_h = fs.stepwise.min_height;
        f->max_h = fs.stepwise.max_height;
    }
}

/* Devices that enumerate 10-bit CAPTURE formats only once the stream's controls say
 * 10-bit (rkvdec, simdev): set the codec's 10-bit format controls (codec.h
 * format_ctrls), add the formats enumerated then, and set the 8-bit ones back.
 * (Added by the VP8/VP9 codec engineer for VP9 profile 2.) */
static void probe_capture_10bit(const struct vareq_sysops *ops, int fd, uint32_t cap_type,
                                struct vareq_decoder_format *f)
{
    const struct vareq_codec *codec = vareq_codec_by_pixfmt(f->pixfmt);
    uint32_t more[VAREQ_MAX_CAP_FORMATS];

    if (!codec)
        return;
    for (unsigned depth = 10; depth >= 8; depth -= 2) {
        if (vareq_codec_set_format_ctrls(codec, ops, fd, depth, NULL) != 0)
            return;
        if (depth != 10)
            break;
        unsigned m = v4l2_enum_formats(ops, fd, cap_type, more, VAREQ_MAX_CAP_FORMATS);
        for (unsigned i = 0; i < m && f->n_cap_fmts < VAREQ_MAX_CAP_FORMATS; i++) {
            bool dup = false;
            for (unsigned k = 0; k < f->n_cap_fmts; k++)
                dup |= f->cap_fmts[k] == more[i];
            if (!dup)
                f->cap_fmts[f->n_cap_fmts++] = more[i];
        }
    }
}

/* CAPTURE formats offered for an OUTPUT format (they depend on it: S_FMT(OUTPUT) first). */
static void probe_capture(const struct vareq_sysops *ops, int fd, bool mplane,
                          struct vareq_decoder_format *f)
{
    struct v4l2_pix_format_mplane pix;
    uint32_t cap_type = vq_queue_type(mplane, true);
    char a[8], b[8];

    memset(&pix, 0, sizeof(pix));
    pix.pixelformat = f->pixfmt;
    pix.width = f->min_w > 320 ? f->min_w : 320;
    pix.height = f->min_h > 240 ? f->min_h : 240;
    pix.num_planes = 1;
    if (v4l2_s_fmt(ops, fd, vq_queue_type(mplane, false), &pix) < 0)
        vq_info("discovery: S_FMT OUTPUT %s: %s (CAPTURE formats of the default)",
                vq_fourcc(f->pixfmt, a), strerror(errno));
    f->n_cap_fmts = v4l2_enum_formats(ops, fd, cap_type, f->cap_fmts, VAREQ_MAX_CAP_FORMATS);
    probe_capture_10bit(ops, fd, cap_type, f);
    for (unsigned i = 0; i < f->n_cap_fmts; i++)
        vq_info("discovery: %s -> CAPTURE %s", vq_fourcc(f->pixfmt, a),
                vq_fourcc(f->cap_fmts[i], b));
}

/* Probes the video node's OUTPUT formats; 0 if it is a usable stateless decoder. */
static int probe_video(const struct vareq_sysops *ops, struct vareq_decoder *d)
{
    struct v4l2_capability cap;
    uint32_t caps;
    int fd = ops->open(d->video_path, O_RDWR | O_NONBLOCK);

    if (fd < 0) {
        vq_info("discovery: open %s: %s", d->video_path, strerror(errno));
        return -1;
    }
    memset(&cap, 0, sizeof(cap));
    if (vq_ioctl(ops, fd, VIDIOC_QUERYCAP, &cap) < 0) {
        vq_info("discovery: %s: QUERYCAP: %s", d->video_path, strerror(errno));
        ops->close(fd);
        return -1;
    }
    caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    /* the multi-planar M2M API when offered, else the single-planar one (cedrus) */
    if (!(caps & (V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_VIDEO_M2M)) ||
        !(caps & V4L2_CAP_STREAMING)) {
        vq_info("discovery: %s: not a streaming m2m device (caps 0x%x)", d->video_path, caps);
        ops->close(fd);
        return -1;
    }
    d->mplane = (caps & V4L2_CAP_VIDEO_M2M_MPLANE) != 0;
    d->n_fmts = 0;
    for (unsigned i = 0; i < 64 && d->n_fmts < VAREQ_MAX_DEC_FORMATS; i++) {
        struct v4l2_fmtdesc fd_;
        char fc[8];
        memset(&fd_, 0, sizeof(fd_));
        fd_.index = i;
        fd_.type = vq_queue_type(d->mplane, false);
        if (vq_ioctl(ops, fd, VIDIOC_ENUM_FMT, &fd_) < 0)
            break;
        if (!vareq_codec_by_pixfmt(fd_.pixelformat)) {
            vq_info("discovery: %s: OUTPUT format %s not supported by vareq",
                    d->video_path, vq_fourcc(fd_.pixelformat, fc));
            continue;
        }
        struct vareq_decoder_format *f = &d->fmts[d->n_fmts++];
        memset(f, 0, sizeof(*f));
        f->pixfmt = fd_.pixelformat;
        range_from_framesizes(ops, fd, vq_queue_type(d->mplane, false), f);
        probe_capture(ops, fd, d->mplane, f);
        vq_info("discovery: %s: %s %ux%u..%ux%u (%s API)", d->video_path,
                vq_fourcc(f->pixfmt, fc), f->min_w, f->min_h, f->max_w, f->max_h,
                d->mplane ? "multi-planar" : "single-planar");
    }
    ops->close(fd);
    return d->n_fmts ? 0 : -1;
}

static unsigned scan_media(const struct vareq_sysops *ops, const char *media_path,
                           struct vareq_decoder *out, unsigned max)
{
    struct topo tp;
    unsigned n = 0;
    int fd = ops->open(media_path, O_RDWR | O_NONBLOCK);

    if (fd < 0) {
        vq_dbg("discovery: open %s: %s", media_path, strerror(errno));
        return 0;
    }
    memset(&tp, 0, sizeof(tp));
    if (topo_get(ops, fd, &tp) < 0) {
        vq_info("discovery: %s: G_TOPOLOGY: %s", media_path, strerror(errno));
        ops->close(fd);
        return 0;
    }
    for (uint32_t i = 0; i < tp.t.num_entities && n < max; i++) {
        uint32_t major, minor;
        struct vareq_decoder *d = &out[n];
        if (tp.ents[i].function != MEDIA_ENT_F_PROC_VIDEO_DECODER)
            continue;
        if (find_video_intf(&tp, tp.ents[i].id, &major, &minor) < 0) {
            vq_info("discovery: %s: decoder '%s' has no video interface", media_path,
                    tp.ents[i].name);
            continue;
        }
        memset(d, 0, sizeof(*d));
        snprintf(d->media_path, sizeof(d->media_path), "%s", media_path);
        if (ops->devnode_path(major, minor, d->video_path, sizeof(d->video_path)) < 0) {
            vq_info("discovery: %s: no node for %u:%u: %s", media_path, major, minor,
                    strerror(errno));
            continue;
        }
        if (probe_video(ops, d) == 0) {
            vq_info("discovery: decoder '%s' at %s (%s)", tp.ents[i].name, d->video_path,
                    media_path);
            n++;
        }
    }
    topo_free(&tp);
    ops->close(fd);
    return n;
}

unsigned vareq_discover(const struct vareq_sysops *ops, struct vareq_decoder *out,
                        unsigned max)
{
    const char *media_env = getenv("LIBVA_V4L2_REQUEST_MEDIA_PATH");
    const char *video_env = getenv("LIBVA_V4L2_REQUEST_VIDEO_PATH");
    unsigned n = 0;
    char path[32];

    if (!max)
        return 0;
    if (video_env && *video_env) {
        /* explicit pair, as the original backend */
        struct vareq_decoder *d = &out[0];
        memset(d, 0, sizeof(*d));
        snprintf(d->video_path, sizeof(d->video_path), "%s", video_env);
        snprintf(d->media_path, sizeof(d->media_path), "%s",
                 media_env && *media_env ? media_env : "/dev/media0");
        if (probe_video(ops, d) == 0)
            return 1;
        vq_err("LIBVA_V4L2_REQUEST_VIDEO_PATH=%s is not a usable decoder", video_env);
        return 0;
    }
    if (media_env && *media_env)
        return scan_media(ops, media_env, out, max);
    for (int i = 0; i < MAX_MEDIA_NODES && n < max; i++) {
        snprintf(path, sizeof(path), "/dev/media%d", i);
        n += scan_media(ops, path, out + n, max - n);
    }
    return n;
}
