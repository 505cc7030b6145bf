/* A model of the implicit fences of exported buffers (dma_buf_poll /
 * DMA_BUF_IOCTL_IMPORT_SYNC_FILE), so a test can make an exported buffer "busy" while a
 * reader holds it. Exported fds are memfds; a fence is any pollable fd (a real sync_file
 * or an eventfd), signalled once it polls readable. All functions: device lock held. */
#ifndef SIM_FENCES_H
#define SIM_FENCES_H

#include <stdbool.h>

/* EXPBUF made fd of the buffer memory memfd: remember the memory as exported. */
void sim_fence_exported(int memfd);
/* The buffer memory memfd is freed. */
void sim_fence_forget(int memfd);
/* DMA_BUF_IOCTL_IMPORT_SYNC_FILE on fd: 0, -EINVAL, or -ENOTTY when fd is not simdev
 * exported memory (the caller passes the call on). */
int sim_fence_import(int fd, void *arg);
/* poll() events of an exported fd (dma_buf_poll: POLLIN when no unsignalled write fence,
 * POLLOUT when no unsignalled fence at all); false when fd is not exported memory. */
bool sim_fence_poll(int fd, short events, short *revents);

#endif
