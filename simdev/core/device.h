/* simdev device-wide state: the one lock, the event condition variable and the table of
 * file descriptors simdev handed out.
 *
 * Locking model: every piece of mutable simdev state (fd table, contexts, queues, buffers,
 * requests, control values) is protected by the single device lock, like a driver whose
 * ioctls all take one mutex. Decoding itself runs on worker threads without the lock.
 * Any state change a poller or DQBUF could wait for is followed by sim_event_broadcast().
 */
#ifndef SIM_DEVICE_H
#define SIM_DEVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIM_DRIVER_NAME "vareq-simdev"
#define SIM_VDEV_NAME "vareq-simdev-dec"
#define SIM_BUS_INFO "platform:vareq-simdev"
#define SIM_KERNEL_VERSION ((6u << 16) | (1u << 8) | 0u)

#define SIM_VIDEO_PATH "/dev/video0"
#define SIM_VIDEO_MAJOR 81u
#define SIM_VIDEO_MINOR 0u
#define SIM_MEDIA_PATH "/dev/media0"
#define SIM_MEDIA_MAJOR 250u
#define SIM_MEDIA_MINOR 0u

enum sim_obj_type {
    SIM_OBJ_MEDIA = 1,
    SIM_OBJ_VIDEO,
    SIM_OBJ_REQUEST,
};

struct sim_fd_entry {
    int fd;
    enum sim_obj_type type;
    void *obj; /* struct sim_ctx * / struct sim_request * / NULL for media */
};

void sim_lock(void);
void sim_unlock(void);

/* Wake every thread waiting in sim_event_wait (pollers, blocking DQBUF). */
void sim_event_broadcast(void);
/* Wait (lock held) until broadcast or until the CLOCK_MONOTONIC deadline (NULL: forever).
 * Returns 0 or ETIMEDOUT. */
int sim_event_wait(const struct timespec *deadline);

/* Creates a condition variable that uses CLOCK_MONOTONIC. */
int sim_cond_init(pthread_cond_t *cond);
/* Waits on a per-object condition variable with the device lock held. */
void sim_cond_wait(pthread_cond_t *cond);

/* fd table (lock held). sim_fd_add creates a real fd (eventfd) and registers it. */
int sim_fd_add(enum sim_obj_type type, void *obj);
const struct sim_fd_entry *sim_fd_lookup(int fd);
/* Removes the entry and closes the real fd; returns 0 or -EBADF. *out gets the entry. */
int sim_fd_remove(int fd, struct sim_fd_entry *out);

/* Fault "disappear-after": the device is gone for every simdev fd until all simdev fds
 * are closed (then it is back, like a re-plugged device). Lock held. */
bool sim_dev_gone(void);
void sim_dev_set_gone(void);

/* copy_to_user(): copies len bytes to a pointer the client gave; 0, or -EFAULT when the
 * destination is not writable memory of this process (checked with process_vm_writev, so
 * a bad pointer never crashes simdev). */
int sim_copy_to_user(void *dst, const void *src, size_t len);

/* Deadline helper: now(CLOCK_MONOTONIC) + ms. */
void sim_deadline_ms(struct timespec *ts, int ms);

#endif
