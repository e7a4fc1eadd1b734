import CInterpose

/// What the scheduler needs from a runtime beyond forwarding the application's own calls:
/// marker events it owns, and the submitting thread's context. The Swift core reaches a vendor
/// only through this.
protocol SchedulerBackend: AnyObject {
    func forward(_ call: UnsafeMutablePointer<ReefCall>) -> Int32
    /// A new event for completion tracking (no timing; blocking wait), or nil.
    func createMarker() -> UInt64?
    func record(_ event: UInt64, on stream: UInt64) -> Int32
    /// 0 when complete, the runtime's not-ready code while pending, another error otherwise.
    func query(_ event: UInt64) -> Int32
    func synchronize(_ event: UInt64) -> Int32
    func destroy(_ event: UInt64)
    var notReady: Int32 { get }
    func currentContext() -> UInt64
    func makeCurrent(_ context: UInt64)
    /// The runtime's stream priority range (greatest = most urgent = numerically lowest).
    func priorityRange() -> (least: Int32, greatest: Int32)?
    /// Whether host memory at `address` is page-locked (true), pageable (false), or unknown.
    func hostMemoryIsPinned(_ address: UInt64) -> Bool?
    /// The calling thread's GPU, the same in every process (a UUID), or nil.
    func deviceIdentity() -> String?
    /// REEF_BE_CONTEXT / REEF_RT_CONTEXT=green: a new non-blocking stream in a context of its own
    /// that spans the device (CUDA: a green context; one per class), or nil where the runtime
    /// has none.
    func wholeDeviceStream(for cls: SchedulingClass, priority: Int32) -> UInt64?
    func synchronizeStream(_ stream: UInt64) -> Int32
    func destroyStream(_ stream: UInt64) -> Int32
    /// REEF_RT_NUDGE: one empty kernel in a private context of the current device, waited for
    /// up to `waitNanos`: 0, `notReady` (still running at the deadline), another error, or nil
    /// where the runtime has no such context.
    func nudgeOtherContext(waitNanos: UInt64) -> Int32?
    /// REEF_RT_PREWARM: one empty kernel in the calling thread's context, not waited for
    /// (`launch` false: only load it, which may take milliseconds): 0, an error, or nil where
    /// the runtime has no such kernel.
    func prewarmRealtimeContext(launch: Bool) -> Int32?
}

/// The CUDA driver, through the real functions behind Reef's own wrappers.
final class CUDASchedulerBackend: EventMarkerBackend, SchedulerBackend, @unchecked Sendable {
    init?(apis: ApiTable) {
        guard let e = EventCalls(apis: apis, create: "cuEventCreate", record: "cuEventRecord", query: "cuEventQuery",
                                 synchronize: "cuEventSynchronize", destroy: "cuEventDestroy_v2",
                                 markerFlags: UInt64(CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC)) else { return nil }
        super.init(events: e, notReady: Int32(CUDA_ERROR_NOT_READY))
    }

    func currentContext() -> UInt64 {
        var ctx: CUcontext? = nil
        return reef_cu_ctx_get_current(&ctx) == 0 ? UInt64(UInt(bitPattern: ctx)) : 0
    }

    func makeCurrent(_ context: UInt64) {
        if context != 0 { _ = reef_cu_ctx_set_current(CUcontext(bitPattern: UInt(context))) }
    }

    func priorityRange() -> (least: Int32, greatest: Int32)? {
        var least: Int32 = 0, greatest: Int32 = 0
        return reef_cu_stream_priority_range(&least, &greatest) == 0 ? (least, greatest) : nil
    }

    func hostMemoryIsPinned(_ address: UInt64) -> Bool? {
        let r = reef_cu_host_memory_is_pinned(UnsafeRawPointer(bitPattern: UInt(address)))
        return r < 0 ? nil : r == 1
    }

    func wholeDeviceStream(for cls: SchedulingClass, priority: Int32) -> UInt64? {
        var s: CUstream? = nil
        guard reef_cu_whole_device_stream(cls == .realtime ? 1 : 0, priority, &s) == 0, let s else { return nil }
        return UInt64(UInt(bitPattern: s))
    }

    func synchronizeStream(_ stream: UInt64) -> Int32 {
        reef_cu_stream_synchronize(CUstream(bitPattern: UInt(stream)))
    }

    func destroyStream(_ stream: UInt64) -> Int32 {
        reef_cu_stream_destroy(CUstream(bitPattern: UInt(stream)))
    }

    func nudgeOtherContext(waitNanos: UInt64) -> Int32? {
        reef_cu_context_nudge(waitNanos)
    }

    func prewarmRealtimeContext(launch: Bool) -> Int32? { reef_cu_context_prewarm(launch ? 1 : 0) }

    func deviceIdentity() -> String? {
        var buffer = [CChar](repeating: 0, count: 33)
        guard reef_cu_device_uuid(&buffer) == 0 else { return nil }
        return "gpu-" + String(decoding: buffer.prefix(32).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Runtimes without a context of their own for best-effort work (HIP: CU masks confine a queue
/// but share everything else) make no such streams.
extension SchedulerBackend {
    func wholeDeviceStream(for cls: SchedulingClass, priority: Int32) -> UInt64? { nil }
    func synchronizeStream(_ stream: UInt64) -> Int32 { 0 }
    func destroyStream(_ stream: UInt64) -> Int32 { 0 }
    func nudgeOtherContext(waitNanos: UInt64) -> Int32? { nil }
    func prewarmRealtimeContext(launch: Bool) -> Int32? { nil }
}
