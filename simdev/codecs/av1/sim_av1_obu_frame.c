/* AV1 uncompressed_header() (spec 5.9.2): frame type and flags, frame size, superres,
 * render size, references; the coding tools are in sim_av1_obu_tools.c / _gm.c. */
#include "sim_av1_obu_int.h"

#include <stdio.h>
#include <string.h>

static int write_frame_size(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_ctrl_av1_frame *f = c->f;
    const unsigned wb = bits_for(c->s->max_frame_width_minus_1);
    const unsigned hb = bits_for(c->s->max_frame_height_minus_1);
    char *err = c->err;
    size_t errlen = c->errlen;

    if (f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE) {
        av1_bw_f(w, wb, c->up_w - 1);
        av1_bw_f(w, hb, c->frame_h - 1);
    } else if (c->up_w != c->s->max_frame_width_minus_1 + 1u ||
               c->frame_h != c->s->max_frame_height_minus_1 + 1u) {
        FAIL("frame size %ux%u differs from the maximum without FRAME_SIZE_OVERRIDE", c->up_w,
             c->frame_h);
    }
    /* superres_params() */
    if (seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_SUPERRES))
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES));
    else if (f->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES)
        FAIL("USE_SUPERRES without ENABLE_SUPERRES");
    if (f->flags & V4L2_AV1_FRAME_FLAG_USE_SUPERRES)
        av1_bw_f(w, 3, f->superres_denom - 9u);
    /* render_size() */
    if (f->render_width_minus_1 + 1u != c->up_w || f->render_height_minus_1 + 1u != c->frame_h) {
        av1_bw_f(w, 1, 1);
        av1_bw_f(w, 16, f->render_width_minus_1);
        av1_bw_f(w, 16, f->render_height_minus_1);
    } else {
        av1_bw_f(w, 1, 0);
    }
    return 0;
}

/* The AV1 spec's get_relative_dist(): a - b for order hints of bits bits (bits > 0). */
static int rel_dist(unsigned bits, uint32_t a, uint32_t b)
{
    int d = (int)a - (int)b, m = 1 << (bits - 1);
    return (d & (m - 1)) - (d & m);
}

int av1_hdr_frame(struct av1_bw *w, struct hdr_ctx *c)
{
    const struct v4l2_ctrl_av1_frame *f = c->f;
    const unsigned type = f->frame_type;
    const bool show = f->flags & V4L2_AV1_FRAME_FLAG_SHOW_FRAME;
    const bool er = f->flags & V4L2_AV1_FRAME_FLAG_ERROR_RESILIENT_MODE;
    const bool sct = f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_SCREEN_CONTENT_TOOLS;
    const bool order = seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_ORDER_HINT);
    bool intrabc = false, force_int_mv;
    unsigned refresh = f->refresh_frame_flags;
    char *err = c->err;
    size_t errlen = c->errlen;

    av1_bw_f(w, 1, 0); /* show_existing_frame */
    av1_bw_f(w, 2, type);
    av1_bw_f(w, 1, show);
    if (!show)
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME));
    else if (!!(f->flags & V4L2_AV1_FRAME_FLAG_SHOWABLE_FRAME) != (type != V4L2_AV1_KEY_FRAME))
        FAIL("SHOWABLE_FRAME contradicts a shown frame of type %u", type);
    if (type == V4L2_AV1_SWITCH_FRAME || (type == V4L2_AV1_KEY_FRAME && show)) {
        if (!er)
            FAIL("ERROR_RESILIENT_MODE must be set on shown key frames and switch frames");
    } else {
        av1_bw_f(w, 1, er);
    }
    av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_DISABLE_CDF_UPDATE));
    av1_bw_f(w, 1, sct); /* seq_force_screen_content_tools == SELECT */
    force_int_mv = f->flags & V4L2_AV1_FRAME_FLAG_FORCE_INTEGER_MV;
    if (sct)
        av1_bw_f(w, 1, force_int_mv);
    if (c->intra)
        force_int_mv = true;
    if (type == V4L2_AV1_SWITCH_FRAME) {
        if (!(f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE))
            FAIL("switch frame without FRAME_SIZE_OVERRIDE");
    } else {
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE));
    }
    if (c->order_hint_bits)
        av1_bw_f(w, c->order_hint_bits, f->order_hint);
    if (c->intra || er) {
        if (f->primary_ref_frame != PRIMARY_REF_NONE)
            FAIL("primary_ref_frame %u on an intra or error-resilient frame", f->primary_ref_frame);
    } else {
        av1_bw_f(w, 3, f->primary_ref_frame);
    }
    if (type == V4L2_AV1_SWITCH_FRAME || (type == V4L2_AV1_KEY_FRAME && show)) {
        if (refresh != 0xff)
            FAIL("refresh_frame_flags 0x%02x must be 0xff", refresh);
    } else {
        if (type == V4L2_AV1_INTRA_ONLY_FRAME && refresh == 0xff)
            FAIL("intra-only frame with refresh_frame_flags 0xff");
        av1_bw_f(w, 8, refresh);
    }
    if ((!c->intra || refresh != 0xff) && er && order)
        for (unsigned i = 0; i < 8; i++)
            av1_bw_f(w, c->order_hint_bits, c->in->slots[i].valid ? c->in->slots[i].order_hint : 0);
    if (c->intra) {
        if (write_frame_size(w, c) < 0)
            return -1;
        intrabc = f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_INTRABC;
        if (sct && c->up_w == c->frame_w)
            av1_bw_f(w, 1, intrabc);
        else if (intrabc)
            FAIL("ALLOW_INTRABC where the syntax forbids it");
    } else {
        if (order)
            av1_bw_f(w, 1, 0); /* frame_refs_short_signaling: explicit indices */
        for (unsigned i = 0; i < 7; i++) {
            if (f->ref_frame_idx[i] < 0 || f->ref_frame_idx[i] > 7)
                FAIL("ref_frame_idx[%u] = %d", i, f->ref_frame_idx[i]);
            av1_bw_f(w, 3, (uint32_t)f->ref_frame_idx[i]);
        }
        if ((f->flags & V4L2_AV1_FRAME_FLAG_FRAME_SIZE_OVERRIDE) && !er)
            av1_bw_f(w, 7, 0); /* found_ref = 0 for every reference */
        if (write_frame_size(w, c) < 0)
            return -1;
        if (!force_int_mv)
            av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_HIGH_PRECISION_MV));
        if (f->interpolation_filter > V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE)
            FAIL("interpolation_filter %u", f->interpolation_filter);
        av1_bw_f(w, 1, f->interpolation_filter == V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE);
        if (f->interpolation_filter != V4L2_AV1_INTERPOLATION_FILTER_SWITCHABLE)
            av1_bw_f(w, 2, f->interpolation_filter);
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_IS_MOTION_MODE_SWITCHABLE));
        if (!er && seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_REF_FRAME_MVS))
            av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS));
        else if (f->flags & V4L2_AV1_FRAME_FLAG_USE_REF_FRAME_MVS)
            FAIL("USE_REF_FRAME_MVS where the syntax forbids it");
    }
    if (!(f->flags & V4L2_AV1_FRAME_FLAG_DISABLE_CDF_UPDATE))
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_DISABLE_FRAME_END_UPDATE_CDF));
    if (av1_hdr_tile_info(w, c) < 0 || av1_hdr_quant(w, c) < 0 || av1_hdr_segmentation(w, c) < 0)
        return -1;
    /* delta_q_params(), delta_lf_params() */
    {
        bool dq = f->quantization.flags & V4L2_AV1_QUANTIZATION_FLAG_DELTA_Q_PRESENT;
        bool dlf = f->loop_filter.flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_PRESENT;
        if (f->quantization.base_q_idx > 0)
            av1_bw_f(w, 1, dq);
        else if (dq)
            FAIL("DELTA_Q_PRESENT with base_q_idx 0");
        if (dq) {
            av1_bw_f(w, 2, f->quantization.delta_q_res);
            if (!intrabc)
                av1_bw_f(w, 1, dlf);
            if (dlf) {
                av1_bw_f(w, 2, f->loop_filter.delta_lf_res);
                av1_bw_f(w, 1, !!(f->loop_filter.flags & V4L2_AV1_LOOP_FILTER_FLAG_DELTA_LF_MULTI));
            }
        }
    }
    av1_hdr_lossless(c);
    if (av1_hdr_loop_filter(w, c, intrabc) < 0 || av1_hdr_cdef(w, c, intrabc) < 0 ||
        av1_hdr_lr(w, c, intrabc) < 0)
        return -1;
    if (!c->coded_lossless)
        av1_bw_f(w, 1, f->tx_mode == V4L2_AV1_TX_MODE_SELECT);
    if (!c->intra)
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT));
    /* skip_mode_params(): skipModeAllowed from the slot model's order hints */
    {
        bool allowed = false;
        int fwd = -1, bwd = -1, second = -1;
        if (!c->intra && (f->flags & V4L2_AV1_FRAME_FLAG_REFERENCE_SELECT) && order) {
            const unsigned bits = c->order_hint_bits;
            uint32_t fh = 0, bh = 0, sh = 0;
            for (int i = 0; i < 7; i++) {
                uint32_t h = c->in->slots[(unsigned)f->ref_frame_idx[i] & 7].order_hint;
                int d = rel_dist(bits, h, f->order_hint);
                if (d < 0) {
                    if (fwd < 0 || rel_dist(bits, h, fh) > 0) {
                        fwd = i;
                        fh = h;
                    }
                } else if (d > 0) {
                    if (bwd < 0 || rel_dist(bits, h, bh) < 0) {
                        bwd = i;
                        bh = h;
                    }
                }
            }
            if (fwd >= 0 && bwd >= 0)
                allowed = true;
            else if (fwd >= 0) {
                for (int i = 0; i < 7; i++) {
                    uint32_t h = c->in->slots[(unsigned)f->ref_frame_idx[i] & 7].order_hint;
                    if (rel_dist(bits, h, fh) < 0 && (second < 0 || rel_dist(bits, h, sh) > 0)) {
                        second = i;
                        sh = h;
                    }
                }
                allowed = second >= 0;
            }
        }
        if (allowed != !!(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED))
            FAIL("SKIP_MODE_ALLOWED %u, the references' order hints give %u",
                 !!(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_ALLOWED), allowed);
        if (allowed) {
            int a = fwd, b = bwd >= 0 ? bwd : second;
            int lo = a < b ? a : b, hi = a < b ? b : a;
            if (f->skip_mode_frame[0] != 1 + lo || f->skip_mode_frame[1] != 1 + hi)
                FAIL("skip_mode_frame %u/%u, the references' order hints give %d/%d",
                     f->skip_mode_frame[0], f->skip_mode_frame[1], 1 + lo, 1 + hi);
            av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT));
        } else if (f->flags & V4L2_AV1_FRAME_FLAG_SKIP_MODE_PRESENT) {
            FAIL("SKIP_MODE_PRESENT but the references do not allow skip mode");
        }
    }
    if (!c->intra && !er && seqf(c->s, V4L2_AV1_SEQUENCE_FLAG_ENABLE_WARPED_MOTION))
        av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION));
    else if (f->flags & V4L2_AV1_FRAME_FLAG_ALLOW_WARPED_MOTION)
        FAIL("ALLOW_WARPED_MOTION where the syntax forbids it");
    av1_bw_f(w, 1, !!(f->flags & V4L2_AV1_FRAME_FLAG_REDUCED_TX_SET));
    if (av1_hdr_global_motion(w, c) < 0 || av1_hdr_film_grain(w, c) < 0)
        return -1;
    return 0;
}
