/*
 * drv_launch.c — every launch form through the driver API directly: cuLaunchKernel with
 * kernelParams and with an `extra` buffer (whose padding holds garbage), cuLaunchKernelEx with
 * priority / cooperative attributes, cuLaunchCooperativeKernel, the _ptsz symbols and the
 * CU_STREAM_LEGACY / CU_STREAM_PER_THREAD handles, plus a v1 capture replayed with
 * cuGraphLaunch_ptsz.
 */
#include "drv_util.h"

#define N 1024

static float hx[N], hy[N], want[N];

int main(void) {
    drv_setup();
    CUmodule mod;
    CUfunction vadd, saxpy, x2p1, empty;
    CHECK(cuModuleLoadData(&mod, "reefsim-module\nvadd\nsaxpy\nx2p1\nempty\n"));
    CHECK(cuModuleGetFunction(&vadd, mod, "vadd"));
    CHECK(cuModuleGetFunction(&saxpy, mod, "saxpy"));
    CHECK(cuModuleGetFunction(&x2p1, mod, "x2p1"));
    CHECK(cuModuleGetFunction(&empty, mod, "empty"));
    CUfunction missing;
    printf("missing function: %s\n", err_name(cuModuleGetFunction(&missing, mod, "nope")));

    size_t off, size;
    printf("saxpy params:");
    for (size_t i = 0;; i++) {
        CUresult r = cuFuncGetParamInfo(saxpy, i, &off, &size);
        if (r) {
            printf(" | index %zu: %s\n", i, err_name(r));
            break;
        }
        printf(" (%zu,%zu)", off, size);
    }

    CUdeviceptr dx, dy, dz;
    CHECK(cuMemAlloc_v2(&dx, sizeof hx));
    CHECK(cuMemAlloc_v2(&dy, sizeof hy));
    CHECK(cuMemAlloc_v2(&dz, sizeof hy));
    for (int i = 0; i < N; i++) {
        hx[i] = (float)(i % 8);
        hy[i] = (float)(i % 3);
    }
    CHECK(cuMemcpyHtoD_v2(dx, hx, sizeof hx));
    CHECK(cuMemcpyHtoD_v2(dy, hy, sizeof hy));
    int n = N;

    /* kernelParams on the legacy stream: z = x + y */
    void *vadd_params[] = {&dx, &dy, &dz, &n};
    CHECK(cuLaunchKernel(vadd, N / 256, 1, 1, 256, 1, 1, 0, NULL, vadd_params, NULL));

    /* extra buffer: y = 3x + y; bytes 4..7 (padding after the float) are garbage on purpose */
    struct {
        float a;
        unsigned pad;
        CUdeviceptr x, y;
        int n;
    } packed = {3.0f, 0xdeadbeefu, dx, dy, N};
    size_t packed_size = sizeof packed;
    void *extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, &packed, CU_LAUNCH_PARAM_BUFFER_SIZE, &packed_size,
                     CU_LAUNCH_PARAM_END};
    CHECK(cuLaunchKernel(saxpy, N / 128, 1, 1, 128, 1, 1, 0, CU_STREAM_LEGACY, NULL, extra));

    /* cuLaunchKernelEx on a created stream, high launch priority: y = 2y+1 */
    CUstream s;
    CHECK(cuStreamCreateWithPriority(&s, CU_STREAM_DEFAULT, 0));
    CUlaunchAttribute attrs[2];
    memset(attrs, 0, sizeof attrs);
    attrs[0].id = CU_LAUNCH_ATTRIBUTE_PRIORITY;
    attrs[0].value.priority = -3;
    attrs[1].id = CU_LAUNCH_ATTRIBUTE_COOPERATIVE;
    attrs[1].value.cooperative = 1;
    CUlaunchConfig cfg = {4, 1, 1, 256, 1, 1, 0, s, attrs, 2};
    void *x2p1_y[] = {&dy, &n};
    CHECK(cuLaunchKernelEx(&cfg, x2p1, x2p1_y, NULL));
    cfg.numAttrs = 1;
    cfg.gridDimX = N / 64;
    cfg.blockDimX = 64;
    CHECK(cuLaunchKernelEx(&cfg, x2p1, x2p1_y, NULL));
    CHECK(cuLaunchCooperativeKernel(empty, 2, 1, 1, 32, 1, 1, 0, s, NULL));
    printf("cooperative grid too large: %s\n",
           err_name(cuLaunchCooperativeKernel(empty, 4096, 1, 1, 32, 1, 1, 0, s, NULL)));
    CHECK(cuStreamSynchronize(s));

    /* Per-thread default stream: the _ptsz symbol with NULL, and the special handle. */
    void *x2p1_x[] = {&dx, &n};
    CHECK(cuLaunchKernel_ptsz(x2p1, N / 256, 1, 1, 256, 1, 1, 0, NULL, x2p1_x, NULL));
    CHECK(cuLaunchKernel(x2p1, N / 256, 1, 1, 256, 1, 1, 0, CU_STREAM_PER_THREAD, x2p1_x, NULL));
    CHECK(cuLaunchKernelEx_ptsz(&(CUlaunchConfig){N / 256, 1, 1, 256, 1, 1, 0, NULL, NULL, 0}, x2p1, x2p1_x, NULL));
    CHECK(cuLaunchCooperativeKernel_ptsz(empty, 1, 1, 1, 1, 1, 1, 0, NULL, NULL));
    CHECK(cuStreamSynchronize_ptsz(NULL));

    /* Capture (v1 begin: global mode) on s, replay twice on the per-thread stream. */
    CHECK(cuStreamBeginCapture(s));
    CHECK(cuLaunchKernel(x2p1, N / 256, 1, 1, 256, 1, 1, 0, s, x2p1_y, NULL));
    CUgraph g;
    CUgraphExec ge;
    CHECK(cuStreamEndCapture(s, &g));
    CHECK(cuGraphInstantiateWithFlags(&ge, g, 0));
    CHECK(cuGraphLaunch_ptsz(ge, NULL));
    CHECK(cuGraphLaunch_ptsz(ge, CU_STREAM_PER_THREAD));
    CHECK(cuCtxSynchronize());

    CHECK(cuMemcpyDtoH_v2(hy, dy, sizeof hy));
    CHECK(cuMemcpyDtoH_v2_ptds(hx, dx, sizeof hx));
    for (int i = 0; i < N; i++) {
        float x0 = (float)(i % 8), y = 3.0f * x0 + (float)(i % 3);
        for (int k = 0; k < 4; k++) y = 2.0f * y + 1.0f;
        want[i] = y;
    }
    expect_floats("y", hy, want, N);
    for (int i = 0; i < N; i++) want[i] = 8.0f * ((float)(i % 8) + 1.0f) - 1.0f;
    expect_floats("x", hx, want, N);
    print_floats("y", hy, N);
    print_floats("x", hx, N);
    CHECK(cuMemcpyDtoH_v2(hx, dz, sizeof hx));
    print_floats("z = x0 + y0", hx, N);

    CHECK(cuGraphExecDestroy(ge));
    CHECK(cuGraphDestroy(g));
    CHECK(cuStreamDestroy(s));
    CHECK(cuMemFree_v2(dx));
    CHECK(cuMemFree_v2(dy));
    CHECK(cuMemFree_v2(dz));
    CHECK(cuModuleUnload(mod));
    CHECK(cuCtxSynchronize_v2(NULL));
    printf("OK\n");
    return 0;
}
