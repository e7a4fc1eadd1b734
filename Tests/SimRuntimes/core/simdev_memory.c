/*
 * simdev_memory.c — "device" and pinned-host memory: two arenas at fixed addresses with a
 * first-fit allocator, so a program gets the same pointers on every run (traces and kernel
 * parameter bytes stay comparable), plus range validation.
 */
#include "simdev_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ALIGN 256u
#define DEFAULT_ARENA_BASE 0x200000000000ull /* far from where the kernel puts mmaps */
#define PINNED_ARENA_DISTANCE 0x080000000000ull
#define DEVICE_ARENA_BYTES (4ull << 30)
#define PINNED_ARENA_BYTES (1ull << 30)

typedef struct block {
    uintptr_t start;
    size_t size; /* requested bytes: the valid range */
    size_t span; /* bytes reserved (aligned) */
} block;

typedef struct arena {
    pthread_mutex_t mu;
    uintptr_t base;
    size_t size, used;
    block *blocks; /* sorted by start */
    unsigned n, cap;
} arena;

static arena device_arena = {.mu = PTHREAD_MUTEX_INITIALIZER};
static arena pinned_arena = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void arena_map(arena *a, void *hint, size_t size) {
    /* NORESERVE: pages cost nothing until touched. NOREPLACE: never clobber a mapping. */
    void *p = hint ? mmap(hint, size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0)
                   : MAP_FAILED;
    if (p == MAP_FAILED || p != hint) {
        if (p != MAP_FAILED) munmap(p, size);
        p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
        if (p == MAP_FAILED) {
            perror("simdev: cannot map the device arena");
            abort();
        }
    }
    a->base = (uintptr_t)p;
    a->size = size;
}

/* SIM_ARENA_BASE=<hex address> moves the arenas, "any" lets the kernel place them (for tools
 * such as ThreadSanitizer that own fixed address ranges; pointers then vary between runs). */
void mem_init(void) {
    const char *env = getenv("SIM_ARENA_BASE");
    uintptr_t base = DEFAULT_ARENA_BASE;
    if (env && strcmp(env, "any") == 0)
        base = 0;
    else if (env && *env)
        base = (uintptr_t)strtoull(env, NULL, 16);
    arena_map(&device_arena, (void *)base, DEVICE_ARENA_BYTES);
    arena_map(&pinned_arena, base ? (void *)(base + PINNED_ARENA_DISTANCE) : NULL, PINNED_ARENA_BYTES);
}

static simdev_status arena_alloc(arena *a, size_t bytes, void **out) {
    simdev_init();
    if (!out) return SIMDEV_ERR_INVALID_VALUE;
    *out = NULL;
    if (bytes == 0) return SIMDEV_OK;
    if (bytes > a->size) return SIMDEV_ERR_OUT_OF_MEMORY;
    size_t span = (bytes + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    pthread_mutex_lock(&a->mu);
    uintptr_t cur = a->base;
    unsigned i = 0;
    for (; i < a->n; i++) { /* first gap that fits */
        if (a->blocks[i].start - cur >= span) break;
        cur = a->blocks[i].start + a->blocks[i].span;
    }
    if (i == a->n && a->base + a->size - cur < span) {
        pthread_mutex_unlock(&a->mu);
        return SIMDEV_ERR_OUT_OF_MEMORY;
    }
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->blocks = realloc(a->blocks, a->cap * sizeof(block));
        if (!a->blocks) abort();
    }
    memmove(&a->blocks[i + 1], &a->blocks[i], (a->n - i) * sizeof(block));
    a->blocks[i] = (block){.start = cur, .size = bytes, .span = span};
    a->n++;
    a->used += span;
    pthread_mutex_unlock(&a->mu);
    *out = (void *)cur;
    return SIMDEV_OK;
}

/* Index of the block whose start is the greatest <= p, or -1. Caller holds a->mu. */
static int arena_find(const arena *a, uintptr_t p) {
    int lo = 0, hi = (int)a->n - 1, found = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (a->blocks[mid].start <= p) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return found;
}

static simdev_status arena_free(arena *a, void *ptr) {
    if (!ptr) return SIMDEV_OK;
    pthread_mutex_lock(&a->mu);
    int i = arena_find(a, (uintptr_t)ptr);
    if (i < 0 || a->blocks[i].start != (uintptr_t)ptr) {
        pthread_mutex_unlock(&a->mu);
        return SIMDEV_ERR_INVALID_VALUE;
    }
    a->used -= a->blocks[i].span;
    memmove(&a->blocks[i], &a->blocks[i + 1], (a->n - i - 1) * sizeof(block));
    a->n--;
    pthread_mutex_unlock(&a->mu);
    return SIMDEV_OK;
}

static int arena_contains_range(arena *a, const void *p, size_t len) {
    uintptr_t x = (uintptr_t)p;
    if (x < a->base || x >= a->base + a->size) return 0;
    if (len == 0) len = 1;
    pthread_mutex_lock(&a->mu);
    int i = arena_find(a, x);
    int ok = i >= 0 && x - a->blocks[i].start <= a->blocks[i].size &&
             len <= a->blocks[i].size - (x - a->blocks[i].start);
    pthread_mutex_unlock(&a->mu);
    return ok;
}

simdev_status simdev_malloc(size_t bytes, void **out) { return arena_alloc(&device_arena, bytes, out); }
simdev_status simdev_free(void *ptr) { return arena_free(&device_arena, ptr); }
simdev_status simdev_host_alloc(size_t bytes, void **out) { return arena_alloc(&pinned_arena, bytes, out); }
simdev_status simdev_host_free(void *ptr) { return arena_free(&pinned_arena, ptr); }

simdev_mem_kind simdev_mem_kind_of(const void *p) {
    uintptr_t x = (uintptr_t)p;
    if (device_arena.base && x >= device_arena.base && x < device_arena.base + device_arena.size)
        return SIMDEV_MEM_DEVICE;
    if (pinned_arena.base && x >= pinned_arena.base && x < pinned_arena.base + pinned_arena.size)
        return SIMDEV_MEM_PINNED;
    return SIMDEV_MEM_PAGEABLE;
}

int simdev_is_device_range(const void *p, size_t len) { return arena_contains_range(&device_arena, p, len); }
int simdev_is_pinned_range(const void *p, size_t len) { return arena_contains_range(&pinned_arena, p, len); }

uint64_t simdev_arena_offset(const void *p) {
    switch (simdev_mem_kind_of(p)) {
    case SIMDEV_MEM_DEVICE: return (uintptr_t)p - device_arena.base;
    case SIMDEV_MEM_PINNED: return (uintptr_t)p - pinned_arena.base;
    default: return 0;
    }
}

void simdev_mem_info(size_t *used, size_t *total) {
    simdev_init();
    pthread_mutex_lock(&device_arena.mu);
    if (used) *used = device_arena.used;
    if (total) *total = device_arena.size;
    pthread_mutex_unlock(&device_arena.mu);
}
