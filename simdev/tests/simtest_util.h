/* Helpers of the tests that run the "simtest" codec (sim_test_codec.c) through
 * libvareq-simdev-test. All use the global `ops` and report through CHECK. */
#ifndef SIMDEV_TEST_SIMTEST_UTIL_H
#define SIMDEV_TEST_SIMTEST_UTIL_H

#include <linux/videodev2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

#define STST v4l2_fourcc('S', 'T', 'S', 'T')
#define W 64u
#define H 32u

extern int media_fd; /* opened by the test's main() */

/* HEVC SPS (W x H, bit depth 8 + depth_minus8) as current value (req_fd < 0) or into a
 * request; expect_errno 0 = must succeed. */
void set_sps(int fd, int req_fd, unsigned depth_minus8, int expect_errno);
/* n slice parameter elements into a request; element 0 has slice_segment_addr first_row. */
void set_slices(int fd, int req_fd, unsigned n, uint32_t first_row);
/* OUTPUT STST W x H (2 MMAP buffers), CAPTURE cap_fourcc (ncap buffers of cap_memory),
 * both streaming. */
int setup(int fd, uint32_t cap_fourcc, uint32_t cap_memory, unsigned ncap);
uint8_t *map_out(int fd, unsigned index);
/* Queues OUTPUT buffer index holding bytes into a new request (SPS if with_sps, one slice
 * element); returns the request fd (not queued yet). */
int submit(int fd, unsigned index, uint8_t *map, const uint8_t *bytes, size_t n,
           uint64_t ts_us, bool hold, uint32_t first_row, bool with_sps);
/* poll(POLLPRI) on a request for up to 5 s: 1 = complete. */
int wait_req(int req);
void dq_out(int fd);
int dq_cap(int fd, uint32_t memory, struct v4l2_buffer *b, struct v4l2_plane *pl);
void qbuf_cap(int fd, unsigned index);

#endif
