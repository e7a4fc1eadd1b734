/*
 * hipsim_kernels.c — which device function names the simulator can run.
 *
 * A HIP program names a kernel by the symbol hipcc gives it: the Itanium-mangled name of a
 * C++ __global__ function (registered through __hipRegisterFunction) or the bare name of an
 * extern "C" one (hipModuleGetFunction on a --genco code object). Both map to the same
 * simulated implementation. Matching the full mangled name, not just the base name, means a
 * kernel with another parameter list is rejected instead of run with the wrong layout.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hipsim.h"
#include "hipsim_kernel_mixed.h"

typedef struct kernel_row {
    const char *mangled;
    const char *plain;
    const char *core_name;      /* in the core's table, or NULL for ... */
    const simdev_kernel *local; /* ... a kernel this front end implements itself */
    const char *param_kinds;
} kernel_row;

static const kernel_row k_rows[] = {
    {"_Z4vaddPKfS0_Pfi", "vadd", "vadd", NULL, "pppv"},
    {"_Z5saxpyfPKfPfi", "saxpy", "saxpy", NULL, "vppv"},
    {"_Z4gemmPKfS0_Pfiii", "gemm", "gemm", NULL, "pppvvv"},
    {"_Z4x2p1Pfi", "x2p1", "x2p1", NULL, "pv"},
    {"_Z10reduce_sumPKiPii", "reduce_sum", "reduce_sum", NULL, "ppv"},
    {"_Z5delayy", "delay", "delay", NULL, "v"},
    {"_Z5emptyv", "empty", "empty", NULL, ""},
    {"_Z10mixed_argsclfPl8Params24", "mixed_args", NULL, &hipsim_mixed_args_kernel, "vvvpv"},
};

#define KERNEL_ROWS (sizeof k_rows / sizeof k_rows[0])

static hipsim_kernel g_kernels[KERNEL_ROWS];
static unsigned g_kernel_count;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* Resolve the core's kernels once; a row the core does not (yet) provide is left out. */
static void build_table(void) {
    for (unsigned i = 0; i < KERNEL_ROWS; ++i) {
        const kernel_row *row = &k_rows[i];
        const simdev_kernel *impl = row->local ? row->local : simdev_kernel_find(row->core_name);
        if (impl == NULL || strlen(row->param_kinds) != impl->nparams) continue;
        g_kernels[g_kernel_count++] =
            (hipsim_kernel){row->mangled, row->plain, impl, row->param_kinds};
    }
}

unsigned hipsim_kernel_count(void) {
    pthread_once(&g_once, build_table);
    return g_kernel_count;
}

const hipsim_kernel *hipsim_kernel_at(unsigned index) {
    return index < hipsim_kernel_count() ? &g_kernels[index] : NULL;
}

const hipsim_kernel *hipsim_kernel_by_name(const char *device_name) {
    if (device_name == NULL) return NULL;
    for (unsigned i = 0; i < hipsim_kernel_count(); ++i) {
        const hipsim_kernel *k = &g_kernels[i];
        if (strcmp(k->mangled, device_name) == 0 || strcmp(k->plain, device_name) == 0) return k;
    }
    return NULL;
}

unsigned char *hipsim_pack_args(const hipsim_kernel *k, void **args) {
    const simdev_kernel *impl = k->impl;
    /* Never a zero-byte allocation, so NULL always means out of memory. */
    unsigned char *buf = calloc(1, impl->params_size ? impl->params_size : 1);
    if (buf == NULL) return NULL;
    for (unsigned i = 0; i < impl->nparams; ++i)
        memcpy(buf + impl->params[i].offset, args[i], impl->params[i].size);
    return buf;
}
