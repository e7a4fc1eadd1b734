/* spin_driver.h — what the small driver-API diagnostics share (green_queue.c, pageable_copy.c):
 * the CUDA driver opened with dlopen (no cuda.h needed), device 0's primary context made current,
 * and a kernel that spins for `ns` of the GPU's global timer. A program resolves its other entry
 * points with drv_sym(). */
#ifndef REEF_GPU_SPIN_DRIVER_H
#define REEF_GPU_SPIN_DRIVER_H

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef void *CUcontext, *CUstream, *CUevent, *CUmodule, *CUfunction;

static const char SPIN_PTX[] =
    ".version 8.0\n.target sm_90\n.address_size 64\n"
    ".visible .entry spin(.param .u64 ns)\n{\n"
    " .reg .pred %p<2>;\n .reg .b64 %rd<6>;\n"
    " ld.param.u64 %rd1, [ns];\n mov.u64 %rd2, %globaltimer;\n"
    "L:\n mov.u64 %rd3, %globaltimer;\n sub.u64 %rd4, %rd3, %rd2;\n"
    " setp.lt.u64 %p1, %rd4, %rd1;\n @%p1 bra L;\n ret;\n}\n";

static struct {
    const char *prog;
    void *lib;
    CUdevice dev;
    CUcontext ctx;
    CUfunction spin;
    int least, greatest;   /* stream priority range */
    CUresult (*ctxSetCurrent)(CUcontext);
    CUresult (*streamCreateWithPriority)(CUstream *, unsigned, int);
    CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                       void **, void **);
    CUresult (*streamSynchronize)(CUstream);
    CUresult (*streamQuery)(CUstream);
} drv;

#define CHECK(call) do { CUresult r_ = (call); if (r_ != 0) { \
    fprintf(stderr, "%s: %s returned %d\n", drv.prog, #call, r_); exit(1); } } while (0)

static void *drv_sym(const char *name) {
    void *p = dlsym(drv.lib, name);
    if (!p) { fprintf(stderr, "%s: dlsym %s failed\n", drv.prog, name); exit(1); }
    return p;
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Opens the driver and makes device 0's primary context current; exits naming the failing call. */
static void spin_driver_open(const char *prog) {
    drv.prog = prog;
    drv.lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!drv.lib) { fprintf(stderr, "%s: dlopen libcuda.so.1 failed\n", prog); exit(1); }
    CUresult (*init)(unsigned) = drv_sym("cuInit");
    CUresult (*deviceGet)(CUdevice *, int) = drv_sym("cuDeviceGet");
    CUresult (*retain)(CUcontext *, CUdevice) = drv_sym("cuDevicePrimaryCtxRetain");
    CUresult (*priorityRange)(int *, int *) = drv_sym("cuCtxGetStreamPriorityRange");
    CUresult (*loadData)(CUmodule *, const void *) = drv_sym("cuModuleLoadData");
    CUresult (*getFunction)(CUfunction *, CUmodule, const char *) = drv_sym("cuModuleGetFunction");
    *(void **)&drv.ctxSetCurrent = drv_sym("cuCtxSetCurrent");
    *(void **)&drv.streamCreateWithPriority = drv_sym("cuStreamCreateWithPriority");
    *(void **)&drv.launch = drv_sym("cuLaunchKernel");
    *(void **)&drv.streamSynchronize = drv_sym("cuStreamSynchronize");
    *(void **)&drv.streamQuery = drv_sym("cuStreamQuery");
    CUmodule mod;
    CHECK(init(0));
    CHECK(deviceGet(&drv.dev, 0));
    CHECK(retain(&drv.ctx, drv.dev));
    CHECK(drv.ctxSetCurrent(drv.ctx));
    CHECK(priorityRange(&drv.least, &drv.greatest));
    CHECK(loadData(&mod, SPIN_PTX));
    CHECK(getFunction(&drv.spin, mod, "spin"));
}

/* `blocks` blocks of 32 threads, each spinning `ns` nanoseconds, on `stream`. */
static void launch_spin(CUstream stream, unsigned blocks, uint64_t ns) {
    void *args[] = {&ns};
    CHECK(drv.launch(drv.spin, blocks, 1, 1, 32, 1, 1, 0, stream, args, NULL));
}

#endif
