/*
 * hipsim_occupancy.c — modelled function attributes and occupancy. The simulated kernels
 * have no real register or LDS footprint, so the model assumes a fixed budget per thread:
 * a CU holds SIM_THREADS_PER_CU threads (in whole 64-wide wavefronts), at most
 * SIM_BLOCKS_PER_CU blocks, and SIM_LDS_PER_CU bytes of dynamic shared memory.
 */
#include <string.h>

#include "hipsim.h"

#define SIM_THREADS_PER_CU 2048
#define SIM_BLOCKS_PER_CU 32
#define SIM_LDS_PER_CU (64 * 1024)
#define SIM_MAX_DYNAMIC_SHARED (48 * 1024)
#define SIM_REGS_PER_THREAD 32

static hipError_t max_active_blocks(const hipsim_kernel *k, int *num_blocks, int block_size,
                                    size_t dyn_shared) {
    if (num_blocks == NULL || block_size <= 0 || block_size > 1024 ||
        dyn_shared > SIM_MAX_DYNAMIC_SHARED)
        return hipErrorInvalidValue;
    if (k == NULL) return hipErrorInvalidDeviceFunction;
    int waves = (block_size + 63) / 64;
    int blocks = SIM_THREADS_PER_CU / (waves * 64);
    if (blocks > SIM_BLOCKS_PER_CU) blocks = SIM_BLOCKS_PER_CU;
    if (dyn_shared > 0 && (int)(SIM_LDS_PER_CU / dyn_shared) < blocks)
        blocks = (int)(SIM_LDS_PER_CU / dyn_shared);
    *num_blocks = blocks;
    return hipSuccess;
}

hipError_t hipOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, const void *f,
                                                        int blockSize,
                                                        size_t dynSharedMemPerBlk) {
    HIPSIM_ENTER("hipOccupancyMaxActiveBlocksPerMultiprocessor");
    HIPSIM_RETURN(max_active_blocks(hipsim_registered_kernel(f), numBlocks, blockSize,
                                    dynSharedMemPerBlk));
}

hipError_t hipModuleOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, hipFunction_t f,
                                                              int blockSize,
                                                              size_t dynSharedMemPerBlk) {
    HIPSIM_ENTER("hipModuleOccupancyMaxActiveBlocksPerMultiprocessor");
    HIPSIM_RETURN(max_active_blocks(hipsim_function_kernel(f), numBlocks, blockSize,
                                    dynSharedMemPerBlk));
}

hipError_t hipFuncGetAttributes(struct hipFuncAttributes *attr, const void *func) {
    HIPSIM_ENTER("hipFuncGetAttributes");
    if (attr == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    if (hipsim_registered_kernel(func) == NULL) HIPSIM_RETURN(hipErrorInvalidDeviceFunction);
    memset(attr, 0, sizeof *attr);
    attr->binaryVersion = 90;
    attr->ptxVersion = 90;
    attr->maxThreadsPerBlock = 1024;
    attr->maxDynamicSharedSizeBytes = SIM_MAX_DYNAMIC_SHARED;
    attr->numRegs = SIM_REGS_PER_THREAD;
    HIPSIM_RETURN(hipSuccess);
}
