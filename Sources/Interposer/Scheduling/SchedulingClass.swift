/// How urgent a stream's work is. Lower raw values are more urgent, so more levels can be added
/// between the two without changing comparisons.
enum SchedulingClass: UInt8, Comparable, Sendable {
    case realtime = 0
    case bestEffort = 100

    init?(name: String) {
        switch name.lowercased() {
        case "rt", "realtime", "real-time": self = .realtime
        case "be", "besteffort", "best-effort": self = .bestEffort
        default: return nil
        }
    }

    var name: String { self == .realtime ? "rt" : "be" }

    static func < (a: SchedulingClass, b: SchedulingClass) -> Bool { a.rawValue < b.rawValue }
}
