/*
 * simdev_handles.c — the set of live handles (streams, events, graphs, graph execs), so an API
 * call can reject a stale or garbage handle without dereferencing it. Open addressing on the
 * pointer value; callers hold dev.mu.
 */
#include "simdev_internal.h"

#include <stdlib.h>

#define TOMBSTONE ((uintptr_t)1)

static uintptr_t *slots;
static size_t nslots, nused; /* nused counts tombstones too: they lengthen probes */

static size_t slot_of(uintptr_t h) {
    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 20) & (nslots - 1);
}

static void rehash(size_t n) {
    uintptr_t *old = slots;
    size_t oldn = nslots;
    slots = xcalloc(n, sizeof *slots);
    nslots = n;
    nused = 0;
    for (size_t i = 0; i < oldn; i++)
        if (old[i] > TOMBSTONE) handles_add((const void *)old[i]);
    free(old);
}

void handles_add(const void *h) {
    if ((nused + 1) * 2 > nslots) rehash(nslots ? nslots * 2 : 256);
    size_t i = slot_of((uintptr_t)h);
    while (slots[i] > TOMBSTONE) i = (i + 1) & (nslots - 1);
    if (slots[i] == 0) nused++;
    slots[i] = (uintptr_t)h;
}

void handles_remove(const void *h) {
    if (!nslots) return;
    for (size_t i = slot_of((uintptr_t)h); slots[i]; i = (i + 1) & (nslots - 1))
        if (slots[i] == (uintptr_t)h) {
            slots[i] = TOMBSTONE;
            return;
        }
}

bool handles_contains(const void *h) {
    if (!nslots || (uintptr_t)h <= TOMBSTONE) return false;
    for (size_t i = slot_of((uintptr_t)h); slots[i]; i = (i + 1) & (nslots - 1))
        if (slots[i] == (uintptr_t)h) return true;
    return false;
}
