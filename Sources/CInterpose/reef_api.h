/* reef_api.h — api ids for every routed exported variant (private to the C layer). */
#ifndef REEF_API_H
#define REEF_API_H

#include "reef_interpose.h"
#include "reef_hip_calls.h"

typedef enum ReefApi {
    REEF_API_NONE = 0,
#define REEF_API_ENUM(name, kind, streamArg, perThread, ...) REEF_API_##name,
    REEF_CUDA_CALLS(REEF_API_ENUM)
    REEF_HIP_CALLS(REEF_API_ENUM)
    REEF_HIP_SPECIAL_CALLS(REEF_API_ENUM)
#undef REEF_API_ENUM
    REEF_API_cuCtxSynchronize,
    REEF_API_cuGetProcAddress,
    REEF_API_cuGetProcAddress_v2,
    REEF_API_COUNT
} ReefApi;

#endif
