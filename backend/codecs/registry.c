#include "codecs/codec.h"

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
