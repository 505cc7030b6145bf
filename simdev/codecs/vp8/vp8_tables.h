/* VP8 constant tables from RFC 6386 (section 13.4 coefficient update and default
 * probabilities, 17.2 motion vector update and default probabilities, 11.5/16.1 default
 * mode probabilities). Pure data shared by the driver's header parser and simdev's
 * header writer (both sides of the uAPI need the same spec constants). */
#ifndef VAREQ_VP8_TABLES_H
#define VAREQ_VP8_TABLES_H

#include <stdint.h>

extern const uint8_t vp8_coeff_update_probs[4][8][3][11];
extern const uint8_t vp8_default_coeff_probs[4][8][3][11];
extern const uint8_t vp8_mv_update_probs[2][19];
extern const uint8_t vp8_default_mv_probs[2][19];
extern const uint8_t vp8_default_ymode_probs[4];
extern const uint8_t vp8_default_uv_mode_probs[3];

#endif
