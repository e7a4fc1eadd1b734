/*
 * rt_memcpy.c — copies and memsets, synchronous and asynchronous, the way real applications use
 * them: one pageable staging buffer refilled right after each async upload returns (legal: the
 * driver stages pageable sources before returning), pinned buffers, 2D copies, device-to-device
 * and unified ("default") copies, byte and word memsets.
 */
#include "simrt.h"
#include "test_util.h"

#define N 1024
#define CHUNKS 6

static float staging[N];
static float result[CHUNKS][N];

int main(void) {
    simrtStream_t s;
    CHECK(simrtStreamCreate(&s, simrtStreamNonBlocking, 0));
    float *dev[CHUNKS];
    for (int c = 0; c < CHUNKS; c++) CHECK(simrtMalloc((void **)&dev[c], sizeof staging));

    /* Upload chunk c from the SAME pageable buffer, overwriting it as soon as the call returns. */
    int n = N;
    for (int c = 0; c < CHUNKS; c++) {
        for (int i = 0; i < N; i++) staging[i] = (float)(c * 100 + i % 50);
        CHECK(simrtMemcpyAsync(dev[c], staging, sizeof staging, simrtMemcpyHostToDevice, s));
        memset(staging, 0xff, sizeof staging); /* NaN garbage: would poison a late copy */
        void *args[] = {&dev[c], &n};
        CHECK(simrtLaunch("x2p1", (simrtDim3){N / 256, 1, 1}, (simrtDim3){256, 1, 1}, 0, s, args));
    }
    /* Download to pageable memory: returns only once the data is there. */
    for (int c = 0; c < CHUNKS; c++)
        CHECK(simrtMemcpyAsync(result[c], dev[c], sizeof staging, simrtMemcpyDeviceToHost, s));
    for (int c = 0; c < CHUNKS; c++)
        for (int i = 0; i < N; i++) EXPECT(result[c][i] == 2.0f * (float)(c * 100 + i % 50) + 1.0f);
    print_floats("chunk 0", result[0], N);
    print_floats("chunk 5", result[5], N);

    /* Pinned buffers: async both ways, then a stream sync before reading. */
    float *pin_in, *pin_out;
    CHECK(simrtMallocHost((void **)&pin_in, sizeof staging));
    CHECK(simrtMallocHost((void **)&pin_out, sizeof staging));
    for (int i = 0; i < N; i++) pin_in[i] = (float)(i % 9);
    CHECK(simrtMemcpyAsync(dev[0], pin_in, sizeof staging, simrtMemcpyHostToDevice, s));
    CHECK(simrtMemcpyAsync(dev[1], dev[0], sizeof staging, simrtMemcpyDeviceToDevice, s));
    CHECK(simrtMemcpyAsync(pin_out, dev[1], sizeof staging, simrtMemcpyDeviceToHost, s));
    CHECK(simrtStreamSynchronize(s));
    expect_floats("pinned round trip", pin_out, pin_in, N);
    print_floats("pinned round trip", pin_out, N);

    /* Memsets: bytes (sync, legacy stream) and 32-bit words (async). */
    CHECK(simrtMemset(dev[2], 0x3f, sizeof staging)); /* 0x3f3f3f3f = 0.747059f */
    CHECK(simrtMemsetD32Async(dev[3], 0x40400000u, N, s)); /* 3.0f */
    CHECK(simrtMemsetAsync(dev[4], 0, sizeof staging / 2, s));
    CHECK(simrtMemcpyAsync(result[2], dev[2], sizeof staging, simrtMemcpyDeviceToHost, s));
    CHECK(simrtMemcpyAsync(result[3], dev[3], sizeof staging, simrtMemcpyDeviceToHost, s));
    CHECK(simrtMemcpy(result[4], dev[4], sizeof staging, simrtMemcpyDeviceToHost));
    EXPECT(result[3][N - 1] == 3.0f && result[4][0] == 0.0f && result[4][N / 2 - 1] == 0.0f);
    print_floats("memset 0x3f", result[2], N);
    print_floats("memsetD32 3.0", result[3], N);
    print_floats("half zeroed", result[4], N);

    /* 2D: a 16x8 window (pitch 64 floats on the device) from a packed host matrix and back. */
    enum { W = 16, H = 8, PITCH = 64 };
    static float packed[H][W], back[H][W];
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) packed[r][c] = (float)(r * W + c);
    CHECK(simrtMemcpy2DAsync(dev[5], PITCH * sizeof(float), packed, W * sizeof(float), W * sizeof(float), H,
                             simrtMemcpyHostToDevice, s));
    memset(packed, 0, sizeof packed);
    CHECK(simrtMemcpy2DAsync(back, W * sizeof(float), dev[5], PITCH * sizeof(float), W * sizeof(float), H,
                             simrtMemcpyDeviceToHost, s));
    for (int r = 0; r < H; r++)
        for (int c = 0; c < W; c++) EXPECT(back[r][c] == (float)(r * W + c));
    print_floats("2D window", &back[0][0], H * W);

    /* Unified copies in both directions (kind inferred from the pointers). */
    CHECK(simrtMemcpy(dev[0], pin_in, sizeof staging, simrtMemcpyDefault));
    CHECK(simrtMemcpy(staging, dev[0], sizeof staging, simrtMemcpyDefault));
    expect_floats("default copy", staging, pin_in, N);

    CHECK(simrtStreamDestroy(s));
    CHECK(simrtFreeHost(pin_in));
    CHECK(simrtFreeHost(pin_out));
    for (int c = 0; c < CHUNKS; c++) CHECK(simrtFree(dev[c]));
    printf("OK\n");
    return 0;
}
