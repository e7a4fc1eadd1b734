// Module API: load a --genco code object from a file (hipModuleLoad) and from memory
// (hipModuleLoadData / hipModuleLoadDataEx), look kernels up by extern "C" and mangled
// name, and launch through hipModuleLaunchKernel (kernelParams and a packed `extra` buffer)
// and hipExtModuleLaunchKernel. Usage: module_launch <module_kernels.co>
#include "prog_common.h"
#include <hip/hip_ext.h>
#include <string.h>
#include <vector>

#define N 256

struct Params24 {
    float scale;
    int32_t bias;
    double offset;
    int64_t tag;
};

static std::vector<char> read_file(const char* path) {
    std::vector<char> bytes;
    FILE* f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + got);
    fclose(f);
    return bytes;
}

int main(int argc, char** argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s module.co\n", argv[0]); return 2; }
    HIP_CHECK(hipInit(0));
    hipModule_t from_file, from_data, from_data_ex;
    HIP_CHECK(hipModuleLoad(&from_file, argv[1]));
    std::vector<char> image = read_file(argv[1]);
    HIP_CHECK(hipModuleLoadData(&from_data, image.data()));
    HIP_CHECK(hipModuleLoadDataEx(&from_data_ex, image.data(), 0, nullptr, nullptr));
    // The runtime must not depend on the caller's copy of the image after loading.
    memset(image.data(), 0, image.size());

    hipFunction_t add, scale, mixed, gemm;
    HIP_CHECK(hipModuleGetFunction(&add, from_file, "vadd"));
    HIP_CHECK(hipModuleGetFunction(&scale, from_data, "x2p1"));
    HIP_CHECK(hipModuleGetFunction(&mixed, from_data_ex, "mixed_args"));
    HIP_CHECK(hipModuleGetFunction(&gemm, from_file, "_Z4gemmPKfS0_Pfiii"));
    hipFunction_t missing;
    printf("missing kernel rejected: %d\n",
           hipModuleGetFunction(&missing, from_file, "no_such_kernel") != hipSuccess);

    hipStream_t s;
    HIP_CHECK(hipStreamCreate(&s));
    float ha[N], hc[N];
    for (int i = 0; i < N; ++i) ha[i] = (float)i * 0.5f;
    float *da, *dc;
    HIP_CHECK(hipMalloc((void**)&da, sizeof ha));
    HIP_CHECK(hipMalloc((void**)&dc, sizeof hc));
    HIP_CHECK(hipMemcpyHtoD(da, ha, sizeof ha));

    int n = N;
    void* add_args[] = {&da, &da, &dc, &n};
    HIP_CHECK(hipModuleLaunchKernel(add, N / 64, 1, 1, 64, 1, 1, 0, s, add_args, nullptr));
    HIP_CHECK(hipStreamSynchronize(s));
    HIP_CHECK(hipMemcpyDtoH(hc, dc, sizeof hc));
    print_floats("module add", hc + 1, 4);

    // x2p1, three launches through hipExtModuleLaunchKernel (global work size is given in
    // threads, not blocks).
    float hx[N];
    for (int i = 0; i < N; ++i) hx[i] = (float)i;
    float* dx;
    HIP_CHECK(hipMalloc((void**)&dx, sizeof hx));
    HIP_CHECK(hipMemcpy(dx, hx, sizeof hx, hipMemcpyHostToDevice));
    hipEvent_t start, stop;
    HIP_CHECK(hipEventCreate(&start));
    HIP_CHECK(hipEventCreate(&stop));
    void* scale_args[] = {&dx, &n};
    for (int r = 0; r < 3; ++r)
        HIP_CHECK(hipExtModuleLaunchKernel(scale, N, 1, 1, 64, 1, 1, 0, s, scale_args, nullptr,
                                           r == 0 ? start : nullptr, r == 2 ? stop : nullptr, 0));
    HIP_CHECK(hipEventSynchronize(stop));
    HIP_CHECK(hipMemcpy(hx, dx, sizeof hx, hipMemcpyDeviceToHost));
    print_floats("module x2p1 x3", hx, 5);

    // mixed_args through a packed argument buffer laid out as the kernarg segment is:
    // char @0, int64 @8, float @16, pointer @24, Params24 @32, total 56 bytes.
    int64_t* dout;
    HIP_CHECK(hipMalloc((void**)&dout, 8 * sizeof(int64_t)));
    unsigned char packed[56];
    memset(packed, 0, sizeof packed);
    char c = 'Q';
    int64_t wide = 5000000000LL;
    float f = 0.5f;
    Params24 p = {8.0f, 3, 2.5, -100};
    memcpy(packed + 0, &c, 1);
    memcpy(packed + 8, &wide, 8);
    memcpy(packed + 16, &f, 4);
    memcpy(packed + 24, &dout, 8);
    memcpy(packed + 32, &p, 24);
    size_t packed_size = sizeof packed;
    void* extra[] = {HIP_LAUNCH_PARAM_BUFFER_POINTER, packed, HIP_LAUNCH_PARAM_BUFFER_SIZE,
                     &packed_size, HIP_LAUNCH_PARAM_END};
    HIP_CHECK(hipModuleLaunchKernel(mixed, 1, 1, 1, 8, 1, 1, 0, s, nullptr, extra));
    memset(packed, 0xee, sizeof packed);  // launch must have captured the buffer
    int64_t hout[8];
    HIP_CHECK(hipStreamSynchronize(s));
    HIP_CHECK(hipMemcpy(hout, dout, sizeof hout, hipMemcpyDeviceToHost));
    printf("module mixed (extra):");
    for (int i = 0; i < 8; ++i) printf(" %lld", (long long)hout[i]);
    printf("\n");

    // 4x4 GEMM by mangled name: A = identity * 2, B = counting.
    float A[16] = {0}, B[16], C[16];
    for (int i = 0; i < 4; ++i) A[i * 4 + i] = 2.0f;
    for (int i = 0; i < 16; ++i) B[i] = (float)i;
    float *dA, *dB, *dC;
    HIP_CHECK(hipMalloc((void**)&dA, sizeof A));
    HIP_CHECK(hipMalloc((void**)&dB, sizeof B));
    HIP_CHECK(hipMalloc((void**)&dC, sizeof C));
    HIP_CHECK(hipMemcpy(dA, A, sizeof A, hipMemcpyHostToDevice));
    HIP_CHECK(hipMemcpy(dB, B, sizeof B, hipMemcpyHostToDevice));
    int four = 4;
    void* gemm_args[] = {&dA, &dB, &dC, &four, &four, &four};
    HIP_CHECK(hipModuleLaunchKernel(gemm, 1, 1, 1, 4, 4, 1, 0, s, gemm_args, nullptr));
    HIP_CHECK(hipStreamSynchronize(s));
    HIP_CHECK(hipMemcpy(C, dC, sizeof C, hipMemcpyDeviceToHost));
    print_floats("module gemm", C, 16);

    HIP_CHECK(hipEventDestroy(start));
    HIP_CHECK(hipEventDestroy(stop));
    void* bufs[] = {da, dc, dx, dout, dA, dB, dC};
    for (void* b : bufs) HIP_CHECK(hipFree(b));
    HIP_CHECK(hipStreamDestroy(s));
    HIP_CHECK(hipModuleUnload(from_file));
    HIP_CHECK(hipModuleUnload(from_data));
    HIP_CHECK(hipModuleUnload(from_data_ex));
    printf("done\n");
    return 0;
}
