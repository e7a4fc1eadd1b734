import CInterpose

/// The runtime's event calls the scheduler's markers use, made through Reef's own forwarders
/// (so they reach the real runtime and are never counted as the application's).
struct EventCalls {
    let create: UInt32, record: UInt32, query: UInt32, synchronize: UInt32, destroy: UInt32
    /// Flags of a marker: no timing, a blocking (not spinning) wait.
    let markerFlags: UInt64

    init?(apis: ApiTable, create: String, record: String, query: String, synchronize: String, destroy: String,
          markerFlags: UInt64) {
        func id(_ name: String) -> UInt32? { apis.id(named: name).map(UInt32.init) }
        guard let c = id(create), let r = id(record), let q = id(query), let s = id(synchronize), let d = id(destroy)
        else { return nil }
        (self.create, self.record, self.query, self.synchronize, self.destroy) = (c, r, q, s, d)
        self.markerFlags = markerFlags
    }

    func call(_ api: UInt32, _ args: UInt64...) -> Int32 {
        var c = ReefCall()
        c.api = api
        c.nargs = UInt32(args.count)
        for (i, v) in args.enumerated() { c.setArg(i, v) }
        return withUnsafeMutablePointer(to: &c) { reef_forward($0) }
    }

    func createMarker() -> UInt64? {
        var event: UInt64 = 0
        let r = withUnsafeMutablePointer(to: &event) { call(create, UInt64(UInt(bitPattern: $0)), markerFlags) }
        return r == 0 ? event : nil
    }
}

/// What CUDA and HIP scheduler backends share: forwarding and marker events through
/// `EventCalls`. Subclasses add the runtime's notion of the submitting thread's context and its
/// priority range.
class EventMarkerBackend: @unchecked Sendable {
    let events: EventCalls
    let notReady: Int32

    init(events: EventCalls, notReady: Int32) {
        self.events = events
        self.notReady = notReady
    }

    func forward(_ call: UnsafeMutablePointer<ReefCall>) -> Int32 { reef_forward(call) }
    func createMarker() -> UInt64? { events.createMarker() }
    func record(_ event: UInt64, on stream: UInt64) -> Int32 { events.call(events.record, event, stream) }
    func query(_ event: UInt64) -> Int32 { events.call(events.query, event) }
    func synchronize(_ event: UInt64) -> Int32 { events.call(events.synchronize, event) }
    func destroy(_ event: UInt64) { _ = events.call(events.destroy, event) }
}
