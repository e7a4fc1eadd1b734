/*
 * drv_procaddr.c — what cuGetProcAddress(_v2) hands out, named with dladdr: base name + version
 * + flags -> exported variant, the failures (unknown name, version too old, bad flags), and that
 * every routed name of reef_cuda_abi.h is an exported symbol of libcuda.so.1.
 */
#include "drv_util.h"

#include <dlfcn.h>

typedef struct query {
    const char *base;
    int version;
    cuuint64_t flags;
} query;

static const query queries[] = {
    {"cuGetProcAddress", 11030, 0},       {"cuGetProcAddress", 13000, 0},
    {"cuCtxSynchronize", 12080, 0},       {"cuCtxSynchronize", 13000, 0},
    {"cuMemcpyHtoDAsync", 3020, 0},       {"cuMemcpyHtoDAsync", 13000, 2},
    {"cuMemcpyHtoD", 13000, 2},           {"cuMemcpyHtoD", 13000, 1},
    {"cuStreamBeginCapture", 10000, 0},   {"cuStreamBeginCapture", 10010, 0},
    {"cuStreamBeginCapture", 13000, 2},   {"cuStreamDestroy", 3020, 0},
    {"cuStreamDestroy", 4000, 0},         {"cuEventDestroy", 13000, 2},
    {"cuStreamWaitValue32", 11070, 0},    {"cuStreamWaitValue32", 12000, 0},
    {"cuStreamWaitValue64", 12000, 2},    {"cuStreamBatchMemOp", 12000, 0},
    {"cuStreamBatchMemOp", 11000, 2},     {"cuMemcpyBatchAsync", 12080, 0},
    {"cuMemcpyBatchAsync", 13000, 0},     {"cuMemcpyBatchAsync", 13000, 2},
    {"cuMemFree", 13000, 0},              {"cuMemsetD8", 13000, 2},
    {"cuLaunchKernel", 13000, 0},         {"cuLaunchKernel", 13000, 2},
    {"cuLaunchKernelEx", 11050, 0},       {"cuEventQuery", 13000, 2},
    {"cuMemAlloc", 13000, 0},             {"cuGraphLaunch", 13000, 2},
    {"cuNoSuchFunction", 13000, 0},       {"cuLaunchKernel", 13000, 7},
    {"cuMemFree_v2", 13000, 0},
};

static const char *symbol_name(void *p) {
    Dl_info info;
    if (!p) return "(null)";
    return dladdr(p, &info) && info.dli_sname ? info.dli_sname : "(unnamed)";
}

int main(void) {
    CHECK(cuInit(0));
    int version = 0;
    CHECK(cuDriverGetVersion(&version));
    printf("driver version: %d\n", version);
    void *p;
    printf("export table: %s\n", err_name(cuGetExportTable((const void **)&p, "id")));

    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        const query *q = &queries[i];
        CUdriverProcAddressQueryResult st = -1;
        p = NULL;
        CUresult r = cuGetProcAddress_v2(q->base, &p, q->version, q->flags, &st);
        printf("%s@%d/%llu -> %s status=%d %s\n", q->base, q->version, (unsigned long long)q->flags,
               err_name(r), (int)st, symbol_name(p));
    }
    CHECK(cuGetProcAddress("cuStreamQuery", &p, 13000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM));
    printf("legacy cuGetProcAddress: %s\n", symbol_name(p));

    /* Every routed variant is exported by the driver. */
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
    EXPECT(lib != NULL);
    static const char *const routed[] = {
#define ROUTED_NAME(name, kind, streamArg, perThread, types) #name,
        REEF_CUDA_CALLS(ROUTED_NAME)
#undef ROUTED_NAME
    };
    int missing = 0;
    for (size_t i = 0; i < sizeof routed / sizeof routed[0]; i++)
        if (!dlsym(lib, routed[i])) {
            printf("not exported: %s\n", routed[i]);
            missing++;
        }
    printf("routed names: %zu, missing: %d\n", sizeof routed / sizeof routed[0], missing);
    EXPECT(missing == 0);
    printf("OK\n");
    return 0;
}
