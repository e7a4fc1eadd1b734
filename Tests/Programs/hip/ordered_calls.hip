// Stream-ordered calls Reef never holds (hipMemPrefetchAsync, hipStreamAttachMemAsync, external
// semaphores) must still run after everything issued before them on their stream. Each round
// queues busy kernels, a memset and a prefetch of the memset's buffer; the simulator records the
// word the prefetch saw when it executed (hipsimLastPrefetchWord), which is the memset's value
// only if the two ran in stream order.
#include "prog_common.h"
#include "sim_kernels.h"
#include <dlfcn.h>

int main() {
    // Simulator only, so looked up at run time (hipcc links against the real library).
    auto last_prefetch_word = (uint32_t(*)(void))dlsym(RTLD_DEFAULT, "hipsimLastPrefetchWord");
    if (!last_prefetch_word) {
        printf("FAIL: not the simulated runtime (no hipsimLastPrefetchWord)\n");
        return 1;
    }
    int* buf;
    HIP_CHECK(hipMalloc((void**)&buf, 256));
    hipStream_t s;
    HIP_CHECK(hipStreamCreateWithFlags(&s, hipStreamNonBlocking));
    int out_of_order = 0;
    for (int r = 0; r < 6; ++r) {
        hipStream_t target = (r % 2 == 0) ? s : 0;   // a created stream, then the null stream
        for (int k = 0; k < 4; ++k) delay<<<2, 32, 0, target>>>(200000ull);
        HIP_CHECK(hipMemsetD32Async((hipDeviceptr_t)buf, 0x100 + r, 64, target));
        HIP_CHECK(hipMemPrefetchAsync(buf, 256, 0, target));
        HIP_CHECK(hipStreamSynchronize(target));
        uint32_t seen = last_prefetch_word();
        printf("round %d (%s stream): 0x%x\n", r, r % 2 == 0 ? "created" : "null", seen);
        if (seen != 0x100u + (unsigned)r) out_of_order++;
    }
    HIP_CHECK(hipStreamAttachMemAsync(s, buf, 0, 0));
    HIP_CHECK(hipSignalExternalSemaphoresAsync(NULL, NULL, 0, s));
    HIP_CHECK(hipWaitExternalSemaphoresAsync(NULL, NULL, 0, s));
    printf("invalid semaphore args: %d\n", (int)hipSignalExternalSemaphoresAsync(NULL, NULL, 1, s));
    HIP_CHECK(hipStreamSynchronize(s));
    HIP_CHECK(hipStreamDestroy(s));
    HIP_CHECK(hipFree(buf));
    if (out_of_order) {
        printf("FAIL: %d prefetches ran before the memset queued ahead of them\n", out_of_order);
        return 1;
    }
    printf("OK\n");
    return 0;
}
