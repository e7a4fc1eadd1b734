/*
 * cuda_graphs.c — stream capture (begin/end/is-capturing), graph instantiation, launch, destroy,
 * and node introspection (nodes, types, kernel node parameters). Node queries are getters: they
 * count in SIM_STATS but are not traced.
 */
#include "cuda_sim.h"

#include <stdio.h>
#include <string.h>

static const char *fmt_graph(char *buf, CUgraph g) {
    if (!simdev_graph_valid((simdev_graph *)g)) return strcpy(buf, "bad");
    snprintf(buf, 32, "g%d", simdev_graph_ordinal((simdev_graph *)g));
    return buf;
}

static const char *fmt_exec(char *buf, CUgraphExec x) {
    if (!simdev_graph_exec_valid((simdev_graph_exec *)x)) return strcpy(buf, "bad");
    snprintf(buf, 32, "x%d", simdev_graph_exec_ordinal((simdev_graph_exec *)x));
    return buf;
}

static CUresult begin_capture(const char *api, bool pt, CUstream h, int mode) {
    CUresult r = cu_enter(api);
    char b[32];
    CU_TRACE("%s s=%s mode=%d", api, cu_fmt_stream(b, h, pt), mode);
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    return r ? r : cu_status(simdev_capture_begin(s, mode));
}

CUresult cuStreamBeginCapture(CUstream h) { return begin_capture(__func__, false, h, CU_STREAM_CAPTURE_MODE_GLOBAL); }
CUresult cuStreamBeginCapture_ptsz(CUstream h) { return begin_capture(__func__, true, h, CU_STREAM_CAPTURE_MODE_GLOBAL); }
CUresult cuStreamBeginCapture_v2(CUstream h, CUstreamCaptureMode mode) { return begin_capture(__func__, false, h, mode); }
CUresult cuStreamBeginCapture_v2_ptsz(CUstream h, CUstreamCaptureMode mode) { return begin_capture(__func__, true, h, mode); }

static CUresult end_capture(const char *api, bool pt, CUstream h, CUgraph *pg) {
    CUresult r = cu_enter(api);
    simdev_stream *s = NULL;
    simdev_graph *g = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (!r && !pg) r = CUDA_ERROR_INVALID_VALUE;
    if (!r) {
        r = cu_status(simdev_capture_end(s, &g));
        *pg = (CUgraph)g;
    }
    char b1[32], b2[32];
    CU_TRACE("%s s=%s -> %s nodes=%u r=%d", api, cu_fmt_stream(b1, h, pt), g ? fmt_graph(b2, (CUgraph)g) : "none",
             g ? simdev_graph_node_count(g) : 0, r);
    return r;
}

CUresult cuStreamEndCapture(CUstream h, CUgraph *pg) { return end_capture(__func__, false, h, pg); }
CUresult cuStreamEndCapture_ptsz(CUstream h, CUgraph *pg) { return end_capture(__func__, true, h, pg); }

static CUresult is_capturing(const char *api, bool pt, CUstream h, CUstreamCaptureStatus *status) {
    CUresult r = cu_enter(api);
    char b[32];
    CU_TRACE("%s s=%s", api, cu_fmt_stream(b, h, pt));
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    if (!r && !status) r = CUDA_ERROR_INVALID_VALUE;
    if (r) return r;
    int st = SIMDEV_CAPTURE_NONE;
    r = cu_status(simdev_capture_status(s, &st, NULL));
    *status = st; /* the core's values are CUDA's */
    return r;
}

CUresult cuStreamIsCapturing(CUstream h, CUstreamCaptureStatus *status) { return is_capturing(__func__, false, h, status); }
CUresult cuStreamIsCapturing_ptsz(CUstream h, CUstreamCaptureStatus *status) {
    return is_capturing(__func__, true, h, status);
}

CUresult cuGraphInstantiateWithFlags(CUgraphExec *px, CUgraph g, unsigned long long flags) {
    CUresult r = cu_enter(__func__);
    simdev_graph_exec *x = NULL;
    if (!r && !px) r = CUDA_ERROR_INVALID_VALUE;
    if (!r) r = cu_status(simdev_graph_instantiate((simdev_graph *)g, &x));
    if (!r) *px = (CUgraphExec)x;
    char b1[32], b2[32];
    CU_TRACE("%s g=%s flags=0x%llx -> %s r=%d", __func__, fmt_graph(b1, g), flags,
             x ? fmt_exec(b2, (CUgraphExec)x) : "none", r);
    return r;
}

static CUresult graph_launch(const char *api, bool pt, CUgraphExec x, CUstream h) {
    simdev_stats_graph_launch();
    CUresult r = cu_enter(api);
    char b1[32], b2[32];
    CU_TRACE("%s x=%s s=%s", api, fmt_exec(b1, x), cu_fmt_stream(b2, h, pt));
    simdev_stream *s = NULL;
    if (!r) r = cu_stream(h, pt, &s);
    return r ? r : cu_status(simdev_graph_launch((simdev_graph_exec *)x, s));
}

CUresult cuGraphLaunch(CUgraphExec x, CUstream h) { return graph_launch(__func__, false, x, h); }
CUresult cuGraphLaunch_ptsz(CUgraphExec x, CUstream h) { return graph_launch(__func__, true, x, h); }

CUresult cuGraphDestroy(CUgraph g) {
    CUresult r = cu_enter(__func__);
    char b[32];
    CU_TRACE("%s g=%s", __func__, fmt_graph(b, g));
    return r ? r : cu_status(simdev_graph_destroy((simdev_graph *)g));
}

CUresult cuGraphExecDestroy(CUgraphExec x) {
    CUresult r = cu_enter(__func__);
    char b[32];
    CU_TRACE("%s x=%s", __func__, fmt_exec(b, x));
    return r ? r : cu_status(simdev_graph_exec_destroy((simdev_graph_exec *)x));
}

/* ---- node introspection ---- */

CUresult cuGraphGetNodes(CUgraph g, CUgraphNode *nodes, size_t *numNodes) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!g || !numNodes) return CUDA_ERROR_INVALID_VALUE;
    return cu_status(simdev_graph_get_nodes((simdev_graph *)g, (simdev_graph_node **)nodes, numNodes));
}

static const CUgraphNodeType node_types[] = {
    [SIMDEV_NODE_KERNEL] = CU_GRAPH_NODE_TYPE_KERNEL,
    [SIMDEV_NODE_COPY] = CU_GRAPH_NODE_TYPE_MEMCPY,
    [SIMDEV_NODE_SET] = CU_GRAPH_NODE_TYPE_MEMSET,
    [SIMDEV_NODE_HOST] = CU_GRAPH_NODE_TYPE_HOST,
    [SIMDEV_NODE_GRAPH] = CU_GRAPH_NODE_TYPE_GRAPH,
    [SIMDEV_NODE_MEMOPS] = CU_GRAPH_NODE_TYPE_BATCH_MEM_OP,
    [SIMDEV_NODE_FREE] = CU_GRAPH_NODE_TYPE_MEM_FREE,
    [SIMDEV_NODE_EMPTY] = CU_GRAPH_NODE_TYPE_EMPTY,
};

CUresult cuGraphNodeGetType(CUgraphNode n, CUgraphNodeType *type) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!n || !type) return CUDA_ERROR_INVALID_VALUE;
    simdev_node_info info;
    r = cu_status(simdev_graph_node_info((simdev_graph_node *)n, &info));
    if (!r) *type = node_types[info.kind];
    return r;
}

/* The v1 and v2 structs share their first fields; v2 adds kern and ctx. */
static CUresult kernel_node_params(const char *api, CUgraphNode n, CUDA_KERNEL_NODE_PARAMS_v1 *p,
                                   CUDA_KERNEL_NODE_PARAMS_v2 *p2) {
    CUresult r = cu_enter_noctx(api);
    if (r) return r;
    if (!n || (!p && !p2)) return CUDA_ERROR_INVALID_VALUE;
    simdev_node_info info;
    r = cu_status(simdev_graph_node_info((simdev_graph_node *)n, &info));
    if (r) return r;
    if (info.kind != SIMDEV_NODE_KERNEL) return CUDA_ERROR_INVALID_VALUE;
    CUfunction f = (CUfunction)info.tag[0];
    CUDA_KERNEL_NODE_PARAMS_v1 v1 = {
        .func = f,
        .gridDimX = info.grid.x, .gridDimY = info.grid.y, .gridDimZ = info.grid.z,
        .blockDimX = info.block.x, .blockDimY = info.block.y, .blockDimZ = info.block.z,
        .sharedMemBytes = info.shared_bytes,
        .kernelParams = info.param_ptrs,
        .extra = NULL,
    };
    if (p) {
        *p = v1; /* v1 callers see the handle as launched, whichever kind it was */
    } else {
        bool kern = cu_is_kernel_handle(f);
        *p2 = (CUDA_KERNEL_NODE_PARAMS_v2){0};
        memcpy(p2, &v1, sizeof v1);
        p2->func = kern ? NULL : f;
        p2->kern = kern ? (CUkernel)f : NULL;
        p2->ctx = (CUcontext)info.tag[1];
    }
    return CUDA_SUCCESS;
}

CUresult cuGraphKernelNodeGetParams(CUgraphNode n, CUDA_KERNEL_NODE_PARAMS_v1 *p) {
    return kernel_node_params(__func__, n, p, NULL);
}
CUresult cuGraphKernelNodeGetParams_v2(CUgraphNode n, CUDA_KERNEL_NODE_PARAMS_v2 *p) {
    return kernel_node_params(__func__, n, NULL, p);
}
