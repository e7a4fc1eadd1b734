/*
 * cuda_memsets.c — cuMemsetD{8,16,32}[2D] in synchronous (_v2, _v2_ptds: queued on the default
 * stream and waited for) and asynchronous (Async, Async_ptsz) forms.
 */
#include "cuda_sim.h"

static CUresult set2d(const char *api, bool pt, CUstream h, bool sync, CUdeviceptr dst, size_t pitch,
                      uint32_t value, unsigned elem, size_t width, size_t height) {
    CUresult r = cu_enter(api);
    char b1[32], b2[32];
    CU_TRACE("%s s=%s dst=%s pitch=%zu v=0x%x elem=%u w=%zu h=%zu", api, cu_fmt_stream(b1, h, pt),
             simdev_fmt_ptr(b2, CU_PTR(dst)), pitch, value, elem, width, height);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (r || width == 0 || height == 0) return r;
    if (!simdev_is_device_range(CU_PTR(dst), 1)) return CUDA_ERROR_INVALID_VALUE;
    r = cu_status(simdev_memset2d_async(s, CU_PTR(dst), height > 1 ? pitch : width * elem, value, elem,
                                        width, height));
    if (!r && sync) r = cu_status(simdev_stream_synchronize(s));
    return r;
}

#define SET1D(api, pt, h, sync, dst, v, elem, n) set2d(api, pt, h, sync, dst, 0, v, elem, n, 1)

CUresult cuMemsetD8_v2(CUdeviceptr d, unsigned char v, size_t n) { return SET1D(__func__, false, NULL, true, d, v, 1, n); }
CUresult cuMemsetD8_v2_ptds(CUdeviceptr d, unsigned char v, size_t n) { return SET1D(__func__, true, NULL, true, d, v, 1, n); }
CUresult cuMemsetD16_v2(CUdeviceptr d, unsigned short v, size_t n) { return SET1D(__func__, false, NULL, true, d, v, 2, n); }
CUresult cuMemsetD16_v2_ptds(CUdeviceptr d, unsigned short v, size_t n) { return SET1D(__func__, true, NULL, true, d, v, 2, n); }
CUresult cuMemsetD32_v2(CUdeviceptr d, unsigned int v, size_t n) { return SET1D(__func__, false, NULL, true, d, v, 4, n); }
CUresult cuMemsetD32_v2_ptds(CUdeviceptr d, unsigned int v, size_t n) { return SET1D(__func__, true, NULL, true, d, v, 4, n); }

CUresult cuMemsetD2D8_v2(CUdeviceptr d, size_t p, unsigned char v, size_t w, size_t h) {
    return set2d(__func__, false, NULL, true, d, p, v, 1, w, h);
}
CUresult cuMemsetD2D8_v2_ptds(CUdeviceptr d, size_t p, unsigned char v, size_t w, size_t h) {
    return set2d(__func__, true, NULL, true, d, p, v, 1, w, h);
}
CUresult cuMemsetD2D16_v2(CUdeviceptr d, size_t p, unsigned short v, size_t w, size_t h) {
    return set2d(__func__, false, NULL, true, d, p, v, 2, w, h);
}
CUresult cuMemsetD2D16_v2_ptds(CUdeviceptr d, size_t p, unsigned short v, size_t w, size_t h) {
    return set2d(__func__, true, NULL, true, d, p, v, 2, w, h);
}
CUresult cuMemsetD2D32_v2(CUdeviceptr d, size_t p, unsigned int v, size_t w, size_t h) {
    return set2d(__func__, false, NULL, true, d, p, v, 4, w, h);
}
CUresult cuMemsetD2D32_v2_ptds(CUdeviceptr d, size_t p, unsigned int v, size_t w, size_t h) {
    return set2d(__func__, true, NULL, true, d, p, v, 4, w, h);
}

CUresult cuMemsetD8Async(CUdeviceptr d, unsigned char v, size_t n, CUstream s) { return SET1D(__func__, false, s, false, d, v, 1, n); }
CUresult cuMemsetD8Async_ptsz(CUdeviceptr d, unsigned char v, size_t n, CUstream s) { return SET1D(__func__, true, s, false, d, v, 1, n); }
CUresult cuMemsetD16Async(CUdeviceptr d, unsigned short v, size_t n, CUstream s) { return SET1D(__func__, false, s, false, d, v, 2, n); }
CUresult cuMemsetD16Async_ptsz(CUdeviceptr d, unsigned short v, size_t n, CUstream s) { return SET1D(__func__, true, s, false, d, v, 2, n); }
CUresult cuMemsetD32Async(CUdeviceptr d, unsigned int v, size_t n, CUstream s) { return SET1D(__func__, false, s, false, d, v, 4, n); }
CUresult cuMemsetD32Async_ptsz(CUdeviceptr d, unsigned int v, size_t n, CUstream s) { return SET1D(__func__, true, s, false, d, v, 4, n); }

CUresult cuMemsetD2D8Async(CUdeviceptr d, size_t p, unsigned char v, size_t w, size_t h, CUstream s) {
    return set2d(__func__, false, s, false, d, p, v, 1, w, h);
}
CUresult cuMemsetD2D8Async_ptsz(CUdeviceptr d, size_t p, unsigned char v, size_t w, size_t h, CUstream s) {
    return set2d(__func__, true, s, false, d, p, v, 1, w, h);
}
CUresult cuMemsetD2D16Async(CUdeviceptr d, size_t p, unsigned short v, size_t w, size_t h, CUstream s) {
    return set2d(__func__, false, s, false, d, p, v, 2, w, h);
}
CUresult cuMemsetD2D16Async_ptsz(CUdeviceptr d, size_t p, unsigned short v, size_t w, size_t h, CUstream s) {
    return set2d(__func__, true, s, false, d, p, v, 2, w, h);
}
CUresult cuMemsetD2D32Async(CUdeviceptr d, size_t p, unsigned int v, size_t w, size_t h, CUstream s) {
    return set2d(__func__, false, s, false, d, p, v, 4, w, h);
}
CUresult cuMemsetD2D32Async_ptsz(CUdeviceptr d, size_t p, unsigned int v, size_t w, size_t h, CUstream s) {
    return set2d(__func__, true, s, false, d, p, v, 4, w, h);
}
