/*
 * hipsim_register.c — the registration calls hipcc emits into every program's constructor:
 * __hipRegisterFatBinary (once per translation unit with device code), __hipRegisterFunction
 * (once per __global__ function: host stub address -> device function name) and
 * __hipUnregisterFatBinary at exit.
 *
 * The code object bytes stay where the program keeps them (its .hip_fatbin section) and are
 * never executed or parsed here; a shim may read their metadata. What the simulator needs is
 * the device name, which selects the C implementation (hipsim_kernels.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hipsim.h"

/* First word of the __hip_fatbin_wrapper hipcc emits ("HIPF"). */
#define HIP_FATBIN_MAGIC 0x48495046u

typedef struct fatbin_wrapper {
    uint32_t magic;
    uint32_t version;
    const void *binary; /* clang offload bundle */
    const void *unused;
} fatbin_wrapper;

/* The handle returned to the program is &slot: a void** as the ABI expects. */
typedef struct fatbin {
    void *slot;
    const void *binary;
    struct fatbin *next;
} fatbin;

typedef struct registration {
    const void *host_function;
    const hipsim_kernel *kernel; /* NULL: the simulator cannot run it */
    fatbin *owner;
} registration;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static fatbin *g_fatbins;
static registration *g_regs;
static size_t g_nregs, g_capregs;

void **__hipRegisterFatBinary(const void *data) {
    HIPSIM_ENTER("__hipRegisterFatBinary");
    const fatbin_wrapper *wrapper = data;
    fatbin *fb = calloc(1, sizeof *fb);
    if (fb == NULL) {
        hipsim_leave(call_, hipErrorOutOfMemory);
        return NULL;
    }
    int valid = wrapper != NULL && wrapper->magic == HIP_FATBIN_MAGIC;
    fb->binary = valid ? wrapper->binary : NULL;
    fb->slot = (void *)fb->binary;
    pthread_mutex_lock(&g_lock);
    fb->next = g_fatbins;
    g_fatbins = fb;
    pthread_mutex_unlock(&g_lock);
    HIPSIM_TRACE(&call_, "__hipRegisterFatBinary valid=%d", valid);
    hipsim_leave(call_, valid ? hipSuccess : hipErrorInvalidImage);
    return &fb->slot;
}

int __hipRegisterFunction(void **modules, const void *host_function, char *device_function,
                          const char *device_name, unsigned int thread_limit, void *tid,
                          void *bid, dim3 *block_dim, dim3 *grid_dim, int *wave_size) {
    (void)device_function, (void)thread_limit, (void)tid, (void)bid, (void)block_dim;
    (void)grid_dim, (void)wave_size;
    HIPSIM_ENTER("__hipRegisterFunction");
    const hipsim_kernel *kernel = hipsim_kernel_by_name(device_name);
    pthread_mutex_lock(&g_lock);
    if (g_nregs == g_capregs) {
        size_t cap = g_capregs ? 2 * g_capregs : 32;
        registration *grown = realloc(g_regs, cap * sizeof *grown);
        if (grown == NULL) {
            pthread_mutex_unlock(&g_lock);
            hipsim_leave(call_, hipErrorOutOfMemory);
            return 1;
        }
        g_regs = grown;
        g_capregs = cap;
    }
    /* modules is &fatbin->slot, the first member. */
    g_regs[g_nregs++] = (registration){host_function, kernel, (fatbin *)(void *)modules};
    pthread_mutex_unlock(&g_lock);
    HIPSIM_TRACE(&call_, "__hipRegisterFunction name=%s known=%d", device_name ? device_name : "",
                 kernel != NULL);
    hipsim_leave(call_, hipSuccess);
    return 0;
}

void __hipUnregisterFatBinary(void **modules) {
    HIPSIM_ENTER("__hipUnregisterFatBinary");
    fatbin *target = (fatbin *)(void *)modules;
    pthread_mutex_lock(&g_lock);
    size_t kept = 0;
    for (size_t i = 0; i < g_nregs; ++i)
        if (g_regs[i].owner != target) g_regs[kept++] = g_regs[i];
    g_nregs = kept;
    for (fatbin **link = &g_fatbins; *link != NULL; link = &(*link)->next) {
        if (*link == target) {
            *link = target->next;
            free(target);
            break;
        }
    }
    pthread_mutex_unlock(&g_lock);
    hipsim_forget_symbols(modules);
    /* No trace line: at exit, the order against other atexit work is not the program's. */
    hipsim_leave(call_, hipSuccess);
}

const hipsim_kernel *hipsim_registered_kernel(const void *host_function) {
    const hipsim_kernel *kernel = NULL;
    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; i < g_nregs; ++i) {
        if (g_regs[i].host_function == host_function) {
            kernel = g_regs[i].kernel;
            break;
        }
    }
    pthread_mutex_unlock(&g_lock);
    return kernel;
}
