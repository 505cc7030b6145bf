/* The codecs built into simdev. One line per codec in each list below; a codec's
 * directory simdev/codecs/<name>/ with a meson.build defines SIM_CODEC_<NAME> (see
 * simdev/meson.build), so a line only takes effect once its codec is built.
 * Order = ENUM_FMT order on the OUTPUT queue (the first offered codec is the default). */
#include "codec.h"

#include <string.h>

#ifdef SIM_CODEC_MPEG2
extern const struct sim_codec sim_codec_mpeg2;
#endif
#ifdef SIM_CODEC_H264
extern const struct sim_codec sim_codec_h264;
#endif
#ifdef SIM_CODEC_HEVC
extern const struct sim_codec sim_codec_hevc;
#endif
#ifdef SIM_CODEC_VP8
extern const struct sim_codec sim_codec_vp8;
#endif
#ifdef SIM_CODEC_VP9
extern const struct sim_codec sim_codec_vp9;
#endif
#ifdef SIM_CODEC_AV1
extern const struct sim_codec sim_codec_av1;
#endif
#ifdef SIM_CODEC_SIMTEST /* simdev/tests only (libvareq-simdev-test) */
extern const struct sim_codec sim_codec_simtest;
#endif

const struct sim_codec *const sim_codecs[] = {
#ifdef SIM_CODEC_VP9
    &sim_codec_vp9,
#endif
#ifdef SIM_CODEC_MPEG2
    &sim_codec_mpeg2,
#endif
#ifdef SIM_CODEC_H264
    &sim_codec_h264,
#endif
#ifdef SIM_CODEC_HEVC
    &sim_codec_hevc,
#endif
#ifdef SIM_CODEC_VP8
    &sim_codec_vp8,
#endif
#ifdef SIM_CODEC_AV1
    &sim_codec_av1,
#endif
#ifdef SIM_CODEC_SIMTEST
    &sim_codec_simtest,
#endif
    NULL,
};

const struct sim_codec *sim_codec_by_pixfmt(uint32_t pixfmt)
{
    for (size_t i = 0; sim_codecs[i]; i++)
        if (sim_codecs[i]->output_pixfmt == pixfmt)
            return sim_codecs[i];
    return NULL;
}

const struct sim_codec *sim_codec_by_name(const char *name)
{
    for (size_t i = 0; name && sim_codecs[i]; i++)
        if (strcmp(sim_codecs[i]->name, name) == 0)
            return sim_codecs[i];
    return NULL;
}
