/*
 * rt_callbacks.c — host functions and stream callbacks run in stream order: each one checks
 * that the work queued before it is complete (the pinned output is already there) and appends
 * to a per-stream log, printed at the end.
 */
#include "simrt.h"
#include "test_util.h"

#define N 512
#define ROUNDS 4

typedef struct step {
    const float *out; /* pinned: filled by the copy queued just before the callback */
    float first, last; /* expected out[0], out[N-1] */
    int *log, *nlog, tag;
} step;

static void host_fn(void *p) {
    step *s = p;
    s->log[(*s->nlog)++] = s->out[N - 1] == s->last ? s->tag : -s->tag;
}

static void callback(simrtStream_t stream, simrtError_t status, void *p) {
    (void)stream;
    step *s = p;
    s->log[(*s->nlog)++] = status == 0 && s->out[0] == s->first ? 100 + s->tag : -100 - s->tag;
}

int main(void) {
    simrtStream_t st[2];
    CHECK(simrtStreamCreate(&st[0], 0, 0));
    CHECK(simrtStreamCreate(&st[1], simrtStreamNonBlocking, -1));
    float *dev[2], *out[2];
    int logs[2][4 * ROUNDS], nlogs[2] = {0, 0};
    static step steps[2][ROUNDS];
    int n = N;
    for (int k = 0; k < 2; k++) {
        CHECK(simrtMalloc((void **)&dev[k], N * sizeof(float)));
        CHECK(simrtMallocHost((void **)&out[k], N * sizeof(float)));
        float init[N];
        for (int i = 0; i < N; i++) init[i] = (float)(2 * i);
        CHECK(simrtMemcpyAsync(dev[k], init, sizeof init, simrtMemcpyHostToDevice, st[k]));
    }
    for (int r = 0; r < ROUNDS; r++)
        for (int k = 0; k < 2; k++) {
            void *args[] = {&dev[k], &n};
            CHECK(simrtLaunch("x2p1", (simrtDim3){N / 128, 1, 1}, (simrtDim3){128, 1, 1}, 0, st[k], args));
            CHECK(simrtMemcpyAsync(out[k], dev[k], N * sizeof(float), simrtMemcpyDeviceToHost, st[k]));
            /* after r+1 rounds: x = 2^(r+1) * (x0 + 1) - 1 with x0 = 2i; i = N-1 is the last */
            float first = (float)((1 << (r + 1)) - 1);
            float last = (float)((1 << (r + 1)) * (2 * (N - 1) + 1) - 1);
            steps[k][r] = (step){out[k], first, last, logs[k], &nlogs[k], r + 1};
            CHECK(simrtLaunchHostFunc(st[k], host_fn, &steps[k][r]));
            CHECK(simrtStreamAddCallback(st[k], callback, &steps[k][r]));
        }
    CHECK(simrtDeviceSynchronize());
    for (int k = 0; k < 2; k++) {
        printf("stream %d log:", k);
        for (int i = 0; i < nlogs[k]; i++) printf(" %d", logs[k][i]);
        printf("\n");
        EXPECT(nlogs[k] == 2 * ROUNDS);
        for (int i = 0; i < nlogs[k]; i++) EXPECT(logs[k][i] > 0);
        print_floats("result", out[k], N);
    }
    for (int k = 0; k < 2; k++) {
        CHECK(simrtStreamDestroy(st[k]));
        CHECK(simrtFree(dev[k]));
        CHECK(simrtFreeHost(out[k]));
    }
    printf("OK\n");
    return 0;
}
