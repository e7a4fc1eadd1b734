/*
 * random_cuda_launch.h — random_program.c's kernel launches: one generated kernel op through
 * one of the driver's launch paths (kernelParams or a packed `extra` buffer whose padding is
 * garbage; cuLaunchKernel, cuLaunchKernelEx with attributes, cuLaunchCooperativeKernel; a
 * module CUfunction or a library CUkernel; legacy or _ptsz entry points).
 */
#ifndef RANDOM_CUDA_LAUNCH_H
#define RANDOM_CUDA_LAUNCH_H

#include "drv_util.h"
#include "random_ops.h"

typedef struct cu_kargs {
    CUdeviceptr ptr[3];
    int ints[3];
    unsigned long long ns;
    void *kp[6];
    unsigned char packed[64]; /* the `extra` buffer, laid out as the compiler would */
    size_t packed_size;
} cu_kargs;

static void cu_pack(cu_kargs *a, int nptr, int nint, int ns) {
    memset(a->packed, 0xa5, sizeof a->packed); /* padding holds garbage, as in real structs */
    int n = 0;
    size_t off = 0;
    for (int i = 0; i < nptr; i++, off += 8) {
        memcpy(a->packed + off, &a->ptr[i], 8);
        a->kp[n++] = &a->ptr[i];
    }
    for (int i = 0; i < nint; i++, off += 4) {
        memcpy(a->packed + off, &a->ints[i], 4);
        a->kp[n++] = &a->ints[i];
    }
    if (ns) {
        memcpy(a->packed + off, &a->ns, 8);
        a->kp[n++] = &a->ns;
        off += 8;
    }
    a->packed_size = (off + 7) & ~(size_t)7;
}

/* Arguments of o on device buffers dev[] (same layouts as the simulator's kernel table). */
static void cu_kernel_args(const rp_op *o, const CUdeviceptr *dev, cu_kargs *a) {
    memset(a, 0, sizeof *a);
    switch (o->kernel) {
    case RP_K_VADD:
        a->ptr[0] = dev[o->buf[0]], a->ptr[1] = dev[o->buf[1]], a->ptr[2] = dev[o->buf[2]];
        a->ints[0] = o->n;
        cu_pack(a, 3, 1, 0);
        break;
    case RP_K_GEMM:
        a->ptr[0] = dev[o->buf[0]], a->ptr[1] = dev[o->buf[1]], a->ptr[2] = dev[o->buf[2]];
        a->ints[0] = o->m, a->ints[1] = o->n, a->ints[2] = o->k;
        cu_pack(a, 3, 3, 0);
        break;
    case RP_K_X2P1:
        a->ptr[0] = dev[o->buf[0]];
        a->ints[0] = o->n;
        cu_pack(a, 1, 1, 0);
        break;
    case RP_K_REDUCE:
        a->ptr[0] = dev[o->buf[0]], a->ptr[1] = dev[o->buf[1]] + 4u * (unsigned)o->m;
        a->ints[0] = o->n;
        cu_pack(a, 2, 1, 0);
        break;
    case RP_K_DELAY:
        a->ns = o->ns;
        cu_pack(a, 0, 0, 1);
        break;
    default:
        cu_pack(a, 0, 0, 0);
        break;
    }
}

/* Launch o on stream h (pt: the _ptsz entry points). f: module function, k: library kernel. */
static void cu_launch(const rp_op *o, CUstream h, int pt, CUfunction f, CUkernel k, const CUdeviceptr *dev,
                      int prio_least, int prio_greatest) {
    cu_kargs a;
    cu_kernel_args(o, dev, &a);
    void *extra[] = {CU_LAUNCH_PARAM_BUFFER_POINTER, a.packed, CU_LAUNCH_PARAM_BUFFER_SIZE, &a.packed_size,
                     CU_LAUNCH_PARAM_END};
    void **kp = o->kernel == RP_K_EMPTY ? NULL : a.kp;
    unsigned v = o->variant >> 4, form = v % 7, blocks = o->grid[0] * o->grid[1] * o->grid[2];
    int use_extra = form == 1 || form == 3 || form == 5;
    if (use_extra && o->kernel == RP_K_EMPTY) use_extra = 0; /* nothing to pack */
    CUfunction fn = form >= 4 && form <= 5 ? (CUfunction)k : f;
    if (form == 6 && blocks == 1) { /* cooperative: the grid must fit the device at once */
        CHECK((pt ? cuLaunchCooperativeKernel_ptsz : cuLaunchCooperativeKernel)(
            f, o->grid[0], o->grid[1], o->grid[2], o->block[0], o->block[1], o->block[2], 0, h, kp));
        return;
    }
    if (form == 2 || form == 3 || form == 5) {
        CUlaunchAttribute attrs[2];
        memset(attrs, 0, sizeof attrs);
        attrs[0].id = CU_LAUNCH_ATTRIBUTE_PRIORITY;
        attrs[0].value.priority = prio_least - (int)((v / 7) % (unsigned)(prio_least - prio_greatest + 1));
        attrs[1].id = CU_LAUNCH_ATTRIBUTE_COOPERATIVE;
        attrs[1].value.cooperative = 0;
        CUlaunchConfig cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.gridDimX = o->grid[0], cfg.gridDimY = o->grid[1], cfg.gridDimZ = o->grid[2];
        cfg.blockDimX = o->block[0], cfg.blockDimY = o->block[1], cfg.blockDimZ = o->block[2];
        cfg.hStream = h;
        cfg.attrs = attrs;
        cfg.numAttrs = (v / 7) % 3; /* none, priority, priority + cooperative=0 */
        CHECK((pt ? cuLaunchKernelEx_ptsz : cuLaunchKernelEx)(&cfg, fn, use_extra ? NULL : kp,
                                                               use_extra ? extra : NULL));
        return;
    }
    CHECK((pt ? cuLaunchKernel_ptsz : cuLaunchKernel)(fn, o->grid[0], o->grid[1], o->grid[2], o->block[0],
                                                       o->block[1], o->block[2], 0, h, use_extra ? NULL : kp,
                                                       use_extra ? extra : NULL));
}

#endif /* RANDOM_CUDA_LAUNCH_H */
