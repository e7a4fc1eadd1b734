/*
 * hipsim_callconfig.c — the launch configuration of a triple-chevron launch. The caller of
 * kernel<<<grid, block, shm, stream>>>(...) pushes it; the kernel's host stub pops it and
 * passes it to hipLaunchKernel. Chevron launches nest when an argument expression launches
 * a kernel itself, hence a small per-thread stack.
 */
#include "hipsim.h"

#define CONFIG_DEPTH 16

typedef struct call_config {
    dim3 grid, block;
    size_t shared_bytes;
    hipStream_t stream;
} call_config;

static _Thread_local call_config t_configs[CONFIG_DEPTH];
static _Thread_local int t_nconfigs;

hipError_t __hipPushCallConfiguration(dim3 grid, dim3 block, size_t shared_bytes,
                                      hipStream_t stream) {
    HIPSIM_ENTER("__hipPushCallConfiguration");
    if (t_nconfigs == CONFIG_DEPTH) HIPSIM_RETURN(hipErrorInvalidConfiguration);
    t_configs[t_nconfigs++] = (call_config){grid, block, shared_bytes, stream};
    HIPSIM_RETURN(hipSuccess);
}

hipError_t __hipPopCallConfiguration(dim3 *grid, dim3 *block, size_t *shared_bytes,
                                     hipStream_t *stream) {
    HIPSIM_ENTER("__hipPopCallConfiguration");
    if (t_nconfigs == 0) HIPSIM_RETURN(hipErrorMissingConfiguration);
    call_config c = t_configs[--t_nconfigs];
    if (grid) *grid = c.grid;
    if (block) *block = c.block;
    if (shared_bytes) *shared_bytes = c.shared_bytes;
    if (stream) *stream = c.stream;
    HIPSIM_RETURN(hipSuccess);
}
