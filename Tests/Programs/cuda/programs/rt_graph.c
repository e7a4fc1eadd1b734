/*
 * rt_graph.c — stream capture into a graph replayed N times. The captured work contains the
 * non-idempotent x = 2x+1 and an atomic reduction, so replaying a node twice, dropping one or
 * running a captured op eagerly during capture all change the printed result. Also: a capture
 * that forks into a second stream through events and joins back, capture status queries, and
 * the errors for capturing the legacy stream and syncing inside a capture.
 */
#include "simrt.h"
#include "test_util.h"

#define N 256
#define REPLAYS 5

int main(void) {
    simrtStream_t s, side;
    CHECK(simrtStreamCreate(&s, simrtStreamNonBlocking, 0));
    CHECK(simrtStreamCreate(&side, simrtStreamNonBlocking, 0));
    float *dx, *hx;
    int *dv, *dsum, *hsum;
    CHECK(simrtMalloc((void **)&dx, N * sizeof(float)));
    CHECK(simrtMalloc((void **)&dv, N * sizeof(int)));
    CHECK(simrtMalloc((void **)&dsum, sizeof(int)));
    CHECK(simrtMallocHost((void **)&hx, N * sizeof(float)));
    CHECK(simrtMallocHost((void **)&hsum, sizeof(int)));
    int hv[N];
    for (int i = 0; i < N; i++) {
        hx[i] = (float)(i % 10);
        hv[i] = i + 1;
    }
    CHECK(simrtMemcpy(dx, hx, N * sizeof(float), simrtMemcpyHostToDevice));
    CHECK(simrtMemcpy(dv, hv, sizeof hv, simrtMemcpyHostToDevice));
    CHECK(simrtMemset(dsum, 0, sizeof(int)));

    /* Illegal: capturing the legacy stream. */
    int r = simrtStreamBeginCapture(NULL, simrtStreamCaptureModeGlobal);
    printf("capture legacy stream: %s\n", simrtErrorName(r));

    simrtEvent_t fork, join;
    CHECK(simrtEventCreate(&fork, simrtEventDisableTiming));
    CHECK(simrtEventCreate(&join, simrtEventDisableTiming));
    int n = N, status = -1;
    void *x2p1_args[] = {&dx, &n};
    void *reduce_args[] = {&dv, &dsum, &n};
    CHECK(simrtStreamBeginCapture(s, simrtStreamCaptureModeGlobal));
    CHECK(simrtStreamIsCapturing(s, &status));
    printf("capturing: %d\n", status);
    CHECK(simrtLaunch("x2p1", (simrtDim3){N / 64, 1, 1}, (simrtDim3){64, 1, 1}, 0, s, x2p1_args));
    CHECK(simrtEventRecord(fork, s));
    CHECK(simrtStreamWaitEvent(side, fork)); /* side joins the capture */
    CHECK(simrtStreamIsCapturing(side, &status));
    printf("side capturing: %d\n", status);
    CHECK(simrtLaunch("reduce_sum", (simrtDim3){N / 32, 1, 1}, (simrtDim3){32, 1, 1}, 0, side, reduce_args));
    CHECK(simrtEventRecord(join, side));
    CHECK(simrtStreamWaitEvent(s, join));
    CHECK(simrtMemcpyAsync(hx, dx, N * sizeof(float), simrtMemcpyDeviceToHost, s));
    CHECK(simrtMemcpyAsync(hsum, dsum, sizeof(int), simrtMemcpyDeviceToHost, s));
    simrtGraph_t g;
    CHECK(simrtStreamEndCapture(s, &g));
    CHECK(simrtStreamIsCapturing(side, &status));
    printf("side capturing after end: %d\n", status);
    printf("after capture (nothing ran yet): x[1]=%g sum=%d\n", (double)hx[1], *hsum);
    EXPECT(hx[1] == 1.0f);

    simrtGraphExec_t x;
    CHECK(simrtGraphInstantiate(&x, g));
    CHECK(simrtGraphDestroy(g)); /* the executable graph keeps its own copy */
    for (int i = 0; i < REPLAYS; i++) CHECK(simrtGraphLaunch(x, s));
    CHECK(simrtStreamSynchronize(s));
    /* x -> 2^R (x + 1) - 1; sum accumulates R times N(N+1)/2 */
    for (int i = 0; i < N; i++) EXPECT(hx[i] == (float)((1 << REPLAYS) * (i % 10 + 1) - 1));
    EXPECT(*hsum == REPLAYS * N * (N + 1) / 2);
    print_floats("x after replays", hx, N);
    printf("sum after replays: %d\n", *hsum);

    /* Illegal: synchronising a capturing stream invalidates the capture. */
    CHECK(simrtStreamBeginCapture(s, simrtStreamCaptureModeGlobal));
    CHECK(simrtLaunch("x2p1", (simrtDim3){N / 64, 1, 1}, (simrtDim3){64, 1, 1}, 0, s, x2p1_args));
    r = simrtStreamSynchronize(s);
    printf("sync while capturing: %s\n", simrtErrorName(r));
    simrtGraph_t bad = NULL;
    r = simrtStreamEndCapture(s, &bad);
    printf("end of invalidated capture: %s graph=%s\n", simrtErrorName(r), bad ? "yes" : "no");

    CHECK(simrtGraphLaunch(x, s)); /* still usable, one more replay */
    CHECK(simrtStreamSynchronize(s));
    EXPECT(hx[1] == (float)((1 << (REPLAYS + 1)) * 2 - 1));
    printf("one more replay: x[1]=%g sum=%d\n", (double)hx[1], *hsum);

    CHECK(simrtGraphExecDestroy(x));
    CHECK(simrtEventDestroy(fork));
    CHECK(simrtEventDestroy(join));
    CHECK(simrtStreamDestroy(s));
    CHECK(simrtStreamDestroy(side));
    CHECK(simrtFree(dx));
    CHECK(simrtFree(dv));
    CHECK(simrtFree(dsum));
    CHECK(simrtFreeHost(hx));
    CHECK(simrtFreeHost(hsum));
    printf("OK\n");
    return 0;
}
