import CInterpose

/// The HIP runtime, through the real functions behind Reef's own wrappers. The "context" of a
/// held command is the submitting thread's device.
final class HIPSchedulerBackend: SchedulerBackend, @unchecked Sendable {
    private let eventCreate: UInt32, eventRecord: UInt32, eventQuery: UInt32, eventSync: UInt32, eventDestroy: UInt32
    private static let disableTiming: UInt64 = 0x2, blockingSync: UInt64 = 0x1

    init?(apis: ApiTable) {
        func id(_ name: String) -> UInt32? { apis.id(named: name).map(UInt32.init) }
        guard let c = id("hipEventCreateWithFlags"), let r = id("hipEventRecord"), let q = id("hipEventQuery"),
              let s = id("hipEventSynchronize"), let d = id("hipEventDestroy") else { return nil }
        (eventCreate, eventRecord, eventQuery, eventSync, eventDestroy) = (c, r, q, s, d)
    }

    private func call(_ api: UInt32, _ args: UInt64...) -> Int32 {
        var c = ReefCall()
        c.api = api
        c.nargs = UInt32(args.count)
        return withUnsafeMutablePointer(to: &c) { p in
            let a = ReefCall.mutableArgs(p)
            for (i, v) in args.enumerated() { a[i] = v }
            return reef_forward(p)
        }
    }

    func forward(_ call: UnsafeMutablePointer<ReefCall>) -> Int32 { reef_forward(call) }

    func createMarker() -> UInt64? {
        var event: UInt64 = 0
        let r = withUnsafeMutablePointer(to: &event) {
            call(eventCreate, UInt64(UInt(bitPattern: $0)), Self.disableTiming | Self.blockingSync)
        }
        return r == 0 ? event : nil
    }

    func record(_ event: UInt64, on stream: UInt64) -> Int32 { call(eventRecord, event, stream) }
    func query(_ event: UInt64) -> Int32 { call(eventQuery, event) }
    func synchronize(_ event: UInt64) -> Int32 { call(eventSync, event) }
    func destroy(_ event: UInt64) { _ = call(eventDestroy, event) }
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
