/*
 * cuda_occupancy.c — cuOccupancyMaxActiveBlocksPerMultiprocessor(WithFlags).
 *
 * The simulated kernels have no register or shared-memory footprint of their own, so occupancy
 * is a fixed, deterministic model of an H100 SM:
 *   * an SM holds OCC_THREADS_PER_SM threads, counted in whole 32-thread warps, and at most
 *     OCC_BLOCKS_PER_SM blocks:  blocks = min(32, 2048 / roundup(blockSize, 32));
 *   * dynamic shared memory: when dynamicSMemSize > 0, blocks = min(blocks,
 *     OCC_SHARED_PER_SM / dynamicSMemSize) — 0 when one block needs more than an SM has.
 * Registers and static shared memory are not modelled. Not traced: a getter (a shim may call it
 * for itself), only counted in SIM_STATS.
 */
#include "cuda_sim.h"

#define OCC_THREADS_PER_SM 2048
#define OCC_BLOCKS_PER_SM 32
#define OCC_SHARED_PER_SM (228u * 1024u) /* H100: 228 KiB of shared memory per SM */
#define OCC_MAX_BLOCK_THREADS 1024

static CUresult max_active_blocks(const char *api, int *numBlocks, CUfunction func, int blockSize,
                                  size_t dynamicSMemSize, unsigned flags) {
    CUresult r = cu_enter(api);
    if (r) return r;
    if (!numBlocks) return CUDA_ERROR_INVALID_VALUE;
    if (!cu_kernel_of(func)) return CUDA_ERROR_INVALID_HANDLE; /* CUfunction or CUkernel */
    if (blockSize <= 0 || blockSize > OCC_MAX_BLOCK_THREADS) return CUDA_ERROR_INVALID_VALUE;
    if (flags & ~(unsigned)CU_OCCUPANCY_DISABLE_CACHING_OVERRIDE) return CUDA_ERROR_INVALID_VALUE;
    int warps_threads = (blockSize + 31) / 32 * 32;
    int blocks = OCC_THREADS_PER_SM / warps_threads;
    if (blocks > OCC_BLOCKS_PER_SM) blocks = OCC_BLOCKS_PER_SM;
    if (dynamicSMemSize > 0 && OCC_SHARED_PER_SM / dynamicSMemSize < (size_t)blocks)
        blocks = (int)(OCC_SHARED_PER_SM / dynamicSMemSize);
    *numBlocks = blocks;
    return CUDA_SUCCESS;
}

CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, CUfunction func, int blockSize,
                                                     size_t dynamicSMemSize) {
    return max_active_blocks(__func__, numBlocks, func, blockSize, dynamicSMemSize, CU_OCCUPANCY_DEFAULT);
}

/* The flags only steer the real driver's cache-config choice; the model ignores them. */
CUresult cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *numBlocks, CUfunction func,
                                                              int blockSize, size_t dynamicSMemSize,
                                                              unsigned int flags) {
    return max_active_blocks(__func__, numBlocks, func, blockSize, dynamicSMemSize, flags);
}
