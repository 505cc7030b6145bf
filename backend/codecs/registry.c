#include "codecs/codec.h"

#include <string.h>

#include "device/device.h"

/* Add new codecs here; discovery advertises a codec's profiles when a decoder offers its
 * OUTPUT pixel format. */
static const struct vareq_codec *const codecs[] = {
    &vareq_codec_vp9,
    &vareq_codec_vp8,
    &vareq_codec_av1,
    &vareq_codec_h264,
};

#define N_CODECS (sizeof(codecs) / sizeof(codecs[0]))

unsigned vareq_codec_count(void)
{
    return N_CODECS;
}

const struct vareq_codec *vareq_codec_at(unsigned i)
{
    return i < N_CODECS ? codecs[i] : NULL;
}

unsigned vareq_codec_total_profiles(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < N_CODECS; i++)
        n += codecs[i]->n_profiles;
    return n;
}

const struct vareq_codec *vareq_codec_by_profile(VAProfile profile,
                                                 const struct vareq_codec_profile **prof)
{
    for (unsigned i = 0; i < N_CODECS; i++)
        for (unsigned j = 0; j < codecs[i]->n_profiles; j++)
            if (codecs[i]->profiles[j].va == profile) {
                if (prof)
                    *prof = &codecs[i]->profiles[j];
                return codecs[i];
            }
    return NULL;
}

const struct vareq_codec *vareq_codec_by_pixfmt(uint32_t pixfmt)
{
    for (unsigned i = 0; i < N_CODECS; i++)
        if (codecs[i]->output_pixfmt == pixfmt)
            return codecs[i];
    return NULL;
}

int vareq_codec_set_format_ctrls(const struct vareq_codec *codec, const struct vareq_sysops *ops,
                                 int fd, unsigned bit_depth, uint32_t *error_idx)
{
    struct v4l2_ext_control ctrls[VAREQ_MAX_CTRLS];
    struct v4l2_ext_controls ec;
    uint64_t buf[512]; /* 4 KiB, aligned for any control payload */
    unsigned n = 0;

    if (!codec->format_ctrls)
        return 1;
    memset(ctrls, 0, sizeof(ctrls));
    memset(buf, 0, sizeof(buf));
    if (codec->format_ctrls(bit_depth, ctrls, &n, buf, sizeof(buf)) != 0 || !n ||
        n > VAREQ_MAX_CTRLS)
        return 1;
    memset(&ec, 0, sizeof(ec));
    ec.which = V4L2_CTRL_WHICH_CUR_VAL;
    ec.count = n;
    ec.controls = ctrls;
    if (vq_ioctl(ops, fd, VIDIOC_S_EXT_CTRLS, &ec) < 0) {
        if (error_idx)
            *error_idx = ec.error_idx;
        return -1;
    }
    return 0;
}
