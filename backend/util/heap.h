/* Object heap: maps VA ids to objects. Not locked itself: the caller holds the driver lock. */
#ifndef VAREQ_HEAP_H
#define VAREQ_HEAP_H

#include <stdint.h>

struct vareq_heap {
    void **items;
    uint32_t cap;
    uint32_t base; /* id = base + index; distinct per object type */
    uint32_t next; /* where the search for a free index starts (delays id reuse) */
    uint32_t count;
};

void vareq_heap_init(struct vareq_heap *h, uint32_t base);
void vareq_heap_fini(struct vareq_heap *h);
/* 0 on success, -1 when out of memory or ids. */
int vareq_heap_add(struct vareq_heap *h, void *obj, uint32_t *id);
void *vareq_heap_get(const struct vareq_heap *h, uint32_t id);
void *vareq_heap_remove(struct vareq_heap *h, uint32_t id);
/* Iteration: returns the object at index i (or NULL), for i < h->cap. */
static inline void *vareq_heap_at(const struct vareq_heap *h, uint32_t i)
{
    return i < h->cap ? h->items[i] : 0;
}

#endif
