/// Where the dispatcher's time goes (REEF_STATS `dispatcher_ms`): so a GPU run that shows low
/// best-effort throughput also shows why — real-time work, the linger after it, a full window
/// waiting for the device, held work blocked on a dependency, nothing held at all, or waiting
/// for REEF_RT_NUDGE's kernel in another context.
/// Written by the dispatcher only; read (atomics) at exit.
struct DispatcherTimeline {
    enum Phase: Int, CaseIterable {
        case idle, realtime, linger, windowFull, blocked, releasing, capture, nudge
        var name: String {
            switch self {
            case .idle: return "nothing_held"
            case .realtime: return "realtime"
            case .linger: return "linger"
            case .windowFull: return "window_full"
            case .blocked: return "held_but_blocked"
            case .releasing: return "releasing"
            case .capture: return "capture"
            case .nudge: return "nudge"
            }
        }
    }

    private let nanos = CounterArray(count: Phase.allCases.count)
    private var phase = Phase.idle
    private var since: UInt64 = 0

    /// Charges the time since the last call to the phase then in effect, and enters `next`.
    mutating func enter(_ next: Phase, now: UInt64) {
        if since != 0 && now > since { nanos.add(phase.rawValue, now - since) }
        phase = next
        since = now
    }

    func json() -> String {
        "{" + Phase.allCases.map { "\"\($0.name)\":\(nanos.load($0.rawValue) / 1_000_000)" }.joined(separator: ",") + "}"
    }
}
