/*
 * hipsim_kernel_mixed.c — the one kernel the HIP simulator adds to the core's table:
 * mixed_args(char c, int64_t wide, float f, int64_t *out, Params24 p), whose parameters have
 * every size and alignment a shim's argument capture must get right (1, 8, 4, 8 and a
 * 24-byte struct at offset 32; 56 bytes in all, as the gfx90a kernarg metadata says).
 */
#include <string.h>

#include "hipsim_kernel_mixed.h"

/* Matches struct Params24 in Tests/Programs/hip/sim_kernels.h. */
typedef struct params24 {
    float scale;
    int32_t bias;
    double offset;
    int64_t tag;
} params24;

_Static_assert(sizeof(params24) == 24, "Params24 is 24 bytes on the device too");

static const simdev_kparam k_mixed_params[] = {{0, 1}, {8, 8}, {16, 4}, {24, 8}, {32, 24}};

/* out[i] = c + wide + (int64)(f * p.scale) + p.bias + (int64)p.offset + p.tag + i. */
static void mixed_args_block(simdev_block_ctx *ctx, const unsigned char *params) {
    char c;
    int64_t wide;
    float f;
    int64_t *out;
    params24 p;
    memcpy(&c, params + 0, 1);
    memcpy(&wide, params + 8, 8);
    memcpy(&f, params + 16, 4);
    memcpy(&out, params + 24, 8);
    memcpy(&p, params + 32, 24);
    /* Threads along y/z compute the same i, so one pass over x covers the block. */
    for (unsigned t = 0; t < ctx->block_dim.x; ++t) {
        int64_t i = (int64_t)ctx->block_idx.x * ctx->block_dim.x + t;
        if (!simdev_kernel_access(ctx, &out[i], sizeof out[i])) return;
        float scaled = f * p.scale; /* single precision, as on the device */
        out[i] = (int64_t)c + wide + (int64_t)scaled + p.bias + (int64_t)p.offset + p.tag + i;
    }
}

/* A fixed launch cost plus a little per thread, like the core's elementwise kernels. */
static uint64_t mixed_args_ns(const simdev_block_ctx *ctx, const unsigned char *params) {
    (void)params;
    return 800 + 2ull * ctx->block_dim.x * ctx->block_dim.y * ctx->block_dim.z;
}

const simdev_kernel hipsim_mixed_args_kernel = {
    .name = "mixed_args",
    .nparams = 5,
    .params = k_mixed_params,
    .params_size = 56,
    .run_block = mixed_args_block,
    .block_ns = mixed_args_ns,
};
