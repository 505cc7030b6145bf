/* Parsing of the device-level faults of VAREQ_SIM_FAULTS (see config.h). */
#include <errno.h>
#include <linux/media.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

static const struct {
    const char *name;
    unsigned long cmd;
} ioctl_names[] = {
    { "QUERYCAP", VIDIOC_QUERYCAP }, { "ENUM_FMT", VIDIOC_ENUM_FMT },
    { "G_FMT", VIDIOC_G_FMT }, { "S_FMT", VIDIOC_S_FMT }, { "TRY_FMT", VIDIOC_TRY_FMT },
    { "REQBUFS", VIDIOC_REQBUFS }, { "CREATE_BUFS", VIDIOC_CREATE_BUFS },
    { "QUERYBUF", VIDIOC_QUERYBUF }, { "PREPARE_BUF", VIDIOC_PREPARE_BUF },
    { "QBUF", VIDIOC_QBUF }, { "DQBUF", VIDIOC_DQBUF }, { "EXPBUF", VIDIOC_EXPBUF },
    { "STREAMON", VIDIOC_STREAMON }, { "STREAMOFF", VIDIOC_STREAMOFF },
    { "S_EXT_CTRLS", VIDIOC_S_EXT_CTRLS }, { "G_EXT_CTRLS", VIDIOC_G_EXT_CTRLS },
    { "TRY_EXT_CTRLS", VIDIOC_TRY_EXT_CTRLS }, { "QUERY_EXT_CTRL", VIDIOC_QUERY_EXT_CTRL },
    { "DECODER_CMD", VIDIOC_DECODER_CMD }, { "ENUM_FRAMESIZES", VIDIOC_ENUM_FRAMESIZES },
    { "REQUEST_QUEUE", MEDIA_REQUEST_IOC_QUEUE }, { "REQUEST_REINIT", MEDIA_REQUEST_IOC_REINIT },
};

static const struct {
    const char *name;
    int err;
} errno_names[] = {
    { "EIO", EIO }, { "EINVAL", EINVAL }, { "ENOMEM", ENOMEM }, { "EBUSY", EBUSY },
    { "EAGAIN", EAGAIN }, { "ENODEV", ENODEV }, { "EPIPE", EPIPE },
    { "ETIMEDOUT", ETIMEDOUT }, { "ENOSPC", ENOSPC }, { "EFAULT", EFAULT },
    { "ENOENT", ENOENT }, { "EPERM", EPERM }, { "EINTR", EINTR },
};

static bool is(const char *word, const char *p, size_t len)
{
    return strlen(word) == len && strncmp(word, p, len) == 0;
}

/* Parses an unsigned decimal of exactly len chars (> 0). */
static bool parse_uint(const char *p, size_t len, unsigned *out)
{
    char buf[16];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, p, len);
    buf[len] = '\0';
    char *end;
    unsigned long v = strtoul(buf, &end, 10);
    if (*end || v == 0 || v > 1000000000ul)
        return false;
    *out = (unsigned)v;
    return true;
}

/* Splits spec at ':' into at most 4 fields. */
static size_t split(const char *spec, size_t len, const char *f[4], size_t fl[4])
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len && n < 4; i++) {
        if (i == len || spec[i] == ':') {
            f[n] = spec + start;
            fl[n] = i - start;
            n++;
            start = i + 1;
        }
    }
    return n;
}

/* [once | every=N] */
static bool parse_rate(const char *p, size_t len, struct sim_fault_rate *r)
{
    r->on = true;
    r->every = 0;
    if (len == 0 || is("once", p, len))
        return true;
    if (len > 6 && strncmp(p, "every=", 6) == 0)
        return parse_uint(p + 6, len - 6, &r->every);
    return false;
}

static int bad(const char *spec, size_t len)
{
    sim_err("VAREQ_SIM_FAULTS: malformed fault '%.*s' (see docs/simdev.md \"Faults\")",
            (int)len, spec);
    return -ENODEV;
}

int sim_config_parse_dev_fault(struct sim_dev_faults *f, const char *spec, size_t len)
{
    const char *fld[4];
    size_t fl[4];
    size_t n = split(spec, len, fld, fl);

    if (n >= 1 && is("ioctl", fld[0], fl[0])) {
        if (n < 3 || f->n_ioctl == SIM_MAX_IOCTL_FAULTS)
            return bad(spec, len);
        struct sim_ioctl_fault *x = &f->ioctl[f->n_ioctl];
        size_t i, k;
        for (i = 0; i < sizeof(ioctl_names) / sizeof(ioctl_names[0]); i++)
            if (is(ioctl_names[i].name, fld[1], fl[1]))
                break;
        for (k = 0; k < sizeof(errno_names) / sizeof(errno_names[0]); k++)
            if (is(errno_names[k].name, fld[2], fl[2]))
                break;
        if (i == sizeof(ioctl_names) / sizeof(ioctl_names[0]) ||
            k == sizeof(errno_names) / sizeof(errno_names[0]) ||
            !parse_rate(n > 3 ? fld[3] : "", n > 3 ? fl[3] : 0, &x->rate))
            return bad(spec, len);
        x->cmd = ioctl_names[i].cmd;
        x->err = errno_names[k].err;
        f->n_ioctl++;
        return 1;
    }
    if (n >= 1 && fl[0] > 5 && strncmp(fld[0], "late=", 5) == 0) {
        if (!parse_uint(fld[0] + 5, fl[0] - 5, &f->late_ms) ||
            !parse_rate(n > 1 ? fld[1] : "", n > 1 ? fl[1] : 0, &f->late))
            return bad(spec, len);
        if (n == 1)
            f->late.every = 1; /* late=<ms> alone: every request */
        return 1;
    }
    struct sim_fault_rate *r = NULL;
    if (n >= 1 && is("never", fld[0], fl[0]))
        r = &f->never;
    else if (n >= 1 && is("cap-error", fld[0], fl[0]))
        r = &f->cap_error;
    else if (n >= 1 && is("alloc-fail", fld[0], fl[0]))
        r = &f->alloc;
    if (r) {
        if (n > 2 || !parse_rate(n > 1 ? fld[1] : "", n > 1 ? fl[1] : 0, r))
            return bad(spec, len);
        return 1;
    }
    if (n == 1 && fl[0] > 16 && strncmp(fld[0], "disappear-after=", 16) == 0) {
        unsigned v;
        if (!parse_uint(fld[0] + 16, fl[0] - 16, &v))
            return bad(spec, len);
        f->disappear_after = v;
        return 1;
    }
    return 0;
}
