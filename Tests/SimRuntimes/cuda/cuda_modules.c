/*
 * cuda_modules.c — modules (CUfunction handles) and libraries (CUkernel handles) loaded from
 * text images "reefsim-module\n<kernel name>\n...", naming kernels of the core's table, or from
 * PTX text whose `.entry` names are kernels of that table (not compiled; SIM_PTX=0 refuses it); handle
 * validation; parameter layout queries. A CUkernel is accepted where the launch API takes a
 * CUfunction (as the real driver does), but cuFuncGetParamInfo rejects it.
 */
#include "cuda_sim.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MOD_MAGIC 0x4d4f4431u  /* "MOD1" */
#define LIB_MAGIC 0x4c494231u  /* "LIB1" */
#define FUNC_MAGIC 0x46554e31u /* "FUN1" */
#define KERN_MAGIC 0x4b524e31u /* "KRN1" */
#define IMAGE_HEADER "reefsim-module"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct CUmod_st *modules;
static struct CUlib_st *libraries;

/* PTX text is not compiled: each `.entry NAME` runs the simulated kernel of that name (an image
 * with an entry the simulator does not have is refused, as code it cannot run). */
static CUresult parse_ptx(const char *text, const simdev_kernel ***out, unsigned *n) {
    const char *jit = getenv("SIM_PTX"); /* SIM_PTX=0: a driver without its PTX JIT compiler */
    if (jit && strcmp(jit, "0") == 0) return CUDA_ERROR_JIT_COMPILER_NOT_FOUND;
    const simdev_kernel **ks = calloc(strlen(text) + 1, sizeof *ks);
    unsigned count = 0;
    for (const char *at = strstr(text, ".entry"); at; at = strstr(at, ".entry")) {
        at += strlen(".entry");
        at += strspn(at, " \t");
        size_t len = strcspn(at, " \t\r\n(");
        char name[128];
        if (len == 0 || len >= sizeof name) {
            free(ks);
            return CUDA_ERROR_INVALID_PTX;
        }
        memcpy(name, at, len);
        name[len] = '\0';
        if (!(ks[count++] = simdev_kernel_find(name))) {
            free(ks);
            return CUDA_ERROR_INVALID_PTX;
        }
    }
    *out = ks;
    *n = count;
    return CUDA_SUCCESS;
}

/* Kernels named by an image; *out is malloc'd. */
static CUresult parse_image(const void *image, const simdev_kernel ***out, unsigned *n) {
    if (!image) return CUDA_ERROR_INVALID_VALUE;
    const char *text = image;
    if (strncmp(text, ".version", 8) == 0 || strncmp(text, "//", 2) == 0) return parse_ptx(text, out, n);
    size_t hl = strlen(IMAGE_HEADER);
    if (strncmp(text, IMAGE_HEADER, hl) != 0 || (text[hl] != '\n' && text[hl] != '\0'))
        return CUDA_ERROR_INVALID_IMAGE;
    const simdev_kernel **ks = calloc(strlen(text) + 1, sizeof *ks);
    unsigned count = 0;
    for (const char *line = text + hl; *line;) {
        if (*line == '\n') {
            line++;
            continue;
        }
        size_t len = strcspn(line, "\r\n");
        char name[128];
        if (len >= sizeof name) {
            free(ks);
            return CUDA_ERROR_INVALID_IMAGE;
        }
        memcpy(name, line, len);
        name[len] = '\0';
        line += len;
        if (*line == '\r') line++;
        if (!(ks[count++] = simdev_kernel_find(name))) { /* the image "contains" unknown code */
            free(ks);
            return CUDA_ERROR_INVALID_IMAGE;
        }
    }
    *out = ks;
    *n = count;
    return CUDA_SUCCESS;
}

static void fill_funcs(struct CUfunc_st *funcs, const simdev_kernel **ks, unsigned n) {
    for (unsigned i = 0; i < n; i++) funcs[i] = (struct CUfunc_st){FUNC_MAGIC, ks[i]};
}

static CUresult module_load(const char *api, CUmodule *pm, const void *image) {
    CUresult r = cu_enter(api);
    if (r) return r;
    if (!pm) return CUDA_ERROR_INVALID_VALUE;
    const simdev_kernel **ks;
    unsigned n;
    if ((r = parse_image(image, &ks, &n))) return r;
    struct CUmod_st *m = calloc(1, sizeof *m);
    m->magic = MOD_MAGIC;
    m->n = n;
    m->funcs = calloc(n ? n : 1, sizeof *m->funcs);
    fill_funcs(m->funcs, ks, n);
    free(ks);
    pthread_mutex_lock(&mu);
    m->next = modules;
    modules = m;
    pthread_mutex_unlock(&mu);
    *pm = m;
    return CUDA_SUCCESS;
}

CUresult cuModuleLoadData(CUmodule *pm, const void *image) { return module_load(__func__, pm, image); }
CUresult cuModuleLoadDataEx(CUmodule *pm, const void *image, unsigned int numOptions, CUjit_option *options,
                            void **optionValues) {
    (void)numOptions, (void)options, (void)optionValues; /* no JIT: options have no effect */
    return module_load(__func__, pm, image);
}

/* Unlinks and invalidates; the memory stays so stale handles fail validation safely. */
CUresult cuModuleUnload(CUmodule hmod) {
    CUresult r = cu_enter(__func__);
    if (r) return r;
    pthread_mutex_lock(&mu);
    for (struct CUmod_st **p = &modules; *p; p = &(*p)->next)
        if (*p == hmod) {
            *p = hmod->next;
            hmod->magic = 0;
            for (unsigned i = 0; i < hmod->n; i++) hmod->funcs[i].magic = 0;
            pthread_mutex_unlock(&mu);
            return CUDA_SUCCESS;
        }
    pthread_mutex_unlock(&mu);
    return CUDA_ERROR_INVALID_HANDLE;
}

static bool module_live(CUmodule m) {
    for (struct CUmod_st *x = modules; x; x = x->next)
        if (x == m) return true;
    return false;
}

CUresult cuModuleGetFunction(CUfunction *pf, CUmodule hmod, const char *name) {
    CUresult r = cu_enter(__func__);
    if (r) return r;
    if (!pf || !name) return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&mu);
    r = module_live(hmod) ? CUDA_ERROR_NOT_FOUND : CUDA_ERROR_INVALID_HANDLE;
    for (unsigned i = 0; r == CUDA_ERROR_NOT_FOUND && i < hmod->n; i++)
        if (strcmp(hmod->funcs[i].k->name, name) == 0) {
            *pf = &hmod->funcs[i];
            r = CUDA_SUCCESS;
        }
    pthread_mutex_unlock(&mu);
    return r;
}

/* ---- libraries ---- */
CUresult cuLibraryLoadData(CUlibrary *pl, const void *code, CUjit_option *jitOptions, void **jitOptionsValues,
                           unsigned int numJitOptions, CUlibraryOption *libraryOptions,
                           void **libraryOptionValues, unsigned int numLibraryOptions) {
    (void)jitOptions, (void)jitOptionsValues, (void)numJitOptions;
    (void)libraryOptions, (void)libraryOptionValues, (void)numLibraryOptions;
    CUresult r = cu_enter_noctx(__func__); /* context-independent, like the real call */
    if (r) return r;
    if (!pl) return CUDA_ERROR_INVALID_VALUE;
    const simdev_kernel **ks;
    unsigned n;
    if ((r = parse_image(code, &ks, &n))) return r;
    struct CUlib_st *l = calloc(1, sizeof *l);
    l->magic = LIB_MAGIC;
    l->n = n;
    l->kerns = calloc(n ? n : 1, sizeof *l->kerns);
    l->funcs = calloc(n ? n : 1, sizeof *l->funcs);
    fill_funcs(l->funcs, ks, n);
    for (unsigned i = 0; i < n; i++) l->kerns[i] = (struct CUkern_st){KERN_MAGIC, ks[i], &l->funcs[i]};
    free(ks);
    pthread_mutex_lock(&mu);
    l->next = libraries;
    libraries = l;
    pthread_mutex_unlock(&mu);
    *pl = l;
    return CUDA_SUCCESS;
}

CUresult cuLibraryUnload(CUlibrary lib) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    pthread_mutex_lock(&mu);
    for (struct CUlib_st **p = &libraries; *p; p = &(*p)->next)
        if (*p == lib) {
            *p = lib->next;
            lib->magic = 0;
            for (unsigned i = 0; i < lib->n; i++) lib->kerns[i].magic = lib->funcs[i].magic = 0;
            pthread_mutex_unlock(&mu);
            return CUDA_SUCCESS;
        }
    pthread_mutex_unlock(&mu);
    return CUDA_ERROR_INVALID_HANDLE;
}

CUresult cuLibraryGetKernel(CUkernel *pk, CUlibrary lib, const char *name) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!pk || !name) return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&mu);
    bool live = false;
    for (struct CUlib_st *x = libraries; x; x = x->next) live |= x == lib;
    r = live ? CUDA_ERROR_NOT_FOUND : CUDA_ERROR_INVALID_HANDLE;
    for (unsigned i = 0; r == CUDA_ERROR_NOT_FOUND && i < lib->n; i++)
        if (strcmp(lib->kerns[i].k->name, name) == 0) {
            *pk = &lib->kerns[i];
            r = CUDA_SUCCESS;
        }
    pthread_mutex_unlock(&mu);
    return r;
}

/* ---- handle lookup: by address inside live modules/libraries (no dereference first) ---- */
static bool in_array(const void *h, const void *base, unsigned n, size_t size) {
    uintptr_t x = (uintptr_t)h, b = (uintptr_t)base;
    return x >= b && x < b + (uintptr_t)n * size && (x - b) % size == 0;
}

static const simdev_kernel *find_func(const void *h) {
    for (struct CUmod_st *m = modules; m; m = m->next)
        if (in_array(h, m->funcs, m->n, sizeof *m->funcs)) return ((const struct CUfunc_st *)h)->k;
    for (struct CUlib_st *l = libraries; l; l = l->next)
        if (in_array(h, l->funcs, l->n, sizeof *l->funcs)) return ((const struct CUfunc_st *)h)->k;
    return NULL;
}

static const simdev_kernel *find_kern(const void *h) {
    for (struct CUlib_st *l = libraries; l; l = l->next)
        if (in_array(h, l->kerns, l->n, sizeof *l->kerns)) return ((const struct CUkern_st *)h)->k;
    return NULL;
}

const simdev_kernel *cu_kernel_of(CUfunction f) {
    pthread_mutex_lock(&mu);
    const simdev_kernel *k = find_func(f);
    if (!k) k = find_kern(f);
    pthread_mutex_unlock(&mu);
    return k;
}

bool cu_is_kernel_handle(CUfunction f) {
    pthread_mutex_lock(&mu);
    bool yes = find_kern(f) != NULL;
    pthread_mutex_unlock(&mu);
    return yes;
}

CUresult cuKernelGetFunction(CUfunction *pf, CUkernel kernel) {
    CUresult r = cu_enter(__func__);
    if (r) return r;
    if (!pf) return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&mu);
    r = find_kern(kernel) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
    if (!r) *pf = kernel->func;
    pthread_mutex_unlock(&mu);
    return r;
}

static CUresult param_info(const simdev_kernel *k, size_t index, size_t *off, size_t *size) {
    if (!k) return CUDA_ERROR_INVALID_HANDLE;
    if (!off || index >= k->nparams) return CUDA_ERROR_INVALID_VALUE;
    *off = k->params[index].offset;
    if (size) *size = k->params[index].size;
    return CUDA_SUCCESS;
}

CUresult cuFuncGetParamInfo(CUfunction func, size_t index, size_t *off, size_t *size) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    pthread_mutex_lock(&mu);
    const simdev_kernel *k = find_func(func); /* a CUkernel is not a CUfunction here */
    pthread_mutex_unlock(&mu);
    return param_info(k, index, off, size);
}

CUresult cuKernelGetParamInfo(CUkernel kernel, size_t index, size_t *off, size_t *size) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    pthread_mutex_lock(&mu);
    const simdev_kernel *k = find_kern(kernel);
    pthread_mutex_unlock(&mu);
    return param_info(k, index, off, size);
}

CUresult cuFuncGetName(const char **name, CUfunction func) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!name) return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&mu);
    const simdev_kernel *k = find_func(func);
    pthread_mutex_unlock(&mu);
    if (!k) return CUDA_ERROR_INVALID_HANDLE;
    *name = k->name;
    return CUDA_SUCCESS;
}

CUresult cuKernelGetName(const char **name, CUkernel kernel) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!name) return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&mu);
    const simdev_kernel *k = find_kern(kernel);
    pthread_mutex_unlock(&mu);
    if (!k) return CUDA_ERROR_INVALID_HANDLE;
    *name = k->name;
    return CUDA_SUCCESS;
}
