/*
 * hipsim_module.c — the module API: hipModuleLoad / hipModuleLoadData(Ex) keep a private
 * copy of the code object (the caller may free its buffer at once), hipModuleGetFunction
 * hands out a function handle when the module defines the symbol AND the simulator has an
 * implementation for it, hipModuleUnload invalidates the module's functions.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipsim.h"

struct ihipModuleSymbol_t {
    struct ihipModule_t *module;
    const hipsim_kernel *kernel;
    char *name;
    struct ihipModuleSymbol_t *next;
};

struct ihipModule_t {
    unsigned char *image;
    size_t size;
    int ordinal; /* load order, from 1: stable trace names */
    struct ihipModuleSymbol_t *functions;
    struct ihipModule_t *next;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ihipModule_t *g_modules;
static int g_next_ordinal = 1;

static int module_live_locked(const struct ihipModule_t *m) {
    for (const struct ihipModule_t *it = g_modules; it != NULL; it = it->next)
        if (it == m) return 1;
    return 0;
}

/* Takes ownership of image. */
static hipError_t add_module(unsigned char *image, size_t size, hipModule_t *out) {
    struct ihipModule_t *m = calloc(1, sizeof *m);
    if (m == NULL) {
        free(image);
        return hipErrorOutOfMemory;
    }
    m->image = image;
    m->size = size;
    pthread_mutex_lock(&g_lock);
    m->ordinal = g_next_ordinal++;
    m->next = g_modules;
    g_modules = m;
    pthread_mutex_unlock(&g_lock);
    *out = m;
    return hipSuccess;
}

static hipError_t load_file(const char *path, hipModule_t *out) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return hipErrorFileNotFound;
    unsigned char *bytes = NULL;
    size_t size = 0, cap = 0, got;
    do {
        if (size == cap) {
            cap = cap ? 2 * cap : 65536;
            unsigned char *grown = realloc(bytes, cap);
            if (grown == NULL) {
                free(bytes);
                fclose(f);
                return hipErrorOutOfMemory;
            }
            bytes = grown;
        }
        got = fread(bytes + size, 1, cap - size, f);
        size += got;
    } while (got > 0);
    fclose(f);
    size_t image_size = size ? hipsim_image_size(bytes) : 0;
    if (image_size == 0 || image_size > size) {
        free(bytes);
        return hipErrorInvalidImage;
    }
    return add_module(bytes, size, out);
}

static hipError_t load_data(const void *image, hipModule_t *out) {
    size_t size = hipsim_image_size(image);
    if (size == 0) return hipErrorInvalidImage;
    unsigned char *copy = malloc(size);
    if (copy == NULL) return hipErrorOutOfMemory;
    memcpy(copy, image, size);
    return add_module(copy, size, out);
}

static void trace_load(const hipsim_call *call, hipModule_t *module, hipError_t err) {
    HIPSIM_TRACE(call, "%s m=%d bytes=%zu rc=%d", call->name,
                 err == hipSuccess ? (*module)->ordinal : 0,
                 err == hipSuccess ? (*module)->size : 0, (int)err);
}

hipError_t hipModuleLoad(hipModule_t *module, const char *fname) {
    HIPSIM_ENTER("hipModuleLoad");
    if (module == NULL || fname == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    hipError_t err = load_file(fname, module);
    trace_load(&call_, module, err);
    HIPSIM_RETURN(err);
}

hipError_t hipModuleLoadData(hipModule_t *module, const void *image) {
    HIPSIM_ENTER("hipModuleLoadData");
    if (module == NULL || image == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    hipError_t err = load_data(image, module);
    trace_load(&call_, module, err);
    HIPSIM_RETURN(err);
}

hipError_t hipModuleLoadDataEx(hipModule_t *module, const void *image, unsigned int numOptions,
                               hipJitOption *options, void **optionValues) {
    HIPSIM_ENTER("hipModuleLoadDataEx");
    (void)options, (void)optionValues; /* JIT options do not apply to finished code objects */
    if (module == NULL || image == NULL || (numOptions && (!options || !optionValues)))
        HIPSIM_RETURN(hipErrorInvalidValue);
    hipError_t err = load_data(image, module);
    trace_load(&call_, module, err);
    HIPSIM_RETURN(err);
}

/* Same handle for repeated lookups of one name, as the real runtime does. */
static hipError_t get_function(struct ihipModule_t *m, const char *name, hipFunction_t *out) {
    for (struct ihipModuleSymbol_t *f = m->functions; f != NULL; f = f->next) {
        if (strcmp(f->name, name) == 0) {
            *out = f;
            return hipSuccess;
        }
    }
    const hipsim_kernel *kernel = hipsim_kernel_by_name(name);
    if (kernel == NULL || !hipsim_image_has_symbol(m->image, m->size, name))
        return hipErrorNotFound;
    struct ihipModuleSymbol_t *f = calloc(1, sizeof *f);
    char *copy = strdup(name);
    if (f == NULL || copy == NULL) {
        free(f);
        free(copy);
        return hipErrorOutOfMemory;
    }
    *f = (struct ihipModuleSymbol_t){m, kernel, copy, m->functions};
    m->functions = f;
    *out = f;
    return hipSuccess;
}

hipError_t hipModuleGetFunction(hipFunction_t *function, hipModule_t module, const char *kname) {
    HIPSIM_ENTER("hipModuleGetFunction");
    if (function == NULL || kname == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    pthread_mutex_lock(&g_lock);
    hipError_t err = module_live_locked(module) ? get_function(module, kname, function)
                                                : hipErrorInvalidHandle;
    int ordinal = err == hipErrorInvalidHandle ? 0 : module->ordinal;
    pthread_mutex_unlock(&g_lock);
    HIPSIM_TRACE(&call_, "hipModuleGetFunction m=%d name=%s rc=%d", ordinal, kname, (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipModuleUnload(hipModule_t module) {
    HIPSIM_ENTER("hipModuleUnload");
    int ordinal = 0;
    pthread_mutex_lock(&g_lock);
    struct ihipModule_t **link = &g_modules;
    while (*link != NULL && *link != module) link = &(*link)->next;
    if (*link != NULL) {
        *link = module->next;
        ordinal = module->ordinal;
    }
    pthread_mutex_unlock(&g_lock);
    hipError_t err = ordinal ? hipSuccess : hipErrorInvalidHandle;
    HIPSIM_TRACE(&call_, "hipModuleUnload m=%d rc=%d", ordinal, (int)err);
    if (ordinal == 0) HIPSIM_RETURN(err);
    /* Launches already queued hold their own parameter copies and kernel pointers (the
     * kernel table is static), so the module can go at once. */
    for (struct ihipModuleSymbol_t *f = module->functions, *next; f != NULL; f = next) {
        next = f->next;
        free(f->name);
        free(f);
    }
    free(module->image);
    free(module);
    HIPSIM_RETURN(err);
}

const hipsim_kernel *hipsim_function_kernel(hipFunction_t f) {
    const hipsim_kernel *kernel = NULL;
    pthread_mutex_lock(&g_lock);
    for (struct ihipModule_t *m = g_modules; m != NULL && kernel == NULL; m = m->next)
        for (struct ihipModuleSymbol_t *it = m->functions; it != NULL; it = it->next)
            if (it == f) {
                kernel = it->kernel;
                break;
            }
    pthread_mutex_unlock(&g_lock);
    return kernel;
}
