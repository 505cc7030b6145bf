#include "device.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"

/* The device lock; everything below is only touched with it held. */
static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t dev_once = PTHREAD_ONCE_INIT;
static pthread_cond_t dev_event; /* initialised once (monotonic clock) */
static int dev_event_ok;

static bool dev_gone; /* fault "disappear-after" */

static struct sim_fd_entry *fdtab;
static size_t fdtab_len, fdtab_cap;

int sim_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int ret = pthread_condattr_init(&attr);
    if (ret)
        return ret;
    ret = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (!ret)
        ret = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return ret;
}

static void dev_init_once(void)
{
    dev_event_ok = sim_cond_init(&dev_event) == 0;
    if (!dev_event_ok)
        sim_err("cannot initialise the event condition variable");
}

void sim_lock(void)
{
    pthread_once(&dev_once, dev_init_once);
    pthread_mutex_lock(&dev_lock);
}

void sim_unlock(void)
{
    pthread_mutex_unlock(&dev_lock);
}

void sim_event_broadcast(void)
{
    if (dev_event_ok)
        pthread_cond_broadcast(&dev_event);
}

int sim_event_wait(const struct timespec *deadline)
{
    if (!dev_event_ok)
        return EINVAL;
    if (!deadline)
        return pthread_cond_wait(&dev_event, &dev_lock);
    return pthread_cond_timedwait(&dev_event, &dev_lock, deadline);
}

void sim_cond_wait(pthread_cond_t *cond)
{
    pthread_cond_wait(cond, &dev_lock);
}

void sim_deadline_ms(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int sim_fd_add(enum sim_obj_type type, void *obj)
{
    if (fdtab_len == fdtab_cap) {
        size_t ncap = fdtab_cap ? fdtab_cap * 2 : 16;
        struct sim_fd_entry *n = realloc(fdtab, ncap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        fdtab = n;
        fdtab_cap = ncap;
    }
    int fd = eventfd(0, EFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    fdtab[fdtab_len].fd = fd;
    fdtab[fdtab_len].type = type;
    fdtab[fdtab_len].obj = obj;
    fdtab_len++;
    return fd;
}

const struct sim_fd_entry *sim_fd_lookup(int fd)
{
    if (fd < 0)
        return NULL;
    for (size_t i = 0; i < fdtab_len; i++)
        if (fdtab[i].fd == fd)
            return &fdtab[i];
    return NULL;
}

int sim_fd_remove(int fd, struct sim_fd_entry *out)
{
    for (size_t i = 0; i < fdtab_len; i++) {
        if (fdtab[i].fd != fd)
            continue;
        *out = fdtab[i];
        fdtab[i] = fdtab[fdtab_len - 1];
        fdtab_len--;
        if (fdtab_len == 0)
            dev_gone = false; /* every fd closed: the device is back */
        close(fd);
        return 0;
    }
    return -EBADF;
}

bool sim_dev_gone(void)
{
    return dev_gone;
}

void sim_dev_set_gone(void)
{
    if (!dev_gone)
        sim_err("fault: the device disappeared (ENODEV until every simdev fd is closed)");
    dev_gone = true;
    sim_event_broadcast();
}

int sim_copy_to_user(void *dst, const void *src, size_t len)
{
    if (len == 0)
        return 0;
    struct iovec local = { (void *)(uintptr_t)src, len };
    struct iovec remote = { dst, len };
    ssize_t n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
    if (n == (ssize_t)len)
        return 0;
    if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
        memcpy(dst, src, len); /* cannot check here: trust the pointer */
        return 0;
    }
    return -EFAULT;
}
