/*
 * rt_reduce.c — the atomic reduction (many blocks adding into one int) and the non-idempotent
 * x = 2x+1 kernel applied a known number of times, on the default stream and on a stream;
 * a launch or a copy that ran twice or not at all shows in the printed numbers.
 */
#include "simrt.h"
#include "test_util.h"

#define N 10000
#define APPLY 7

static int hv[N];
static float hx[N];

int main(void) {
    for (int i = 0; i < N; i++) {
        hv[i] = (i * 37) % 1000 - 300;
        hx[i] = (float)(i % 4);
    }
    long long want_sum = 0;
    for (int i = 0; i < N; i++) want_sum += hv[i];

    int *dv, *dsum;
    float *dx;
    CHECK(simrtMalloc((void **)&dv, sizeof hv));
    CHECK(simrtMalloc((void **)&dsum, sizeof(int)));
    CHECK(simrtMalloc((void **)&dx, sizeof hx));
    CHECK(simrtMemcpy(dv, hv, sizeof hv, simrtMemcpyHostToDevice));
    CHECK(simrtMemcpy(dx, hx, sizeof hx, simrtMemcpyHostToDevice));

    /* Legacy stream: zero, reduce twice (expect 2x), read back. */
    int n = N;
    void *reduce_args[] = {&dv, &dsum, &n};
    CHECK(simrtMemset(dsum, 0, sizeof(int)));
    CHECK(simrtLaunch("reduce_sum", (simrtDim3){(N + 127) / 128, 1, 1}, (simrtDim3){128, 1, 1}, 0, NULL, reduce_args));
    CHECK(simrtLaunch("reduce_sum", (simrtDim3){(N + 255) / 256, 1, 1}, (simrtDim3){256, 1, 1}, 0, NULL, reduce_args));
    int sum = 0;
    CHECK(simrtMemcpy(&sum, dsum, sizeof sum, simrtMemcpyDeviceToHost));
    printf("sum twice: %d (expect %lld)\n", sum, 2 * want_sum);
    EXPECT(sum == 2 * want_sum);

    /* A stream: x = 2x+1 applied APPLY times, then the empty kernel as a fence. */
    simrtStream_t s;
    CHECK(simrtStreamCreate(&s, 0, -1));
    void *x2p1_args[] = {&dx, &n};
    for (int k = 0; k < APPLY; k++)
        CHECK(simrtLaunch("x2p1", (simrtDim3){(N + 511) / 512, 1, 1}, (simrtDim3){512, 1, 1}, 0, s, x2p1_args));
    CHECK(simrtLaunch("empty", (simrtDim3){1, 1, 1}, (simrtDim3){1, 1, 1}, 0, s, NULL));
    CHECK(simrtMemcpyAsync(hx, dx, sizeof hx, simrtMemcpyDeviceToHost, s));
    for (int i = 0; i < N; i++) EXPECT(hx[i] == (float)((1 << APPLY) * (i % 4 + 1) - 1));
    print_floats("x after 7 applications", hx, N);

    CHECK(simrtStreamDestroy(s));
    CHECK(simrtFree(dv));
    CHECK(simrtFree(dsum));
    CHECK(simrtFree(dx));
    printf("OK\n");
    return 0;
}
