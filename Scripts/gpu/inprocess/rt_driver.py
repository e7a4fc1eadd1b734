"""ctypes binding of rt_driver.c (the GIL-free real-time client)."""
import ctypes


class RTDriver:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        u64, p = ctypes.c_uint64, ctypes.c_void_p
        self.lib.rt_driver_run.argtypes = [u64, ctypes.c_int, ctypes.c_int, ctypes.c_int, u64, u64, u64, p,
                                           ctypes.POINTER(u64), ctypes.POINTER(u64), ctypes.POINTER(u64),
                                           ctypes.POINTER(u64), ctypes.POINTER(u64), ctypes.POINTER(ctypes.c_int)]
        self.lib.rt_driver_run.restype = ctypes.c_int
        self.lib.rt_driver_error.restype = ctypes.c_char_p

    def run(self, graph, high_priority, requests, period_ms, out_ptr, out_bytes, reference_bytes, warmup=20):
        """Returns (latencies, device times, host submission times (all in ms), start_ns, end_ns,
        mismatching requests)."""
        lat = (ctypes.c_uint64 * requests)()
        gpu = (ctypes.c_uint64 * requests)()
        launch = (ctypes.c_uint64 * requests)()
        start, end, mism = ctypes.c_uint64(), ctypes.c_uint64(), ctypes.c_int()
        ref = ctypes.create_string_buffer(reference_bytes, len(reference_bytes))
        rc = self.lib.rt_driver_run(graph, int(high_priority), warmup, requests, int(period_ms * 1e6), out_ptr,
                                    out_bytes, ref, lat, gpu, launch, ctypes.byref(start), ctypes.byref(end), ctypes.byref(mism))
        if rc != 0:
            raise RuntimeError("rt_driver_run: " + self.lib.rt_driver_error().decode())
        return ([v / 1e6 for v in lat], [v / 1e6 for v in gpu], [v / 1e6 for v in launch], start.value, end.value,
                mism.value)
