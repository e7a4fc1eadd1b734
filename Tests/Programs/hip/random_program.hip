// random_program.hip — the HIP half of the randomized differential test.
//
//   random_program [SEED [SIZE [module_kernels.co]]]    defaults: 0 2, no module
//
// The same runtime-neutral generator, reference and dump as the CUDA program
// (../cuda/programs/random_*.h); this file only issues the ops through HIP. With the module
// code object, vadd / x2p1 / gemm are also launched through hipModuleLaunchKernel and
// hipExtModuleLaunchKernel. Exit 0 and a last line "OK" when the device run equals the
// sequential reference; 3 when it does not; 4 on a generator bug.
#include "../cuda/programs/random_dump.h"
#include "../cuda/programs/random_gen.h"
#include "../cuda/programs/random_ref.h"
#include "random_hip_ops.h"

static void hip_setup(const rp_program* p, const char* module_path) {
    R.p = p;
    rp_mem_init(&R.mem, p);
    if (module_path) {
        HIP_CHECK(hipModuleLoad(&R.mod, module_path));
        HIP_CHECK(hipModuleGetFunction(&R.modfn[RP_K_VADD], R.mod, "vadd"));
        HIP_CHECK(hipModuleGetFunction(&R.modfn[RP_K_X2P1], R.mod, "x2p1"));
        HIP_CHECK(hipModuleGetFunction(&R.modfn[RP_K_GEMM], R.mod, "_Z4gemmPKfS0_Pfiii"));
    }
    for (int d = 0; d < p->ndev; d++) HIP_CHECK(hipMalloc((void**)&R.dev[d], p->dev_elems[d] * 4u));
    HIP_CHECK(hipMalloc((void**)&R.flags, sizeof R.mem.flags));
    HIP_CHECK(hipMemset(R.flags, 0, sizeof R.mem.flags));
    for (int i = 0; i < p->npinned; i++) HIP_CHECK(hipHostMalloc((void**)&R.mem.pinned[i], p->host_bytes, hipHostMallocDefault));
    R.staging = (unsigned char*)rp_xcalloc(p->host_bytes);
    int least = 0, greatest = 0;
    HIP_CHECK(hipDeviceGetStreamPriorityRange(&least, &greatest));
    for (int i = 0; i < p->nstreams; i++) {
        unsigned flags = p->stream_nonblocking[i] ? hipStreamNonBlocking : hipStreamDefault;
        if (p->stream_prio[i] == least && i % 2)
            HIP_CHECK(hipStreamCreateWithFlags(&R.streams[i], flags));
        else
            HIP_CHECK(hipStreamCreateWithPriority(&R.streams[i], flags, p->stream_prio[i]));
    }
    static const unsigned event_flags[] = {hipEventDefault, hipEventBlockingSync, hipEventDisableTiming};
    for (int e = 0; e < p->nevents; e++) HIP_CHECK(hipEventCreateWithFlags(&R.events[e], event_flags[p->event_flags[e]]));
    HIP_CHECK(hipDeviceSynchronize());  // the flags' memset is done before any stream writes them
}

// Wait for everything, then bring device memory back into R.mem.
static void hip_collect(const rp_program* p) {
    HIP_CHECK(hipDeviceSynchronize());
    for (int d = 0; d < p->ndev; d++) HIP_CHECK(hipMemcpy(R.mem.dev[d], R.dev[d], p->dev_elems[d] * 4u, hipMemcpyDeviceToHost));
    HIP_CHECK(hipMemcpy(R.mem.flags, R.flags, sizeof R.mem.flags, hipMemcpyDeviceToHost));
}

static void hip_teardown(const rp_program* p) {
    for (int g = 0; g < p->ngraphs; g++) {
        if (R.execs[g]) HIP_CHECK(hipGraphExecDestroy(R.execs[g]));
        if (R.graphs[g]) HIP_CHECK(hipGraphDestroy(R.graphs[g]));
    }
    for (int e = 0; e < p->nevents; e++) HIP_CHECK(hipEventDestroy(R.events[e]));
    for (int i = 0; i < p->nstreams; i++)
        if (R.streams[i]) HIP_CHECK(hipStreamDestroy(R.streams[i]));
    for (int d = 0; d < p->ndev; d++) HIP_CHECK(hipFree(R.dev[d]));
    HIP_CHECK(hipFree(R.flags));
    for (int i = 0; i < p->npinned; i++) HIP_CHECK(hipHostFree(R.mem.pinned[i]));
    free(R.staging);
    if (R.mod) HIP_CHECK(hipModuleUnload(R.mod));
    rp_mem_free(&R.mem, p);
}

int main(int argc, char** argv) {
    uint64_t seed = argc > 1 ? strtoull(argv[1], nullptr, 0) : 0;
    int size = argc > 2 ? atoi(argv[2]) : 2;
    if (size < 1 || size > 8 || argc > 4) {
        fprintf(stderr, "usage: %s [SEED [SIZE 1..8 [module_kernels.co]]]\n", argv[0]);
        return 2;
    }
    int least = 0, greatest = 0;
    HIP_CHECK(hipDeviceGetStreamPriorityRange(&least, &greatest));
    // HIP documents less than CUDA: the per-thread stream is not assumed to order against the
    // null stream, nor an async copy into pageable memory to have finished when it returns.
    rp_caps caps = {0, 0, 0, 0, 0, least, greatest};
    rp_program p;
    rp_generate(&p, seed, size, &caps);
    rp_mem ref;
    if (!rp_ref_run(&ref, &p)) return 4;

    hip_setup(&p, argc > 3 ? argv[3] : nullptr);
    for (int i = 0; i < p.nops; i++) hip_exec(&p.ops[i]);
    hip_collect(&p);

    rp_print_header(&p, "hip");
    rp_print_state(&p, &R.mem);
    char why[64];
    const char* diff = rp_compare(&p, &R.mem, &ref, why, sizeof why);
    printf("reference: %s%s\n", diff ? "MISMATCH in " : "match", diff ? diff : "");
    hip_teardown(&p);
    rp_ref_free(&ref, &p);
    free(p.ops);
    if (diff) return 3;
    printf("OK\n");
    return 0;
}
