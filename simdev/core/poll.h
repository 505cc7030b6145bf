#ifndef SIM_POLL_H
#define SIM_POLL_H

#include <poll.h>

/* libc conventions. */
int sim_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

#endif
