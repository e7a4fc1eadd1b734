import CInterpose

/// Which stream a call really targets. The null stream means the legacy default stream in a
/// legacy-form call and the per-thread stream in a _ptsz/_ptds/_spt call; CUDA's explicit
/// CU_STREAM_LEGACY handle is the same stream as null.
enum StreamIdentity {
    static let legacy: UInt64 = 0
    static let perThread: UInt64 = 2   // CU_STREAM_PER_THREAD == hipStreamPerThread

    @inline(__always) static func resolve(_ handle: UInt64, perThreadForm: Bool, runtime: UInt8) -> UInt64 {
        if handle == 0 { return perThreadForm ? perThread : legacy }
        if handle == 1 && runtime == UInt8(REEF_RUNTIME_CUDA) { return legacy }
        return handle
    }
}
