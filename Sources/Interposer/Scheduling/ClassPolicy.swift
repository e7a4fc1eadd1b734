/// Which class a stream belongs to: REEF_RT_STREAMS names streams explicitly (creation ordinals
/// `#1`, `legacy`, or handles `0x…`); a stream created at a priority more urgent than the
/// runtime's default is real-time (the greatest the runtime allows, and also PyTorch's
/// `torch.cuda.Stream(priority=-1)`: PyTorch never creates CUDA's greatest level, -5 on an H100);
/// everything else takes the process default, REEF_CLASS (default `be`).
struct ClassPolicy: Sendable {
    enum Selector: Equatable, Sendable {
        case ordinal(Int)
        case legacy
        case handle(UInt64)
    }

    let processDefault: SchedulingClass
    let realtimeStreams: [Selector]

    /// Parses REEF_RT_STREAMS; returns the selectors and the entries it could not read.
    static func parseSelectors(_ text: String) -> ([Selector], [String]) {
        var selectors: [Selector] = []
        var bad: [String] = []
        for raw in text.split(separator: ",") {
            let item = raw.trimmingSpaces()
            if item.isEmpty { continue }
            if item == "legacy" || item == "default" || item == "0" {
                selectors.append(.legacy)
            } else if item.hasPrefix("#"), let n = Int(item.dropFirst()), n > 0 {
                selectors.append(.ordinal(n))
            } else if item.hasPrefix("0x"), let h = UInt64(item.dropFirst(2), radix: 16) {
                selectors.append(h == 0 ? .legacy : .handle(h))
            } else {
                bad.append(item)
            }
        }
        return (selectors, bad)
    }

    /// The class of a stream. `ordinal` is its creation number in this process (nil for the
    /// legacy stream or streams Reef did not see created); `priority` comes from
    /// cuStreamCreateWithPriority and `least` is the runtime's default, least urgent, priority
    /// (more urgent = numerically lower).
    func classify(handle: UInt64, ordinal: Int?, priority: Int32?, least: Int32?) -> SchedulingClass {
        for s in realtimeStreams {
            switch s {
            case .legacy where handle == StreamIdentity.legacy: return .realtime
            case let .ordinal(n) where ordinal == n: return .realtime
            case let .handle(h) where h == handle: return .realtime
            default: continue
            }
        }
        if let priority, let least, priority < least { return .realtime }
        return processDefault
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
