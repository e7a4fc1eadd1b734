/*
 * cuda_copies.c — every memcpy form: synchronous (queued on the default stream of the variant,
 * then waited for) and asynchronous, 1D/2D/3D/peer/batch. The trace shows host source bytes as
 * an FNV-1a hash taken at call time, so a shim that defers a copy past the moment the app
 * overwrites its pageable buffer shows up as a trace difference.
 */
#include "cuda_sim.h"

enum side { ANY, DEV, HOST };

static bool side_ok(const void *p, size_t n, enum side want) {
    switch (want) {
    case DEV: return simdev_is_device_range(p, n);
    case HOST: return p && simdev_mem_kind_of(p) != SIMDEV_MEM_DEVICE;
    default: return p != NULL;
    }
}

static void trace_copy(const char *api, CUstream h, bool pt, const void *dst, const void *src, size_t n) {
    if (!simdev_tracing()) return;
    char b1[32], b2[32], b3[32];
    if (src && n && simdev_mem_kind_of(src) != SIMDEV_MEM_DEVICE)
        simdev_trace("%s s=%s dst=%s src=%s n=%zu data=%016llx", api, cu_fmt_stream(b1, h, pt),
                     simdev_fmt_ptr(b2, dst), simdev_fmt_ptr(b3, src), n,
                     (unsigned long long)simdev_fnv1a(src, n));
    else
        simdev_trace("%s s=%s dst=%s src=%s n=%zu", api, cu_fmt_stream(b1, h, pt),
                     simdev_fmt_ptr(b2, dst), simdev_fmt_ptr(b3, src), n);
}

static CUresult copy1d(const char *api, bool pt, CUstream h, bool sync, void *dst, enum side dwant,
                       const void *src, enum side swant, size_t n) {
    CUresult r = cu_enter(api);
    trace_copy(api, h, pt, dst, src, n);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r || n == 0) return r;
    if (!side_ok(dst, n, dwant) || !side_ok(src, n, swant)) return CUDA_ERROR_INVALID_VALUE;
    r = cu_status(simdev_memcpy_async(s, dst, src, n));
    if (!r && sync) r = cu_status(simdev_stream_synchronize(s));
    return r;
}

/* ---- synchronous 1D ---- */
CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    return copy1d(__func__, false, NULL, true, CU_PTR(dst), ANY, CU_PTR(src), ANY, n);
}
CUresult cuMemcpy_ptds(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    return copy1d(__func__, true, NULL, true, CU_PTR(dst), ANY, CU_PTR(src), ANY, n);
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n) {
    return copy1d(__func__, false, NULL, true, CU_PTR(dst), DEV, src, HOST, n);
}
CUresult cuMemcpyHtoD_v2_ptds(CUdeviceptr dst, const void *src, size_t n) {
    return copy1d(__func__, true, NULL, true, CU_PTR(dst), DEV, src, HOST, n);
}
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) {
    return copy1d(__func__, false, NULL, true, dst, HOST, CU_PTR(src), DEV, n);
}
CUresult cuMemcpyDtoH_v2_ptds(void *dst, CUdeviceptr src, size_t n) {
    return copy1d(__func__, true, NULL, true, dst, HOST, CU_PTR(src), DEV, n);
}
CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    return copy1d(__func__, false, NULL, true, CU_PTR(dst), DEV, CU_PTR(src), DEV, n);
}
CUresult cuMemcpyDtoD_v2_ptds(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    return copy1d(__func__, true, NULL, true, CU_PTR(dst), DEV, CU_PTR(src), DEV, n);
}

/* One device: peer copies are device-to-device copies between two valid contexts. */
static CUresult copy_peer(const char *api, bool pt, CUstream h, bool sync, CUdeviceptr dst,
                          CUcontext dctx, CUdeviceptr src, CUcontext sctx, size_t n) {
    if (!cu_ctx_valid(dctx) || !cu_ctx_valid(sctx)) {
        simdev_stats_call(api);
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    return copy1d(api, pt, h, sync, CU_PTR(dst), DEV, CU_PTR(src), DEV, n);
}
CUresult cuMemcpyPeer(CUdeviceptr d, CUcontext dc, CUdeviceptr s, CUcontext sc, size_t n) {
    return copy_peer(__func__, false, NULL, true, d, dc, s, sc, n);
}
CUresult cuMemcpyPeer_ptds(CUdeviceptr d, CUcontext dc, CUdeviceptr s, CUcontext sc, size_t n) {
    return copy_peer(__func__, true, NULL, true, d, dc, s, sc, n);
}

/* ---- asynchronous 1D ---- */
CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy1d(__func__, false, h, false, CU_PTR(dst), ANY, CU_PTR(src), ANY, n);
}
CUresult cuMemcpyAsync_ptsz(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy1d(__func__, true, h, false, CU_PTR(dst), ANY, CU_PTR(src), ANY, n);
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n, CUstream h) {
    return copy1d(__func__, false, h, false, CU_PTR(dst), DEV, src, HOST, n);
}
CUresult cuMemcpyHtoDAsync_v2_ptsz(CUdeviceptr dst, const void *src, size_t n, CUstream h) {
    return copy1d(__func__, true, h, false, CU_PTR(dst), DEV, src, HOST, n);
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy1d(__func__, false, h, false, dst, HOST, CU_PTR(src), DEV, n);
}
CUresult cuMemcpyDtoHAsync_v2_ptsz(void *dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy1d(__func__, true, h, false, dst, HOST, CU_PTR(src), DEV, n);
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy1d(__func__, false, h, false, CU_PTR(dst), DEV, CU_PTR(src), DEV, n);
}
CUresult cuMemcpyDtoDAsync_v2_ptsz(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream h) {
    return copy1d(__func__, true, h, false, CU_PTR(dst), DEV, CU_PTR(src), DEV, n);
}
CUresult cuMemcpyPeerAsync(CUdeviceptr d, CUcontext dc, CUdeviceptr s, CUcontext sc, size_t n, CUstream h) {
    return copy_peer(__func__, false, h, false, d, dc, s, sc, n);
}
CUresult cuMemcpyPeerAsync_ptsz(CUdeviceptr d, CUcontext dc, CUdeviceptr s, CUcontext sc, size_t n, CUstream h) {
    return copy_peer(__func__, true, h, false, d, dc, s, sc, n);
}

/* ---- arrays: the simulator creates none, so every CUarray handle is invalid ---- */
static CUresult array_copy(const char *api, bool pt, CUstream h, size_t n) {
    CUresult r = cu_enter(api);
    char b[32];
    CU_TRACE("%s s=%s array n=%zu", api, cu_fmt_stream(b, h, pt), n);
    return r ? r : CUDA_ERROR_INVALID_HANDLE;
}
CUresult cuMemcpyHtoAAsync_v2(CUarray a, size_t off, const void *src, size_t n, CUstream h) {
    (void)a, (void)off, (void)src;
    return array_copy(__func__, false, h, n);
}
CUresult cuMemcpyHtoAAsync_v2_ptsz(CUarray a, size_t off, const void *src, size_t n, CUstream h) {
    (void)a, (void)off, (void)src;
    return array_copy(__func__, true, h, n);
}
CUresult cuMemcpyAtoHAsync_v2(void *dst, CUarray a, size_t off, size_t n, CUstream h) {
    (void)a, (void)off, (void)dst;
    return array_copy(__func__, false, h, n);
}
CUresult cuMemcpyAtoHAsync_v2_ptsz(void *dst, CUarray a, size_t off, size_t n, CUstream h) {
    (void)a, (void)off, (void)dst;
    return array_copy(__func__, true, h, n);
}

/* Synchronous array copies: invalid handles as above (no stream: the legacy one's trace form). */
#define SYNC_ARRAY(name, pt, params, ...) \
    CUresult name params { __VA_ARGS__; return array_copy(__func__, pt, NULL, n); }
SYNC_ARRAY(cuMemcpyHtoA_v2, false, (CUarray a, size_t off, const void *src, size_t n), (void)a, (void)off, (void)src)
SYNC_ARRAY(cuMemcpyHtoA_v2_ptds, true, (CUarray a, size_t off, const void *src, size_t n), (void)a, (void)off, (void)src)
SYNC_ARRAY(cuMemcpyAtoH_v2, false, (void *dst, CUarray a, size_t off, size_t n), (void)a, (void)off, (void)dst)
SYNC_ARRAY(cuMemcpyAtoH_v2_ptds, true, (void *dst, CUarray a, size_t off, size_t n), (void)a, (void)off, (void)dst)
SYNC_ARRAY(cuMemcpyDtoA_v2, false, (CUarray a, size_t off, CUdeviceptr src, size_t n), (void)a, (void)off, (void)src)
SYNC_ARRAY(cuMemcpyDtoA_v2_ptds, true, (CUarray a, size_t off, CUdeviceptr src, size_t n), (void)a, (void)off, (void)src)
SYNC_ARRAY(cuMemcpyAtoD_v2, false, (CUdeviceptr dst, CUarray a, size_t off, size_t n), (void)a, (void)off, (void)dst)
SYNC_ARRAY(cuMemcpyAtoD_v2_ptds, true, (CUdeviceptr dst, CUarray a, size_t off, size_t n), (void)a, (void)off, (void)dst)
SYNC_ARRAY(cuMemcpyAtoA_v2, false, (CUarray d, size_t doff, CUarray a, size_t off, size_t n), (void)d, (void)doff, (void)a, (void)off)
SYNC_ARRAY(cuMemcpyAtoA_v2_ptds, true, (CUarray d, size_t doff, CUarray a, size_t off, size_t n), (void)d, (void)doff, (void)a, (void)off)

/* A 3D peer copy names arrays or device memory of two contexts; the simulator has one device
 * and no arrays, so it answers NOT_SUPPORTED (after the usual checks). */
static CUresult copy_3d_peer(const char *api, const void *p) {
    CUresult r = cu_enter(api);
    CU_TRACE("%s", api);
    return r ? r : p == NULL ? CUDA_ERROR_INVALID_VALUE : CUDA_ERROR_NOT_SUPPORTED;
}
CUresult cuMemcpy3DPeer(const void *p) { return copy_3d_peer(__func__, p); }
CUresult cuMemcpy3DPeer_ptds(const void *p) { return copy_3d_peer(__func__, p); }

/* ---- 2D / 3D ---- */
/* Address of (x, y, z) on one side of a copy descriptor. */
static CUresult side_addr(CUmemorytype t, const void *host, CUdeviceptr dptr, size_t x, size_t y,
                          size_t z, size_t pitch, size_t height, const unsigned char **out) {
    const unsigned char *base;
    switch (t) {
    case CU_MEMORYTYPE_HOST: base = host; break;
    case CU_MEMORYTYPE_DEVICE:
    case CU_MEMORYTYPE_UNIFIED: base = CU_PTR(dptr); break;
    case CU_MEMORYTYPE_ARRAY: return CUDA_ERROR_INVALID_HANDLE;
    default: return CUDA_ERROR_INVALID_VALUE;
    }
    if (!base) return CUDA_ERROR_INVALID_VALUE;
    *out = base + (z * height + y) * pitch + x;
    return CUDA_SUCCESS;
}

static CUresult copy2d(const char *api, bool pt, CUstream h, bool sync, const CUDA_MEMCPY2D *c) {
    CUresult r = cu_enter(api);
    const unsigned char *src = NULL, *dst = NULL;
    if (!c) {
        if (!r) r = CUDA_ERROR_INVALID_VALUE;
    } else {
        CUresult rs = side_addr(c->srcMemoryType, c->srcHost, c->srcDevice, c->srcXInBytes, c->srcY, 0, c->srcPitch, 0, &src);
        CUresult rd = side_addr(c->dstMemoryType, c->dstHost, c->dstDevice, c->dstXInBytes, c->dstY, 0, c->dstPitch, 0, &dst);
        if (!r) r = rs ? rs : rd;
    }
    char b1[32], b2[32], b3[32];
    CU_TRACE("%s s=%s dst=%s dpitch=%zu src=%s spitch=%zu w=%zu h=%zu", api, cu_fmt_stream(b1, h, pt),
             simdev_fmt_ptr(b2, dst), c ? c->dstPitch : 0, simdev_fmt_ptr(b3, src), c ? c->srcPitch : 0,
             c ? c->WidthInBytes : 0, c ? c->Height : 0);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r) return r;
    size_t dp = c->Height > 1 ? c->dstPitch : c->WidthInBytes, sp = c->Height > 1 ? c->srcPitch : c->WidthInBytes;
    r = cu_status(simdev_memcpy2d_async(s, (void *)dst, dp, src, sp, c->WidthInBytes, c->Height));
    if (!r && sync) r = cu_status(simdev_stream_synchronize(s));
    return r;
}

CUresult cuMemcpy2D_v2(const CUDA_MEMCPY2D *c) { return copy2d(__func__, false, NULL, true, c); }
CUresult cuMemcpy2D_v2_ptds(const CUDA_MEMCPY2D *c) { return copy2d(__func__, true, NULL, true, c); }
CUresult cuMemcpy2DUnaligned_v2(const CUDA_MEMCPY2D *c) { return copy2d(__func__, false, NULL, true, c); }
CUresult cuMemcpy2DUnaligned_v2_ptds(const CUDA_MEMCPY2D *c) { return copy2d(__func__, true, NULL, true, c); }
CUresult cuMemcpy2DAsync_v2(const CUDA_MEMCPY2D *c, CUstream h) { return copy2d(__func__, false, h, false, c); }
CUresult cuMemcpy2DAsync_v2_ptsz(const CUDA_MEMCPY2D *c, CUstream h) { return copy2d(__func__, true, h, false, c); }

/* The 3D and 3D-peer descriptors share their layout up to the context fields. A 3D copy is
 * Depth 2D copies, one per slice. */
typedef struct copy3d_args {
    const unsigned char *src;
    unsigned char *dst;
    size_t spitch, sslice, dpitch, dslice, width, height, depth;
} copy3d_args;

#define COPY3D_ARGS(c, out)                                                                      \
    do {                                                                                         \
        CUresult rs_ = side_addr((c)->srcMemoryType, (c)->srcHost, (c)->srcDevice, (c)->srcXInBytes, \
                                 (c)->srcY, (c)->srcZ, (c)->srcPitch, (c)->srcHeight, &(out).src); \
        CUresult rd_ = side_addr((c)->dstMemoryType, (c)->dstHost, (c)->dstDevice, (c)->dstXInBytes, \
                                 (c)->dstY, (c)->dstZ, (c)->dstPitch, (c)->dstHeight,             \
                                 (const unsigned char **)&(out).dst);                             \
        r3_ = rs_ ? rs_ : rd_;                                                                    \
        (out).spitch = (c)->srcPitch;                                                             \
        (out).dpitch = (c)->dstPitch;                                                             \
        (out).sslice = (c)->srcPitch * (c)->srcHeight;                                            \
        (out).dslice = (c)->dstPitch * (c)->dstHeight;                                            \
        (out).width = (c)->WidthInBytes;                                                          \
        (out).height = (c)->Height;                                                               \
        (out).depth = (c)->Depth;                                                                 \
    } while (0)

static CUresult copy3d(const char *api, bool pt, CUstream h, bool sync, CUresult r3_, const copy3d_args *a) {
    CUresult r = cu_enter(api);
    char b1[32], b2[32], b3[32];
    CU_TRACE("%s s=%s dst=%s src=%s w=%zu h=%zu d=%zu", api, cu_fmt_stream(b1, h, pt),
             simdev_fmt_ptr(b2, a->dst), simdev_fmt_ptr(b3, a->src), a->width, a->height, a->depth);
    simdev_stream *s = NULL;
    if (!r) r = r3_;
    if (!r) r = cu_stream(h, pt, &s);
    for (size_t z = 0; !r && z < a->depth; z++) {
        size_t dp = a->height > 1 ? a->dpitch : a->width, sp = a->height > 1 ? a->spitch : a->width;
        r = cu_status(simdev_memcpy2d_async(s, a->dst + z * a->dslice, dp, a->src + z * a->sslice, sp,
                                            a->width, a->height));
    }
    if (!r && sync) r = cu_status(simdev_stream_synchronize(s));
    return r;
}

static CUresult copy3d_plain(const char *api, bool pt, CUstream h, bool sync, const CUDA_MEMCPY3D *c) {
    copy3d_args a = {0};
    CUresult r3_ = CUDA_ERROR_INVALID_VALUE;
    if (c) COPY3D_ARGS(c, a);
    return copy3d(api, pt, h, sync, r3_, &a);
}

static CUresult copy3d_peer(const char *api, bool pt, CUstream h, const CUDA_MEMCPY3D_PEER *c) {
    copy3d_args a = {0};
    CUresult r3_ = CUDA_ERROR_INVALID_VALUE;
    if (c) {
        COPY3D_ARGS(c, a);
        if (!r3_ && (!cu_ctx_valid(c->srcContext) || !cu_ctx_valid(c->dstContext))) r3_ = CUDA_ERROR_INVALID_CONTEXT;
    }
    return copy3d(api, pt, h, false, r3_, &a);
}

CUresult cuMemcpy3D_v2(const CUDA_MEMCPY3D *c) { return copy3d_plain(__func__, false, NULL, true, c); }
CUresult cuMemcpy3D_v2_ptds(const CUDA_MEMCPY3D *c) { return copy3d_plain(__func__, true, NULL, true, c); }
CUresult cuMemcpy3DAsync_v2(const CUDA_MEMCPY3D *c, CUstream h) { return copy3d_plain(__func__, false, h, false, c); }
CUresult cuMemcpy3DAsync_v2_ptsz(const CUDA_MEMCPY3D *c, CUstream h) { return copy3d_plain(__func__, true, h, false, c); }
CUresult cuMemcpy3DPeerAsync(const CUDA_MEMCPY3D_PEER *c, CUstream h) { return copy3d_peer(__func__, false, h, c); }
CUresult cuMemcpy3DPeerAsync_ptsz(const CUDA_MEMCPY3D_PEER *c, CUstream h) { return copy3d_peer(__func__, true, h, c); }

/* ---- batches: attributes are opaque here and ignored (one device, no access hints) ---- */
static CUresult copy_batch(const char *api, bool pt, CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes,
                           size_t count, size_t numAttrs, size_t *failIdx, CUstream h) {
    CUresult r = cu_enter(api);
    if (simdev_tracing()) {
        char b1[32];
        simdev_trace("%s s=%s count=%zu attrs=%zu", api, cu_fmt_stream(b1, h, pt), count, numAttrs);
        for (size_t i = 0; dsts && srcs && sizes && i < count; i++)
            trace_copy("  batch", h, pt, CU_PTR(dsts[i]), CU_PTR(srcs[i]), sizes[i]);
    }
    if (failIdx) *failIdx = (size_t)-1;
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (!r && (!dsts || !srcs || !sizes || count == 0)) r = CUDA_ERROR_INVALID_VALUE;
    for (size_t i = 0; !r && i < count; i++) {
        r = cu_status(simdev_memcpy_async(s, CU_PTR(dsts[i]), CU_PTR(srcs[i]), sizes[i]));
        if (r && failIdx) *failIdx = i;
    }
    return r;
}

CUresult cuMemcpyBatchAsync(CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count,
                            CUmemcpyAttributes *attrs, size_t *attrsIdxs, size_t numAttrs, size_t *failIdx,
                            CUstream h) {
    (void)attrs, (void)attrsIdxs;
    return copy_batch(__func__, false, dsts, srcs, sizes, count, numAttrs, failIdx, h);
}
CUresult cuMemcpyBatchAsync_ptsz(CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count,
                                 CUmemcpyAttributes *attrs, size_t *attrsIdxs, size_t numAttrs,
                                 size_t *failIdx, CUstream h) {
    (void)attrs, (void)attrsIdxs;
    return copy_batch(__func__, true, dsts, srcs, sizes, count, numAttrs, failIdx, h);
}
CUresult cuMemcpyBatchAsync_v2(CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count,
                               CUmemcpyAttributes *attrs, size_t *attrsIdxs, size_t numAttrs, CUstream h) {
    (void)attrs, (void)attrsIdxs;
    return copy_batch(__func__, false, dsts, srcs, sizes, count, numAttrs, NULL, h);
}
CUresult cuMemcpyBatchAsync_v2_ptsz(CUdeviceptr *dsts, CUdeviceptr *srcs, size_t *sizes, size_t count,
                                    CUmemcpyAttributes *attrs, size_t *attrsIdxs, size_t numAttrs,
                                    CUstream h) {
    (void)attrs, (void)attrsIdxs;
    return copy_batch(__func__, true, dsts, srcs, sizes, count, numAttrs, NULL, h);
}
