// Launch-rate microbenchmark for check (e): empty <<<1,1>>> kernels on one stream.
// Usage: empty_launch [launches=1000000] [sync_every=10000]
// The stream is synchronised every `sync_every` launches (0: only at the end), which keeps the
// launch queue from filling up so the rate measured is the host-side launch path Reef sits on.
// Prints one JSON line on stdout.
#include <cuda_runtime.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

__global__ void empty_kernel() {}

#define CHECK(call)                                                                        \
    do {                                                                                   \
        cudaError_t err_ = (call);                                                         \
        if (err_ != cudaSuccess) {                                                         \
            std::fprintf(stderr, "%s failed: %s\n", #call, cudaGetErrorString(err_));      \
            return 1;                                                                      \
        }                                                                                  \
    } while (0)

// Whether libreef is mapped here: proves LD_PRELOAD took effect (or did not, for the baseline).
static bool reef_mapped() {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
        if (line.find("libreef") != std::string::npos) return true;
    return false;
}

int main(int argc, char **argv) {
    const long long launches = argc > 1 ? std::atoll(argv[1]) : 1000000;
    const long long sync_every = argc > 2 ? std::atoll(argv[2]) : 10000;
    const long long warmup = 20000;

    cudaStream_t stream;
    CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    for (long long i = 0; i < warmup; ++i) empty_kernel<<<1, 1, 0, stream>>>();
    CHECK(cudaGetLastError());
    CHECK(cudaStreamSynchronize(stream));

    const auto t0 = std::chrono::steady_clock::now();
    for (long long i = 1; i <= launches; ++i) {
        empty_kernel<<<1, 1, 0, stream>>>();
        if (sync_every > 0 && i % sync_every == 0) CHECK(cudaStreamSynchronize(stream));
    }
    CHECK(cudaStreamSynchronize(stream));
    const auto t1 = std::chrono::steady_clock::now();
    CHECK(cudaGetLastError());

    const double seconds = std::chrono::duration<double>(t1 - t0).count();
    std::printf("{\"launches\": %lld, \"sync_every\": %lld, \"warmup\": %lld, \"seconds\": %.6f, "
                "\"launches_per_s\": %.1f, \"reef_loaded\": %s}\n",
                launches, sync_every, warmup, seconds, launches / seconds, reef_mapped() ? "true" : "false");
    CHECK(cudaStreamDestroy(stream));
    return 0;
}
