/* Expanded with `cc -E -P` into libreef.so's version script: the exact export list is every
 * routed variant plus the few hand-written hooks, so it cannot drift from the wrappers. */
#include "reef_hip_calls.h"
#define NAME(name, ...) name;
REEF_EXPORTS_BEGIN
REEF_CUDA_CALLS(NAME)
REEF_HIP_CALLS(NAME)
hipLaunchKernel; hipLaunchKernel_spt; hipExtLaunchKernel; hipLaunchCooperativeKernel;
hipLaunchCooperativeKernel_spt; hipDeviceSynchronize;
__hipRegisterFatBinary; __hipRegisterFunction; __hipUnregisterFatBinary;
_Z24hipExtModuleLaunchKernelP18ihipModuleSymbol_tjjjjjjmP12ihipStream_tPPvS4_P11ihipEvent_tS6_j;
cuCtxSynchronize; cuGetProcAddress; cuGetProcAddress_v2; dlsym;
REEF_EXPORTS_END
