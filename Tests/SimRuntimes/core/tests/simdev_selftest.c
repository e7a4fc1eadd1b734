/*
 * simdev_selftest.c — checks of the core's execution model in simulated time: overlap of
 * kernels across streams, priority-first block dispatch, SM masks, launch-priority override,
 * legacy-stream ordering, copy staging, host functions, sticky faults, graphs, stream destroy.
 *
 * Timings are deterministic because every scenario first holds all its streams on a "gate" (a
 * wait-value on a pinned word) until everything is queued, then opens it from the host.
 * Runs with 8 SMs. Prints one PASS/FAIL line per check; exit status 1 on any failure.
 */
#include "simdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void check(int ok, const char *what, long long got, long long want) {
    printf("%s %s", ok ? "PASS" : "FAIL", what);
    if (!ok) printf(" (got %lld, want %lld)", got, want);
    printf("\n");
    failures += !ok;
}

#define MUST(call)                                                                    \
    do {                                                                              \
        simdev_status st_ = (call);                                                   \
        if (st_ != SIMDEV_OK) {                                                       \
            printf("FAIL %s:%d %s -> %s\n", __FILE__, __LINE__, #call, simdev_status_name(st_)); \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

static uint32_t *gate;
static simdev_stream *opener;

static void hold(simdev_stream *s) { MUST(simdev_wait_value(s, gate, 1, 0, SIMDEV_WAIT_EQ, ~0ull)); }
/* Opened by a device write, not a host store: the worker rescans every stream after an op
 * completes, so all held streams see the gate open in the same pass, at the same time. */
static void open_gate(void) { MUST(simdev_write_value(opener, gate, 1, 0)); }
static void close_gate(void) {
    MUST(simdev_stream_synchronize(opener));
    __atomic_store_n(gate, 0u, __ATOMIC_RELEASE);
}

static simdev_stream *stream(int prio) {
    simdev_stream *s;
    MUST(simdev_stream_create(SIMDEV_STREAM_NON_BLOCKING, prio, &s));
    return s;
}

static simdev_event *event(void) {
    simdev_event *e;
    MUST(simdev_event_create(0, &e));
    return e;
}

/* `blocks` blocks of the delay kernel, ns each, optionally with a launch priority. */
static void delay(simdev_stream *s, unsigned blocks, unsigned long long ns, const simdev_launch_opts *o) {
    MUST(simdev_launch(s, simdev_kernel_find("delay"), (simdev_dim3){blocks, 1, 1}, (simdev_dim3){32, 1, 1}, &ns, o));
}

static long long since(simdev_event *start, simdev_event *end) {
    MUST(simdev_event_synchronize(end));
    int64_t ns = -1;
    MUST(simdev_event_elapsed_ns(start, end, &ns));
    return ns;
}

/* Two streams, each kernel needing half the SMs: they run side by side. */
static void test_overlap(void) {
    simdev_stream *a = stream(0), *b = stream(0);
    simdev_event *t0 = event(), *ea = event(), *eb = event();
    close_gate();
    hold(a), hold(b);
    MUST(simdev_event_record(t0, a));
    delay(a, 4, 100000, NULL);
    delay(b, 4, 100000, NULL);
    MUST(simdev_event_record(ea, a));
    MUST(simdev_event_record(eb, b));
    open_gate();
    long long ta = since(t0, ea), tb = since(t0, eb);
    check(ta == 100000 && tb == 100000, "overlap: two half-device kernels finish together", ta + tb, 200000);
}

/* Both kernels want the whole device: the higher-priority stream's blocks go first. */
static void test_priority(void) {
    simdev_stream *lo = stream(0), *hi = stream(-3);
    simdev_event *t0 = event(), *elo = event(), *ehi = event();
    close_gate();
    hold(lo), hold(hi);
    MUST(simdev_event_record(t0, lo));
    delay(lo, 16, 100000, NULL); /* queued first, lower priority */
    delay(hi, 8, 100000, NULL);
    MUST(simdev_event_record(elo, lo));
    MUST(simdev_event_record(ehi, hi));
    open_gate();
    long long thi = since(t0, ehi), tlo = since(t0, elo);
    check(thi == 100000, "priority: high-priority kernel gets the SMs first", thi, 100000);
    check(tlo == 300000, "priority: low-priority kernel runs after it", tlo, 300000);
}

/* A per-launch priority overrides the stream's. */
static void test_launch_priority(void) {
    simdev_stream *a = stream(0), *b = stream(-1);
    simdev_event *t0 = event(), *ea = event();
    simdev_launch_opts urgent = {.has_priority = 1, .priority = -5};
    close_gate();
    hold(a), hold(b);
    MUST(simdev_event_record(t0, a));
    delay(b, 8, 100000, NULL);
    delay(a, 8, 100000, &urgent);
    MUST(simdev_event_record(ea, a));
    open_gate();
    long long ta = since(t0, ea);
    check(ta == 100000, "launch priority attribute beats the stream priority", ta, 100000);
}

/* SM mask: 4 blocks confined to 2 SMs take two rounds; another stream fills the rest. */
static void test_sm_mask(void) {
    simdev_stream *a = stream(0), *b = stream(0);
    uint32_t two = 0x3;
    MUST(simdev_stream_set_sm_mask(a, &two, 1));
    uint32_t got = 0, none = 0;
    MUST(simdev_stream_get_sm_mask(a, &got, 1));
    check(got == 0x3, "SM mask reads back", got, 3);
    check(simdev_stream_set_sm_mask(a, &none, 1) == SIMDEV_ERR_INVALID_VALUE, "empty SM mask is refused", 0, 0);
    simdev_event *t0 = event(), *ea = event(), *eb = event();
    close_gate();
    hold(a), hold(b);
    MUST(simdev_event_record(t0, a));
    delay(a, 4, 100000, NULL);
    delay(b, 6, 100000, NULL);
    MUST(simdev_event_record(ea, a));
    MUST(simdev_event_record(eb, b));
    open_gate();
    long long ta = since(t0, ea), tb = since(t0, eb);
    check(ta == 200000, "SM mask: 4 blocks on 2 SMs take 2 rounds", ta, 200000);
    check(tb == 100000, "SM mask: other stream uses the remaining 6 SMs", tb, 100000);
}

/* Legacy stream work waits for earlier blocking-stream work; later blocking work waits for it. */
static void test_legacy_ordering(void) {
    simdev_stream *blocking, *nonblocking = stream(0), *legacy = simdev_legacy_stream();
    MUST(simdev_stream_create(SIMDEV_STREAM_BLOCKING, 0, &blocking));
    simdev_event *t0 = event(), *el = event(), *eb = event(), *en = event();
    close_gate();
    hold(blocking), hold(nonblocking);
    MUST(simdev_event_record(t0, blocking));
    delay(blocking, 1, 100000, NULL);
    delay(nonblocking, 1, 50000, NULL);
    delay(legacy, 1, 10000, NULL);   /* after blocking's delay: ends at 110 us */
    MUST(simdev_event_record(el, legacy));
    delay(blocking, 1, 1000, NULL);  /* after the legacy work: ends at 111 us */
    MUST(simdev_event_record(eb, blocking));
    MUST(simdev_event_record(en, nonblocking));
    open_gate();
    long long tl = since(t0, el), tb = since(t0, eb), tn = since(t0, en);
    check(tl == 110000, "legacy stream waits for blocking streams", tl, 110000);
    check(tb == 111000, "blocking stream waits for the legacy stream", tb, 111000);
    check(tn == 50000, "non-blocking stream is not ordered by the legacy stream", tn, 50000);
}

/* Pageable sources are staged at call time; pageable destinations are complete on return. */
static void test_copies(void) {
    simdev_stream *s = stream(0);
    float *dev, src[64], dst[64];
    MUST(simdev_malloc(sizeof src, (void **)&dev));
    close_gate();
    hold(s);
    for (int i = 0; i < 64; i++) src[i] = (float)i;
    MUST(simdev_memcpy_async(s, dev, src, sizeof src));
    memset(src, 0, sizeof src); /* overwritten while the copy is still held by the gate */
    open_gate();
    MUST(simdev_memcpy_async(s, dst, dev, sizeof dst));
    check(dst[63] == 63.0f, "pageable source staged at call time, pageable destination synchronous", (long long)dst[63], 63);
    check(simdev_memcpy_async(s, dev + 60, src, sizeof src) == SIMDEV_ERR_INVALID_VALUE, "copy past an allocation is refused", 0, 0);
    MUST(simdev_free(dev));
}

/* The closure holds a copy of an int ** (the address of the log cursor). */
static void record_order(void *closure, simdev_status st) {
    int **cursor;
    memcpy(&cursor, closure, sizeof cursor);
    *(*cursor)++ = st == SIMDEV_OK ? 1 : -1;
}

static void test_host_fn_and_graph(void) {
    simdev_stream *s = stream(0);
    int log[8] = {0}, *cursor = log;
    int **closure = &cursor;
    MUST(simdev_capture_begin(s, SIMDEV_CAPTURE_MODE_GLOBAL));
    MUST(simdev_host_func(s, record_order, &closure, sizeof closure));
    delay(s, 1, 1000, NULL);
    MUST(simdev_host_func(s, record_order, &closure, sizeof closure));
    simdev_graph *g;
    MUST(simdev_capture_end(s, &g));
    check(simdev_graph_node_count(g) == 3 && cursor == log, "capture records without running", simdev_graph_node_count(g), 3);
    simdev_graph_exec *x;
    MUST(simdev_graph_instantiate(g, &x));
    MUST(simdev_graph_destroy(g));
    for (int i = 0; i < 3; i++) MUST(simdev_graph_launch(x, s));
    MUST(simdev_graph_exec_destroy(x)); /* pending launches still run */
    MUST(simdev_stream_synchronize(s));
    check(cursor - log == 6, "graph replayed 3 times, host functions in order", cursor - log, 6);
    MUST(simdev_stream_destroy(s));
    check(!simdev_stream_valid(s), "destroyed stream handle is invalid", 1, 0);
}

static void test_cyclic_geq(void) {
    simdev_stream *s = stream(0);
    uint32_t *word;
    MUST(simdev_host_alloc(sizeof *word, (void **)&word));
    *word = 2;
    MUST(simdev_wait_value(s, word, 0xfffffff0u, 0, SIMDEV_WAIT_GEQ, ~0ull)); /* 2 - (-16) >= 0 */
    MUST(simdev_stream_synchronize(s));
    check(1, "GEQ wait is a cyclic comparison", 0, 0);
    MUST(simdev_host_free(word));
}

/* Last: the fault is sticky for the rest of the process. */
static void test_sticky_fault(void) {
    simdev_stream *s = stream(0);
    float *dev;
    MUST(simdev_malloc(16 * sizeof(float), (void **)&dev));
    unsigned char params[28] = {0};
    int n = 4096;
    memcpy(params, &dev, 8), memcpy(params + 8, &dev, 8), memcpy(params + 16, &dev, 8), memcpy(params + 24, &n, 4);
    MUST(simdev_launch(s, simdev_kernel_find("vadd"), (simdev_dim3){16, 1, 1}, (simdev_dim3){256, 1, 1}, params, NULL));
    simdev_status st = simdev_stream_synchronize(s);
    check(st == SIMDEV_ERR_ILLEGAL_ADDRESS, "out-of-range kernel faults at the next sync", st, SIMDEV_ERR_ILLEGAL_ADDRESS);
    st = simdev_launch(s, simdev_kernel_find("empty"), (simdev_dim3){1, 1, 1}, (simdev_dim3){1, 1, 1}, NULL, NULL);
    check(st == SIMDEV_ERR_ILLEGAL_ADDRESS, "the fault is sticky", st, SIMDEV_ERR_ILLEGAL_ADDRESS);
}

int main(void) {
    setenv("SIM_SMS", "8", 1);
    simdev_init();
    MUST(simdev_host_alloc(sizeof *gate, (void **)&gate));
    MUST(simdev_stream_create(SIMDEV_STREAM_NON_BLOCKING, SIMDEV_PRIO_LEAST, &opener));
    test_overlap();
    test_priority();
    test_launch_priority();
    test_sm_mask();
    test_legacy_ordering();
    test_copies();
    test_host_fn_and_graph();
    test_cyclic_geq();
    test_sticky_fault();
    printf("%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
