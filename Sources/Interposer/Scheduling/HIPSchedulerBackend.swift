import CInterpose

/// The HIP runtime, through the real functions behind Reef's own wrappers. The "context" of a
/// held command is the submitting thread's device.
final class HIPSchedulerBackend: SchedulerBackend, @unchecked Sendable {
    private let events: EventCalls

    init?(apis: ApiTable) {
        // hipEventDisableTiming | hipEventBlockingSync
        guard let e = EventCalls(apis: apis, create: "hipEventCreateWithFlags", record: "hipEventRecord",
                                 query: "hipEventQuery", synchronize: "hipEventSynchronize", destroy: "hipEventDestroy",
                                 markerFlags: 0x2 | 0x1) else { return nil }
        events = e
    }

    func forward(_ call: UnsafeMutablePointer<ReefCall>) -> Int32 { reef_forward(call) }
    func createMarker() -> UInt64? { events.createMarker() }
    func record(_ event: UInt64, on stream: UInt64) -> Int32 { events.call(events.record, event, stream) }
    func query(_ event: UInt64) -> Int32 { events.call(events.query, event) }
    func synchronize(_ event: UInt64) -> Int32 { events.call(events.synchronize, event) }
    func destroy(_ event: UInt64) { _ = events.call(events.destroy, event) }
    var notReady: Int32 { 600 }   // hipErrorNotReady

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
}
