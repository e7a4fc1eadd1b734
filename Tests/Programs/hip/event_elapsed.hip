// hipEventElapsedTime on an event whose latest record has not completed answers
// hipErrorNotReady, also when Reef still holds that record (the event itself then still carries
// its previous, completed record, which would give a wrong time). Each round the stream first
// waits for a device word the host writes only after asking, then records `start`, runs kernels
// and records `stop`: the first answer must be not ready; after the host writes the word and
// synchronizes `stop`, the time is there and not negative.
#include "prog_common.h"
#include "sim_kernels.h"

int main() {
    hipStream_t s;
    HIP_CHECK(hipStreamCreateWithFlags(&s, hipStreamNonBlocking));
    uint32_t* gate = nullptr;
    HIP_CHECK(hipMalloc((void**)&gate, sizeof(uint32_t)));
    HIP_CHECK(hipMemsetD32(gate, 0, 1));
    hipEvent_t start, stop;
    HIP_CHECK(hipEventCreate(&start));
    HIP_CHECK(hipEventCreate(&stop));
    const int rounds = 4;
    int not_ready = 0, ready = 0;
    for (int r = 0; r < rounds; ++r) {
        HIP_CHECK(hipStreamWaitValue32(s, gate, (uint32_t)(r + 1), hipStreamWaitValueGte, 0xffffffffu));
        HIP_CHECK(hipEventRecord(start, s));
        for (int k = 0; k < 6; ++k) delay<<<2, 32, 0, s>>>(100000ull);
        HIP_CHECK(hipEventRecord(stop, s));
        float ms = -1.0f;
        hipError_t early = hipEventElapsedTime(&ms, start, stop);
        if (early == hipErrorNotReady) not_ready++;
        else printf("round %d: elapsed time before stop completed: %d, %g ms\n", r, (int)early, ms);
        uint32_t open = (uint32_t)(r + 1);
        HIP_CHECK(hipMemcpy(gate, &open, sizeof open, hipMemcpyHostToDevice));   // the null stream: s is non-blocking
        HIP_CHECK(hipEventSynchronize(stop));
        HIP_CHECK(hipEventElapsedTime(&ms, start, stop));
        if (ms >= 0.0f) ready++;
    }
    printf("elapsed time: not ready before stop in %d of %d rounds, ready and non-negative after in %d\n", not_ready,
           rounds, ready);
    HIP_CHECK(hipStreamDestroy(s));
    HIP_CHECK(hipFree(gate));
    if (not_ready != rounds || ready != rounds) {
        printf("FAIL\n");
        return 1;
    }
    printf("OK\n");
    return 0;
}
