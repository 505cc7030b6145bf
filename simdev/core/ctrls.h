/* The controls simdev exposes and their validation (mirrors v4l2-ctrls-core.c). */
#ifndef SIM_CTRLS_H
#define SIM_CTRLS_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Values of the codec controls, as a context (cur) or a request holds them. */
struct sim_ctrl_vals {
    bool has_frame; /* set explicitly (request) */
    bool has_hdr;
    struct v4l2_ctrl_vp9_frame frame;
    struct v4l2_ctrl_vp9_compressed_hdr hdr;
};

struct sim_ctrl_desc {
    uint32_t id;
    uint32_t type;
    const char *name;
    uint32_t elem_size;
};

/* Controls in id order. */
const struct sim_ctrl_desc *sim_ctrl_find(uint32_t id);
const struct sim_ctrl_desc *sim_ctrl_next(uint32_t id, bool compound_ok, bool plain_ok);

void sim_ctrl_defaults(struct sim_ctrl_vals *v);

/* Pointer to the storage for control id inside v. */
void *sim_ctrl_storage(struct sim_ctrl_vals *v, uint32_t id);

/* Validates a new value in place like the kernel (reserved fields are zeroed, as
 * validate_vp9_frame's zero_reserved() does). Returns 0 or -EINVAL. */
int sim_ctrl_validate(uint32_t id, void *val);

int sim_ctrl_validate_vp9_frame(struct v4l2_ctrl_vp9_frame *f);
int sim_ctrl_validate_vp9_hdr(struct v4l2_ctrl_vp9_compressed_hdr *h);

void sim_ctrl_fill_query(const struct sim_ctrl_desc *d, struct v4l2_query_ext_ctrl *q);

#endif
