/*
 * hipsim_device.c — the one simulated device: initialisation, selection, properties and
 * attributes, versions, device-wide synchronisation. The CU count is the core's SM count
 * (SIM_SMS), so CU masks and occupancy agree with the block scheduler.
 */
#include <stdio.h>
#include <string.h>

#include "hipsim.h"

#define SIM_ARCH_NAME "gfx90a:sramecc+:xnack-"
#define SIM_CLOCK_KHZ 1700000
#define SIM_SHARED_PER_BLOCK (48 * 1024) /* the core's dynamic shared memory limit */
#define SIM_THREADS_PER_CU 2048

hipError_t hipInit(unsigned int flags) {
    HIPSIM_ENTER("hipInit");
    HIPSIM_RETURN(flags == 0 ? hipSuccess : hipErrorInvalidValue);
}

hipError_t hipGetDeviceCount(int *count) {
    HIPSIM_ENTER("hipGetDeviceCount");
    if (count == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    *count = 1;
    HIPSIM_RETURN(hipSuccess);
}

hipError_t hipGetDevice(int *deviceId) {
    HIPSIM_ENTER("hipGetDevice");
    if (deviceId == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    *deviceId = 0;
    HIPSIM_RETURN(hipSuccess);
}

hipError_t hipSetDevice(int deviceId) {
    HIPSIM_ENTER("hipSetDevice");
    HIPSIM_RETURN(deviceId == 0 ? hipSuccess : hipErrorInvalidDevice);
}

hipError_t hipGetDeviceProperties(hipDeviceProp_t *prop, int deviceId) {
    HIPSIM_ENTER("hipGetDeviceProperties");
    if (prop == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    if (deviceId != 0) HIPSIM_RETURN(hipErrorInvalidDevice);
    size_t used = 0, total = 0;
    simdev_mem_info(&used, &total);
    memset(prop, 0, sizeof *prop);
    snprintf(prop->name, sizeof prop->name, "Reef simulated GPU (%s)", SIM_ARCH_NAME);
    snprintf(prop->gcnArchName, sizeof prop->gcnArchName, "%s", SIM_ARCH_NAME);
    prop->gcnArch = 910;
    prop->major = 9;
    prop->minor = 0;
    prop->totalGlobalMem = total;
    prop->sharedMemPerBlock = SIM_SHARED_PER_BLOCK;
    prop->maxSharedMemoryPerMultiProcessor = 64 * 1024;
    prop->regsPerBlock = 65536;
    prop->warpSize = 64;
    prop->maxThreadsPerBlock = 1024;
    prop->maxThreadsDim[0] = prop->maxThreadsDim[1] = prop->maxThreadsDim[2] = 1024;
    prop->maxGridSize[0] = prop->maxGridSize[1] = prop->maxGridSize[2] = 0x7fffffff;
    prop->clockRate = SIM_CLOCK_KHZ;
    prop->memoryClockRate = 1600000;
    prop->memoryBusWidth = 4096;
    prop->totalConstMem = 64 * 1024;
    prop->multiProcessorCount = (int)simdev_sm_count();
    prop->l2CacheSize = 8 * 1024 * 1024;
    prop->maxThreadsPerMultiProcessor = SIM_THREADS_PER_CU;
    prop->concurrentKernels = 1;
    prop->canMapHostMemory = 1;
    prop->cooperativeLaunch = 1;
    prop->isLargeBar = 1;
    prop->memPitch = 0x7fffffff;
    prop->textureAlignment = 256;
    HIPSIM_RETURN(hipSuccess);
}

hipError_t hipDeviceGetAttribute(int *pi, hipDeviceAttribute_t attr, int deviceId) {
    HIPSIM_ENTER("hipDeviceGetAttribute");
    if (pi == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    if (deviceId != 0) HIPSIM_RETURN(hipErrorInvalidDevice);
    switch (attr) {
    case hipDeviceAttributeMultiprocessorCount: *pi = (int)simdev_sm_count(); break;
    case hipDeviceAttributeWarpSize: *pi = 64; break;
    case hipDeviceAttributeMaxThreadsPerBlock: *pi = 1024; break;
    case hipDeviceAttributeMaxBlockDimX:
    case hipDeviceAttributeMaxBlockDimY:
    case hipDeviceAttributeMaxBlockDimZ: *pi = 1024; break;
    case hipDeviceAttributeMaxGridDimX:
    case hipDeviceAttributeMaxGridDimY:
    case hipDeviceAttributeMaxGridDimZ: *pi = 0x7fffffff; break;
    case hipDeviceAttributeMaxSharedMemoryPerBlock: *pi = SIM_SHARED_PER_BLOCK; break;
    case hipDeviceAttributeMaxThreadsPerMultiProcessor: *pi = SIM_THREADS_PER_CU; break;
    case hipDeviceAttributeMaxRegistersPerBlock: *pi = 65536; break;
    case hipDeviceAttributeClockRate: *pi = SIM_CLOCK_KHZ; break;
    case hipDeviceAttributeComputeCapabilityMajor: *pi = 9; break;
    case hipDeviceAttributeComputeCapabilityMinor: *pi = 0; break;
    case hipDeviceAttributeL2CacheSize: *pi = 8 * 1024 * 1024; break;
    case hipDeviceAttributeConcurrentKernels:
    case hipDeviceAttributeCooperativeLaunch:
    case hipDeviceAttributeCanUseStreamWaitValue: *pi = 1; break;
    case hipDeviceAttributeIntegrated: *pi = 0; break;
    default: HIPSIM_RETURN(hipErrorInvalidValue);
    }
    HIPSIM_RETURN(hipSuccess);
}

hipError_t hipDriverGetVersion(int *driverVersion) {
    HIPSIM_ENTER("hipDriverGetVersion");
    if (driverVersion == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    *driverVersion = HIP_VERSION;
    HIPSIM_RETURN(hipSuccess);
}

hipError_t hipRuntimeGetVersion(int *runtimeVersion) {
    HIPSIM_ENTER("hipRuntimeGetVersion");
    if (runtimeVersion == NULL) HIPSIM_RETURN(hipErrorInvalidValue);
    *runtimeVersion = HIP_VERSION;
    HIPSIM_RETURN(hipSuccess);
}

hipError_t hipDeviceSynchronize(void) {
    HIPSIM_ENTER("hipDeviceSynchronize");
    hipError_t err = hipsim_error(simdev_device_synchronize());
    HIPSIM_TRACE(&call_, "hipDeviceSynchronize rc=%d", (int)err);
    HIPSIM_RETURN(err);
}
