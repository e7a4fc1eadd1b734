/// Scheduling settings from the environment. Scheduling is opt-in while it is being built:
/// REEF_SCHEDULE=on. REEF_CLASS=rt|be (process default, `be`), REEF_RT_STREAMS (see
/// ClassPolicy), REEF_BE_WINDOW (commands in flight per best-effort stream, 4: chosen on the H100, see bench/results/inprocess-h100-window-sweep.md),
/// REEF_RT_LINGER_US (how long best-effort stays held after the last real-time command while the
/// host has not yet waited for the real-time work, 500: a request that ends with a synchronize
/// releases best-effort work at once), REEF_BE_INFLIGHT_US (optional: a stream's released work is
/// also bounded by its predicted device time, learned per kernel shape; at least one command),
/// REEF_BE_GATE=on|off (released best-effort kernels wait behind a gate real-time work closes; by
/// default on, with a window of 8 unless REEF_BE_WINDOW says otherwise, only in a process without
/// real-time streams once another process's real-time work was seen;
/// REEF_BE_GATE_US, 50: learned kernel time between gates, 0 = a gate before every kernel),
/// REEF_RT_PREDICT=on (periodic RT: best-effort kernels that would run into its next predicted
/// arrival wait for it), REEF_BE_CONTEXT=green|shared (CUDA: best-effort streams made in a green
/// context spanning the device; default shared, the app's own context), REEF_RT_NUDGE=on|off|N
/// (CUDA: an empty kernel in a private context after every Nth real-time busy period that ends
/// with best-effort work pending; default 10; REEF_RT_NUDGE_FOREIGN=on: also when another
/// process's real-time busy period ends), REEF_RT_PREWARM=on|off|<µs> (CUDA: an empty kernel
/// in the real-time context that long before each predicted periodic request, beside a
/// best-effort process; default on, 300), REEF_RT_CONTEXT=green|shared
/// (the same for real-time streams, in another green context).
enum SchedulingSettings {
    static func fromEnvironment(log: Log) -> Scheduler.Settings? {
        guard Environment.flag("REEF_SCHEDULE", log: log) == true else { return nil }
        var processDefault = SchedulingClass.bestEffort
        if let c = Environment.string("REEF_CLASS") {
            if let parsed = SchedulingClass(name: c) { processDefault = parsed }
            else { log.write(.warn, "REEF_CLASS=\(c) is not rt or be; using be") }
        }
        var selectors: [ClassPolicy.Selector] = []
        if let list = Environment.string("REEF_RT_STREAMS") {
            let (parsed, bad) = ClassPolicy.parseSelectors(list)
            selectors = parsed
            if !bad.isEmpty {
                log.write(.warn, "REEF_RT_STREAMS: ignoring \(bad.joined(separator: ",")); use #N (Nth stream created), legacy, or 0x<handle>")
            }
        }
        func number(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
            Environment.number(name, default: value, range: range, log: log)
        }
        func ownContext(_ name: String) -> Bool {
            guard let c = Environment.string(name), !c.isEmpty else { return false }
            switch c.lowercased() {
            case "green": return true
            case "shared": return false
            default:
                log.write(.warn, "\(name)=\(c) is not green or shared; using shared")
                return false
            }
        }
        var settings = Scheduler.Settings(
            policy: ClassPolicy(processDefault: processDefault, realtimeStreams: selectors),
            window: number("REEF_BE_WINDOW", default: 4, range: 1...1024),
            lingerNanos: UInt64(number("REEF_RT_LINGER_US", default: 500, range: 0...10_000_000)) * 1000,
            maxHeldPerStream: number("REEF_MAX_HELD", default: 4096, range: 16...1_000_000),
            inFlightBudgetNanos: Environment.string("REEF_BE_INFLIGHT_US") == nil ? nil
                : UInt64(number("REEF_BE_INFLIGHT_US", default: 200, range: 1...10_000_000)) * 1000,
            gate: Environment.flag("REEF_BE_GATE", log: log),
            gateEveryNanos: UInt64(number("REEF_BE_GATE_US", default: 50, range: 0...1_000_000)) * 1000,
            predictHold: Environment.flag("REEF_RT_PREDICT", log: log) ?? false,
            padding: PaddingConfig.fromEnvironment(log: log))
        settings.windowAsked = Environment.string("REEF_BE_WINDOW") != nil
        settings.bestEffortContext = ownContext("REEF_BE_CONTEXT")
        settings.realtimeContext = ownContext("REEF_RT_CONTEXT")
        if let v = Environment.string("REEF_RT_NUDGE"), !v.isEmpty {
            settings.nudgeAsked = true
            switch v.lowercased() {
            case "on", "yes", "true": settings.nudgeEvery = 1
            case "off", "no", "false": settings.nudgeEvery = 0
            default: settings.nudgeEvery = number("REEF_RT_NUDGE", default: settings.nudgeEvery, range: 0...1_000_000)
            }
        }
        settings.nudgeForeign = Environment.flag("REEF_RT_NUDGE_FOREIGN", log: log) ?? false
        settings.debugDispatcherStallMicros = UInt32(number("REEF_DEBUG_STALL_DISPATCHER_MS", default: 0, range: 0...60_000)) * 1000
        if let v = Environment.string("REEF_RT_PREWARM"), !v.isEmpty {
            settings.prewarmAsked = true
            switch v.lowercased() {
            case "on", "yes", "true": break
            case "off", "no", "false": settings.prewarmLeadNanos = 0
            default:
                settings.prewarmLeadNanos = UInt64(number("REEF_RT_PREWARM", default: Int(settings.prewarmLeadNanos / 1000), range: 0...1_000_000)) * 1000
            }
        }
        return settings
    }
}
