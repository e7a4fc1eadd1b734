/* thread_counters.c — per-thread counter blocks (see reef_thread_counters.h). */
#include <stdlib.h>
#include <string.h>
#include "reef_thread_counters.h"

__thread uint64_t *reef_tls_counters __attribute__((tls_model("initial-exec")));

struct block {
    struct block *next;
    uint64_t words[];
};

static size_t block_words;
static struct block *blocks; /* lock-free push-only list */

void reef_counters_configure(size_t words) { block_words = words; }

uint64_t *reef_counters_slow(void) {
    if (block_words == 0) return NULL;
    struct block *b = calloc(1, sizeof *b + block_words * sizeof(uint64_t));
    if (b == NULL) return NULL;
    b->next = __atomic_load_n(&blocks, __ATOMIC_ACQUIRE);
    while (!__atomic_compare_exchange_n(&blocks, &b->next, b, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {}
    reef_tls_counters = b->words;
    return b->words;
}

void reef_counters_sum(uint64_t *out, size_t words) {
    memset(out, 0, words * sizeof *out);
    if (words > block_words) words = block_words;
    for (struct block *b = __atomic_load_n(&blocks, __ATOMIC_ACQUIRE); b; b = b->next)
        for (size_t i = 0; i < words; i++) out[i] += __atomic_load_n(&b->words[i], __ATOMIC_RELAXED);
}

void reef_counters_reset_all(void) {
    for (struct block *b = __atomic_load_n(&blocks, __ATOMIC_ACQUIRE); b; b = b->next)
        memset(b->words, 0, block_words * sizeof(uint64_t));
}
