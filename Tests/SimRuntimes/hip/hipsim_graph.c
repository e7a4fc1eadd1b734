/*
 * hipsim_graph.c — stream capture and graphs: a capturing stream records its work into a
 * graph instead of running it; an instantiated graph replays the recorded work as one stream
 * operation per hipGraphLaunch.
 */
#include "hipsim.h"

static _Thread_local hipStreamCaptureMode t_capture_mode = hipStreamCaptureModeGlobal;

hipError_t hipStreamBeginCapture(hipStream_t stream, hipStreamCaptureMode mode) {
    HIPSIM_ENTER("hipStreamBeginCapture");
    simdev_stream *s = hipsim_stream(stream, 0);
    hipError_t err;
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if ((int)mode < hipStreamCaptureModeGlobal || mode > hipStreamCaptureModeRelaxed)
        err = hipErrorInvalidValue;
    else
        err = hipsim_error(simdev_capture_begin(s, (int)mode));
    char sbuf[32];
    HIPSIM_TRACE(&call_, "hipStreamBeginCapture s=%s mode=%d rc=%d",
                 s ? simdev_fmt_stream(sbuf, s) : "?", (int)mode, (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipStreamEndCapture(hipStream_t stream, hipGraph_t *pGraph) {
    HIPSIM_ENTER("hipStreamEndCapture");
    simdev_stream *s = hipsim_stream(stream, 0);
    simdev_graph *g = NULL;
    hipError_t err;
    if (s == NULL)
        err = hipErrorInvalidHandle;
    else if (pGraph == NULL)
        err = hipErrorInvalidValue;
    else
        err = hipsim_error(simdev_capture_end(s, &g));
    if (pGraph) *pGraph = (hipGraph_t)g;
    char sbuf[32];
    HIPSIM_TRACE(&call_, "hipStreamEndCapture s=%s g=%d nodes=%u rc=%d",
                 s ? simdev_fmt_stream(sbuf, s) : "?", g ? simdev_graph_ordinal(g) : 0,
                 g ? simdev_graph_node_count(g) : 0, (int)err);
    HIPSIM_RETURN(err);
}

static hipError_t capture_status(hipStream_t stream, hipStreamCaptureStatus *status,
                                 unsigned long long *id) {
    simdev_stream *s = hipsim_stream(stream, 0);
    if (s == NULL) return hipErrorInvalidHandle;
    if (status == NULL) return hipErrorInvalidValue;
    int st = SIMDEV_CAPTURE_NONE;
    uint64_t capture_id = 0;
    hipError_t err = hipsim_error(simdev_capture_status(s, &st, &capture_id));
    *status = st == SIMDEV_CAPTURE_ACTIVE        ? hipStreamCaptureStatusActive
              : st == SIMDEV_CAPTURE_INVALIDATED ? hipStreamCaptureStatusInvalidated
                                                 : hipStreamCaptureStatusNone;
    if (id) *id = capture_id;
    return err;
}

/* Capture-state queries are not traced: a shim asks them for its own decisions. */
hipError_t hipStreamIsCapturing(hipStream_t stream, hipStreamCaptureStatus *pCaptureStatus) {
    HIPSIM_ENTER("hipStreamIsCapturing");
    HIPSIM_RETURN(capture_status(stream, pCaptureStatus, NULL));
}

hipError_t hipStreamGetCaptureInfo(hipStream_t stream, hipStreamCaptureStatus *pCaptureStatus,
                                   unsigned long long *pId) {
    HIPSIM_ENTER("hipStreamGetCaptureInfo");
    HIPSIM_RETURN(capture_status(stream, pCaptureStatus, pId));
}

hipError_t hipThreadExchangeStreamCaptureMode(hipStreamCaptureMode *mode) {
    HIPSIM_ENTER("hipThreadExchangeStreamCaptureMode");
    if (mode == NULL || (int)*mode < hipStreamCaptureModeGlobal ||
        *mode > hipStreamCaptureModeRelaxed)
        HIPSIM_RETURN(hipErrorInvalidValue);
    hipStreamCaptureMode previous = t_capture_mode;
    t_capture_mode = *mode;
    *mode = previous;
    HIPSIM_RETURN(hipSuccess);
}

static hipError_t instantiate(const hipsim_call *call, hipGraphExec_t *pGraphExec,
                              hipGraph_t graph) {
    simdev_graph *g = (simdev_graph *)graph;
    simdev_graph_exec *x = NULL;
    hipError_t err;
    if (pGraphExec == NULL)
        err = hipErrorInvalidValue;
    else if (g == NULL || !simdev_graph_valid(g))
        err = hipErrorInvalidHandle;
    else
        err = hipsim_error(simdev_graph_instantiate(g, &x));
    if (err == hipSuccess) *pGraphExec = (hipGraphExec_t)x;
    HIPSIM_TRACE(call, "%s g=%d x=%d rc=%d", call->name,
                 g && simdev_graph_valid(g) ? simdev_graph_ordinal(g) : 0,
                 x ? simdev_graph_exec_ordinal(x) : 0, (int)err);
    return err;
}

hipError_t hipGraphInstantiate(hipGraphExec_t *pGraphExec, hipGraph_t graph,
                               hipGraphNode_t *pErrorNode, char *pLogBuffer, size_t bufferSize) {
    HIPSIM_ENTER("hipGraphInstantiate");
    if (pErrorNode) *pErrorNode = NULL;
    if (pLogBuffer && bufferSize) pLogBuffer[0] = '\0';
    HIPSIM_RETURN(instantiate(&call_, pGraphExec, graph));
}

hipError_t hipGraphInstantiateWithFlags(hipGraphExec_t *pGraphExec, hipGraph_t graph,
                                        unsigned long long flags) {
    HIPSIM_ENTER("hipGraphInstantiateWithFlags");
    if (flags != 0) HIPSIM_RETURN(hipErrorInvalidValue); /* auto-free-on-launch is unsupported */
    HIPSIM_RETURN(instantiate(&call_, pGraphExec, graph));
}

hipError_t hipGraphLaunch(hipGraphExec_t graphExec, hipStream_t stream) {
    HIPSIM_ENTER("hipGraphLaunch");
    if (call_.outer) simdev_stats_graph_launch();
    simdev_graph_exec *x = (simdev_graph_exec *)graphExec;
    simdev_stream *s = hipsim_stream(stream, 0);
    hipError_t err = s && x && simdev_graph_exec_valid(x)
                         ? hipsim_error(simdev_graph_launch(x, s))
                         : hipErrorInvalidHandle;
    char sbuf[32];
    HIPSIM_TRACE(&call_, "hipGraphLaunch x=%d s=%s rc=%d",
                 x && simdev_graph_exec_valid(x) ? simdev_graph_exec_ordinal(x) : 0,
                 s ? simdev_fmt_stream(sbuf, s) : "?", (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipGraphExecDestroy(hipGraphExec_t graphExec) {
    HIPSIM_ENTER("hipGraphExecDestroy");
    simdev_graph_exec *x = (simdev_graph_exec *)graphExec;
    int ordinal = x && simdev_graph_exec_valid(x) ? simdev_graph_exec_ordinal(x) : 0;
    hipError_t err = ordinal ? hipsim_error(simdev_graph_exec_destroy(x)) : hipErrorInvalidHandle;
    HIPSIM_TRACE(&call_, "hipGraphExecDestroy x=%d rc=%d", ordinal, (int)err);
    HIPSIM_RETURN(err);
}

hipError_t hipGraphDestroy(hipGraph_t graph) {
    HIPSIM_ENTER("hipGraphDestroy");
    simdev_graph *g = (simdev_graph *)graph;
    int ordinal = g && simdev_graph_valid(g) ? simdev_graph_ordinal(g) : 0;
    hipError_t err = ordinal ? hipsim_error(simdev_graph_destroy(g)) : hipErrorInvalidHandle;
    HIPSIM_TRACE(&call_, "hipGraphDestroy g=%d rc=%d", ordinal, (int)err);
    HIPSIM_RETURN(err);
}
