// Cross-runtime check (f): a CUDA runtime-API program (not PyTorch) that uses streams with
// priorities, events with cross-stream waits, async copies, a reduction, host callbacks and a
// captured CUDA graph replayed several times. It prints only deterministic values (integer sums,
// counters), each with the value computed on the CPU, so runs with and without Reef can be
// compared byte for byte. Exit code: 0 all values as expected, 2 a mismatch, 1 a CUDA error.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define CHECK(call)                                                                        \
    do {                                                                                   \
        cudaError_t err_ = (call);                                                         \
        if (err_ != cudaSuccess) {                                                         \
            std::fprintf(stderr, "%s failed: %s\n", #call, cudaGetErrorString(err_));      \
            std::exit(1);                                                                  \
        }                                                                                  \
    } while (0)

constexpr int kN = 1 << 20;
constexpr int kReplays = 4;
constexpr int kBlocks = 264;  // 2 per SM on an H100; any value gives the same sums
constexpr int kThreads = 256;  // reduce_sum's tree needs a power of two

__global__ void affine(const uint32_t *in, uint32_t *out, int n, uint32_t mul, uint32_t add) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
        out[i] = in[i] * mul + add;
}

__global__ void add_one(uint32_t *buf, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) buf[i] += 1;
}

// Integer sums are exact whatever the order of the atomics, so the result is deterministic.
__global__ void reduce_sum(const uint32_t *in, int n, unsigned long long *out) {
    __shared__ unsigned long long part[kThreads];
    unsigned long long acc = 0;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) acc += in[i];
    part[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) part[threadIdx.x] += part[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) atomicAdd(out, part[0]);
}

// Host callbacks read the pinned result that the copy before them in stream order produced.
struct CallbackLog {
    const unsigned long long *source;
    unsigned long long seen[16];
    int calls;
};

static void CUDART_CB record_value(void *data) {
    CallbackLog *log = static_cast<CallbackLog *>(data);
    if (log->calls < 16) log->seen[log->calls] = *log->source;
    log->calls++;
}

static int failures = 0;

static void report(const char *what, unsigned long long got, unsigned long long want) {
    const bool ok = got == want;
    if (!ok) failures++;
    std::printf("%s=%llu expected=%llu %s\n", what, got, want, ok ? "ok" : "MISMATCH");
}

int main() {
    int least = 0, greatest = 0;
    CHECK(cudaDeviceGetStreamPriorityRange(&least, &greatest));
    cudaStream_t s_hi, s_lo, s_mid, s_cap, s_aux;
    CHECK(cudaStreamCreateWithPriority(&s_hi, cudaStreamNonBlocking, greatest));
    CHECK(cudaStreamCreateWithPriority(&s_lo, cudaStreamNonBlocking, least));
    CHECK(cudaStreamCreateWithPriority(&s_mid, cudaStreamNonBlocking, (least + greatest) / 2));
    CHECK(cudaStreamCreateWithFlags(&s_cap, cudaStreamNonBlocking));
    CHECK(cudaStreamCreateWithPriority(&s_aux, cudaStreamNonBlocking, greatest));
    int p_hi = 0, p_lo = 0;
    CHECK(cudaStreamGetPriority(s_hi, &p_hi));
    CHECK(cudaStreamGetPriority(s_lo, &p_lo));
    std::printf("priority_range least=%d greatest=%d\n", least, greatest);
    std::printf("stream_priorities high=%d low=%d\n", p_hi, p_lo);

    uint32_t *h_in = nullptr;
    unsigned long long *h_sum = nullptr, *h_sum2 = nullptr;
    CHECK(cudaMallocHost(&h_in, kN * sizeof(uint32_t)));
    CHECK(cudaMallocHost(&h_sum, sizeof(unsigned long long)));
    CHECK(cudaMallocHost(&h_sum2, sizeof(unsigned long long)));
    unsigned long long want_base = 0, want_affine = 0;
    for (int i = 0; i < kN; ++i) {
        h_in[i] = static_cast<uint32_t>((static_cast<uint64_t>(i) * 2654435761u) % 1000u);
        want_base += h_in[i];
        want_affine += 3ull * h_in[i] + 1ull;
    }
    uint32_t *d_in = nullptr, *d_mid = nullptr;
    unsigned long long *d_sum = nullptr, *d_sum2 = nullptr;
    CHECK(cudaMalloc(&d_in, kN * sizeof(uint32_t)));
    CHECK(cudaMalloc(&d_mid, kN * sizeof(uint32_t)));
    CHECK(cudaMalloc(&d_sum, sizeof(unsigned long long)));
    CHECK(cudaMalloc(&d_sum2, sizeof(unsigned long long)));
    cudaEvent_t ev_copied, ev_affine, ev_fork, ev_join;
    CHECK(cudaEventCreateWithFlags(&ev_copied, cudaEventDisableTiming));
    CHECK(cudaEventCreateWithFlags(&ev_affine, cudaEventDisableTiming));
    CHECK(cudaEventCreateWithFlags(&ev_fork, cudaEventDisableTiming));
    CHECK(cudaEventCreateWithFlags(&ev_join, cudaEventDisableTiming));

    // Eager pipeline over three priority streams: copy (low) -> affine (high) -> reduce (mid).
    CallbackLog eager_log = {h_sum, {0}, 0};
    CHECK(cudaMemcpyAsync(d_in, h_in, kN * sizeof(uint32_t), cudaMemcpyHostToDevice, s_lo));
    CHECK(cudaEventRecord(ev_copied, s_lo));
    CHECK(cudaStreamWaitEvent(s_hi, ev_copied, 0));
    affine<<<kBlocks, kThreads, 0, s_hi>>>(d_in, d_mid, kN, 3u, 1u);
    CHECK(cudaGetLastError());
    CHECK(cudaEventRecord(ev_affine, s_hi));
    CHECK(cudaStreamWaitEvent(s_mid, ev_affine, 0));
    CHECK(cudaMemsetAsync(d_sum, 0, sizeof(unsigned long long), s_mid));
    reduce_sum<<<kBlocks, kThreads, 0, s_mid>>>(d_mid, kN, d_sum);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpyAsync(h_sum, d_sum, sizeof(unsigned long long), cudaMemcpyDeviceToHost, s_mid));
    CHECK(cudaLaunchHostFunc(s_mid, record_value, &eager_log));
    CHECK(cudaStreamSynchronize(s_mid));
    report("input_sum_cpu", want_base, want_base);
    report("affine_sum", *h_sum, want_affine);
    report("eager_callback_calls", eager_log.calls, 1);
    report("eager_callback_saw", eager_log.seen[0], want_affine);

    // Graph: add_one on the capture stream, forked reduction on another stream, joined back,
    // copy out and a host node. Every replay adds kN to the sum.
    CallbackLog graph_log = {h_sum2, {0}, 0};
    cudaGraph_t graph;
    cudaGraphExec_t exec;
    CHECK(cudaStreamBeginCapture(s_cap, cudaStreamCaptureModeGlobal));
    add_one<<<kBlocks, kThreads, 0, s_cap>>>(d_mid, kN);
    CHECK(cudaGetLastError());
    CHECK(cudaEventRecord(ev_fork, s_cap));
    CHECK(cudaStreamWaitEvent(s_aux, ev_fork, 0));
    CHECK(cudaMemsetAsync(d_sum2, 0, sizeof(unsigned long long), s_aux));
    reduce_sum<<<kBlocks, kThreads, 0, s_aux>>>(d_mid, kN, d_sum2);
    CHECK(cudaGetLastError());
    CHECK(cudaEventRecord(ev_join, s_aux));
    CHECK(cudaStreamWaitEvent(s_cap, ev_join, 0));
    CHECK(cudaMemcpyAsync(h_sum2, d_sum2, sizeof(unsigned long long), cudaMemcpyDeviceToHost, s_cap));
    CHECK(cudaLaunchHostFunc(s_cap, record_value, &graph_log));
    CHECK(cudaStreamEndCapture(s_cap, &graph));
    CHECK(cudaGraphInstantiate(&exec, graph, 0));
    char label[64];
    for (int r = 1; r <= kReplays; ++r) {
        CHECK(cudaGraphLaunch(exec, s_cap));
        CHECK(cudaStreamSynchronize(s_cap));
        std::snprintf(label, sizeof(label), "replay_%d_sum", r);
        report(label, *h_sum2, want_affine + static_cast<unsigned long long>(r) * kN);
    }
    report("graph_callback_calls", graph_log.calls, kReplays);
    for (int r = 0; r < kReplays && r < 16; ++r) {
        std::snprintf(label, sizeof(label), "graph_callback_%d_saw", r + 1);
        report(label, graph_log.seen[r], want_affine + static_cast<unsigned long long>(r + 1) * kN);
    }

    // A last synchronous round trip through the default stream after all of the above.
    uint32_t first[4] = {0, 0, 0, 0};
    CHECK(cudaMemcpy(first, d_mid, sizeof(first), cudaMemcpyDeviceToHost));
    for (int i = 0; i < 4; ++i) {
        std::snprintf(label, sizeof(label), "element_%d", i);
        report(label, first[i], 3ull * h_in[i] + 1ull + kReplays);
    }
    std::printf("graph_replays=%d\n", kReplays);

    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(graph));
    cudaEvent_t events[] = {ev_copied, ev_affine, ev_fork, ev_join};
    for (cudaEvent_t e : events) CHECK(cudaEventDestroy(e));
    cudaStream_t streams[] = {s_hi, s_lo, s_mid, s_cap, s_aux};
    for (cudaStream_t s : streams) CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(d_in));
    CHECK(cudaFree(d_mid));
    CHECK(cudaFree(d_sum));
    CHECK(cudaFree(d_sum2));
    CHECK(cudaFreeHost(h_in));
    CHECK(cudaFreeHost(h_sum));
    CHECK(cudaFreeHost(h_sum2));
    std::printf("failures=%d\n", failures);
    return failures == 0 ? 0 : 2;
}
