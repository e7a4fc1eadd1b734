/*
 * random_rng.h — the deterministic pseudo-random source of the randomized differential test
 * (random_program.c, ../../hip/random_program.hip) and the host data it fills buffers with.
 * Runtime-neutral, header-only, valid C11 and C++ (hipcc builds the HIP twin).
 */
#ifndef RANDOM_RNG_H
#define RANDOM_RNG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct rp_rng {
    uint64_t s;
} rp_rng;

/* splitmix64: one 64-bit state, so a seed fully determines the whole program. */
static inline uint64_t rp_next(rp_rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (inclusive). */
static inline int rp_range(rp_rng *r, int lo, int hi) {
    return lo + (int)(rp_next(r) % (uint64_t)(hi - lo + 1));
}

/* 1 with probability pct/100. */
static inline int rp_chance(rp_rng *r, int pct) { return (int)(rp_next(r) % 100) < pct; }

/* FNV-1a 64: the checksums the dump prints. */
static inline uint64_t rp_fnv(const void *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= ((const unsigned char *)p)[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Host data for a seed: floats that are small multiples of 0.5, so sums and products stay exact
 * for a while and any reordering bug shows as a different bit pattern, not as rounding noise. */
static inline void rp_fill(void *dst, size_t bytes, uint64_t seed) {
    rp_rng r = {seed ^ 0x5deece66dull};
    unsigned char *p = (unsigned char *)dst;
    size_t i = 0;
    for (; i + 4 <= bytes; i += 4) {
        float v = (float)((int)(rp_next(&r) % 17) - 4) * 0.5f;
        memcpy(p + i, &v, 4);
    }
    for (; i < bytes; i++) p[i] = (unsigned char)rp_next(&r);
}

#endif /* RANDOM_RNG_H */
