/*
 * simdev_kernels.c — the kernel table: real C bodies run per thread block on host memory, each
 * with the parameter layout a compiled kernel would have and a per-block cost model (ns).
 */
#include "simdev_internal.h"

#include <string.h>

/* Parameter readers: the buffer holds each parameter at its offset, like a real param buffer. */
static void *p_ptr(const unsigned char *p, uint32_t off) {
    void *v;
    memcpy(&v, p + off, sizeof v);
    return v;
}
static int p_int(const unsigned char *p, uint32_t off) {
    int v;
    memcpy(&v, p + off, sizeof v);
    return v;
}
static float p_float(const unsigned char *p, uint32_t off) {
    float v;
    memcpy(&v, p + off, sizeof v);
    return v;
}

static uint64_t block_threads(const simdev_block_ctx *c) {
    return (uint64_t)c->block_dim.x * c->block_dim.y * c->block_dim.z;
}

/* Elementwise kernels: this block covers [first, end) of a 1D index space of n. */
static void elem_range(const simdev_block_ctx *c, int n, int *first, int *end) {
    long long f = (long long)c->block_idx.x * c->block_dim.x;
    long long e = f + c->block_dim.x;
    if (f > n) f = n;
    if (e > n) e = n;
    *first = (int)f;
    *end = (int)e;
}

/* ---- vadd: c = a + b ---- */
static const simdev_kparam vadd_params[] = {{0, 8}, {8, 8}, {16, 8}, {24, 4}};
static void vadd_block(simdev_block_ctx *c, const unsigned char *p) {
    const float *a = p_ptr(p, 0), *b = p_ptr(p, 8);
    float *out = p_ptr(p, 16);
    int f, e;
    elem_range(c, p_int(p, 24), &f, &e);
    if (f >= e) return;
    size_t bytes = (size_t)(e - f) * sizeof(float);
    if (!simdev_kernel_access(c, a + f, bytes) || !simdev_kernel_access(c, b + f, bytes) ||
        !simdev_kernel_access(c, out + f, bytes))
        return;
    for (int i = f; i < e; i++) out[i] = a[i] + b[i];
}
static uint64_t vadd_cost(const simdev_block_ctx *c, const unsigned char *p) {
    (void)p;
    return 300 + block_threads(c);
}

/* ---- saxpy: y = a*x + y (a float first: the pointer after it sits at offset 8, padding 4..7) ---- */
static const simdev_kparam saxpy_params[] = {{0, 4}, {8, 8}, {16, 8}, {24, 4}};
static void saxpy_block(simdev_block_ctx *c, const unsigned char *p) {
    float a = p_float(p, 0);
    const float *x = p_ptr(p, 8);
    float *y = p_ptr(p, 16);
    int f, e;
    elem_range(c, p_int(p, 24), &f, &e);
    if (f >= e) return;
    size_t bytes = (size_t)(e - f) * sizeof(float);
    if (!simdev_kernel_access(c, x + f, bytes) || !simdev_kernel_access(c, y + f, bytes)) return;
    for (int i = f; i < e; i++) y[i] = a * x[i] + y[i];
}

/* ---- gemm: C[MxN] = A[MxK] * B[KxN], row-major; thread (x, y) of block (bx, by) -> C[row][col] ---- */
static const simdev_kparam gemm_params[] = {{0, 8}, {8, 8}, {16, 8}, {24, 4}, {28, 4}, {32, 4}};
static void gemm_block(simdev_block_ctx *c, const unsigned char *p) {
    const float *A = p_ptr(p, 0), *B = p_ptr(p, 8);
    float *C = p_ptr(p, 16);
    int M = p_int(p, 24), N = p_int(p, 28), K = p_int(p, 32);
    if (M <= 0 || N <= 0 || K <= 0) return;
    if (!simdev_kernel_access(c, A, (size_t)M * K * sizeof(float)) ||
        !simdev_kernel_access(c, B, (size_t)K * N * sizeof(float)) ||
        !simdev_kernel_access(c, C, (size_t)M * N * sizeof(float)))
        return;
    for (unsigned ty = 0; ty < c->block_dim.y; ty++) {
        long long row = (long long)c->block_idx.y * c->block_dim.y + ty;
        if (row >= M) break;
        for (unsigned tx = 0; tx < c->block_dim.x; tx++) {
            long long col = (long long)c->block_idx.x * c->block_dim.x + tx;
            if (col >= N) break;
            float acc = 0.0f;
            for (int k = 0; k < K; k++) acc += A[row * K + k] * B[(long long)k * N + col];
            C[row * N + col] = acc;
        }
    }
}
static uint64_t gemm_cost(const simdev_block_ctx *c, const unsigned char *p) {
    return 500 + block_threads(c) * (uint64_t)(p_int(p, 32) > 0 ? p_int(p, 32) : 0) / 4;
}

/* ---- x2p1: x = x*2 + 1 in place; running it twice is visibly wrong ---- */
static const simdev_kparam x2p1_params[] = {{0, 8}, {8, 4}};
static void x2p1_block(simdev_block_ctx *c, const unsigned char *p) {
    float *x = p_ptr(p, 0);
    int f, e;
    elem_range(c, p_int(p, 8), &f, &e);
    if (f >= e || !simdev_kernel_access(c, x + f, (size_t)(e - f) * sizeof(float))) return;
    for (int i = f; i < e; i++) x[i] = x[i] * 2.0f + 1.0f;
}

/* ---- reduce_sum: *out += sum(in), one atomic add per block (blocks may run in any order) ---- */
static const simdev_kparam reduce_params[] = {{0, 8}, {8, 8}, {16, 4}};
static void reduce_block(simdev_block_ctx *c, const unsigned char *p) {
    const int *in = p_ptr(p, 0);
    int *out = p_ptr(p, 8);
    int f, e;
    elem_range(c, p_int(p, 16), &f, &e);
    if (f >= e) return;
    if (!simdev_kernel_access(c, in + f, (size_t)(e - f) * sizeof(int)) ||
        !simdev_kernel_access(c, out, sizeof(int)))
        return;
    unsigned sum = 0; /* wraps like the device's 32-bit integer adds */
    for (int i = f; i < e; i++) sum += (unsigned)in[i];
    __atomic_fetch_add((unsigned *)out, sum, __ATOMIC_RELAXED);
}
static uint64_t reduce_cost(const simdev_block_ctx *c, const unsigned char *p) {
    (void)p;
    return 400 + 2 * block_threads(c);
}

/* ---- delay: occupies its SMs for ns per block (scheduling experiments) ---- */
static const simdev_kparam delay_params[] = {{0, 8}};
static void delay_block(simdev_block_ctx *c, const unsigned char *p) {
    (void)c;
    (void)p;
}
static uint64_t delay_cost(const simdev_block_ctx *c, const unsigned char *p) {
    (void)c;
    unsigned long long ns;
    memcpy(&ns, p, sizeof ns);
    return ns ? ns : 1;
}

/* ---- empty ---- */
static void empty_block(simdev_block_ctx *c, const unsigned char *p) {
    (void)c;
    (void)p;
}
static uint64_t empty_cost(const simdev_block_ctx *c, const unsigned char *p) {
    (void)c;
    (void)p;
    return 200;
}

#define NPARAMS(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
static const simdev_kernel kernels[] = {
    {"vadd", NPARAMS(vadd_params), vadd_params, 28, vadd_block, vadd_cost},
    {"saxpy", NPARAMS(saxpy_params), saxpy_params, 28, saxpy_block, vadd_cost},
    {"gemm", NPARAMS(gemm_params), gemm_params, 36, gemm_block, gemm_cost},
    {"x2p1", NPARAMS(x2p1_params), x2p1_params, 12, x2p1_block, vadd_cost},
    {"reduce_sum", NPARAMS(reduce_params), reduce_params, 20, reduce_block, reduce_cost},
    {"delay", NPARAMS(delay_params), delay_params, 8, delay_block, delay_cost},
    {"empty", 0, NULL, 0, empty_block, empty_cost},
};

const simdev_kernel *simdev_kernel_find(const char *name) {
    if (!name) return NULL;
    for (unsigned i = 0; i < NPARAMS(kernels); i++)
        if (strcmp(kernels[i].name, name) == 0) return &kernels[i];
    return NULL;
}

unsigned simdev_kernel_count(void) { return NPARAMS(kernels); }

const simdev_kernel *simdev_kernel_at(unsigned index) {
    return index < NPARAMS(kernels) ? &kernels[index] : NULL;
}

int simdev_kernel_access(simdev_block_ctx *ctx, const void *p, size_t len) {
    if (simdev_is_device_range(p, len) || simdev_is_pinned_range(p, len)) return 1;
    ctx->faulted = 1;
    return 0;
}
