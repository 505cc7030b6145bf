/* H.264 reference picture list construction (8.2.4: initial lists from the DPB of
 * DECODE_PARAMS, then the slice header's ref_pic_list_modification), used to check the
 * lists of SLICE_PARAMS in SLICE_BASED decoding. */
#ifndef VAREQ_SIM_H264_REFLIST_H
#define VAREQ_SIM_H264_REFLIST_H

#include <linux/v4l2-controls.h>
#include <stddef.h>

#include "sim_h264_slice.h"

/* Builds RefPicList0/1 of slice s and compares the first num_ref_idx_lX_active_minus1 + 1
 * entries with those of sp (DPB index and field); sp NULL (FRAME_BASED): only checks that
 * every modification names a picture of the DPB. 0, or -EINVAL with the first difference
 * in err. */
int sim_h264_check_ref_lists(const struct v4l2_ctrl_h264_sps *sps,
                             const struct v4l2_ctrl_h264_decode_params *d,
                             const struct sim_h264_slice *s,
                             const struct v4l2_ctrl_h264_slice_params *sp, char *err,
                             size_t errlen);

#endif
