/* reef_atomics.h — the few atomic operations the Swift core uses on plain memory it owns (and,
 * later, on shared memory). Static inline: the Swift compiler inlines them. */
#ifndef REEF_ATOMICS_H
#define REEF_ATOMICS_H
#include <stdint.h>

static inline uint64_t reef_atomic_load(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void reef_atomic_store(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline uint64_t reef_atomic_add(uint64_t *p, uint64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
static inline uint64_t reef_atomic_exchange(uint64_t *p, uint64_t v) { return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL); }
/* Returns 1 if *p was `expected` and is now `desired`; otherwise 0 and *expected holds *p. */
static inline int reef_atomic_cas(uint64_t *p, uint64_t *expected, uint64_t desired) {
    return __atomic_compare_exchange_n(p, expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
/* A release gate's word (host memory the device reads). */
static inline void reef_atomic_store32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static inline uint32_t reef_atomic_load32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
#endif
