/* The end of a V4L2 session and parked sessions (va/park.c), and the context.c helpers
 * they use. docs/architecture.md: "Frames outliving their CAPTURE queue" and "VP9
 * reference scaling". Internal to backend/va. */
#ifndef VAREQ_VA_PARK_H
#define VAREQ_VA_PARK_H

#include <stdbool.h>

#include "driver.h"

/* ---- context.c ---- */

/* Frees everything the context holds at the device (STREAMOFF if streaming, CAPTURE pool,
 * OUTPUT buffers, fds) and its codec and picture state; the context itself stays
 * allocated. ctx->lock held (or the context not yet visible to other threads). */
void vareq_ctx_teardown(struct vareq_context *ctx);

/* ---- park.c ---- */

/* Before the CAPTURE queue is freed (vaDestroyContext, in-stream size change): the memory
 * of every slot that still holds a surface's decoded frame, or that a derived image maps,
 * leaves the pool as an orphan; every surface of the context loses its slot, and with
 * detach also leaves the context. ctx->lock held, no request pending. */
void vareq_ctx_orphan_frames(struct vareq_context *ctx, bool detach);

/* Ends a session for good: pending requests completed, STREAMOFF, frames orphaned (still
 * readable), device closed, surfaces detached, the context freed by its last user. ctx is
 * not in drv->contexts nor drv->parked; the caller holds no lock. */
void vareq_session_end(struct vareq_driver *drv, struct vareq_context *ctx);

/* vaDestroyContext (ctx removed from drv->contexts, no lock held): parks the session when
 * it may be continued (VP9, decoupled pool, surfaces hold frames, no failed request, the
 * device answers), otherwise ends it. Returns true when it was parked. */
bool vareq_park_or_end(struct vareq_driver *drv, struct vareq_context *ctx);

/* vaCreateContext: the parked session when the new context can continue it (same
 * codec, profile, decoder and bit depth, w x h fits its CAPTURE format, still healthy),
 * prepared for the new size and render targets; otherwise the parked session (if any) is
 * ended and NULL returned. No lock held. */
struct vareq_context *vareq_park_adopt(struct vareq_driver *drv,
                                       const struct vareq_config *cf, unsigned w,
                                       unsigned h, unsigned bit_depth, unsigned n_targets);

#endif
