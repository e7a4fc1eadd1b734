/*
 * hipsim_error.c — error reporting: the per-thread last error and the names and
 * descriptions of the codes this simulator returns.
 */
#include "hipsim.h"

typedef struct error_text {
    hipError_t code;
    const char *name;
    const char *text;
} error_text;

static const error_text k_errors[] = {
    {hipSuccess, "hipSuccess", "no error"},
    {hipErrorInvalidValue, "hipErrorInvalidValue", "invalid argument"},
    {hipErrorOutOfMemory, "hipErrorOutOfMemory", "out of memory"},
    {hipErrorNotInitialized, "hipErrorNotInitialized", "runtime not initialized"},
    {hipErrorInvalidConfiguration, "hipErrorInvalidConfiguration", "invalid launch configuration"},
    {hipErrorInvalidMemcpyDirection, "hipErrorInvalidMemcpyDirection", "invalid copy direction"},
    {hipErrorMissingConfiguration, "hipErrorMissingConfiguration",
     "no launch configuration was pushed"},
    {hipErrorInvalidDeviceFunction, "hipErrorInvalidDeviceFunction",
     "invalid device function"},
    {hipErrorNoDevice, "hipErrorNoDevice", "no device"},
    {hipErrorInvalidDevice, "hipErrorInvalidDevice", "invalid device ordinal"},
    {hipErrorInvalidImage, "hipErrorInvalidImage", "invalid code object image"},
    {hipErrorFileNotFound, "hipErrorFileNotFound", "file not found"},
    {hipErrorInvalidHandle, "hipErrorInvalidHandle", "invalid resource handle"},
    {hipErrorNotFound, "hipErrorNotFound", "named symbol not found"},
    {hipErrorNotReady, "hipErrorNotReady", "device not ready"},
    {hipErrorIllegalAddress, "hipErrorIllegalAddress", "illegal memory access"},
    {hipErrorLaunchOutOfResources, "hipErrorLaunchOutOfResources",
     "too many resources requested for launch"},
    {hipErrorCooperativeLaunchTooLarge, "hipErrorCooperativeLaunchTooLarge",
     "cooperative grid does not fit the device"},
    {hipErrorNotSupported, "hipErrorNotSupported", "operation not supported"},
    {hipErrorStreamCaptureUnsupported, "hipErrorStreamCaptureUnsupported",
     "operation not permitted while the stream is capturing"},
    {hipErrorStreamCaptureInvalidated, "hipErrorStreamCaptureInvalidated",
     "capture was invalidated"},
    {hipErrorStreamCaptureUnmatched, "hipErrorStreamCaptureUnmatched",
     "capture was not begun in this stream"},
    {hipErrorStreamCaptureIsolation, "hipErrorStreamCaptureIsolation",
     "dependency on work outside the capture"},
    {hipErrorStreamCaptureImplicit, "hipErrorStreamCaptureImplicit",
     "implicit dependency on the legacy stream during capture"},
    {hipErrorUnknown, "hipErrorUnknown", "unknown error"},
};

static const error_text *find(hipError_t code) {
    for (size_t i = 0; i < sizeof k_errors / sizeof k_errors[0]; ++i)
        if (k_errors[i].code == code) return &k_errors[i];
    return NULL;
}

/* Both report the error without becoming one: they leave through a success. */
hipError_t hipGetLastError(void) {
    HIPSIM_ENTER("hipGetLastError");
    hipError_t err = hipsim_last_error(1);
    hipsim_leave(call_, hipSuccess);
    return err;
}

hipError_t hipPeekAtLastError(void) {
    HIPSIM_ENTER("hipPeekAtLastError");
    hipError_t err = hipsim_last_error(0);
    hipsim_leave(call_, hipSuccess);
    return err;
}

const char *hipGetErrorName(hipError_t hip_error) {
    HIPSIM_ENTER("hipGetErrorName");
    const error_text *e = find(hip_error);
    hipsim_leave(call_, hipSuccess);
    return e ? e->name : "hipErrorUnknown";
}

const char *hipGetErrorString(hipError_t hipError) {
    HIPSIM_ENTER("hipGetErrorString");
    const error_text *e = find(hipError);
    hipsim_leave(call_, hipSuccess);
    return e ? e->text : "unknown error";
}
