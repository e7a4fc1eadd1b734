/*
 * random_program.c — the CUDA half of the randomized differential test (driver API).
 *
 *   random_program [SEED [SIZE]]      defaults: 0 2; SIZE 1..8 scales steps and buffer sizes
 *
 * Generates a race-free random multi-stream program from SEED (random_gen.h), computes its
 * expected final state sequentially on the host (random_ref.h), runs it on the device, then
 * prints a deterministic dump of the device run's final state and whether it equals the
 * reference. Exit 0 and a last line "OK" when it does; 3 when it does not; 4 on a generator bug.
 * Tests/e2e/differential_e2e.py runs it with and without Reef and compares the dumps.
 */
#include "random_cuda_ops.h"
#include "random_dump.h"
#include "random_gen.h"
#include "random_ref.h"

#define MODULE_IMAGE "reefsim-module\nvadd\ngemm\nx2p1\nreduce_sum\ndelay\nempty\n"

static void cu_setup(const rp_program *p) {
    R.p = p;
    rp_mem_init(&R.mem, p);
    CHECK(cuModuleLoadData(&R.mod, MODULE_IMAGE));
    CHECK(cuLibraryLoadData(&R.lib, MODULE_IMAGE, NULL, NULL, 0, NULL, NULL, 0));
    for (int k = 0; k < RP_NKERNELS; k++) {
        CHECK(cuModuleGetFunction(&R.funcs[k], R.mod, rp_kernel_names[k]));
        CHECK(cuLibraryGetKernel(&R.kerns[k], R.lib, rp_kernel_names[k]));
    }
    for (int d = 0; d < p->ndev; d++) CHECK(cuMemAlloc_v2(&R.dev[d], p->dev_elems[d] * 4u));
    CHECK(cuMemAlloc_v2(&R.flags, sizeof R.mem.flags));
    CHECK(cuMemsetD32_v2(R.flags, 0, sizeof R.mem.flags / 4));
    for (int i = 0; i < p->npinned; i++) {
        void *h;
        if (i % 2) CHECK(cuMemHostAlloc(&h, p->host_bytes, 0));
        else CHECK(cuMemAllocHost_v2(&h, p->host_bytes));
        R.mem.pinned[i] = (unsigned char *)h;
    }
    R.staging = (unsigned char *)rp_xcalloc(p->host_bytes);
    for (int i = 0; i < p->nstreams; i++) {
        unsigned flags = p->stream_nonblocking[i] ? CU_STREAM_NON_BLOCKING : CU_STREAM_DEFAULT;
        if (p->stream_prio[i] == R.prio_least && i % 2)
            CHECK(cuStreamCreate(&R.streams[i], flags));
        else
            CHECK(cuStreamCreateWithPriority(&R.streams[i], flags, p->stream_prio[i]));
    }
    static const unsigned event_flags[] = {CU_EVENT_DEFAULT, CU_EVENT_BLOCKING_SYNC, CU_EVENT_DISABLE_TIMING};
    for (int e = 0; e < p->nevents; e++) CHECK(cuEventCreate(&R.events[e], event_flags[p->event_flags[e]]));
    CHECK(cuCtxSynchronize()); /* the flags' memset is done before any stream writes them */
}

/* Wait for everything, then bring device memory back into R.mem. */
static void cu_collect(const rp_program *p) {
    CHECK(cuCtxSynchronize());
    for (int d = 0; d < p->ndev; d++) CHECK(cuMemcpyDtoH_v2(R.mem.dev[d], R.dev[d], p->dev_elems[d] * 4u));
    CHECK(cuMemcpyDtoH_v2(R.mem.flags, R.flags, sizeof R.mem.flags));
}

static void cu_teardown(const rp_program *p) {
    for (int g = 0; g < p->ngraphs; g++) {
        if (R.execs[g]) CHECK(cuGraphExecDestroy(R.execs[g]));
        if (R.graphs[g]) CHECK(cuGraphDestroy(R.graphs[g]));
    }
    for (int e = 0; e < p->nevents; e++) CHECK(cuEventDestroy_v2(R.events[e]));
    for (int i = 0; i < p->nstreams; i++)
        if (R.streams[i]) CHECK(cuStreamDestroy_v2(R.streams[i]));
    for (int d = 0; d < p->ndev; d++) CHECK(cuMemFree_v2(R.dev[d]));
    CHECK(cuMemFree_v2(R.flags));
    for (int i = 0; i < p->npinned; i++) CHECK(cuMemFreeHost(R.mem.pinned[i]));
    free(R.staging);
    CHECK(cuModuleUnload(R.mod));
    CHECK(cuLibraryUnload(R.lib));
    rp_mem_free(&R.mem, p);
}

int main(int argc, char **argv) {
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0;
    int size = argc > 2 ? atoi(argv[2]) : 2;
    if (size < 1 || size > 8) {
        fprintf(stderr, "usage: %s [SEED [SIZE 1..8]]\n", argv[0]);
        return 2;
    }
    drv_setup();
    CHECK(cuCtxGetStreamPriorityRange(&R.prio_least, &R.prio_greatest));
    rp_caps caps = {1, 1, 1, 1, 1, R.prio_least, R.prio_greatest};
    rp_program p;
    rp_generate(&p, seed, size, &caps);
    rp_mem ref;
    if (!rp_ref_run(&ref, &p)) return 4;

    cu_setup(&p);
    for (int i = 0; i < p.nops; i++) cu_exec(&p.ops[i]);
    cu_collect(&p);

    rp_print_header(&p, "cuda");
    rp_print_state(&p, &R.mem);
    char why[64];
    const char *diff = rp_compare(&p, &R.mem, &ref, why, sizeof why);
    printf("reference: %s%s\n", diff ? "MISMATCH in " : "match", diff ? diff : "");
    cu_teardown(&p);
    rp_ref_free(&ref, &p);
    free(p.ops);
    if (diff) return 3;
    printf("OK\n");
    return 0;
}
