#include "vp9_probmap.h"

/* The table starts with 7, 20, ..., 254 (every 13th value), continues with the other
 * values 1..253 in increasing order and ends with a second 253 (index 254). Computed
 * directly, so no mutable table is needed. */
uint8_t vp9_inv_map(unsigned index)
{
    if (index < 20)
        return (uint8_t)(7 + 13 * index);
    if (index >= 254)
        return 253;
    /* k-th (0-based) value of 1..253 that is not congruent to 7 mod 13 */
    unsigned k = index - 20;
    unsigned v = k + 1;                     /* candidate ignoring skips */
    /* number of skipped values (7, 20, ...) that are <= v; adjust until stable */
    for (;;) {
        unsigned skipped = v >= 7 ? (v - 7) / 13 + 1 : 0;
        unsigned nv = k + 1 + skipped;
        if (nv == v)
            break;
        v = nv;
    }
    /* v might land on a skipped value only if the fixpoint was reached from below,
     * which the construction excludes; keep it defensive */
    if (v % 13 == 7)
        v++;
    return (uint8_t)v;
}
