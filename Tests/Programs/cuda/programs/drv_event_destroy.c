/*
 * drv_event_destroy.c — an event recorded on a stream and destroyed soon after, as PyTorch does
 * with short-lived events: CUDA lets the destroy come while the record is pending. Under Reef the
 * record may be held (best-effort stream, real-time work running) and released by the dispatcher
 * at any moment; a destroy that reaches the runtime while that release is inside its record call
 * made the record fail (on the H100: error 709 returned to the app at its next synchronize). Here
 * each record takes 400 us in the simulator (SIM_EVENT_RECORD_DELAY_US) and the destroy comes
 * 0-3 ms after the real-time work was waited for, so some destroys land inside a release; every call must still succeed.
 */
#include <stdlib.h>
#include <time.h>

#include "drv_util.h"

int main(void) {
    setenv("SIM_TIME_SCALE", "1", 1);              /* before the first driver call */
    setenv("SIM_EVENT_RECORD_DELAY_US", "400", 0);
    drv_setup();
    CUfunction delay = drv_sim_kernel("delay");
    CUstream be, rt;
    drv_be_rt_streams(&be, &rt);
    const int rounds = 60;
    for (int i = 0; i < rounds; i++) {
        drv_launch_delay(delay, 1, 1000000, rt); /* 1 ms of real-time work */
        drv_launch_delay(delay, 1, 100000, be);
        CUevent e;
        CHECK(cuEventCreate(&e, CU_EVENT_DISABLE_TIMING));
        CHECK(cuEventRecord(e, be));
        CHECK(cuStreamSynchronize(rt)); /* the held record is released from about now on */
        struct timespec ts = {0, (long)(i % 30) * 100000L};
        nanosleep(&ts, NULL);
        CHECK(cuEventDestroy_v2(e));
    }
    CHECK(cuStreamSynchronize(be));
    printf("event records destroyed while pending: %d rounds OK\n", rounds);
    /* A wait on an event recorded on the real-time stream, queued on the best-effort stream
     * (held there while real-time work runs), then the event destroyed at once: legal, the wait
     * keeps the record it saw. The best-effort kernel after the wait must start after the
     * real-time kernel: it reads the value that one wrote. */
    CUdeviceptr flag;
    CHECK(cuMemAlloc_v2(&flag, sizeof(unsigned)));
    int ordered = 0;
    for (int i = 0; i < 10; i++) {
        CHECK(cuMemsetD32Async(flag, 0, 1, rt)); /* on rt: ordered before what follows there */
        drv_launch_delay(delay, 1, 1000000, rt);
        CHECK(cuMemsetD32Async(flag, 100u + (unsigned)i, 1, rt));
        CUevent e;
        CHECK(cuEventCreate(&e, CU_EVENT_DISABLE_TIMING));
        CHECK(cuEventRecord(e, rt));
        drv_launch_delay(delay, 1, 100000, be);
        CHECK(cuStreamWaitEvent(be, e, 0));
        CHECK(cuEventDestroy_v2(e));
        unsigned got = 0;
        CHECK(cuMemcpyDtoHAsync_v2(&got, flag, sizeof got, be));
        CHECK(cuStreamSynchronize(be));
        if (got == 100u + (unsigned)i) ordered++;
    }
    CHECK(cuStreamSynchronize(rt));
    printf("waits on events destroyed at once: %d of 10 ordered\n", ordered);
    EXPECT(ordered == 10);
    CHECK(cuMemFree_v2(flag));
    printf("OK\n");
    return 0;
}
