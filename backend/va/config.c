/* Profiles, entrypoints, configs and surface attributes. */
#include <stdlib.h>
#include <string.h>
#include <va/va_drmcommon.h>

#include "driver.h"

static bool profile_advertised(struct vareq_driver *drv, VAProfile p)
{
    for (unsigned i = 0; i < drv->n_profiles; i++)
        if (drv->profiles[i] == p)
            return true;
    return false;
}

/* First decoder that offers the codec's OUTPUT format, or -1. */
static int decoder_for(struct vareq_driver *drv, const struct vareq_codec *codec,
                       const struct vareq_decoder_format **fmt)
{
    for (unsigned d = 0; d < drv->n_decoders; d++)
        for (unsigned f = 0; f < drv->decoders[d].n_fmts; f++)
            if (drv->decoders[d].fmts[f].pixfmt == codec->output_pixfmt) {
                if (fmt)
                    *fmt = &drv->decoders[d].fmts[f];
                return (int)d;
            }
    return -1;
}

/* RT formats the decoder's enumerated CAPTURE formats give for this codec. */
static uint32_t device_rt_formats(const struct vareq_decoder_format *fmt)
{
    uint32_t rt = 0;
    if (!fmt)
        return 0;
    for (unsigned i = 0; i < fmt->n_cap_fmts; i++) {
        const struct vareq_pixfmt_info *pf = vareq_pixfmt_by_v4l2(fmt->cap_fmts[i]);
        if (pf)
            rt |= pf->va_rt_format;
    }
    return rt;
}

/* The profile's RT formats the device can produce. Devices may enumerate a 10-bit format
 * only once the stream's controls say 10-bit (rkvdec): a profile that is 10-bit only
 * keeps its declaration when the device enumerated no 10-bit format at probe time. */
static uint32_t config_rt_formats(const struct vareq_codec_profile *prof,
                                  const struct vareq_decoder_format *fmt)
{
    uint32_t rt = prof->rt_format & device_rt_formats(fmt);
    return rt ? rt : prof->rt_format;
}

VAStatus vareq_QueryConfigProfiles(VADriverContextP ctx, VAProfile *list, int *num)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    if (!list || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (unsigned i = 0; i < drv->n_profiles; i++)
        list[i] = drv->profiles[i];
    *num = (int)drv->n_profiles;
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_QueryConfigEntrypoints(VADriverContextP ctx, VAProfile profile,
                                      VAEntrypoint *list, int *num)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    if (!list || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (!profile_advertised(drv, profile))
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    list[0] = VAEntrypointVLD;
    *num = 1;
    return VA_STATUS_SUCCESS;
}

static VAStatus check_profile_ep(struct vareq_driver *drv, VAProfile profile,
                                 VAEntrypoint ep, const struct vareq_codec **codec,
                                 const struct vareq_codec_profile **prof)
{
    if (!profile_advertised(drv, profile) || !(*codec = vareq_codec_by_profile(profile, prof)))
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    if (ep != VAEntrypointVLD)
        return VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT;
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_GetConfigAttributes(VADriverContextP ctx, VAProfile profile, VAEntrypoint ep,
                                   VAConfigAttrib *attribs, int num)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    const struct vareq_codec *codec;
    const struct vareq_codec_profile *prof;
    const struct vareq_decoder_format *fmt = NULL;
    VAStatus st = check_profile_ep(drv, profile, ep, &codec, &prof);

    if (st != VA_STATUS_SUCCESS)
        return st;
    if (num > 0 && !attribs)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    decoder_for(drv, codec, &fmt);
    for (int i = 0; i < num; i++) {
        switch (attribs[i].type) {
        case VAConfigAttribRTFormat:
            attribs[i].value = config_rt_formats(prof, fmt);
            break;
        case VAConfigAttribMaxPictureWidth:
            attribs[i].value = fmt ? fmt->max_w : VA_ATTRIB_NOT_SUPPORTED;
            break;
        case VAConfigAttribMaxPictureHeight:
            attribs[i].value = fmt ? fmt->max_h : VA_ATTRIB_NOT_SUPPORTED;
            break;
        default:
            attribs[i].value = VA_ATTRIB_NOT_SUPPORTED;
            break;
        }
    }
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_CreateConfig(VADriverContextP ctx, VAProfile profile, VAEntrypoint ep,
                            VAConfigAttrib *attribs, int num, VAConfigID *id)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    const struct vareq_codec *codec;
    const struct vareq_codec_profile *prof;
    struct vareq_config *cf;
    VAStatus st = check_profile_ep(drv, profile, ep, &codec, &prof);
    unsigned rt = 0;
    int dec;

    if (st != VA_STATUS_SUCCESS)
        return st;
    if (!id || (num > 0 && !attribs))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    const struct vareq_decoder_format *fmt = NULL;
    uint32_t supported;

    dec = decoder_for(drv, codec, &fmt);
    if (dec < 0)
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    supported = config_rt_formats(prof, fmt);
    for (int i = 0; i < num; i++) {
        if (attribs[i].type == VAConfigAttribRTFormat) {
            if (!(attribs[i].value & supported))
                return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
            rt = attribs[i].value & supported;
        }
    }
    cf = calloc(1, sizeof(*cf));
    if (!cf)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    cf->profile = profile;
    cf->entrypoint = ep;
    cf->rt_format = rt ? rt : supported;
    cf->codec = codec;
    cf->decoder = dec;
    pthread_mutex_lock(&drv->lock);
    if (vareq_heap_add(&drv->configs, cf, id) < 0) {
        pthread_mutex_unlock(&drv->lock);
        free(cf);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    pthread_mutex_unlock(&drv->lock);
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_DestroyConfig(VADriverContextP ctx, VAConfigID id)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    struct vareq_config *cf;

    pthread_mutex_lock(&drv->lock);
    cf = vareq_heap_remove(&drv->configs, id);
    pthread_mutex_unlock(&drv->lock);
    if (!cf)
        return VA_STATUS_ERROR_INVALID_CONFIG;
    free(cf);
    return VA_STATUS_SUCCESS;
}

VAStatus vareq_QueryConfigAttributes(VADriverContextP ctx, VAConfigID id, VAProfile *profile,
                                     VAEntrypoint *ep, VAConfigAttrib *attribs, int *num)
{
    struct vareq_config *cf = vareq_config_get(vareq_drv(ctx), id);

    if (!cf)
        return VA_STATUS_ERROR_INVALID_CONFIG;
    if (profile)
        *profile = cf->profile;
    if (ep)
        *ep = cf->entrypoint;
    if (attribs) {
        attribs[0].type = VAConfigAttribRTFormat;
        attribs[0].value = cf->rt_format;
    }
    if (num)
        *num = 1;
    return VA_STATUS_SUCCESS;
}

#define N_SURFACE_ATTRIBS (6 + VAREQ_MAX_CAP_FORMATS)

VAStatus vareq_QuerySurfaceAttributes(VADriverContextP ctx, VAConfigID id,
                                      VASurfaceAttrib *list, unsigned int *num)
{
    struct vareq_driver *drv = vareq_drv(ctx);
    struct vareq_config *cf = vareq_config_get(drv, id);
    const struct vareq_decoder_format *fmt = NULL;
    VASurfaceAttrib a[N_SURFACE_ATTRIBS];
    uint32_t listed[VAREQ_MAX_CAP_FORMATS];
    unsigned n = 0, n_listed = 0;

    if (!cf)
        return VA_STATUS_ERROR_INVALID_CONFIG;
    if (!num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    decoder_for(drv, cf->codec, &fmt);
    memset(a, 0, sizeof(a));

    /* pixel formats: the VA format of every CAPTURE format the device enumerated for this
     * codec (NV12 and NV12M both give NV12) within the config's RT formats */
    for (unsigned i = 0; fmt && i < fmt->n_cap_fmts; i++) {
        const struct vareq_pixfmt_info *pf = vareq_pixfmt_by_v4l2(fmt->cap_fmts[i]);
        bool dup = false;
        if (!pf || !(pf->va_rt_format & cf->rt_format))
            continue;
        for (unsigned k = 0; k < n_listed; k++)
            dup |= listed[k] == pf->va_fourcc;
        if (dup)
            continue;
        listed[n_listed++] = pf->va_fourcc;
        a[n].type = VASurfaceAttribPixelFormat;
        a[n].flags = VA_SURFACE_ATTRIB_GETTABLE | VA_SURFACE_ATTRIB_SETTABLE;
        a[n].value.type = VAGenericValueTypeInteger;
        a[n++].value.value.i = (int)pf->va_fourcc;
    }

    a[n].type = VASurfaceAttribMinWidth;
    a[n].flags = VA_SURFACE_ATTRIB_GETTABLE;
    a[n].value.type = VAGenericValueTypeInteger;
    a[n++].value.value.i = fmt ? (int)fmt->min_w : 16;

    a[n].type = VASurfaceAttribMinHeight;
    a[n].flags = VA_SURFACE_ATTRIB_GETTABLE;
    a[n].value.type = VAGenericValueTypeInteger;
    a[n++].value.value.i = fmt ? (int)fmt->min_h : 16;

    a[n].type = VASurfaceAttribMaxWidth;
    a[n].flags = VA_SURFACE_ATTRIB_GETTABLE;
    a[n].value.type = VAGenericValueTypeInteger;
    a[n++].value.value.i = fmt ? (int)fmt->max_w : 4096;

    a[n].type = VASurfaceAttribMaxHeight;
    a[n].flags = VA_SURFACE_ATTRIB_GETTABLE;
    a[n].value.type = VAGenericValueTypeInteger;
    a[n++].value.value.i = fmt ? (int)fmt->max_h : 4096;

    a[n].type = VASurfaceAttribMemoryType;
    a[n].flags = VA_SURFACE_ATTRIB_GETTABLE | VA_SURFACE_ATTRIB_SETTABLE;
    a[n].value.type = VAGenericValueTypeInteger;
    a[n++].value.value.i =
        (int)(VA_SURFACE_ATTRIB_MEM_TYPE_VA | VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2);

    if (!list) {
        *num = n;
        return VA_STATUS_SUCCESS;
    }
    if (*num < n) {
        *num = n;
        return VA_STATUS_ERROR_MAX_NUM_EXCEEDED;
    }
    memcpy(list, a, n * sizeof(*a));
    *num = n;
    return VA_STATUS_SUCCESS;
}
