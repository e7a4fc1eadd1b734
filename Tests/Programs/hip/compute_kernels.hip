// Compute kernels whose results expose scheduling bugs: a non-idempotent in-place kernel
// launched repeatedly (a replayed or dropped launch changes the numbers), an atomic
// reduction (a replay double counts), and a GEMM across two dependent streams.
#include "prog_common.h"
#include "sim_kernels.h"

#define N 512
#define DIM 8

int main() {
    hipStream_t s1, s2;
    HIP_CHECK(hipStreamCreate(&s1));
    HIP_CHECK(hipStreamCreate(&s2));

    float xs[N];
    for (int i = 0; i < N; ++i) xs[i] = (float)(i % 7) - 3.0f;
    float* dx = nullptr;
    HIP_CHECK(hipMalloc((void**)&dx, sizeof xs));
    HIP_CHECK(hipMemcpy(dx, xs, sizeof xs, hipMemcpyHostToDevice));
    for (int r = 0; r < 5; ++r) x2p1<<<N / 64, 64, 0, s1>>>(dx, N);
    HIP_CHECK(hipStreamSynchronize(s1));
    HIP_CHECK(hipMemcpy(xs, dx, sizeof xs, hipMemcpyDeviceToHost));
    print_floats("x2p1 x5 head", xs, 8);

    // Reduction of 0..N-1, accumulated three times into one counter on another stream.
    int ints[N];
    for (int i = 0; i < N; ++i) ints[i] = i;
    int *din = nullptr, *dsum = nullptr;
    HIP_CHECK(hipMalloc((void**)&din, sizeof ints));
    HIP_CHECK(hipMalloc((void**)&dsum, sizeof(int)));
    HIP_CHECK(hipMemcpyAsync(din, ints, sizeof ints, hipMemcpyHostToDevice, s1));
    HIP_CHECK(hipMemsetAsync(dsum, 0, sizeof(int), s2));
    hipEvent_t uploaded;
    HIP_CHECK(hipEventCreateWithFlags(&uploaded, hipEventDisableTiming));
    HIP_CHECK(hipEventRecord(uploaded, s1));
    HIP_CHECK(hipStreamWaitEvent(s2, uploaded, 0));
    for (int r = 0; r < 3; ++r) reduce_sum<<<N / 128, 128, 0, s2>>>(din, dsum, N);
    int total = 0;
    HIP_CHECK(hipMemcpyAsync(&total, dsum, sizeof total, hipMemcpyDeviceToHost, s2));
    HIP_CHECK(hipStreamSynchronize(s2));
    printf("reduce total: %d\n", total);

    // GEMM: A on s1, B on s2, product on s1 after waiting for s2.
    float a[DIM * DIM], b[DIM * DIM], c[DIM * DIM];
    for (int i = 0; i < DIM * DIM; ++i) {
        a[i] = (float)(i % 5) - 2.0f;
        b[i] = (float)(i % 3) * 0.25f;
    }
    float *da, *db, *dc;
    HIP_CHECK(hipMalloc((void**)&da, sizeof a));
    HIP_CHECK(hipMalloc((void**)&db, sizeof b));
    HIP_CHECK(hipMalloc((void**)&dc, sizeof c));
    HIP_CHECK(hipMemcpyAsync(da, a, sizeof a, hipMemcpyHostToDevice, s1));
    HIP_CHECK(hipMemcpyAsync(db, b, sizeof b, hipMemcpyHostToDevice, s2));
    hipEvent_t b_ready;
    HIP_CHECK(hipEventCreate(&b_ready));
    HIP_CHECK(hipEventRecord(b_ready, s2));
    HIP_CHECK(hipStreamWaitEvent(s1, b_ready, 0));
    gemm<<<dim3(DIM / 4, DIM / 4), dim3(4, 4), 0, s1>>>(da, db, dc, DIM, DIM, DIM);
    // c = 0.5 * a + c on the same stream, through saxpy.
    saxpy<<<DIM * DIM / 16, 16, 0, s1>>>(0.5f, da, dc, DIM * DIM);
    HIP_CHECK(hipMemcpyAsync(c, dc, sizeof c, hipMemcpyDeviceToHost, s1));
    HIP_CHECK(hipStreamSynchronize(s1));
    print_floats("gemm+saxpy row0", c, DIM);
    print_floats("gemm+saxpy row7", c + 7 * DIM, DIM);

    // Occupancy and attributes are modelled, so print only sanity relations.
    int blocks = 0;
    HIP_CHECK(hipOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, (const void*)gemm, 256, 0));
    hipFuncAttributes attr;
    HIP_CHECK(hipFuncGetAttributes(&attr, (const void*)gemm));
    printf("occupancy positive: %d max threads >= 256: %d\n", blocks > 0,
           attr.maxThreadsPerBlock >= 256);

    HIP_CHECK(hipEventDestroy(uploaded));
    HIP_CHECK(hipEventDestroy(b_ready));
    void* bufs[] = {dx, din, dsum, da, db, dc};
    for (void* p : bufs) HIP_CHECK(hipFree(p));
    HIP_CHECK(hipStreamDestroy(s1));
    HIP_CHECK(hipStreamDestroy(s2));
    printf("done\n");
    return 0;
}
