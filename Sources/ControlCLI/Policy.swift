import ArgumentParser
import ControlPlane

/// `reefctl policy get|set`: the scheduling policy every attached process follows.
struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read or change the scheduling policy of all attached processes.",
        subcommands: [Get.self, Set.self]
    )

    enum Key: String, ExpressibleByArgument, CaseIterable {
        case window, linger_us

        var range: ClosedRange<UInt64> { self == .window ? 1...1024 : 1...10_000_000 }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the policy (0 = unset: each process uses its environment's value).",
            discussion: "Keys: window (best-effort commands in flight per stream), linger_us. Exit status 0; 1 when the segment cannot be opened."
        )
        @Argument(help: "One key (window, linger_us); all when omitted.") var key: Key?
        @Option(help: "Segment name.") var segment: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let s = try openSegment(segment, writable: false, command: "policy get")
            let values: [(Key, UInt64)] = [(.window, s.policyWindow), (.linger_us, s.policyLingerMicros)]
            let shown = values.filter { key == nil || $0.0 == key }
            if json {
                print("{" + shown.map { "\"\($0.0.rawValue)\":\($0.1)" }.joined(separator: ",") + "}")
            } else {
                for (k, v) in shown { print("\(k.rawValue) \(v == 0 ? "unset" : String(v))") }
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a policy value for every attached process (0 unsets it).",
            discussion: """
            window: best-effort commands in flight per stream, 1-1024 (REEF_BE_WINDOW). \
            linger_us: how long best-effort work stays held after the last real-time command \
            while the application has not waited for it, 1-10000000 (REEF_RT_LINGER_US). \
            Processes read the policy on every dispatcher pass. Exit status 0; 1 when the \
            segment cannot be opened; 2 for an unknown key or a value out of range.
            """
        )
        @Argument(help: "window or linger_us.") var key: Key
        @Argument(help: "The value; 0 = unset.") var value: UInt64
        @Option(help: "Segment name.") var segment: String?

        func validate() throws {
            if value != 0 && !key.range.contains(value) {
                throw ValidationError("\(key.rawValue) must be 0 (unset) or within \(key.range.lowerBound)...\(key.range.upperBound), not \(value)")
            }
        }

        func run() throws {
            let s = try openSegment(segment, writable: true, command: "policy set")
            switch key {
            case .window: s.policyWindow = value
            case .linger_us: s.policyLingerMicros = value
            }
            print("\(key.rawValue) \(value == 0 ? "unset" : String(value))")
        }
    }
}
