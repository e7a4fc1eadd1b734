/* hip_hooks.c — an exported wrapper and a forwarder for every routed HIP call whose arguments
 * are integers or pointers. Unversioned definitions satisfy the app's versioned references
 * (hipMemcpyAsync@hip_4.2 ...) because a preloaded object is searched first. */
#include "reef_shim.h"

#define HIP_ROUTED(name, kind, streamArg, perThread, types) REEF_DEFINE_ROUTED(hipError_t, REEF_RUNTIME_HIP, name, types)
REEF_HIP_CALLS(HIP_ROUTED)
#undef HIP_ROUTED
