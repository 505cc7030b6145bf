/* The kernel's std_init_compound() / std_validate_compound() by control type. */
#ifndef SIM_CTRLS_STD_H
#define SIM_CTRLS_STD_H

#include <linux/videodev2.h>
#include <stdint.h>

/* Writes the kernel's default into one zeroed element of a control of this type. */
void sim_std_init(uint32_t type, void *elem);
/* Validates one element like std_validate_compound() (clearing what the kernel clears):
 * 0 or -EINVAL. Types without kernel checks return 0. */
int sim_std_validate(uint32_t type, void *elem);

#endif
