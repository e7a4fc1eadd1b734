/*
 * hipsim_symbols.c — __device__ / __constant__ variables. hipcc registers each one with
 * __hipRegisterVar (host shadow address, name, size); the simulator gives it device memory,
 * initialised from the variable's bytes in the code object, and the symbol copy entry points
 * (hipMemcpyToSymbol, ...) address it through the host shadow, as real HIP does.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hipsim.h"

typedef struct device_var {
    const void *host_var; /* the program's shadow: the symbol handle */
    void *device;
    size_t size;
    void **owner; /* fat binary handle */
    struct device_var *next;
} device_var;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static device_var *g_vars;

void __hipRegisterVar(void **modules, void *var, char *hostVar, char *deviceVar, int ext,
                      size_t size, int constant, int global) {
    (void)hostVar, (void)ext, (void)constant, (void)global;
    HIPSIM_ENTER("__hipRegisterVar");
    device_var *v = calloc(1, sizeof *v);
    void *device = NULL;
    hipError_t err = v ? hipsim_error(simdev_malloc(size ? size : 1, &device)) : hipErrorOutOfMemory;
    if (err == hipSuccess) {
        /* *modules is the bundle the fat binary wrapper pointed to (hipsim_register.c). */
        if (!hipsim_image_var_init(modules ? *modules : NULL, deviceVar, device, size))
            memset(device, 0, size);
        *v = (device_var){var, device, size, modules, NULL};
        pthread_mutex_lock(&g_lock);
        v->next = g_vars;
        g_vars = v;
        pthread_mutex_unlock(&g_lock);
    } else {
        free(v);
    }
    char pbuf[32];
    HIPSIM_TRACE(&call_, "__hipRegisterVar name=%s bytes=%zu ptr=%s rc=%d",
                 deviceVar ? deviceVar : "", size, simdev_fmt_ptr(pbuf, device), (int)err);
    hipsim_leave(call_, err);
}

void *hipsim_symbol_address(const void *host_var, size_t *size) {
    void *device = NULL;
    pthread_mutex_lock(&g_lock);
    for (device_var *v = g_vars; v != NULL; v = v->next) {
        if (v->host_var == host_var) {
            device = v->device;
            if (size) *size = v->size;
            break;
        }
    }
    pthread_mutex_unlock(&g_lock);
    return device;
}

void hipsim_forget_symbols(void **modules) {
    pthread_mutex_lock(&g_lock);
    for (device_var **link = &g_vars; *link != NULL;) {
        device_var *v = *link;
        if (v->owner == modules) {
            *link = v->next;
            free(v); /* its device memory stays: the process is exiting or unloading code */
        } else {
            link = &v->next;
        }
    }
    pthread_mutex_unlock(&g_lock);
}

hipError_t hipGetSymbolAddress(void **devPtr, const void *symbol) {
    HIPSIM_ENTER("hipGetSymbolAddress");
    if (devPtr == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    *devPtr = hipsim_symbol_address(symbol, NULL);
    HIPSIM_RETURN(*devPtr ? hipSuccess : hipErrorInvalidSymbol);
}

hipError_t hipGetSymbolSize(size_t *size, const void *symbol) {
    HIPSIM_ENTER("hipGetSymbolSize");
    if (size == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    HIPSIM_RETURN(hipsim_symbol_address(symbol, size) ? hipSuccess : hipErrorInvalidSymbol);
}

/* The device range [offset, offset + bytes) of a symbol, or an error. */
static hipError_t symbol_range(const void *symbol, size_t offset, size_t bytes, void **out) {
    size_t size = 0;
    unsigned char *base = hipsim_symbol_address(symbol, &size);
    if (base == NULL) return hipErrorInvalidSymbol;
    if (offset > size || bytes > size - offset) return hipErrorInvalidValue;
    *out = base + offset;
    return hipSuccess;
}

hipError_t hipsim_copy_to_symbol(const hipsim_call *call, const void *symbol, const void *src,
                                 size_t bytes, size_t offset, hipMemcpyKind kind,
                                 hipStream_t stream, int per_thread_default, int synchronous) {
    void *dst = NULL;
    hipError_t err = symbol_range(symbol, offset, bytes, &dst);
    if (err != hipSuccess) {
        hipsim_trace_copy(call, NULL, src, bytes, kind, hipsim_stream(stream, per_thread_default),
                          synchronous, err);
        return err;
    }
    return hipsim_copy(call, dst, src, bytes, kind, stream, per_thread_default, synchronous);
}

hipError_t hipsim_copy_from_symbol(const hipsim_call *call, void *dst, const void *symbol,
                                   size_t bytes, size_t offset, hipMemcpyKind kind,
                                   hipStream_t stream, int per_thread_default, int synchronous) {
    void *src = NULL;
    hipError_t err = symbol_range(symbol, offset, bytes, &src);
    if (err != hipSuccess) {
        hipsim_trace_copy(call, dst, NULL, bytes, kind, hipsim_stream(stream, per_thread_default),
                          synchronous, err);
        return err;
    }
    return hipsim_copy(call, dst, src, bytes, kind, stream, per_thread_default, synchronous);
}

hipError_t hipMemcpyToSymbol(const void *symbol, const void *src, size_t sizeBytes, size_t offset,
                             hipMemcpyKind kind) {
    HIPSIM_ENTER("hipMemcpyToSymbol");
    HIPSIM_RETURN(hipsim_copy_to_symbol(&call_, symbol, src, sizeBytes, offset, kind, NULL, 0, 1));
}

hipError_t hipMemcpyToSymbolAsync(const void *symbol, const void *src, size_t sizeBytes,
                                  size_t offset, hipMemcpyKind kind, hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpyToSymbolAsync");
    HIPSIM_RETURN(
        hipsim_copy_to_symbol(&call_, symbol, src, sizeBytes, offset, kind, stream, 0, 0));
}

hipError_t hipMemcpyFromSymbol(void *dst, const void *symbol, size_t sizeBytes, size_t offset,
                               hipMemcpyKind kind) {
    HIPSIM_ENTER("hipMemcpyFromSymbol");
    HIPSIM_RETURN(
        hipsim_copy_from_symbol(&call_, dst, symbol, sizeBytes, offset, kind, NULL, 0, 1));
}

hipError_t hipMemcpyFromSymbolAsync(void *dst, const void *symbol, size_t sizeBytes,
                                    size_t offset, hipMemcpyKind kind, hipStream_t stream) {
    HIPSIM_ENTER("hipMemcpyFromSymbolAsync");
    HIPSIM_RETURN(
        hipsim_copy_from_symbol(&call_, dst, symbol, sizeBytes, offset, kind, stream, 0, 0));
}
