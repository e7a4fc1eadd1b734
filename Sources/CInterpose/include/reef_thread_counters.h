/* reef_thread_counters.h — counters each thread increments without atomic read-modify-write
 * (a locked add costs more than the rest of Reef's launch path). Each thread owns one block of
 * `words` counters, allocated on its first count and never freed, so counts of threads that have
 * exited still add up; reports sum all blocks. */
#ifndef REEF_THREAD_COUNTERS_H
#define REEF_THREAD_COUNTERS_H
#include <stddef.h>
#include <stdint.h>

extern __thread uint64_t *reef_tls_counters __attribute__((tls_model("initial-exec")));
uint64_t *reef_counters_slow(void);

/* This thread's block; NULL only if memory ran out (then counting is skipped). */
static inline uint64_t *reef_counters(void) {
    uint64_t *p = reef_tls_counters;
    return p ? p : reef_counters_slow();
}

/* Only the owning thread writes its block; others read it with relaxed loads. */
static inline void reef_count(uint64_t *block, size_t index) {
    if (block) __atomic_store_n(&block[index], __atomic_load_n(&block[index], __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

/* Set the block size once, before the first count. */
void reef_counters_configure(size_t words);
/* out[i] = sum over all blocks of word i, for i < words. */
void reef_counters_sum(uint64_t *out, size_t words);
/* Zero every block (fork child: the counts belonged to the parent). */
void reef_counters_reset_all(void);
#endif
