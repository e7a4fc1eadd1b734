/*
 * drv_context_sync.c — a context synchronize waits for every stream the app made, also when Reef
 * (REEF_BE_CONTEXT=green) made a best-effort stream in a green context of its own, which the
 * driver's own context synchronize does not cover (the simulator models that). Each round queues
 * busy kernels and a memset on a non-blocking stream, synchronizes the context (plain or the
 * CUDA 13 form), then asks whether the stream is idle and reads the memset's buffer back through
 * the legacy stream (which does not wait for a non-blocking stream). The simulated clock is paced
 * to the wall clock, so work still queued would show.
 */
#include <stdlib.h>

#include "drv_util.h"

int main(void) {
    setenv("SIM_TIME_SCALE", "1", 1); /* before the first driver call: the simulator reads it once */
    CUcontext ctx = drv_setup();
    CUfunction delay = drv_sim_kernel("delay");
    CUstream s;
    CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    CUdeviceptr buf;
    CHECK(cuMemAlloc_v2(&buf, 256));
    const int rounds = 6;
    int idle = 0, values = 0;
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 4; k++) drv_launch_delay(delay, 2, 2000000, s); /* 8 ms in all */
        CHECK(cuMemsetD32Async(buf, 100u + (unsigned)r, 64, s));
        if (r % 2) CHECK(cuCtxSynchronize_v2(ctx));
        else CHECK(cuCtxSynchronize());
        if (cuStreamQuery(s) == CUDA_SUCCESS) idle++;
        uint32_t host[64];
        CHECK(cuMemcpyDtoH_v2(host, buf, sizeof host));
        if (host[0] == 100u + (unsigned)r && host[63] == 100u + (unsigned)r) values++;
    }
    printf("context synchronize: stream idle after it in %d of %d rounds, memset seen in %d\n", idle, rounds, values);
    EXPECT(idle == rounds && values == rounds);
    CHECK(cuStreamDestroy_v2(s));
    CHECK(cuMemFree_v2(buf));
    printf("OK\n");
    return 0;
}
