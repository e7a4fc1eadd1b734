/*
 * cuda_launch.c — cuLaunchKernel / cuLaunchKernelEx / cuLaunchCooperativeKernel (+ _ptsz).
 * Parameters come as kernelParams (one pointer per parameter) or as one packed `extra` buffer;
 * either way they are repacked by the kernel's layout into a zeroed buffer, so padding bytes
 * never leak into the trace.
 */
#include "cuda_sim.h"

#include <pthread.h>
#include <stdlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CUresult pack_params(const simdev_kernel *k, void **kp, void **extra, unsigned char *buf) {
    if (kp && extra) return CUDA_ERROR_INVALID_VALUE;
    if (kp) {
        for (unsigned i = 0; i < k->nparams; i++) {
            if (!kp[i]) return CUDA_ERROR_INVALID_VALUE;
            memcpy(buf + k->params[i].offset, kp[i], k->params[i].size);
        }
        return CUDA_SUCCESS;
    }
    if (!extra) return k->nparams ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
    const unsigned char *packed = NULL;
    const size_t *packed_size = NULL;
    for (unsigned i = 0; extra[i] != CU_LAUNCH_PARAM_END; i += 2) {
        if (extra[i] == CU_LAUNCH_PARAM_BUFFER_POINTER)
            packed = extra[i + 1];
        else if (extra[i] == CU_LAUNCH_PARAM_BUFFER_SIZE)
            packed_size = extra[i + 1];
        else
            return CUDA_ERROR_INVALID_VALUE;
    }
    if (!k->params_size) return CUDA_SUCCESS;
    if (!packed || !packed_size || *packed_size < k->params_size) return CUDA_ERROR_INVALID_VALUE;
    for (unsigned i = 0; i < k->nparams; i++)
        memcpy(buf + k->params[i].offset, packed + k->params[i].offset, k->params[i].size);
    return CUDA_SUCCESS;
}

typedef struct launch {
    CUfunction f;
    simdev_dim3 grid, block;
    unsigned shmem;
    CUstream h;
    void **kp, **extra;
    const char *attr_text; /* trace suffix describing launch attributes ("" for plain launches) */
    simdev_launch_opts opts;
    CUresult attr_error;
} launch;

/* SIM_LAZY_LOADING=1 models CUDA's lazy module loading (CUDA_MODULE_LOADING=LAZY): the first
 * launch of a function loads its module, which may synchronise the whole context. Here that first
 * launch waits for every stream to drain, so a scheduler that keeps a stream from draining while
 * the launching thread's work is what it waits for is caught as a hang. */
static bool first_launch_of(CUfunction f) {
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static CUfunction seen[4096];
    static unsigned nseen;
    bool first = true;
    pthread_mutex_lock(&mu);
    for (unsigned i = 0; i < nseen; i++)
        if (seen[i] == f) { first = false; break; }
    if (first && nseen < 4096) seen[nseen++] = f;
    pthread_mutex_unlock(&mu);
    return first;
}

static CUresult do_launch(const char *api, bool pt, const launch *L) {
    static int lazy = -1;
    if (lazy < 0) {
        const char *e = getenv("SIM_LAZY_LOADING");
        lazy = e && e[0] == '1';
    }
    if (lazy && first_launch_of(L->f)) simdev_device_synchronize();
    simdev_stats_launch(); /* every launch call the application makes */
    CUresult r = cu_enter(api);
    const simdev_kernel *k = cu_kernel_of(L->f);
    unsigned char *buf = calloc(1, k && k->params_size ? k->params_size : 1);
    CUresult rp = k ? pack_params(k, L->kp, L->extra, buf) : CUDA_ERROR_INVALID_HANDLE;
    if (simdev_tracing()) {
        char b1[32], *hex = malloc(2 * (k ? k->params_size : 0) + 1);
        simdev_trace("%s s=%s f=%s grid=%ux%ux%u block=%ux%ux%u shm=%u%s params=%s", api,
                     cu_fmt_stream(b1, L->h, pt), k ? k->name : "bad", L->grid.x, L->grid.y, L->grid.z,
                     L->block.x, L->block.y, L->block.z, L->shmem, L->attr_text,
                     rp ? "bad" : simdev_fmt_hex(hex, buf, k->params_size));
        free(hex);
    }
    simdev_stream *s = NULL;
    if (!r) r = rp;
    if (!r) r = L->attr_error;
    if (!r) r = cu_stream(L->h, pt, &s);
    if (!r) {
        simdev_launch_opts opts = L->opts;
        opts.shared_bytes = L->shmem;
        opts.tag[0] = L->f;               /* for cuGraphKernelNodeGetParams: the handle as passed, */
        opts.tag[1] = cu_current_ctx();   /* and the context of the launch */
        r = cu_status(simdev_launch(s, k, L->grid, L->block, buf, &opts));
    }
    free(buf);
    return r;
}

#define LAUNCH_ARGS                                                                                \
    CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, \
        unsigned int bz, unsigned int shmem, CUstream h
#define LAUNCH_INIT {f, {gx, gy, gz}, {bx, by, bz}, shmem, h, NULL, NULL, "", {0}, CUDA_SUCCESS}

CUresult cuLaunchKernel(LAUNCH_ARGS, void **kp, void **extra) {
    launch L = LAUNCH_INIT;
    L.kp = kp, L.extra = extra;
    return do_launch(__func__, false, &L);
}
CUresult cuLaunchKernel_ptsz(LAUNCH_ARGS, void **kp, void **extra) {
    launch L = LAUNCH_INIT;
    L.kp = kp, L.extra = extra;
    return do_launch(__func__, true, &L);
}
CUresult cuLaunchCooperativeKernel(LAUNCH_ARGS, void **kp) {
    launch L = LAUNCH_INIT;
    L.kp = kp, L.attr_text = " coop=1", L.opts.cooperative = 1;
    return do_launch(__func__, false, &L);
}
CUresult cuLaunchCooperativeKernel_ptsz(LAUNCH_ARGS, void **kp) {
    launch L = LAUNCH_INIT;
    L.kp = kp, L.attr_text = " coop=1", L.opts.cooperative = 1;
    return do_launch(__func__, true, &L);
}

/* cuLaunchKernelEx: the stream, dims and attributes come from the config. Attributes other than
 * cooperative and priority are accepted and ignored (no clusters, no programmatic launch). */
#define MAX_KNOWN_ATTRIBUTE 32
static CUresult launch_ex(const char *api, bool pt, const CUlaunchConfig *c, CUfunction f, void **kp, void **extra) {
    char text[64] = " coop=0 prio=stream";
    launch L = {f, {0, 0, 0}, {0, 0, 0}, 0, NULL, kp, extra, text, {0}, CUDA_SUCCESS};
    if (!c) {
        L.attr_error = CUDA_ERROR_INVALID_VALUE;
        return do_launch(api, pt, &L);
    }
    L.grid = (simdev_dim3){c->gridDimX, c->gridDimY, c->gridDimZ};
    L.block = (simdev_dim3){c->blockDimX, c->blockDimY, c->blockDimZ};
    L.shmem = c->sharedMemBytes;
    L.h = c->hStream;
    if (c->numAttrs && !c->attrs) L.attr_error = CUDA_ERROR_INVALID_VALUE;
    for (unsigned i = 0; !L.attr_error && i < c->numAttrs; i++) {
        const CUlaunchAttribute *a = &c->attrs[i];
        if (a->id == CU_LAUNCH_ATTRIBUTE_COOPERATIVE) {
            L.opts.cooperative = a->value.cooperative != 0;
        } else if (a->id == CU_LAUNCH_ATTRIBUTE_PRIORITY) {
            int p = a->value.priority; /* clamped into the device's range, as the driver does */
            L.opts.has_priority = 1;
            L.opts.priority = p < SIMDEV_PRIO_GREATEST ? SIMDEV_PRIO_GREATEST : p > SIMDEV_PRIO_LEAST ? SIMDEV_PRIO_LEAST : p;
        } else if (a->id < 0 || a->id > MAX_KNOWN_ATTRIBUTE) {
            L.attr_error = CUDA_ERROR_INVALID_VALUE;
        }
    }
    if (L.opts.has_priority)
        snprintf(text, sizeof text, " coop=%d prio=%d", L.opts.cooperative, L.opts.priority);
    else
        snprintf(text, sizeof text, " coop=%d prio=stream", L.opts.cooperative);
    return do_launch(api, pt, &L);
}

CUresult cuLaunchKernelEx(const CUlaunchConfig *c, CUfunction f, void **kp, void **extra) {
    return launch_ex(__func__, false, c, f, kp, extra);
}
CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig *c, CUfunction f, void **kp, void **extra) {
    return launch_ex(__func__, true, c, f, kp, extra);
}
