import ArgumentParser
import ControlPlane
import CControl

/// `reefctl policy get|set`: the scheduling policy every attached process follows.
struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read or change the scheduling policy of all attached processes.",
        subcommands: [Get.self, Set.self]
    )

    enum Key: String, ExpressibleByArgument, CaseIterable {
        case window, linger_us, padding, pad_slack_us

        /// Numeric keys' range (0 always means unset).
        var range: ClosedRange<UInt64> {
            switch self {
            case .window: return 1...1024
            case .linger_us: return 1...10_000_000
            case .padding: return 1...2
            case .pad_slack_us: return 1...1_000_000
            }
        }

        /// The stored word for a value as typed; nil when it is not one this key takes.
        func parse(_ text: String) -> UInt64? {
            if self == .padding {
                switch text.lowercased() {
                case "on": return UInt64(REEF_CONTROL_PADDING_ON)
                case "off": return UInt64(REEF_CONTROL_PADDING_OFF)
                case "unset", "0": return UInt64(REEF_CONTROL_PADDING_UNSET)
                default: return nil
                }
            }
            guard let v = UInt64(text), v == 0 || range.contains(v) else { return nil }
            return v
        }

        /// A stored word as reefctl prints it.
        func describe(_ v: UInt64) -> String {
            if v == 0 { return "unset" }
            if self == .padding { return v == UInt64(REEF_CONTROL_PADDING_ON) ? "on" : v == UInt64(REEF_CONTROL_PADDING_OFF) ? "off" : "invalid(\(v))" }
            return String(v)
        }

        var expected: String {
            self == .padding ? "on, off or unset" : "0 (unset) or within \(range.lowerBound)...\(range.upperBound)"
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the policy (unset: each process uses its environment's value).",
            discussion: "Keys: window (best-effort commands in flight per stream), linger_us, padding (kernel padding on/off), pad_slack_us. Exit status 0; 1 when the segment cannot be opened."
        )
        @Argument(help: "One key (window, linger_us, padding, pad_slack_us); all when omitted.") var key: Key?
        @Option(help: "Segment name.") var segment: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let s = try openSegment(segment, writable: false, command: "policy get")
            let values: [(Key, UInt64)] = [(.window, s.policyWindow), (.linger_us, s.policyLingerMicros),
                                           (.padding, s.policyPadding), (.pad_slack_us, s.policyPadSlackMicros)]
            let shown = values.filter { key == nil || $0.0 == key }
            if json {
                print("{" + shown.map { k, v in
                    "\"\(k.rawValue)\":" + (k == .padding ? (v == 0 ? "null" : "\"\(k.describe(v))\"") : String(v))
                }.joined(separator: ",") + "}")
            } else {
                for (k, v) in shown { print("\(k.rawValue) \(k.describe(v))") }
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a policy value for every attached process (0 or unset unsets it).",
            discussion: """
            window: best-effort commands in flight per stream, 1-1024 (REEF_BE_WINDOW). \
            linger_us: how long best-effort work stays held after the last real-time command \
            while the application has not waited for it, 1-10000000 (REEF_RT_LINGER_US). \
            padding: on or off, kernel padding (REEF_PADDING): best-effort kernels that fit \
            beside running real-time work run on part of the GPU. pad_slack_us: margin between \
            a padded kernel's predicted end and the real-time work's, 1-1000000 \
            (REEF_PAD_SLACK_US). Processes read the policy on every dispatcher pass. Exit status \
            0; 1 when the segment cannot be opened; 2 for an unknown key or a bad value.
            """
        )
        @Argument(help: "window, linger_us, padding or pad_slack_us.") var key: Key
        @Argument(help: "The value (padding: on, off or unset); 0 = unset.") var value: String
        @Option(help: "Segment name.") var segment: String?

        func validate() throws {
            if key.parse(value) == nil {
                throw ValidationError("\(key.rawValue) must be \(key.expected), not \(value)")
            }
        }

        func run() throws {
            let s = try openSegment(segment, writable: true, command: "policy set")
            let word = key.parse(value) ?? 0
            switch key {
            case .window: s.policyWindow = word
            case .linger_us: s.policyLingerMicros = word
            case .padding: s.policyPadding = word
            case .pad_slack_us: s.policyPadSlackMicros = word
            }
            print("\(key.rawValue) \(key.describe(word))")
        }
    }
}
