/*
 * simdev_handles.c — the sets of live handles (streams, events, graph execs; graphs and graph
 * nodes each in a set of their own), so an API call can reject a stale or garbage handle without
 * dereferencing it. Open addressing on the pointer value; callers hold dev.mu.
 */
#include "simdev_internal.h"

#include <stdlib.h>

#define TOMBSTONE ((uintptr_t)1)

/* A set of pointers. Three exist: object handles, graphs, and graph nodes (graphs and nodes kept
 * apart so that a stream or event handle passed as a graph or node, or the other way round,
 * reads as invalid instead of being dereferenced as the wrong type). */
typedef struct hset {
    uintptr_t *slots;
    size_t nslots, nused; /* nused counts tombstones too: they lengthen probes */
} hset;

static hset objects, graphs, nodes;

static size_t slot_of(const hset *t, uintptr_t h) {
    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 20) & (t->nslots - 1);
}

static void hset_add(hset *t, const void *h);

static void rehash(hset *t, size_t n) {
    uintptr_t *old = t->slots;
    size_t oldn = t->nslots;
    t->slots = xcalloc(n, sizeof *t->slots);
    t->nslots = n;
    t->nused = 0;
    for (size_t i = 0; i < oldn; i++)
        if (old[i] > TOMBSTONE) hset_add(t, (const void *)old[i]);
    free(old);
}

static void hset_add(hset *t, const void *h) {
    if ((t->nused + 1) * 2 > t->nslots) rehash(t, t->nslots ? t->nslots * 2 : 256);
    size_t i = slot_of(t, (uintptr_t)h);
    while (t->slots[i] > TOMBSTONE) i = (i + 1) & (t->nslots - 1);
    if (t->slots[i] == 0) t->nused++;
    t->slots[i] = (uintptr_t)h;
}

static void hset_remove(hset *t, const void *h) {
    if (!t->nslots) return;
    for (size_t i = slot_of(t, (uintptr_t)h); t->slots[i]; i = (i + 1) & (t->nslots - 1))
        if (t->slots[i] == (uintptr_t)h) {
            t->slots[i] = TOMBSTONE;
            return;
        }
}

static bool hset_contains(const hset *t, const void *h) {
    if (!t->nslots || (uintptr_t)h <= TOMBSTONE) return false;
    for (size_t i = slot_of(t, (uintptr_t)h); t->slots[i]; i = (i + 1) & (t->nslots - 1))
        if (t->slots[i] == (uintptr_t)h) return true;
    return false;
}

void handles_add(const void *h) { hset_add(&objects, h); }
void handles_remove(const void *h) { hset_remove(&objects, h); }
bool handles_contains(const void *h) { return hset_contains(&objects, h); }

void graph_handles_add(const void *h) { hset_add(&graphs, h); }
void graph_handles_remove(const void *h) { hset_remove(&graphs, h); }
bool graph_handles_contains(const void *h) { return hset_contains(&graphs, h); }

void node_handles_add(const void *h) { hset_add(&nodes, h); }
void node_handles_remove(const void *h) { hset_remove(&nodes, h); }
bool node_handles_contains(const void *h) { return hset_contains(&nodes, h); }
