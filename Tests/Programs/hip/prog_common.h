// Host-side helpers shared by the HIP test programs: fail loudly on any HIP error so a
// simulator or shim bug shows up as a non-zero exit instead of wrong numbers.
#pragma once
#include <hip/hip_runtime.h>
#include <stdio.h>
#include <stdlib.h>

#define HIP_CHECK(expr)                                                             \
    do {                                                                            \
        hipError_t err_ = (expr);                                                   \
        if (err_ != hipSuccess) {                                                   \
            fprintf(stderr, "%s:%d: %s failed: %s (%d)\n", __FILE__, __LINE__,      \
                    #expr, hipGetErrorString(err_), (int)err_);                     \
            exit(2);                                                                \
        }                                                                           \
    } while (0)

// Prints a labelled float array with fixed precision so stdout is bit-for-bit stable.
static inline void print_floats(const char* label, const float* v, int n) {
    printf("%s:", label);
    for (int i = 0; i < n; ++i) printf(" %.3f", v[i]);
    printf("\n");
}

static inline void print_ints(const char* label, const int* v, int n) {
    printf("%s:", label);
    for (int i = 0; i < n; ++i) printf(" %d", v[i]);
    printf("\n");
}
