#include "media.h"

#include <errno.h>
#include <linux/media.h>
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
 * with a pointer, at most num elements are written and -ENOSPC reported if too small.
 * The count is always set to the real number. */
#define COPY_ARRAY(ptr_field, num_field, arr, n, fill)                                \
    do {                                                                              \
        if (topo->ptr_field) {                                                        \
            if (topo->num_field < (n)) {                                              \
                ret = -ENOSPC;                                                        \
            } else {                                                                  \
                for (uint32_t i = 0; i < (n); i++) {                                  \
                    fill;                                                             \
                }                                                                     \
            }                                                                         \
        }                                                                             \
        topo->num_field = (n);                                                        \
    } while (0)

static int get_topology(struct media_v2_topology *topo)
{
    int ret = 0;

    topo->topology_version = TOPOLOGY_VERSION;

    COPY_ARRAY(ptr_entities, num_entities, entities, (uint32_t)N_ENT, {
        struct media_v2_entity *e = (struct media_v2_entity *)(uintptr_t)topo->ptr_entities;
        memset(&e[i], 0, sizeof(e[i]));
        e[i].id = entities[i].id;
        e[i].function = entities[i].function;
        copy_str(e[i].name, sizeof(e[i].name), entities[i].name);
    });
    topo->reserved1 = 0;

    COPY_ARRAY(ptr_interfaces, num_interfaces, intf, 1u, {
        struct media_v2_interface *f = (struct media_v2_interface *)(uintptr_t)topo->ptr_interfaces;
        memset(&f[i], 0, sizeof(f[i]));
        f[i].id = INTF_ID;
        f[i].intf_type = MEDIA_INTF_T_V4L_VIDEO;
        f[i].devnode.major = SIM_VIDEO_MAJOR;
        f[i].devnode.minor = SIM_VIDEO_MINOR;
    });
    topo->reserved2 = 0;

    const uint32_t npads = sizeof(pads) / sizeof(pads[0]);
    COPY_ARRAY(ptr_pads, num_pads, pads, npads, {
        struct media_v2_pad *p = (struct media_v2_pad *)(uintptr_t)topo->ptr_pads;
        p[i] = pads[i];
    });
    topo->reserved3 = 0;

    const uint32_t nlinks = sizeof(links) / sizeof(links[0]);
    COPY_ARRAY(ptr_links, num_links, links, nlinks, {
        struct media_v2_link *l = (struct media_v2_link *)(uintptr_t)topo->ptr_links;
        l[i] = links[i];
    });
    topo->reserved4 = 0;
    return ret;
}

int sim_media_ioctl(const struct sim_profile *profile, unsigned long cmd, void *arg)
{
    if (!arg && cmd != MEDIA_IOC_REQUEST_ALLOC)
        return -EFAULT;
    switch (cmd) {
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
