/*
 * drv_gate_watchdog.c — best-effort kernels released behind a release gate (REEF_BE_GATE), then a
 * long real-time kernel closes the gate, and the host waits for the best-effort stream. Under
 * Reef the gate opens when the dispatcher sees the real-time work end; latency_e2e.py runs this
 * with REEF_DEBUG_STALL_DISPATCHER_MS, a dispatcher that stalls once the gate is closed (as if
 * stuck in a runtime call): the gate's watchdog must open it, so the wait ends long before the
 * stall would. Prints only what does not depend on timing.
 */
#include <stdlib.h>

#include "drv_util.h"

int main(void) {
    setenv("SIM_TIME_SCALE", "1", 1); /* before the first driver call */
    drv_setup();
    CUfunction delay = drv_sim_kernel("delay");
    CUstream be, rt;
    drv_be_rt_streams(&be, &rt);
    for (int i = 0; i < 4; i++) { /* Reef learns the kernel's duration */
        drv_launch_delay(delay, 1, 1000000, be);
        CHECK(cuStreamSynchronize(be));
    }
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 8; i++) drv_launch_delay(delay, 1, 1000000, be); /* 8 x 1 ms */
        struct timespec ts = {0, 2000000}; /* 2 ms: some are released, behind gates */
        nanosleep(&ts, NULL);
        drv_launch_delay(delay, 1, 20000000, rt); /* 20 ms of real-time work closes the gate */
        CHECK(cuStreamSynchronize(be));
        CHECK(cuStreamSynchronize(rt));
    }
    printf("best-effort work behind a closed gate completed in 3 rounds\nOK\n");
    return 0;
}
