// Stream-ordered calls Reef never holds (hipMemPrefetchAsync, hipStreamAttachMemAsync, external
// semaphores, array copies, sparse array mapping, graphics resource mapping) must still run after
// everything issued before them on their stream. Each round queues busy kernels, a memset, then a
// prefetch or an array copy whose linear side is the memset's buffer; the simulator records the
// word that call saw when it executed (hipsimLastPrefetchWord), which is the memset's value only
// if the two ran in stream order.
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
    static const char* const forms[] = {"prefetch", "2D copy to an array", "2D copy from an array", "3D copy"};
    for (int r = 0; r < 8; ++r) {
        hipStream_t target = (r % 2 == 0) ? s : 0;   // a created stream, then the null stream
        int form = r / 2;
        for (int k = 0; k < 4; ++k) delay<<<2, 32, 0, target>>>(200000ull);
        HIP_CHECK(hipMemsetD32Async((hipDeviceptr_t)buf, 0x100 + r, 64, target));
        // Each records the word at buf (its linear-memory side) when it runs.
        if (form == 0) {
            HIP_CHECK(hipMemPrefetchAsync(buf, 256, 0, target));
        } else if (form == 1) {
            HIP_CHECK(hipMemcpy2DToArrayAsync(NULL, 0, 0, buf, 256, 256, 1, hipMemcpyDeviceToDevice, target));
        } else if (form == 2) {
            HIP_CHECK(hipMemcpy2DFromArrayAsync(buf, 256, NULL, 0, 0, 256, 1, hipMemcpyDeviceToDevice, target));
        } else {
            HIP_MEMCPY3D copy = {};
            copy.srcDevice = (hipDeviceptr_t)buf;
            HIP_CHECK(hipDrvMemcpy3DAsync(&copy, target));
        }
        HIP_CHECK(hipStreamSynchronize(target));
        uint32_t seen = last_prefetch_word();
        printf("round %d (%s stream, %s): 0x%x\n", r, r % 2 == 0 ? "created" : "null", forms[form], seen);
        if (seen != 0x100u + (unsigned)r) out_of_order++;
    }
    HIP_CHECK(hipMemMapArrayAsync(NULL, 0, s));
    HIP_CHECK(hipGraphicsMapResources(0, NULL, s));
    HIP_CHECK(hipGraphicsUnmapResources(0, NULL, s));
    HIP_CHECK(hipStreamAttachMemAsync(s, buf, 0, 0));
    HIP_CHECK(hipSignalExternalSemaphoresAsync(NULL, NULL, 0, s));
    HIP_CHECK(hipWaitExternalSemaphoresAsync(NULL, NULL, 0, s));
    printf("invalid semaphore args: %d\n", (int)hipSignalExternalSemaphoresAsync(NULL, NULL, 1, s));
    HIP_CHECK(hipStreamSynchronize(s));
    HIP_CHECK(hipStreamDestroy(s));
    HIP_CHECK(hipFree(buf));
    if (out_of_order) {
        printf("FAIL: %d calls ran before the memset queued ahead of them\n", out_of_order);
        return 1;
    }
    printf("OK\n");
    return 0;
}
