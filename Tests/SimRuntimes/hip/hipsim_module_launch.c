/*
 * hipsim_module_launch.c — launching module functions: hipModuleLaunchKernel (grid in
 * blocks) and the AMD extensions hipExtModuleLaunchKernel / hipHccModuleLaunchKernel (grid
 * as total work-items, with timing events). The extensions are C++ functions in the real
 * library, so they are exported under their Itanium-mangled names.
 *
 * Arguments come either as kernelParams (one pointer per parameter) or as `extra`, a packed
 * kernarg buffer laid out exactly as the kernel's parameter offsets say.
 */
#include <stdlib.h>
#include <string.h>

#include "hipsim.h"

static hipError_t params_from_extra(const hipsim_kernel *k, void **extra, unsigned char **out) {
    const void *buffer = NULL;
    const size_t *buffer_size = NULL;
    for (size_t i = 0; extra[i] != HIP_LAUNCH_PARAM_END; i += 2) {
        if (extra[i] == HIP_LAUNCH_PARAM_BUFFER_POINTER)
            buffer = extra[i + 1];
        else if (extra[i] == HIP_LAUNCH_PARAM_BUFFER_SIZE)
            buffer_size = extra[i + 1];
        else
            return hipErrorInvalidValue;
    }
    size_t need = k->impl->params_size;
    if ((need && buffer == NULL) || buffer_size == NULL || *buffer_size < need)
        return hipErrorInvalidValue;
    *out = calloc(1, need ? need : 1);
    if (*out == NULL) return hipErrorOutOfMemory;
    if (need) memcpy(*out, buffer, need);
    return hipSuccess;
}

hipError_t hipsim_module_launch(const hipsim_call *call, hipFunction_t f, dim3 grid, dim3 block,
                                size_t shared_bytes, hipStream_t stream, void **kernel_params,
                                void **extra, hipEvent_t start, hipEvent_t stop,
                                hipError_t prior) {
    const hipsim_kernel *k = hipsim_function_kernel(f);
    unsigned char *params = NULL;
    if (prior == hipSuccess && k == NULL) prior = hipErrorInvalidResourceHandle;
    /* Exactly one way of passing arguments (none needed for a kernel without any). */
    if (prior == hipSuccess && kernel_params && extra) prior = hipErrorInvalidValue;
    if (prior == hipSuccess && extra) {
        prior = params_from_extra(k, extra, &params);
    } else if (prior == hipSuccess) {
        if (kernel_params == NULL && k->impl->nparams > 0)
            prior = hipErrorInvalidValue;
        else if ((params = hipsim_pack_args(k, kernel_params)) == NULL)
            prior = hipErrorOutOfMemory;
    }
    hipsim_launch_req req = {k, grid, block, shared_bytes, stream, 0, 0, start, stop, params};
    hipError_t err = hipsim_launch(call, &req, prior);
    free(params);
    return err;
}

hipError_t hipModuleLaunchKernel(hipFunction_t f, unsigned int gridDimX, unsigned int gridDimY,
                                 unsigned int gridDimZ, unsigned int blockDimX,
                                 unsigned int blockDimY, unsigned int blockDimZ,
                                 unsigned int sharedMemBytes, hipStream_t stream,
                                 void **kernelParams, void **extra) {
    HIPSIM_ENTER("hipModuleLaunchKernel");
    dim3 grid = {gridDimX, gridDimY, gridDimZ}, block = {blockDimX, blockDimY, blockDimZ};
    HIPSIM_RETURN(hipsim_module_launch(&call_, f, grid, block, sharedMemBytes, stream,
                                       kernelParams, extra, NULL, NULL, hipSuccess));
}

/* Work-item counts to whole blocks; a partial last block still runs (the kernels bound-check). */
static hipError_t work_to_grid(const unsigned global[3], const unsigned local[3], dim3 *grid,
                               dim3 *block) {
    for (int i = 0; i < 3; ++i)
        if (local[i] == 0) return hipErrorInvalidValue;
    *grid = (dim3){(global[0] + local[0] - 1) / local[0], (global[1] + local[1] - 1) / local[1],
                   (global[2] + local[2] - 1) / local[2]};
    *block = (dim3){local[0], local[1], local[2]};
    return hipSuccess;
}

static hipError_t ext_module_launch(const hipsim_call *call, hipFunction_t f,
                                    const unsigned global[3], const unsigned local[3],
                                    size_t shared_bytes, hipStream_t stream, void **kernel_params,
                                    void **extra, hipEvent_t start, hipEvent_t stop) {
    dim3 grid = {0, 0, 0}, block = {local[0], local[1], local[2]};
    hipError_t err = work_to_grid(global, local, &grid, &block);
    return hipsim_module_launch(call, f, grid, block, shared_bytes, stream, kernel_params, extra,
                                start, stop, err);
}

/* hipExtModuleLaunchKernel(hipFunction_t, uint32 x6, size_t, hipStream_t, void**, void**,
 * hipEvent_t, hipEvent_t, uint32 flags) */
hipError_t hipsim_hipExtModuleLaunchKernel(
    hipFunction_t f, uint32_t globalWorkSizeX, uint32_t globalWorkSizeY,
    uint32_t globalWorkSizeZ, uint32_t localWorkSizeX, uint32_t localWorkSizeY,
    uint32_t localWorkSizeZ, size_t sharedMemBytes, hipStream_t hStream, void **kernelParams,
    void **extra, hipEvent_t startEvent, hipEvent_t stopEvent, uint32_t flags)
    __asm__("_Z24hipExtModuleLaunchKernelP18ihipModuleSymbol_tjjjjjjmP12ihipStream_tPPvS4_P11ihipEvent_tS6_j")
    __attribute__((visibility("default")));

hipError_t hipsim_hipExtModuleLaunchKernel(
    hipFunction_t f, uint32_t globalWorkSizeX, uint32_t globalWorkSizeY,
    uint32_t globalWorkSizeZ, uint32_t localWorkSizeX, uint32_t localWorkSizeY,
    uint32_t localWorkSizeZ, size_t sharedMemBytes, hipStream_t hStream, void **kernelParams,
    void **extra, hipEvent_t startEvent, hipEvent_t stopEvent, uint32_t flags) {
    HIPSIM_ENTER("_Z24hipExtModuleLaunchKernelP18ihipModuleSymbol_tjjjjjjmP12ihipStream_tPPvS4_"
                 "P11ihipEvent_tS6_j");
    (void)flags; /* hardware hints only */
    const unsigned global[3] = {globalWorkSizeX, globalWorkSizeY, globalWorkSizeZ};
    const unsigned local[3] = {localWorkSizeX, localWorkSizeY, localWorkSizeZ};
    hipsim_call traced = {"hipExtModuleLaunchKernel", call_.outer};
    HIPSIM_RETURN(ext_module_launch(&traced, f, global, local, sharedMemBytes, hStream,
                                    kernelParams, extra, startEvent, stopEvent));
}

/* hipHccModuleLaunchKernel: the older spelling of the same launch, without flags. */
hipError_t hipsim_hipHccModuleLaunchKernel(
    hipFunction_t f, uint32_t globalWorkSizeX, uint32_t globalWorkSizeY,
    uint32_t globalWorkSizeZ, uint32_t localWorkSizeX, uint32_t localWorkSizeY,
    uint32_t localWorkSizeZ, size_t sharedMemBytes, hipStream_t hStream, void **kernelParams,
    void **extra, hipEvent_t startEvent, hipEvent_t stopEvent)
    __asm__("_Z24hipHccModuleLaunchKernelP18ihipModuleSymbol_tjjjjjjmP12ihipStream_tPPvS4_P11ihipEvent_tS6_")
    __attribute__((visibility("default")));

hipError_t hipsim_hipHccModuleLaunchKernel(
    hipFunction_t f, uint32_t globalWorkSizeX, uint32_t globalWorkSizeY,
    uint32_t globalWorkSizeZ, uint32_t localWorkSizeX, uint32_t localWorkSizeY,
    uint32_t localWorkSizeZ, size_t sharedMemBytes, hipStream_t hStream, void **kernelParams,
    void **extra, hipEvent_t startEvent, hipEvent_t stopEvent) {
    HIPSIM_ENTER("_Z24hipHccModuleLaunchKernelP18ihipModuleSymbol_tjjjjjjmP12ihipStream_tPPvS4_"
                 "P11ihipEvent_tS6_");
    const unsigned global[3] = {globalWorkSizeX, globalWorkSizeY, globalWorkSizeZ};
    const unsigned local[3] = {localWorkSizeX, localWorkSizeY, localWorkSizeZ};
    hipsim_call traced = {"hipHccModuleLaunchKernel", call_.outer};
    HIPSIM_RETURN(ext_module_launch(&traced, f, global, local, sharedMemBytes, hStream,
                                    kernelParams, extra, startEvent, stopEvent));
}
