/// Padding knobs from the environment (off by default until a GPU says what it is worth):
/// REEF_PADDING=on, REEF_PAD_PARTITIONS=<SM/CU counts, e.g. 16,32,64> (default: an eighth, a
/// quarter and half of the device, in steps of 8), REEF_PAD_SLACK_US (100), REEF_PAD_MIN_SAMPLES
/// (3), REEF_PAD_GRAPH_UNITS (SMs/CUs a real-time graph launch is assumed to occupy: Reef cannot
/// see inside it; default all, so graphs get no kernels beside them unless this says otherwise),
/// REEF_PROFILE=<path> (learned kernel durations loaded at start, saved at exit), REEF_PAD_PREDICT=on
/// (confine, while RT is idle, kernels that would overlap periodic RT's predicted next arrival),
/// and REEF_PAD_FORCE=1, a testing aid that pads every held kernel while real-time work runs,
/// whatever the rules say (it exercises the ordering of padded kernels, not the policy).
struct PaddingConfig {
    var settings: PaddingSettings
    /// As written; resolved against the device's size once it is known.
    var partitionText: String?
    var graphUnits: Int?
    var force: Bool
    /// REEF_PAD_PREDICT=on: also while RT is idle, a BE kernel that would still run when
    /// periodic RT work is predicted to arrive goes to a partition that leaves RT its SMs.
    var predictArrivals = false
    /// REEF_PROFILE: kernel durations and occupancy loaded at start and saved at exit, so a
    /// service starts with what its last run learned.
    var profilePath: String? = nil

    /// Always a configuration: `settings.enabled` says whether REEF_PADDING turned it on
    /// (`reefctl policy set padding on|off` overrides it at run time).
    static func fromEnvironment(log: Log) -> PaddingConfig {
        let on = Environment.flag("REEF_PADDING", log: log) ?? false
        func number(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            Environment.number(name, default: value, range: range, log: log)
        }
        var s = PaddingSettings(enabled: on)
        s.slackNanos = UInt64(number("REEF_PAD_SLACK_US", default: 100, range: 0...1_000_000)) * 1000
        s.minSamples = number("REEF_PAD_MIN_SAMPLES", default: 3, range: 1...1000)
        let graph = Environment.string("REEF_PAD_GRAPH_UNITS") == nil ? nil : number("REEF_PAD_GRAPH_UNITS", default: 0, range: 0...100_000)
        let force = ["1", "on", "yes", "true"].contains((Environment.string("REEF_PAD_FORCE") ?? "").lowercased())
        let predict = ["1", "on", "yes", "true"].contains((Environment.string("REEF_PAD_PREDICT") ?? "").lowercased())
        return PaddingConfig(settings: s, partitionText: Environment.string("REEF_PAD_PARTITIONS"), graphUnits: graph, force: force,
                             predictArrivals: predict,
                             profilePath: Environment.string("REEF_PROFILE").flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The partitions for a device of `units` SMs/CUs: the knob's, else 1/8, 1/4 and 1/2 of it
    /// rounded down to multiples of 8 (NVIDIA's green-context granularity), at least 8.
    func partitions(units: Int, log: Log) -> [Int] {
        if let text = partitionText {
            if let p = PaddingPolicy.parsePartitions(text, totalSMs: units) { return p }
            log.write(.warn, "REEF_PAD_PARTITIONS=\(text) is not a list of counts in 1...\(units - 1); using the defaults")
        }
        let sizes = [units / 8, units / 4, units / 2].map { max(8, $0 / 8 * 8) }.filter { $0 < units }
        return PaddingPolicy.sortedUnique(sizes)
    }
}
