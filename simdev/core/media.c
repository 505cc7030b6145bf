#include "media.h"

#include <errno.h>
#include <linux/media.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "profile.h"
#include "request.h"

/* Graph object ids as the media core forms them: (type << 24) | running id. */
#define GOBJ(type, n) (((uint32_t)(type) << 24) | (uint32_t)(n))
#define T_ENT 0u
#define T_PAD 1u
#define T_LINK 2u
#define T_INTF 3u

#define TOPOLOGY_VERSION 13u

enum { ENT_SOURCE, ENT_SINK, ENT_PROC, N_ENT };

static const struct {
    uint32_t id;
    uint32_t function;
    const char *name;
} entities[N_ENT] = {
    [ENT_SOURCE] = { GOBJ(T_ENT, 1), MEDIA_ENT_F_IO_V4L, SIM_VDEV_NAME "-source" },
    [ENT_SINK] = { GOBJ(T_ENT, 3), MEDIA_ENT_F_IO_V4L, SIM_VDEV_NAME "-sink" },
    [ENT_PROC] = { GOBJ(T_ENT, 5), MEDIA_ENT_F_PROC_VIDEO_DECODER, SIM_VDEV_NAME "-proc" },
};

static const struct media_v2_pad pads[] = {
    { .id = GOBJ(T_PAD, 2), .entity_id = GOBJ(T_ENT, 1), .flags = MEDIA_PAD_FL_SOURCE, .index = 0 },
    { .id = GOBJ(T_PAD, 4), .entity_id = GOBJ(T_ENT, 3), .flags = MEDIA_PAD_FL_SINK, .index = 0 },
    { .id = GOBJ(T_PAD, 6), .entity_id = GOBJ(T_ENT, 5), .flags = MEDIA_PAD_FL_SINK, .index = 0 },
    { .id = GOBJ(T_PAD, 7), .entity_id = GOBJ(T_ENT, 5), .flags = MEDIA_PAD_FL_SOURCE, .index = 1 },
};

#define INTF_ID GOBJ(T_INTF, 10)
#define LNK_FIXED (MEDIA_LNK_FL_IMMUTABLE | MEDIA_LNK_FL_ENABLED)

static const struct media_v2_link links[] = {
    /* data links: source pad -> proc sink pad, proc source pad -> sink pad */
    { .id = GOBJ(T_LINK, 8), .source_id = GOBJ(T_PAD, 2), .sink_id = GOBJ(T_PAD, 6),
      .flags = MEDIA_LNK_FL_DATA_LINK | LNK_FIXED },
    { .id = GOBJ(T_LINK, 9), .source_id = GOBJ(T_PAD, 7), .sink_id = GOBJ(T_PAD, 4),
      .flags = MEDIA_LNK_FL_DATA_LINK | LNK_FIXED },
    /* interface links: video devnode -> io entities */
    { .id = GOBJ(T_LINK, 11), .source_id = INTF_ID, .sink_id = GOBJ(T_ENT, 1),
      .flags = MEDIA_LNK_FL_INTERFACE_LINK | LNK_FIXED },
    { .id = GOBJ(T_LINK, 12), .source_id = INTF_ID, .sink_id = GOBJ(T_ENT, 3),
      .flags = MEDIA_LNK_FL_INTERFACE_LINK | LNK_FIXED },
};

static void copy_str(char *dst, size_t len, const char *src)
{
    memset(dst, 0, len);
    strncpy(dst, src, len - 1);
}

static int device_info(const struct sim_profile *profile, struct media_device_info *info)
{
    memset(info, 0, sizeof(*info));
    copy_str(info->driver, sizeof(info->driver), profile ? profile->driver : SIM_DRIVER_NAME);
    copy_str(info->model, sizeof(info->model), profile ? profile->card : SIM_DRIVER_NAME);
    snprintf(info->bus_info, sizeof(info->bus_info), "platform:%s",
             profile ? profile->driver : SIM_DRIVER_NAME);
    info->media_version = SIM_KERNEL_VERSION;
    info->driver_version = SIM_KERNEL_VERSION;
    info->hw_revision = 0;
    return 0;
}

/* Like media_device_get_topology(): with a NULL pointer only the count is returned;
 * with a pointer, the elements are copied out (copy_to_user: a bad pointer -> EFAULT) and
 * -ENOSPC reported if the array is too small. The count is always set. */
#define COPY_ARRAY(ptr_field, num_field, type, n, fill)                               \
    do {                                                                              \
        if (topo->ptr_field) {                                                        \
            if (topo->num_field < (n)) {                                              \
                ret = -ENOSPC;                                                        \
            } else {                                                                  \
                type tmp[(n)];                                                        \
                memset(tmp, 0, sizeof(tmp));                                          \
                for (uint32_t i = 0; i < (n); i++) {                                  \
                    fill;                                                             \
                }                                                                     \
                if (sim_copy_to_user((void *)(uintptr_t)topo->ptr_field, tmp,         \
                                     sizeof(tmp)))                                    \
                    return -EFAULT;                                                   \
            }                                                                         \
        }                                                                             \
        topo->num_field = (n);                                                        \
    } while (0)

static int get_topology(struct media_v2_topology *topo)
{
    int ret = 0;

    topo->topology_version = TOPOLOGY_VERSION;

    COPY_ARRAY(ptr_entities, num_entities, struct media_v2_entity, (uint32_t)N_ENT, {
        tmp[i].id = entities[i].id;
        tmp[i].function = entities[i].function;
        copy_str(tmp[i].name, sizeof(tmp[i].name), entities[i].name);
    });
    topo->reserved1 = 0;

    COPY_ARRAY(ptr_interfaces, num_interfaces, struct media_v2_interface, 1u, {
        tmp[i].id = INTF_ID;
        tmp[i].intf_type = MEDIA_INTF_T_V4L_VIDEO;
        tmp[i].devnode.major = SIM_VIDEO_MAJOR;
        tmp[i].devnode.minor = SIM_VIDEO_MINOR;
    });
    topo->reserved2 = 0;

    const uint32_t npads = sizeof(pads) / sizeof(pads[0]);
    COPY_ARRAY(ptr_pads, num_pads, struct media_v2_pad, npads, { tmp[i] = pads[i]; });
    topo->reserved3 = 0;

    const uint32_t nlinks = sizeof(links) / sizeof(links[0]);
    COPY_ARRAY(ptr_links, num_links, struct media_v2_link, nlinks, { tmp[i] = links[i]; });
    topo->reserved4 = 0;
    return ret;
}

static const struct media_v2_pad *pad_by_id(uint32_t id)
{
    for (size_t i = 0; i < sizeof(pads) / sizeof(pads[0]); i++)
        if (pads[i].id == id)
            return &pads[i];
    return NULL;
}

/* Legacy MEDIA_IOC_ENUM_ENTITIES (media_device_enum_entities). */
static int enum_entities(struct media_entity_desc *d)
{
    uint32_t id = d->id & ~MEDIA_ENT_ID_FLAG_NEXT;
    bool next = d->id & MEDIA_ENT_ID_FLAG_NEXT;
    int found = -1;
    for (int i = 0; i < N_ENT; i++) {
        if ((next && entities[i].id > id && (found < 0 || entities[i].id < entities[found].id)) ||
            (!next && entities[i].id == id))
            found = i;
    }
    if (found < 0)
        return -EINVAL;
    memset(d, 0, sizeof(*d));
    d->id = entities[found].id;
    copy_str(d->name, sizeof(d->name), entities[found].name);
    d->type = entities[found].function;
    for (size_t p = 0; p < sizeof(pads) / sizeof(pads[0]); p++)
        d->pads += pads[p].entity_id == d->id;
    for (size_t l = 0; l < sizeof(links) / sizeof(links[0]); l++) {
        const struct media_v2_pad *src = pad_by_id(links[l].source_id);
        d->links += src && src->entity_id == d->id; /* outgoing data links */
    }
    if (entities[found].function == MEDIA_ENT_F_IO_V4L) {
        /* v4l2_m2m_register_entity(): io entities carry the video devnode. */
        d->dev.major = SIM_VIDEO_MAJOR;
        d->dev.minor = SIM_VIDEO_MINOR;
    }
    return 0;
}

/* Legacy MEDIA_IOC_ENUM_LINKS (media_device_enum_links). */
static int enum_links(struct media_links_enum *le)
{
    bool known = false;
    for (int i = 0; i < N_ENT; i++)
        known |= entities[i].id == le->entity;
    if (!known)
        return -EINVAL;
    if (le->pads) {
        struct media_pad_desc tmp[4];
        unsigned n = 0;
        memset(tmp, 0, sizeof(tmp));
        for (size_t p = 0; p < sizeof(pads) / sizeof(pads[0]) && n < 4; p++) {
            if (pads[p].entity_id != le->entity)
                continue;
            tmp[n].entity = le->entity;
            tmp[n].index = (uint16_t)pads[p].index;
            tmp[n].flags = pads[p].flags;
            n++;
        }
        if (sim_copy_to_user(le->pads, tmp, n * sizeof(tmp[0])))
            return -EFAULT;
    }
    if (le->links) {
        struct media_link_desc tmp[4];
        unsigned n = 0;
        memset(tmp, 0, sizeof(tmp));
        for (size_t l = 0; l < sizeof(links) / sizeof(links[0]) && n < 4; l++) {
            const struct media_v2_pad *src = pad_by_id(links[l].source_id);
            const struct media_v2_pad *snk = pad_by_id(links[l].sink_id);
            if (!src || !snk || src->entity_id != le->entity)
                continue;
            tmp[n].source.entity = src->entity_id;
            tmp[n].source.index = (uint16_t)src->index;
            tmp[n].source.flags = src->flags;
            tmp[n].sink.entity = snk->entity_id;
            tmp[n].sink.index = (uint16_t)snk->index;
            tmp[n].sink.flags = snk->flags;
            tmp[n].flags = links[l].flags & ~MEDIA_LNK_FL_LINK_TYPE;
            n++;
        }
        if (sim_copy_to_user(le->links, tmp, n * sizeof(tmp[0])))
            return -EFAULT;
    }
    memset(le->reserved, 0, sizeof(le->reserved));
    return 0;
}

int sim_media_ioctl(const struct sim_profile *profile, unsigned long cmd, void *arg)
{
    switch (cmd) {
    case MEDIA_IOC_DEVICE_INFO:
    case MEDIA_IOC_G_TOPOLOGY:
    case MEDIA_IOC_ENUM_ENTITIES:
    case MEDIA_IOC_ENUM_LINKS:
        if (!arg)
            return -EFAULT;
        break;
    default:
        break;
    }
    switch (cmd) {
    case MEDIA_IOC_ENUM_ENTITIES:
        return enum_entities(arg);
    case MEDIA_IOC_ENUM_LINKS:
        return enum_links(arg);
    case MEDIA_IOC_DEVICE_INFO:
        return device_info(profile, arg);
    case MEDIA_IOC_G_TOPOLOGY:
        return get_topology(arg);
    case MEDIA_IOC_REQUEST_ALLOC: {
        if (!arg)
            return -EFAULT;
        int fd = sim_request_alloc();
        if (fd < 0)
            return fd;
        *(int *)arg = fd;
        return 0;
    }
    default:
        return -ENOTTY;
    }
}
