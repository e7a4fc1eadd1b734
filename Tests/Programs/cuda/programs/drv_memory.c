/*
 * drv_memory.c — the driver's memory surface called directly: _ptds synchronous copies and
 * memsets, unified / peer / 2D / 3D / batch copies, 2D memsets, stream-ordered allocation,
 * v1 wait/write value names and a batch of stream memory operations.
 */
#include "drv_util.h"

#define N 512

int main(void) {
    CUcontext ctx = drv_setup();
    CUstream s;
    CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));

    /* _ptds synchronous forms */
    static int h[N], back[N];
    for (int i = 0; i < N; i++) h[i] = i * 3;
    CUdeviceptr a, b;
    CHECK(cuMemAlloc_v2(&a, sizeof h));
    CHECK(cuMemAlloc_v2(&b, sizeof h));
    CHECK(cuMemcpyHtoD_v2_ptds(a, h, sizeof h));
    CHECK(cuMemcpyDtoD_v2_ptds(b, a, sizeof h));
    CHECK(cuMemsetD32_v2_ptds(a, 7, N / 2));
    CHECK(cuMemcpy_ptds(DPTR(back), a, sizeof back));
    EXPECT(back[0] == 7 && back[N / 2] == 3 * (N / 2));
    CHECK(cuMemcpyPeer(a, ctx, b, ctx, sizeof h));
    CHECK(cuMemcpyDtoH_v2(back, a, sizeof back));
    EXPECT(memcmp(back, h, sizeof h) == 0);
    print_ints("after peer copy", back, N);

    /* 8/16-bit and 2D memsets */
    CHECK(cuMemsetD8_v2(a, 0x11, 8));
    CHECK(cuMemsetD16_v2_ptds(a + 8, 0x2222, 4));
    CHECK(cuMemsetD2D32Async(b, 64, 0x33333333u, 4, 3, s)); /* 3 rows of 4 words, pitch 64 bytes */
    CHECK(cuMemsetD2D8_v2(b + 16, 64, 0x44, 4, 2));
    CHECK(cuStreamSynchronize(s));
    CHECK(cuMemcpyDtoH_v2(back, a, 16));
    printf("memset bytes: %08x %08x %08x %08x\n", back[0], back[1], back[2], back[3]);
    CHECK(cuMemcpyDtoH_v2(back, b, 64 * 3));
    printf("2D memset rows: %08x %08x %08x | %08x %08x | %08x %08x\n", back[0], back[3], back[4], back[16],
           back[20], back[32], back[36]);

    /* 2D copy host -> device window -> host */
    static float grid_h[6][10], grid_back[6][10];
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 10; c++) grid_h[r][c] = (float)(r * 10 + c);
    CUDA_MEMCPY2D up = {0}, down = {0};
    up.srcMemoryType = CU_MEMORYTYPE_HOST, up.srcHost = grid_h, up.srcPitch = sizeof grid_h[0];
    up.dstMemoryType = CU_MEMORYTYPE_DEVICE, up.dstDevice = a, up.dstPitch = 256;
    up.WidthInBytes = sizeof grid_h[0], up.Height = 6;
    CHECK(cuMemcpy2D_v2(&up));
    down.srcMemoryType = CU_MEMORYTYPE_DEVICE, down.srcDevice = a, down.srcPitch = 256;
    down.dstMemoryType = CU_MEMORYTYPE_HOST, down.dstHost = grid_back, down.dstPitch = sizeof grid_back[0];
    down.WidthInBytes = sizeof grid_h[0], down.Height = 6;
    CHECK(cuMemcpy2DAsync_v2_ptsz(&down, NULL));
    CHECK(cuStreamSynchronize_ptsz(NULL));
    EXPECT(memcmp(grid_h, grid_back, sizeof grid_h) == 0);
    print_floats("2D round trip", &grid_back[0][0], 60);

    /* 3D copy: 2 slices of 3 rows of 16 bytes */
    static unsigned char cube[2][3][16], cube_back[2][3][16];
    for (int i = 0; i < (int)sizeof cube; i++) ((unsigned char *)cube)[i] = (unsigned char)(i * 7);
    CUDA_MEMCPY3D c3 = {0};
    c3.srcMemoryType = CU_MEMORYTYPE_HOST, c3.srcHost = cube, c3.srcPitch = 16, c3.srcHeight = 3;
    c3.dstMemoryType = CU_MEMORYTYPE_DEVICE, c3.dstDevice = b, c3.dstPitch = 32, c3.dstHeight = 4;
    c3.WidthInBytes = 16, c3.Height = 3, c3.Depth = 2;
    CHECK(cuMemcpy3D_v2(&c3));
    CUDA_MEMCPY3D back3 = {0};
    back3.srcMemoryType = CU_MEMORYTYPE_DEVICE, back3.srcDevice = b, back3.srcPitch = 32, back3.srcHeight = 4;
    back3.dstMemoryType = CU_MEMORYTYPE_HOST, back3.dstHost = cube_back, back3.dstPitch = 16, back3.dstHeight = 3;
    back3.WidthInBytes = 16, back3.Height = 3, back3.Depth = 2;
    CHECK(cuMemcpy3DAsync_v2(&back3, s));
    CHECK(cuStreamSynchronize(s));
    EXPECT(memcmp(cube, cube_back, sizeof cube) == 0);
    printf("3D round trip: fnv=%016llx\n", (unsigned long long)fnv1a(cube_back, sizeof cube_back));

    /* batch of copies (CUDA 13 form): three host chunks into a */
    static int chunk[3][4] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
    CUdeviceptr dsts[3] = {a, a + 16, a + 32}, srcs[3] = {DPTR(chunk[0]), DPTR(chunk[1]), DPTR(chunk[2])};
    size_t sizes[3] = {16, 16, 16}, attr_idx[1] = {0};
    CHECK(cuMemcpyBatchAsync_v2(dsts, srcs, sizes, 3, NULL, attr_idx, 0, s));
    CHECK(cuMemcpyDtoHAsync_v2(back, a, 48, s)); /* pageable destination: returns when done */
    print_ints("batch", back, 12);

    /* stream-ordered allocation */
    CUdeviceptr tmp;
    CHECK(cuMemAllocAsync(&tmp, 4096, s));
    CHECK(cuMemsetD32Async(tmp, 5, 1024, s));
    CHECK(cuMemcpyDtoDAsync_v2(a, tmp, 16, s));
    CHECK(cuMemFreeAsync(tmp, s));
    CHECK(cuMemcpyDtoHAsync_v2(back, a, 16, s));
    printf("via async allocation: %d %d %d %d\n", back[0], back[1], back[2], back[3]);

    /* v1 memop names and a batch: write, barrier, wait, 64-bit write */
    CUdeviceptr flags;
    CHECK(cuMemAlloc_v2(&flags, 64));
    CHECK(cuMemsetD8Async(flags, 0, 64, s));
    CHECK(cuStreamWriteValue32(s, flags, 3, CU_STREAM_WRITE_VALUE_DEFAULT));
    CHECK(cuStreamWaitValue32(s, flags, 2, CU_STREAM_WAIT_VALUE_GEQ));
    CHECK(cuStreamWriteValue64(s, flags + 8, 0x100000001ull, CU_STREAM_WRITE_VALUE_NO_MEMORY_BARRIER));
    CHECK(cuStreamWaitValue64(s, flags + 8, 1, CU_STREAM_WAIT_VALUE_AND));
    CUstreamBatchMemOpParams ops[4];
    memset(ops, 0, sizeof ops);
    ops[0].writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_32;
    ops[0].writeValue.address = flags + 16;
    ops[0].writeValue.value = 77;
    ops[1].memoryBarrier.operation = CU_STREAM_MEM_OP_BARRIER;
    ops[2].waitValue.operation = CU_STREAM_MEM_OP_WAIT_VALUE_32;
    ops[2].waitValue.address = flags + 16;
    ops[2].waitValue.value = 77;
    ops[2].waitValue.flags = CU_STREAM_WAIT_VALUE_EQ;
    ops[3].writeValue.operation = CU_STREAM_MEM_OP_WRITE_VALUE_64;
    ops[3].writeValue.address = flags + 24;
    ops[3].writeValue.value64 = 0xabcdef0123ull;
    CHECK(cuStreamBatchMemOp_v2(s, 4, ops, 0));
    CHECK(cuStreamBatchMemOp(s, 1, ops, 0));
    unsigned long long words[4];
    CHECK(cuMemcpyDtoHAsync_v2(words, flags, sizeof words, s));
    printf("memop words: %llx %llx %llx %llx\n", words[0], words[1], words[2], words[3]);

    CHECK(cuStreamDestroy_v2(s));
    CHECK(cuMemFree_v2(a));
    CHECK(cuMemFree_v2(b));
    CHECK(cuMemFree_v2(flags));
    printf("OK\n");
    return 0;
}
