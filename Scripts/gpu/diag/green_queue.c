/* Does a green-context stream let a small real-time kernel start at once beside a long kernel on
 * other SMs (issue 6)? The in-process benchmark (partition_diag.sh) saw RT requests wait whole
 * seconds with the BE model in a green context of N SMs and RT on the other SMs, although RT ran
 * its usual device time once started: as if RT's stream sat in the same hardware work queue as
 * BE's, behind its kernels. Each case here: a "BE" kernel spinning DIAG_BE_MS (20) on
 * DIAG_BE_SMS (32) blocks, one per SM, on the case's BE stream; 2 ms later an "RT" kernel of one
 * block spinning 20 us on the case's RT stream; the RT latency is launch to stream synchronize.
 * Cases: BE on an ordinary stream (or a green context of N SMs, its k-th stream, or with the
 * CUDA 13.1 workqueue resource "balanced") x RT on an ordinary high-priority stream or on a
 * green context of the SMs the BE split leaves. Run it with and without
 * CUDA_DEVICE_MAX_CONNECTIONS to see whether hardware queue count matters. On the H100 (session
 * 12) RT started in 35-54 us in every case; the benchmark's waits came from copies into pageable
 * memory (pageable_copy.c, bench/results/padding-partitions-h100.md).
 *
 *   cc -O2 -o green_queue green_queue.c -ldl && ./green_queue > result.json
 *
 * Driver entry points are resolved with dlsym (no cuda.h needed); the kernel is PTX. */
#include <string.h>

#include "spin_driver.h"

static struct {
    CUresult (*getResource)(CUdevice, void *, int);
    CUresult (*split)(void *, unsigned *, void *, void *, unsigned, unsigned);
    CUresult (*genDesc)(void **, void *, unsigned);
    CUresult (*greenCreate)(void **, void *, CUdevice, unsigned);
    CUresult (*greenStream)(CUstream *, void *, unsigned, int);
} cu;

enum { RES_BYTES = 144 };   /* CUdevResource in CUDA 12.4-13.x headers; buffers are larger */
typedef struct { unsigned char b[512]; } res_t;

static int wq_supported = -1;   /* the driver's answer to the workqueue-config resource */

/* A green context stream: `sms` SMs (the split's group), or with rest the SMs it leaves; with
 * balanced, the workqueue-config resource set to GREEN_CTX_BALANCED joins the descriptor. */
static CUresult green_stream(unsigned sms, int rest, int balanced, int priority, int nth, CUstream *out) {
    /* one contiguous array: [0] the SM resource, [1] the workqueue config */
    static unsigned char pair[2 * RES_BYTES];
    res_t all, group, left;
    memset(&all, 0, sizeof all); memset(&group, 0, sizeof group); memset(&left, 0, sizeof left);
    CUresult r = cu.getResource(drv.dev, &all, 1);
    if (r) return r;
    unsigned groups = 1;
    if ((r = cu.split(&group, &groups, &all, &left, 0, sms))) return r;
    memset(pair, 0, sizeof pair);
    memcpy(pair, rest ? left.b : group.b, RES_BYTES);
    unsigned n = 1;
    if (balanced) {
        res_t wq;
        memset(&wq, 0, sizeof wq);
        r = cu.getResource(drv.dev, &wq, 1000 /* CU_DEV_RESOURCE_TYPE_WORKQUEUE_CONFIG */);
        wq_supported = r == 0;
        if (r) return r;
        /* The union starts at byte 96: device, then (in 13.1's header) wqConcurrencyLimit and
         * sharingScope; the limit is the one the driver filled with a count (>0). */
        unsigned *f = (unsigned *)(wq.b + 96);
        if (f[1] > 0 && f[2] == 0) f[2] = 1; else if (f[2] > 0 && f[1] == 0) f[1] = 1; else return 999;
        memcpy(pair + RES_BYTES, wq.b, RES_BYTES);
        n = 2;
    }
    void *desc = NULL, *green = NULL;
    if ((r = cu.genDesc(&desc, pair, n))) return r;
    if ((r = cu.greenCreate(&green, desc, drv.dev, 1))) return r;
    for (int i = 0; i < nth; i++) {
        CUstream s;
        if ((r = cu.greenStream(&s, green, 1, priority))) return r;
        *out = s;
    }
    return 0;
}

static double run_case(CUstream be, unsigned be_blocks, uint64_t be_ns, CUstream rt, int reps, int *be_done_first) {
    double lat[64];
    *be_done_first = 0;
    for (int i = 0; i < reps; i++) {
        launch_spin(be, be_blocks, be_ns);
        struct timespec d = {0, 2000000};
        nanosleep(&d, NULL);
        uint64_t t0 = now_ns();
        launch_spin(rt, 1, 20000);
        CHECK(drv.streamSynchronize(rt));
        lat[i] = (now_ns() - t0) / 1e3;
        if (drv.streamQuery(be) == 0) (*be_done_first)++;
        CHECK(drv.streamSynchronize(be));
    }
    /* median */
    for (int i = 1; i < reps; i++)
        for (int j = i; j > 0 && lat[j] < lat[j - 1]; j--) { double t = lat[j]; lat[j] = lat[j - 1]; lat[j - 1] = t; }
    return lat[reps / 2];
}

int main(void) {
    spin_driver_open("green_queue");
    *(void **)&cu.getResource = drv_sym("cuDeviceGetDevResource");
    *(void **)&cu.split = drv_sym("cuDevSmResourceSplitByCount");
    *(void **)&cu.genDesc = drv_sym("cuDevResourceGenerateDesc");
    *(void **)&cu.greenCreate = drv_sym("cuGreenCtxCreate");
    *(void **)&cu.greenStream = drv_sym("cuGreenCtxStreamCreate");
    const char *e = getenv("DIAG_BE_SMS");
    unsigned sms = e ? (unsigned)atoi(e) : 32;
    e = getenv("DIAG_BE_MS");
    uint64_t be_ns = (e ? (uint64_t)atoi(e) : 20) * 1000000ull;
    int reps = 9;

    CUstream rt_plain, be_plain;
    CHECK(drv.streamCreateWithPriority(&rt_plain, 1, drv.greatest));
    CHECK(drv.streamCreateWithPriority(&be_plain, 1, 0));
    const char *conn = getenv("CUDA_DEVICE_MAX_CONNECTIONS");
    printf("{\"be_sms\": %u, \"be_ms\": %llu, \"reps\": %d, \"max_connections\": \"%s\", \"cases\": [\n", sms,
           (unsigned long long)(be_ns / 1000000), reps, conn ? conn : "");
    struct { const char *name; int be_green, be_nth, be_balanced, rt_green, rt_balanced, be_all_sms; } cases[] = {
        {"be_plain_all_sms__rt_plain", 0, 0, 0, 0, 0, 1},
        {"be_plain__rt_plain", 0, 0, 0, 0, 0, 0},
        {"be_green__rt_plain", 1, 1, 0, 0, 0, 0},
        {"be_green_4th_stream__rt_plain", 1, 4, 0, 0, 0, 0},
        {"be_green__rt_green_rest", 1, 1, 0, 1, 0, 0},
        {"be_green_balanced__rt_plain", 1, 1, 1, 0, 0, 0},
        {"be_green_balanced__rt_green_rest_balanced", 1, 1, 1, 1, 1, 0},
    };
    int n = sizeof cases / sizeof cases[0];
    for (int i = 0; i < n; i++) {
        CUstream be = be_plain, rt = rt_plain;
        CUresult r = 0;
        if (cases[i].be_green) r = green_stream(sms, 0, cases[i].be_balanced, 0, cases[i].be_nth, &be);
        if (!r && cases[i].rt_green) r = green_stream(sms, 1, cases[i].rt_balanced, drv.greatest, 1, &rt);
        if (r) {
            printf("%s{\"case\": \"%s\", \"error\": %d}\n", i ? "," : "", cases[i].name, r);
            continue;
        }
        int be_done_first = 0;
        unsigned blocks = cases[i].be_all_sms ? 132 * 32 : sms;   /* 32 blocks per SM: every slot */
        double med = run_case(be, blocks, be_ns, rt, reps, &be_done_first);
        printf("%s{\"case\": \"%s\", \"rt_latency_us_median\": %.1f, \"be_finished_before_rt\": %d}\n", i ? "," : "",
               cases[i].name, med, be_done_first);
        fflush(stdout);
    }
    printf("], \"workqueue_config_supported\": %d}\n", wq_supported);
    return 0;
}
