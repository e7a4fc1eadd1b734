"""A CUDA stream of a green context (CUDA 12.4+), made through the driver API with ctypes, for
the BE_GREEN rows of the in-process benchmark: does BE work in another (green) context leave RT's
device time alone, where BE work on an ordinary stream of RT's context slows it 12-13 %
(bench/results/rt-slowdown-diag.md)? Resources are opaque 512-byte buffers, as in Reef's own
partition code (the driver's CUdevResource is 144 bytes in the headers that introduced it)."""
import ctypes


def green_stream(sms=0):
    """The raw handle (int) of a non-blocking stream of a green context of `sms` SMs (0: all)
    of the current device. Raises RuntimeError naming the call that failed."""
    cu = ctypes.CDLL("libcuda.so.1")

    def call(name, *args):
        r = getattr(cu, name)(*args)
        if r != 0:
            raise RuntimeError("BE_GREEN: %s returned %d (green contexts need CUDA 12.4+ and at most the device's SM count)" % (name, r))

    dev = ctypes.c_int()
    call("cuCtxGetDevice", ctypes.byref(dev))
    every, group, rest = (ctypes.create_string_buffer(512) for _ in range(3))
    call("cuDeviceGetDevResource", dev, every, 1)               # CU_DEV_RESOURCE_TYPE_SM
    use = every
    if sms:
        groups = ctypes.c_uint(1)
        call("cuDevSmResourceSplitByCount", group, ctypes.byref(groups), every, rest, 0, ctypes.c_uint(sms))
        use = group
    desc, green, stream = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    call("cuDevResourceGenerateDesc", ctypes.byref(desc), use, 1)
    call("cuGreenCtxCreate", ctypes.byref(green), desc, dev, 1)    # CU_GREEN_CTX_DEFAULT_STREAM
    call("cuGreenCtxStreamCreate", ctypes.byref(stream), green, 1, 0)   # CU_STREAM_NON_BLOCKING
    return stream.value
