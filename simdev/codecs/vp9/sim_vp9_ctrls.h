/* VP9 control defaults and validation (kernel-equivalent, see sim_vp9_ctrls.c). */
#ifndef VAREQ_SIM_VP9_CTRLS_H
#define VAREQ_SIM_VP9_CTRLS_H

#include <linux/v4l2-controls.h>

void sim_vp9_init_frame(void *elem);
/* 0 or -EINVAL; reserved fields are cleared like the kernel's zero_reserved(). */
int sim_vp9_validate_frame(void *elem);
int sim_vp9_validate_hdr(void *elem);

#endif
