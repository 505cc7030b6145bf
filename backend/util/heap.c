#include "util/heap.h"

#include <stdlib.h>
#include <string.h>

#define HEAP_MAX_ITEMS 0x00ffffffu

void vareq_heap_init(struct vareq_heap *h, uint32_t base)
{
    memset(h, 0, sizeof(*h));
    h->base = base;
}

void vareq_heap_fini(struct vareq_heap *h)
{
    free(h->items);
    h->items = NULL;
    h->cap = h->count = h->next = 0;
}

int vareq_heap_add(struct vareq_heap *h, void *obj, uint32_t *id)
{
    uint32_t i;

    if (h->count * 2 >= h->cap) {
        /* keep at most half full so freed ids are not reused at once */
        uint32_t ncap = h->cap ? h->cap * 2 : 64;
        void **n;
        if (ncap > HEAP_MAX_ITEMS)
            ncap = HEAP_MAX_ITEMS;
        if (ncap > h->cap) {
            n = realloc(h->items, (size_t)ncap * sizeof(*n));
            if (!n)
                return -1;
            memset(n + h->cap, 0, (size_t)(ncap - h->cap) * sizeof(*n));
            h->items = n;
            h->cap = ncap;
        }
    }
    if (h->count >= h->cap)
        return -1;
    for (uint32_t k = 0; k < h->cap; k++) {
        i = (h->next + k) % h->cap;
        if (!h->items[i]) {
            h->items[i] = obj;
            h->count++;
            h->next = (i + 1) % h->cap;
            *id = h->base + i;
            return 0;
        }
    }
    return -1;
}

void *vareq_heap_get(const struct vareq_heap *h, uint32_t id)
{
    uint32_t i;
    if (id < h->base)
        return NULL;
    i = id - h->base;
    if (i >= h->cap)
        return NULL;
    return h->items[i];
}

void *vareq_heap_remove(struct vareq_heap *h, uint32_t id)
{
    void *obj = vareq_heap_get(h, id);
    if (obj) {
        h->items[id - h->base] = NULL;
        h->count--;
    }
    return obj;
}
