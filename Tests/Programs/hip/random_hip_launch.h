// random_hip_launch.h — random_program.hip's kernel launches: one generated kernel op through one
// of HIP's launch paths: <<<>>>, hipLaunchKernelGGL, hipLaunchKernel(_spt) with a void** array,
// hipExtLaunchKernel, hipLaunchCooperativeKernel(_spt), and, when the module code object was
// given, hipModuleLaunchKernel (kernelParams or a packed `extra` buffer with garbage padding)
// and hipExtModuleLaunchKernel.
#pragma once
#include <hip/hip_ext.h>

#include "../cuda/programs/random_ops.h"
#include "prog_common.h"
#include "sim_kernels.h"

struct HipKernelArgs {
    float *a, *b, *c;
    int* in;
    int* out;
    int i0, i1, i2;
    unsigned long long ns;
    void* kp[6];
    unsigned char packed[64];  // the `extra` buffer, laid out as the kernarg segment
    size_t packed_size;
};

static void hip_pack(HipKernelArgs* k, void* const* ptrs, int nptr, const int* ints, int nint) {
    memset(k->packed, 0xa5, sizeof k->packed);  // padding holds garbage, as in real structs
    size_t off = 0;
    for (int i = 0; i < nptr; ++i, off += 8) memcpy(k->packed + off, ptrs[i], 8);
    for (int i = 0; i < nint; ++i, off += 4) memcpy(k->packed + off, &ints[i], 4);
    k->packed_size = (off + 7) & ~(size_t)7;
}

// kp[] and the packed buffer for op o over device buffers dev[].
static void hip_kernel_args(const rp_op* o, float* const* dev, HipKernelArgs* k) {
    memset(k, 0, sizeof *k);
    switch (o->kernel) {
        case RP_K_VADD:
        case RP_K_GEMM: {
            k->a = dev[o->buf[0]], k->b = dev[o->buf[1]], k->c = dev[o->buf[2]];
            k->i0 = o->kernel == RP_K_GEMM ? o->m : o->n, k->i1 = o->n, k->i2 = o->k;
            void* kp[] = {&k->a, &k->b, &k->c, &k->i0, &k->i1, &k->i2};
            memcpy(k->kp, kp, sizeof kp);
            hip_pack(k, kp, 3, &k->i0, o->kernel == RP_K_GEMM ? 3 : 1);
            break;
        }
        case RP_K_X2P1: {
            k->a = dev[o->buf[0]], k->i0 = o->n;
            void* kp[] = {&k->a, &k->i0};
            memcpy(k->kp, kp, sizeof kp);
            hip_pack(k, kp, 1, &k->i0, 1);
            break;
        }
        case RP_K_REDUCE: {
            k->in = (int*)dev[o->buf[0]], k->out = (int*)dev[o->buf[1]] + o->m, k->i0 = o->n;
            void* kp[] = {&k->in, &k->out, &k->i0};
            memcpy(k->kp, kp, sizeof kp);
            hip_pack(k, kp, 2, &k->i0, 1);
            break;
        }
        case RP_K_DELAY: {
            k->ns = o->ns;
            void* kp[] = {&k->ns};
            memcpy(k->kp, kp, sizeof kp);
            hip_pack(k, kp, 1, nullptr, 0);
            break;
        }
        default:
            hip_pack(k, nullptr, 0, nullptr, 0);
            break;
    }
}

// The typed launch: <<<>>> or hipLaunchKernelGGL, which hipcc lowers to hipLaunchKernel.
static void hip_launch_typed(const rp_op* o, const HipKernelArgs& k, dim3 g, dim3 b, hipStream_t s, bool ggl) {
    switch (o->kernel) {
        case RP_K_VADD:
            if (ggl) hipLaunchKernelGGL(vadd, g, b, 0, s, k.a, k.b, k.c, k.i0);
            else vadd<<<g, b, 0, s>>>(k.a, k.b, k.c, k.i0);
            break;
        case RP_K_GEMM:
            if (ggl) hipLaunchKernelGGL(gemm, g, b, 0, s, k.a, k.b, k.c, k.i0, k.i1, k.i2);
            else gemm<<<g, b, 0, s>>>(k.a, k.b, k.c, k.i0, k.i1, k.i2);
            break;
        case RP_K_X2P1:
            if (ggl) hipLaunchKernelGGL(x2p1, g, b, 0, s, k.a, k.i0);
            else x2p1<<<g, b, 0, s>>>(k.a, k.i0);
            break;
        case RP_K_REDUCE:
            if (ggl) hipLaunchKernelGGL(reduce_sum, g, b, 0, s, k.in, k.out, k.i0);
            else reduce_sum<<<g, b, 0, s>>>(k.in, k.out, k.i0);
            break;
        case RP_K_DELAY:
            if (ggl) hipLaunchKernelGGL(delay, g, b, 0, s, k.ns);
            else delay<<<g, b, 0, s>>>(k.ns);
            break;
        default:
            if (ggl) hipLaunchKernelGGL(empty, g, b, 0, s);
            else empty<<<g, b, 0, s>>>();
            break;
    }
    HIP_CHECK(hipGetLastError());
}

static const void* hip_kernel_stub(int kernel) {
    switch (kernel) {
        case RP_K_VADD: return (const void*)vadd;
        case RP_K_GEMM: return (const void*)gemm;
        case RP_K_X2P1: return (const void*)x2p1;
        case RP_K_REDUCE: return (const void*)reduce_sum;
        case RP_K_DELAY: return (const void*)delay;
        default: return (const void*)empty;
    }
}

// Launch o on stream s (spt_s: the handle for _spt entry points, spt: use them). modfn: the
// kernel from the module code object, or null.
static void hip_launch(const rp_op* o, hipStream_t s, hipStream_t spt_s, bool spt, float* const* dev,
                       hipFunction_t modfn) {
    HipKernelArgs k;
    hip_kernel_args(o, dev, &k);
    dim3 g(o->grid[0], o->grid[1], o->grid[2]), b(o->block[0], o->block[1], o->block[2]);
    unsigned form = (o->variant >> 4) % 8, blocks = o->grid[0] * o->grid[1] * o->grid[2];
    void** kp = o->kernel == RP_K_EMPTY ? nullptr : k.kp;
    if (form >= 4 && form <= 6 && !modfn) form = 0;
    if (form == 7 && blocks != 1) form = 2;  // cooperative: the grid must fit the device at once
    void* extra[] = {HIP_LAUNCH_PARAM_BUFFER_POINTER, k.packed, HIP_LAUNCH_PARAM_BUFFER_SIZE, &k.packed_size,
                     HIP_LAUNCH_PARAM_END};
    switch (form) {
        case 0:
        case 1: hip_launch_typed(o, k, g, b, s, form == 1); break;
        case 2:
            if (spt) HIP_CHECK(hipLaunchKernel_spt(hip_kernel_stub(o->kernel), g, b, kp, 0, spt_s));
            else HIP_CHECK(hipLaunchKernel(hip_kernel_stub(o->kernel), g, b, kp, 0, s));
            break;
        case 3: HIP_CHECK(hipExtLaunchKernel(hip_kernel_stub(o->kernel), g, b, kp, 0, s, nullptr, nullptr, 0)); break;
        case 4: HIP_CHECK(hipModuleLaunchKernel(modfn, g.x, g.y, g.z, b.x, b.y, b.z, 0, s, kp, nullptr)); break;
        case 5: HIP_CHECK(hipModuleLaunchKernel(modfn, g.x, g.y, g.z, b.x, b.y, b.z, 0, s, nullptr, extra)); break;
        case 6:  // global work size in threads, not blocks
            HIP_CHECK(hipExtModuleLaunchKernel(modfn, g.x * b.x, g.y * b.y, g.z * b.z, b.x, b.y, b.z, 0, s, kp,
                                               nullptr, nullptr, nullptr, 0));
            break;
        default:
            if (spt) HIP_CHECK(hipLaunchCooperativeKernel_spt(hip_kernel_stub(o->kernel), g, b, kp, 0, spt_s));
            else HIP_CHECK(hipLaunchCooperativeKernel(hip_kernel_stub(o->kernel), g, b, kp, 0, s));
            break;
    }
}
