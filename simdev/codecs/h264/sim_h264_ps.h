/* Writes H.264 SPS and PPS NAL units (Annex B, start code first) from the V4L2 controls. */
#ifndef VAREQ_SIM_H264_PS_H
#define VAREQ_SIM_H264_PS_H

#include <linux/v4l2-controls.h>
#include <stddef.h>
#include <stdint.h>

/* The SPS carries VUI bitstream_restriction with max_num_reorder_frames = 0 so that a
 * software decoder outputs each picture as soon as it is decoded. Return the new length
 * of out or a negative errno with a reason in err. */
long sim_h264_write_sps(const struct v4l2_ctrl_h264_sps *sps, uint8_t *out, size_t len,
                        size_t cap, char *err, size_t errlen);
long sim_h264_write_pps(const struct v4l2_ctrl_h264_sps *sps,
                        const struct v4l2_ctrl_h264_pps *pps,
                        const struct v4l2_ctrl_h264_scaling_matrix *sm, uint8_t *out,
                        size_t len, size_t cap, char *err, size_t errlen);

#endif
