/* L2 access-policy helpers for l2_warmth.py (built on the GPU host against its cuda.h):
 * a stream's access-policy window, the same window on every kernel node of a graph, the
 * persisting-L2 set-aside, and the device limits that bound them. */
#include <cuda.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static char last_error[256];
const char *l2_error(void) { return last_error; }

#define CHECK(call) do { CUresult r_ = (call); if (r_ != CUDA_SUCCESS) { \
    snprintf(last_error, sizeof last_error, "%s returned %d", #call, (int)r_); return -1; } } while (0)

/* out[0] L2 bytes, out[1] max persisting set-aside, out[2] max access-policy window. */
int l2_limits(long long out[3]) {
    CUdevice dev;
    int v;
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, dev)); out[0] = v;
    CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX_PERSISTING_L2_CACHE_SIZE, dev)); out[1] = v;
    CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAX_ACCESS_POLICY_WINDOW_SIZE, dev)); out[2] = v;
    return 0;
}

int l2_set_persisting(size_t bytes) {
    CHECK(cuCtxSetLimit(CU_LIMIT_PERSISTING_L2_CACHE_SIZE, bytes));
    return 0;
}

int l2_reset_persisting(void) {
    CHECK(cuCtxResetPersistingL2Cache());
    return 0;
}

static CUaccessPolicyWindow window(uint64_t base, size_t bytes, float ratio, int hit, int miss) {
    CUaccessPolicyWindow w;
    w.base_ptr = (void *)(uintptr_t)base;
    w.num_bytes = bytes;
    w.hitRatio = ratio;
    w.hitProp = (CUaccessProperty)hit;
    w.missProp = (CUaccessProperty)miss;
    return w;
}

int l2_stream_window(uint64_t stream, uint64_t base, size_t bytes, float ratio, int hit, int miss) {
    CUstreamAttrValue v = {0};
    v.accessPolicyWindow = window(base, bytes, ratio, hit, miss);
    CHECK(cuStreamSetAttribute((CUstream)(uintptr_t)stream, CU_STREAM_ATTRIBUTE_ACCESS_POLICY_WINDOW, &v));
    return 0;
}

/* Sets the window on every kernel node of `graph`; returns how many nodes got it. */
int l2_graph_window(uint64_t graph, uint64_t base, size_t bytes, float ratio, int hit, int miss) {
    size_t n = 0;
    CHECK(cuGraphGetNodes((CUgraph)(uintptr_t)graph, NULL, &n));
    CUgraphNode *nodes = calloc(n ? n : 1, sizeof *nodes);
    if (!nodes) { snprintf(last_error, sizeof last_error, "calloc(%zu) failed", n); return -1; }
    if (cuGraphGetNodes((CUgraph)(uintptr_t)graph, nodes, &n) != CUDA_SUCCESS) { free(nodes); return -1; }
    CUkernelNodeAttrValue v = {0};
    v.accessPolicyWindow = window(base, bytes, ratio, hit, miss);
    int set = 0;
    for (size_t i = 0; i < n; i++) {
        CUgraphNodeType type;
        if (cuGraphNodeGetType(nodes[i], &type) != CUDA_SUCCESS || type != CU_GRAPH_NODE_TYPE_KERNEL) continue;
        CUresult r = cuGraphKernelNodeSetAttribute(nodes[i], CU_KERNEL_NODE_ATTRIBUTE_ACCESS_POLICY_WINDOW, &v);
        if (r != CUDA_SUCCESS) {
            snprintf(last_error, sizeof last_error, "cuGraphKernelNodeSetAttribute(node %zu) returned %d", i, (int)r);
            free(nodes);
            return -1;
        }
        set++;
    }
    free(nodes);
    return set;
}
