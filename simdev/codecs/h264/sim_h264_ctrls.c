/* H.264 stateless control definitions. The core applies the kernel's
 * std_validate_compound() for the H.264 types first (core/ctrls_std.c: the ranges of the
 * H.264 spec, 7.4.2.1.1 and 7.4.2.2, that the SPS/PPS writer relies on, flags and reserved
 * fields); the checks here are only the ones it leaves out and the engine needs. */
#include <errno.h>
#include <string.h>

#include "sim_h264_ctrls.h"

static int validate_slice(void *elem)
{
    const struct v4l2_ctrl_h264_slice_params *s = elem;
    return s->slice_type > V4L2_H264_SLICE_TYPE_SI ? -EINVAL : 0;
}

static int validate_decode(void *elem)
{
    const struct v4l2_ctrl_h264_decode_params *d = elem;
    for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++)
        if (d->dpb[i].fields > V4L2_H264_FRAME_REF)
            return -EINVAL;
    return 0;
}

static void init_sps(void *elem)
{
    struct v4l2_ctrl_h264_sps *s = elem;
    memset(s, 0, sizeof(*s));
    s->chroma_format_idc = 1; /* as the kernel's std_init_compound */
}

static const char *const mode_menu[] = {"Slice-Based", "Frame-Based"};
static const char *const start_menu[] = {"No Start Code", "Annex B Start Code"};

/* The parameter controls, the same on every H.264 device: what differs between a
 * frame-based and a slice-based device is only the two menus in front of them. */
#define H264_PARAM_CONTROLS                                                                     \
    {.id = V4L2_CID_STATELESS_H264_SPS, .type = V4L2_CTRL_TYPE_H264_SPS,                        \
     .name = "H264 Sequence Parameter Set", .elem_size = sizeof(struct v4l2_ctrl_h264_sps),     \
     .flags = SIM_CTRL_REQUIRED, .init = init_sps},                                             \
    {.id = V4L2_CID_STATELESS_H264_PPS, .type = V4L2_CTRL_TYPE_H264_PPS,                        \
     .name = "H264 Picture Parameter Set", .elem_size = sizeof(struct v4l2_ctrl_h264_pps),      \
     .flags = SIM_CTRL_REQUIRED},                                                               \
    {.id = V4L2_CID_STATELESS_H264_SCALING_MATRIX, .type = V4L2_CTRL_TYPE_H264_SCALING_MATRIX,  \
     .name = "H264 Scaling Matrix",                                                             \
     .elem_size = sizeof(struct v4l2_ctrl_h264_scaling_matrix)},                                \
    {.id = V4L2_CID_STATELESS_H264_PRED_WEIGHTS, .type = V4L2_CTRL_TYPE_H264_PRED_WEIGHTS,      \
     .name = "H264 Prediction Weight Table",                                                    \
     .elem_size = sizeof(struct v4l2_ctrl_h264_pred_weights),                                   \
     .flags = SIM_CTRL_NOT_PER_REQUEST},                                                        \
    {.id = V4L2_CID_STATELESS_H264_SLICE_PARAMS, .type = V4L2_CTRL_TYPE_H264_SLICE_PARAMS,      \
     .name = "H264 Slice Parameters",                                                           \
     .elem_size = sizeof(struct v4l2_ctrl_h264_slice_params), .validate = validate_slice,       \
     .flags = SIM_CTRL_NOT_PER_REQUEST},                                                        \
    {.id = V4L2_CID_STATELESS_H264_DECODE_PARAMS, .type = V4L2_CTRL_TYPE_H264_DECODE_PARAMS,    \
     .name = "H264 Decode Parameters",                                                          \
     .elem_size = sizeof(struct v4l2_ctrl_h264_decode_params), .flags = SIM_CTRL_REQUIRED,      \
     .validate = validate_decode},

const struct sim_ctrl_def sim_h264_controls[] = {
    {.id = V4L2_CID_STATELESS_H264_DECODE_MODE, .type = V4L2_CTRL_TYPE_MENU,
     .name = "H264 Decode Mode", .elem_size = 4, .min = 0, .max = 1, .def = 1,
     .menu = mode_menu},
    {.id = V4L2_CID_STATELESS_H264_START_CODE, .type = V4L2_CTRL_TYPE_MENU,
     .name = "H264 Start Code", .elem_size = 4, .min = 0, .max = 1, .def = 1,
     .menu = start_menu},
    H264_PARAM_CONTROLS
};

/* The same controls as a slice-based device offers them (cedrus, Linux 6.1
 * cedrus.c: DECODE_MODE max/def SLICE_BASED, START_CODE max/def NONE). */
const struct sim_ctrl_def sim_h264_controls_slice[] = {
    {.id = V4L2_CID_STATELESS_H264_DECODE_MODE, .type = V4L2_CTRL_TYPE_MENU,
     .name = "H264 Decode Mode", .elem_size = 4, .min = 0, .max = 0, .def = 0,
     .menu = mode_menu},
    {.id = V4L2_CID_STATELESS_H264_START_CODE, .type = V4L2_CTRL_TYPE_MENU,
     .name = "H264 Start Code", .elem_size = 4, .min = 0, .max = 0, .def = 0,
     .menu = start_menu},
    H264_PARAM_CONTROLS
};

_Static_assert(sizeof(sim_h264_controls) / sizeof(sim_h264_controls[0]) == SIM_H264_N_CONTROLS,
               "SIM_H264_N_CONTROLS");
_Static_assert(sizeof(sim_h264_controls_slice) / sizeof(sim_h264_controls_slice[0]) ==
                   SIM_H264_N_CONTROLS,
               "SIM_H264_N_CONTROLS");
