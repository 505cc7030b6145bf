/* The media node: device info, topology (as v4l2_m2m_register_media_controller builds
 * it for a decoder) and request allocation. */
#ifndef SIM_MEDIA_H
#define SIM_MEDIA_H

struct sim_profile;

int sim_media_ioctl(const struct sim_profile *profile, unsigned long cmd, void *arg);

#endif
