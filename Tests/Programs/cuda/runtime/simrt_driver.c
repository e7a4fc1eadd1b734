/*
 * simrt_driver.c — how the runtime reaches the driver, as CUDA 13's cudart does: dlopen
 * libcuda.so.1, dlsym cuGetProcAddress_v2 ONCE, get "cuGetProcAddress" through it, and resolve
 * every call through that for both default-stream modes. Also: the primary context made current
 * on each thread that uses the runtime, and the kernel library (CUkernel handles, launched as
 * CUfunctions, like the lazy-loading runtime does).
 */
#include "simrt_driver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static simrtError_t init_status = CUDA_ERROR_NOT_INITIALIZED;
static simrt_driver legacy_table, per_thread_table;
static CUcontext primary;
static CUlibrary library;
static int per_thread_mode = -1; /* -1: not chosen yet, read the environment */
static __thread bool ctx_current;

/* Every kernel of the simulator's table, as one "fat binary" image. */
static const char kernel_image[] = "reefsim-module\nvadd\nsaxpy\ngemm\nx2p1\nreduce_sum\ndelay\nempty\n";

static simrtError_t resolve_tables(void) {
    void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) return CUDA_ERROR_NOT_FOUND;
    __typeof__(cuGetProcAddress_v2) *bootstrap = (__typeof__(cuGetProcAddress_v2) *)dlsym(handle, "cuGetProcAddress_v2");
    if (!bootstrap) return CUDA_ERROR_NOT_FOUND;
    __typeof__(cuGetProcAddress_v2) *gpa = NULL;
    CUdriverProcAddressQueryResult q;
    CUresult r = bootstrap("cuGetProcAddress", (void **)&gpa, SIMRT_CUDA_VERSION, CU_GET_PROC_ADDRESS_DEFAULT, &q);
    if (r || !gpa) return r ? r : CUDA_ERROR_NOT_FOUND;
#define SIMRT_RESOLVE(fn, base)                                                                            \
    if ((r = gpa(base, (void **)&legacy_table.fn, SIMRT_CUDA_VERSION, CU_GET_PROC_ADDRESS_LEGACY_STREAM, &q))) \
        return r;                                                                                          \
    if ((r = gpa(base, (void **)&per_thread_table.fn, SIMRT_CUDA_VERSION,                                  \
                 CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, &q)))                                      \
        return r;
    SIMRT_DRIVER_CALLS(SIMRT_RESOLVE)
#undef SIMRT_RESOLVE
    return CUDA_SUCCESS;
}

static void init_once(void) {
    simrtError_t r = resolve_tables();
    const simrt_driver *d = &legacy_table;
    CUdevice dev;
    if (!r) r = d->cuInit(0);
    if (!r) r = d->cuDeviceGet(&dev, 0);
    if (!r) r = d->cuDevicePrimaryCtxRetain(&primary, dev);
    if (!r) r = d->cuLibraryLoadData(&library, kernel_image, NULL, NULL, 0, NULL, NULL, 0);
    init_status = r;
}

simrtError_t simrt_init_status(void) { return init_status; }

void simrtSetDefaultStreamPerThread(int on) { __atomic_store_n(&per_thread_mode, on ? 1 : 0, __ATOMIC_RELAXED); }

int simrtDefaultStreamIsPerThread(void) {
    int mode = __atomic_load_n(&per_thread_mode, __ATOMIC_RELAXED);
    if (mode < 0) {
        const char *env = getenv("SIMRT_DEFAULT_STREAM");
        mode = env && strcmp(env, "per-thread") == 0;
        __atomic_store_n(&per_thread_mode, mode, __ATOMIC_RELAXED);
    }
    return mode;
}

const simrt_driver *simrt_drv(void) {
    pthread_once(&once, init_once);
    if (init_status) return NULL;
    if (!ctx_current) { /* like cudart: the primary context, made current lazily per thread */
        if (legacy_table.cuCtxSetCurrent(primary)) return NULL;
        ctx_current = true;
    }
    return simrtDefaultStreamIsPerThread() ? &per_thread_table : &legacy_table;
}

simrtError_t simrtInit(void) {
    return simrt_drv() ? CUDA_SUCCESS : init_status;
}

/* A small name -> CUkernel cache; the kernel table is tiny. */
#define MAX_KERNELS 32
static pthread_mutex_t kernels_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char name[32];
    CUkernel k;
} kernels[MAX_KERNELS];
static unsigned nkernels;

simrtError_t simrt_kernel(const char *name, CUfunction *out) {
    SIMRT_DRV(d);
    pthread_mutex_lock(&kernels_mu);
    for (unsigned i = 0; i < nkernels; i++)
        if (strcmp(kernels[i].name, name) == 0) {
            *out = (CUfunction)kernels[i].k;
            pthread_mutex_unlock(&kernels_mu);
            return CUDA_SUCCESS;
        }
    CUkernel k = NULL;
    simrtError_t r = d->cuLibraryGetKernel(&k, library, name);
    if (!r && nkernels < MAX_KERNELS && strlen(name) < sizeof kernels[0].name) {
        strcpy(kernels[nkernels].name, name);
        kernels[nkernels++].k = k;
    }
    pthread_mutex_unlock(&kernels_mu);
    if (!r) *out = (CUfunction)k;
    return r;
}

const char *simrtErrorName(simrtError_t e) {
    const simrt_driver *d = simrt_drv();
    const char *s = NULL;
    if (d && d->cuGetErrorName(e, &s) == CUDA_SUCCESS) return s;
    return "UNKNOWN_ERROR";
}

int simrtDriverVersion(void) {
    const simrt_driver *d = simrt_drv();
    int v = 0;
    if (d) d->cuDriverGetVersion(&v);
    return v;
}
