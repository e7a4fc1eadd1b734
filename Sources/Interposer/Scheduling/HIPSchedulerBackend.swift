import CInterpose

/// The HIP runtime, through the real functions behind Reef's own wrappers. The "context" of a
/// held command is the submitting thread's device.
final class HIPSchedulerBackend: EventMarkerBackend, SchedulerBackend, @unchecked Sendable {
    init?(apis: ApiTable) {
        // hipEventDisableTiming | hipEventBlockingSync; hipErrorNotReady is 600.
        guard let e = EventCalls(apis: apis, create: "hipEventCreateWithFlags", record: "hipEventRecord",
                                 query: "hipEventQuery", synchronize: "hipEventSynchronize", destroy: "hipEventDestroy",
                                 markerFlags: 0x2 | 0x1) else { return nil }
        super.init(events: e, notReady: 600)
    }

    // Device ids are stored +1 so that 0 means "unknown".
    func currentContext() -> UInt64 {
        var device: Int32 = 0
        return reef_hip_get_device(&device) == 0 ? UInt64(device) + 1 : 0
    }

    func makeCurrent(_ context: UInt64) {
        if context != 0 { _ = reef_hip_set_device(Int32(context - 1)) }
    }

    func priorityRange() -> (least: Int32, greatest: Int32)? {
        var least: Int32 = 0, greatest: Int32 = 0
        return reef_hip_stream_priority_range(&least, &greatest) == 0 ? (least, greatest) : nil
    }

    /// HIP 5.2 has no device UUID query Reef relies on: the ordinal names the GPU (REEF_GPU).
    func deviceIdentity() -> String? { nil }

    func hostMemoryIsPinned(_ address: UInt64) -> Bool? {
        let r = reef_hip_host_memory_is_pinned(UnsafeRawPointer(bitPattern: UInt(address)))
        return r < 0 ? nil : r == 1
    }
}
