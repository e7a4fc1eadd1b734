/// Latencies of the preemptions the dispatcher saw, for REEF_STATS: from the first real-time
/// command of a burst (arrival) to the dispatcher noticing it (best-effort release stopped), and
/// to the moment no released best-effort command was still running (the device is real-time's).
/// Written by the dispatcher thread only; read at exit.
final class PreemptionLog {
    static let capacity = 8192
    private(set) var stopped: [UInt32] = []
    private(set) var drained: [UInt32] = []
    private(set) var dropped = 0

    init() {
        stopped.reserveCapacity(Self.capacity)
        drained.reserveCapacity(Self.capacity)
    }

    func add(arrival: UInt64, stopped stop: UInt64, drained drain: UInt64) {
        guard stopped.count < Self.capacity else { dropped += 1; return }
        stopped.append(Self.micros(from: arrival, to: stop))
        drained.append(Self.micros(from: arrival, to: drain))
    }

    private static func micros(from a: UInt64, to b: UInt64) -> UInt32 {
        b > a ? UInt32(min((b - a) / 1000, UInt64(UInt32.max))) : 0
    }

    /// `{"count", "dropped", "stopped_us": [...], "drained_us": [...]}` in arrival order.
    func json() -> String {
        "{\"count\":\(stopped.count),\"dropped\":\(dropped),\"stopped_us\":[" + stopped.map(String.init).joined(separator: ",")
            + "],\"drained_us\":[" + drained.map(String.init).joined(separator: ",") + "]}"
    }
}
