/*
 * rt_fork.c — a GPU program that forks: the child does no GPU work and exits 0 through exit()
 * (so exit handlers of everything loaded run in the child too); the parent keeps using the GPU
 * before and after.
 */
#include "simrt.h"
#include "test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#define N 256

int main(void) {
    float hx[N], want[N];
    for (int i = 0; i < N; i++) {
        hx[i] = (float)i;
        want[i] = 2.0f * (2.0f * (float)i + 1.0f) + 1.0f;
    }
    float *dx;
    CHECK(simrtMalloc((void **)&dx, sizeof hx));
    CHECK(simrtMemcpy(dx, hx, sizeof hx, simrtMemcpyHostToDevice));
    int n = N;
    void *args[] = {&dx, &n};
    CHECK(simrtLaunch("x2p1", (simrtDim3){N / 64, 1, 1}, (simrtDim3){64, 1, 1}, 0, NULL, args));
    fflush(stdout);

    pid_t child = fork();
    EXPECT(child >= 0);
    if (child == 0) exit(0); /* no GPU work in the child */

    CHECK(simrtLaunch("x2p1", (simrtDim3){N / 64, 1, 1}, (simrtDim3){64, 1, 1}, 0, NULL, args));
    int status = -1;
    EXPECT(waitpid(child, &status, 0) == child);
    printf("child exited: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(simrtMemcpy(hx, dx, sizeof hx, simrtMemcpyDeviceToHost));
    expect_floats("x", hx, want, N);
    print_floats("x after two x2p1", hx, N);
    CHECK(simrtFree(dx));
    printf("OK\n");
    return 0;
}
