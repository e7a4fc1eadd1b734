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
    int least = 0, greatest = 0;
    CHECK(cuCtxGetStreamPriorityRange(&least, &greatest));
    CUstream be, rt;
    CHECK(cuStreamCreateWithPriority(&be, CU_STREAM_NON_BLOCKING, least));
    CHECK(cuStreamCreateWithPriority(&rt, CU_STREAM_NON_BLOCKING, greatest));
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
    return 0;
}
