/* cu_contexts.h — contexts for the GPU diagnostics (Scripts/gpu/diag/foreign_kernel.c and
 * Scripts/gpu/inprocess/rt_driver.c), resolved with dlsym from an open libcuda.so.1 so the files
 * build without the CUDA toolkit (and, under LD_PRELOAD=libreef.so, go through Reef as an app's
 * calls would). The including file defines CUresult, CUdevice, CUcontext and CUstream first.
 * Resources are opaque 512-byte buffers, as in Reef's partition code. */
#ifndef REEF_GPU_CU_CONTEXTS_H
#define REEF_GPU_CU_CONTEXTS_H

#include <dlfcn.h>
#include <string.h>

/* A non-blocking stream of `priority` in a new green context of `sms` SMs of `dev` (0: every SM,
 * no split), or, with `rest` set, of the SMs that splitting `sms` off leaves (the complement: a
 * split of the same count is assumed to take the same SMs each time, so a stream of the group and
 * one of the rest share no SM). Returns 0 or the first failing call's result (500,
 * CUDA_ERROR_NOT_FOUND, when the driver lacks green contexts). */
static inline CUresult cu_green_stream_part(void *lib, CUdevice dev, unsigned sms, int rest_of_split, int priority,
                                     CUstream *stream) {
    CUresult (*get_resource)(CUdevice, void *, int) = dlsym(lib, "cuDeviceGetDevResource");
    CUresult (*split)(void *, unsigned *, void *, void *, unsigned, unsigned) = dlsym(lib, "cuDevSmResourceSplitByCount");
    CUresult (*gen_desc)(void **, void *, unsigned) = dlsym(lib, "cuDevResourceGenerateDesc");
    CUresult (*green_create)(void **, void *, CUdevice, unsigned) = dlsym(lib, "cuGreenCtxCreate");
    CUresult (*green_stream)(CUstream *, void *, unsigned, int) = dlsym(lib, "cuGreenCtxStreamCreate");
    if (!get_resource || !split || !gen_desc || !green_create || !green_stream) return 500;
    static unsigned char all[512], group[512], rest[512];
    memset(all, 0, sizeof all);
    memset(group, 0, sizeof group);
    memset(rest, 0, sizeof rest);
    void *use = all, *desc = NULL, *green = NULL;
    CUresult r = get_resource(dev, all, 1 /* CU_DEV_RESOURCE_TYPE_SM */);
    if (r == 0 && sms) {
        unsigned groups = 1;
        r = split(group, &groups, all, rest, 0, sms);
        if (r == 0 && groups < 1) r = 500;
        use = rest_of_split ? (void *)rest : (void *)group;
    }
    if (r == 0) r = gen_desc(&desc, use, 1);
    if (r == 0) r = green_create(&green, desc, dev, 1 /* CU_GREEN_CTX_DEFAULT_STREAM */);
    if (r == 0) r = green_stream(stream, green, 1 /* CU_STREAM_NON_BLOCKING */, priority);
    return r;
}

static inline CUresult cu_green_stream(void *lib, CUdevice dev, unsigned sms, int priority, CUstream *stream) {
    return cu_green_stream_part(lib, dev, sms, 0, priority, stream);
}

/* A new ordinary context on `dev` (cuCtxCreate_v4 where the driver has it, else _v2); it becomes
 * current on the calling thread, as cuCtxCreate makes it. */
static inline CUresult cu_context_create(void *lib, CUdevice dev, CUcontext *ctx) {
    CUresult (*create4)(CUcontext *, void *, unsigned, CUdevice) = dlsym(lib, "cuCtxCreate_v4");
    CUresult (*create2)(CUcontext *, unsigned, CUdevice) = dlsym(lib, "cuCtxCreate_v2");
    if (create4 && create4(ctx, NULL, 0, dev) == 0) return 0;
    return create2 ? create2(ctx, 0, dev) : 500;
}

#endif
