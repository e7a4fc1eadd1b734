/*
 * drv_event_elapsed.c — cuEventElapsedTime on an event whose latest record has not completed
 * answers CUDA_ERROR_NOT_READY, also when Reef still holds that record (the event itself then
 * still carries its previous, completed record, which would give a wrong time). Each round
 * records `start`, queues busy kernels, records `stop`, asks for the time at once (not ready),
 * then after synchronizing `stop` (ready, not negative). The simulated clock is paced to the
 * wall clock, so the kernels are still running when the first answer comes.
 */
#include <stdlib.h>

#include "drv_util.h"

int main(void) {
    setenv("SIM_TIME_SCALE", "1", 1); /* before the first driver call: the simulator reads it once */
    drv_setup();
    CUfunction delay = drv_sim_kernel("delay");
    CUstream s;
    CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    CUevent start, stop;
    CHECK(cuEventCreate(&start, CU_EVENT_DEFAULT));
    CHECK(cuEventCreate(&stop, CU_EVENT_DEFAULT));
    int not_ready = 0, ready = 0;
    const int rounds = 4;
    for (int r = 0; r < rounds; r++) {
        CHECK(cuEventRecord(start, s));
        for (int k = 0; k < 6; k++) drv_launch_delay(delay, 2, 1000000, s); /* 6 ms in all */
        CHECK(cuEventRecord(stop, s));
        float ms = -1.0f;
        CUresult early = r % 2 ? cuEventElapsedTime_v2(&ms, start, stop) : cuEventElapsedTime(&ms, start, stop);
        if (early == CUDA_ERROR_NOT_READY) not_ready++;
        else printf("round %d: elapsed time before stop completed: %s, %g ms\n", r, err_name(early), ms);
        CHECK(cuEventSynchronize(stop));
        CHECK(cuEventElapsedTime(&ms, start, stop));
        if (ms >= 0.0f) ready++;
    }
    printf("elapsed time: not ready before stop in %d of %d rounds, ready and non-negative after in %d\n", not_ready,
           rounds, ready);
    EXPECT(not_ready == rounds && ready == rounds);
    CHECK(cuStreamDestroy_v2(s));
    printf("OK\n");
    return 0;
}
