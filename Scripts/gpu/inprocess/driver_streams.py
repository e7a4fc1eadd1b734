"""Streams the in-process benchmark makes through the driver API with ctypes (so, under Reef,
through Reef's own wrappers): a stream of a green context (CUDA 12.4+) for the BE_GREEN rows
(does BE work in another context leave RT's device time alone, where BE work on an ordinary stream
of RT's context slows it 12-13 %, bench/results/rt-slowdown-diag.md?), and a stream of the
greatest priority to capture the RT graph on (RT_CAPTURE_HIGH=1), which Reef classes real-time
and so never moves to its best-effort context (REEF_BE_CONTEXT=green). Resources are opaque
512-byte buffers, as in Reef's own partition code (CUdevResource is 144 bytes in the headers that
introduced it)."""
import ctypes


def greatest_priority_stream():
    """The raw handle (int) of a new non-blocking stream of the greatest priority."""
    cu = ctypes.CDLL("libcuda.so.1")
    least, greatest, stream = ctypes.c_int(), ctypes.c_int(), ctypes.c_void_p()
    for name, args in (("cuCtxGetStreamPriorityRange", (ctypes.byref(least), ctypes.byref(greatest))),
                       ("cuStreamCreateWithPriority", (ctypes.byref(stream), 1, greatest))):
        r = getattr(cu, name)(*args)
        if r != 0:
            raise RuntimeError("RT_CAPTURE_HIGH: %s returned %d" % (name, r))
    return stream.value


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
