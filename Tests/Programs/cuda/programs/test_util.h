/*
 * test_util.h — helpers shared by the CUDA test programs: fail fast on errors (to stderr, exit 1)
 * and print deterministic digests of results to stdout.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                    \
    do {                                                                               \
        int check_r_ = (int)(call);                                                    \
        if (check_r_ != 0) {                                                           \
            fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__, __LINE__, #call, check_r_); \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

#define EXPECT(cond)                                                                   \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: expectation failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

static inline uint64_t fnv1a(const void *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= ((const unsigned char *)p)[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* "label: n=.. fnv=.. [first values]" for a float array. */
static inline void print_floats(const char *label, const float *v, size_t n) {
    printf("%s: n=%zu fnv=%016llx [", label, n, (unsigned long long)fnv1a(v, n * sizeof *v));
    for (size_t i = 0; i < n && i < 6; i++) printf("%s%g", i ? " " : "", (double)v[i]);
    printf("%s]\n", n > 6 ? " ..." : "");
}

static inline void print_ints(const char *label, const int *v, size_t n) {
    printf("%s: n=%zu fnv=%016llx [", label, n, (unsigned long long)fnv1a(v, n * sizeof *v));
    for (size_t i = 0; i < n && i < 6; i++) printf("%s%d", i ? " " : "", v[i]);
    printf("%s]\n", n > 6 ? " ..." : "");
}

/* Exact check of float results computed with small integers. */
static inline void expect_floats(const char *label, const float *got, const float *want, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i]) {
            fprintf(stderr, "%s: mismatch at %zu: got %g want %g\n", label, i, (double)got[i], (double)want[i]);
            exit(1);
        }
}

#endif /* TEST_UTIL_H */
