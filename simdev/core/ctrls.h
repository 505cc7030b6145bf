/* The control handler of a context (model of v4l2-ctrls-core.c): the controls of every
 * codec the device offers, their values (struct sim_ctrl_set, see codecs/codec.h), and
 * the kernel's generic validation. Codec-specific validation comes from the codec table.
 * All functions: device lock held (or objects private to the caller). */
#ifndef SIM_CTRLS_H
#define SIM_CTRLS_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../codecs/codec.h"

/* The controls of a handler, sorted by id. Immutable once built. */
struct sim_ctrl_handler {
    const struct sim_ctrl_def **defs;
    size_t n;
};

/* Builds the handler from the controls of codecs[0..ncodecs). 0 or -ENOMEM. */
int sim_ctrl_handler_init(struct sim_ctrl_handler *h, const struct sim_codec *const *codecs,
                          size_t ncodecs);
void sim_ctrl_handler_free(struct sim_ctrl_handler *h);

const struct sim_ctrl_def *sim_ctrl_find(const struct sim_ctrl_handler *h, uint32_t id);
/* The control with the smallest id > id of the requested kinds (NEXT_CTRL/NEXT_COMPOUND). */
const struct sim_ctrl_def *sim_ctrl_next(const struct sim_ctrl_handler *h, uint32_t id,
                                         bool compound_ok, bool plain_ok);

bool sim_ctrl_is_compound(const struct sim_ctrl_def *d);
/* Element capacity (fixed arrays: product of dims; dynamic: dims[0]; scalar: 1). */
uint32_t sim_ctrl_max_elems(const struct sim_ctrl_def *d);
/* Elements a control holds at its default (dynamic arrays: 1). */
uint32_t sim_ctrl_default_elems(const struct sim_ctrl_def *d);

/* A value set with every control of h at its default. 0 or -ENOMEM. */
int sim_ctrl_set_init(struct sim_ctrl_set *s, const struct sim_ctrl_handler *h);
void sim_ctrl_set_free(struct sim_ctrl_set *s);
/* Copies values (and set flags) between two sets of the same handler. */
void sim_ctrl_set_assign(struct sim_ctrl_set *dst, const struct sim_ctrl_set *src);
/* dst = a new copy of src. 0 or -ENOMEM. */
int sim_ctrl_set_dup(struct sim_ctrl_set *dst, const struct sim_ctrl_set *src);
struct sim_ctrl_value *sim_ctrl_set_find(const struct sim_ctrl_set *s, uint32_t id);
void sim_ctrl_set_clear_flags(struct sim_ctrl_set *s);

/* Writes the default of elements [from, to) of a control into data. */
void sim_ctrl_init_elems(const struct sim_ctrl_def *d, void *data, uint32_t from, uint32_t to);
/* Validates elems elements in place like std_validate(): compound types through the
 * codec's validate(), INTEGER/INTEGER64 rounded into range and step, BOOLEAN made 0/1,
 * MENU out of range or skipped -> -EINVAL. */
int sim_ctrl_validate_elems(const struct sim_ctrl_def *d, void *data, uint32_t elems);

void sim_ctrl_fill_query(const struct sim_ctrl_def *d, const struct sim_ctrl_value *cur,
                         struct v4l2_query_ext_ctrl *q);

#endif
