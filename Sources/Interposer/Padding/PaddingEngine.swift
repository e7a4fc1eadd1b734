/// The dispatcher's side of kernel padding: learns best-effort kernels' durations from timing
/// events around sampled releases (while no real-time work runs), knows the partition streams,
/// and answers, for a held kernel while real-time work runs, whether and where it may run now.
/// Dispatcher thread only, apart from `json()` (read at exit, when the dispatcher is done).
final class PaddingEngine {
    let config: PaddingConfig
    let backend: PaddingBackend
    let log: Log
    /// Replaced by REEF_PROFILE's contents in `prepare` (not in the library constructor, where
    /// nothing may hash).
    private(set) var profile = KernelProfileTable(capacity: PaddingEngine.profileCapacity)
    static let profileCapacity = 4096
    private(set) var policy: PaddingPolicy?
    private(set) var rt: RealtimeActivityModel?
    private(set) var units = 0
    private var attempts = 0
    /// One stream per policy partition, made on first use (nil entry: could not be made).
    private var streams: [UInt64?] = []
    private var streamsTried: [Bool] = []
    /// Functions a launch onto a partition stream failed for: held as without padding.
    private var refused: Set<UInt64> = []

    /// A timing pair in flight: around a sampled normal release (learns the full-device
    /// duration) or around a padded kernel (checks the prediction).
    struct Sample { let start: UInt64; let end: UInt64; let shape: KernelShape; let predicted: UInt64?; let partition: Int? }
    /// Per partition: actual / predicted device time of padded kernels, an EWMA (1/8) started at 1.
    private(set) var slowdown: [Double] = []
    private var pending: [Sample] = []
    private var timingEvents: [UInt64] = []
    private var releasesSinceSample = 0
    static let maxPending = 32

    // Counters (reported in REEF_STATS).
    private(set) var padded: UInt64 = 0
    private(set) var holds: [PaddingHoldReason: UInt64] = [:]
    private(set) var checkedPadded: UInt64 = 0
    private(set) var mispredicted: UInt64 = 0
    private(set) var samples: UInt64 = 0
    private(set) var partitionUse: [Int: UInt64] = [:]

    init(config: PaddingConfig, backend: PaddingBackend, log: Log) {
        self.config = config
        self.backend = backend
        self.log = log
    }

    private func loadProfile() {
        guard let path = config.profilePath, let text = AtomicFile.read(path, limit: 16 << 20) else { return }
        guard let loaded = KernelProfileTable.parse(text, capacity: Self.profileCapacity) else {
            log.write(.warn, "REEF_PROFILE: \(path) is not a Reef kernel profile (first line `reef-profile 1`); starting without it")
            return
        }
        profile = loaded
        log.write(.info, "REEF_PROFILE: \(loaded.count) kernel shapes loaded from \(path)")
    }

    /// Writes what was learned to REEF_PROFILE (at exit).
    func saveProfile() {
        guard let path = config.profilePath, profile.count > 0 else { return }
        if let error = AtomicFile.write(profile.serialized(), to: path) {
            log.write(.warn, "REEF_PROFILE: \(error); the kernel profile was not saved")
        }
    }

    /// Learns the device's size (in `context`, made current) and builds the policy; false when
    /// it cannot (padding stays off; a few tries, since the first may come before any context).
    func prepare(context: UInt64, makeCurrent: (UInt64) -> Void) -> Bool {
        if policy != nil { return true }
        guard attempts < 8 else { return false }
        attempts += 1
        makeCurrent(context)
        let n = backend.computeUnits()
        guard n > 1 else {
            if attempts == 8 {
                log.once(.paddingUnavailable, .warn, "padding: the runtime does not report the device's SM/CU count; best-effort work is held as without padding")
            }
            return false
        }
        units = n
        loadProfile()
        var s = config.settings
        s.partitions = config.partitions(units: n, log: log)
        policy = PaddingPolicy(settings: s, totalSMs: n)
        rt = RealtimeActivityModel(totalSMs: n, minSamples: s.minSamples)
        streams = Array(repeating: nil, count: policy!.settings.partitions.count)
        streamsTried = Array(repeating: false, count: streams.count)
        slowdown = Array(repeating: 1, count: streams.count)
        // Timing events are made here, never under the scheduler's lock (releases take them).
        for _ in 0..<(2 * Self.maxPending) {
            guard let e = backend.createTimingEvent() else { break }
            timingEvents.append(e)
        }
        return true
    }

    /// reefctl's slack (nil: the environment's), applied to the policy in place.
    func setSlack(_ nanos: UInt64?) {
        guard let policy else { return }
        let want = nanos ?? config.settings.slackNanos
        guard policy.settings.slackNanos != want else { return }
        var s = policy.settings
        s.slackNanos = want
        self.policy = PaddingPolicy(settings: s, totalSMs: units)
    }

    /// Runtime calls: make the current thread's context current first.
    func occupancy(_ shape: KernelShape, moduleFunction: Bool) -> Int? {
        if let e = profile.estimate(shape), let b = e.blocksPerSM { return b }
        let b = backend.blocksPerUnit(function: shape.function, moduleFunction: moduleFunction,
                                      blockThreads: Int(shape.blockThreads), sharedBytes: Int(shape.sharedBytes)) ?? 0
        profile.setOccupancy(shape, blocksPerSM: b)
        return b
    }

    /// Where the held kernel may run now beside real-time work occupying `rtUnits`, or why not.
    func decide(_ shape: KernelShape, rtUnits: Int, now: UInt64) -> PaddingDecision {
        guard let policy, let rt else { return .hold(.disabled) }
        if refused.contains(shape.function) { return count(.hold(.disabled)) }
        if config.force {
            let free = units - min(rtUnits, units)
            let fit = policy.settings.partitions.lastIndex(where: { $0 <= max(free, policy.settings.partitions.first ?? 0) })
            return count(fit.map { .release(partitionIndex: $0, predictedNanos: 0) } ?? .hold(.noFreeSMs))
        }
        return count(policy.decide(shape: shape, estimate: profile.estimate(shape), rtSMsBusy: rtUnits,
                                   rtPredictedEnd: rt.predictedEnd(now: now), rtActive: rt.isActive, now: now,
                                   slowdown: slowdown))
    }

    /// While RT is idle: the partition a held kernel should run on because, starting at `now`
    /// (the caller adds what its stream has in flight), it would still be running when RT is
    /// predicted to arrive, or nil to release it normally.
    func confine(_ shape: KernelShape, rtUnits: Int, now: UInt64) -> Int? {
        guard config.predictArrivals, let policy, let rt, !config.force else { return nil }
        return policy.confineWhileIdle(shape: shape, estimate: profile.estimate(shape), rtSMs: rtUnits,
                                       rtNextArrival: rt.predictedNextArrival(now: now), now: now)
    }

    /// REEF_RT_PREDICT's rule, while RT is idle: whether a kernel started at `start` would
    /// still run (mean + 1/8 + spread + slack) when periodic RT work is predicted to arrive next, so
    /// it should wait until that work has run. False when nothing is predicted, the kernel's
    /// duration is not known yet, or RT is already late (past its window plus the slack: it may
    /// have stopped, and best-effort work must not wait on a guess).
    func wouldOverlapArrival(_ shape: KernelShape, start: UInt64, now: UInt64) -> Bool {
        guard let rt, let policy, let w = rt.nextArrivalWindow(now: now) else { return false }
        let slack = policy.settings.slackNanos
        if now > w.late.saturatingSum(slack) { return false }
        guard let e = profile.estimate(shape), e.samples >= UInt64(max(1, policy.settings.minSamples)) else {
            unmeasuredBeforeArrival &+= 1
            return false
        }
        // An eighth of the mean on top: a kernel's time follows the clock, and best-effort work at
        // the power limit moved the H100's SM clock between ~1500 and ~1800 MHz.
        let hold = start.saturatingSum(e.meanNanos.saturatingSum(e.meanNanos / 8)).saturatingSum(e.spreadNanos).saturatingSum(slack) > w.early
        if hold { heldBeforeArrival += 1 }
        return hold
    }
    private(set) var heldBeforeArrival: UInt64 = 0
    /// Kernels released with RT's next arrival predicted but their own duration not learned yet
    /// (the time rule cannot hold them).
    private(set) var unmeasuredBeforeArrival: UInt64 = 0

    /// How each RT arrival met the window predicted just before it: none predicted, before the
    /// window, in it (up to its end plus the slack), after it (best-effort work was no longer
    /// held for it); and of those, arrivals that found best-effort work on the device. Tells
    /// which part of the prediction a request that waited for best-effort work ran into.
    enum ArrivalTiming: Int, CaseIterable { case unpredicted, early, inWindow, afterWindow }
    private(set) var arrivalTimings = InlineArray<4, UInt64>(repeating: 0)
    private(set) var arrivalTimingsWithBestEffort = InlineArray<4, UInt64>(repeating: 0)

    /// Dispatcher: RT work became active at `t` (see `RealtimeActivityModel.began`); a new
    /// arrival is checked against the window predicted for it.
    func realtimeBegan(at t: UInt64, bestEffortOnDevice: Bool) {
        guard let rt else { return }
        let w = rt.nextArrivalWindow(now: t)
        guard rt.began(at: t) else { return }
        let slack = policy?.settings.slackNanos ?? 0
        let timing: ArrivalTiming
        if let w { timing = t < w.early ? .early : t <= w.late.saturatingSum(slack) ? .inWindow : .afterWindow }
        else { timing = .unpredicted }
        arrivalTimings[timing.rawValue] &+= 1
        if bestEffortOnDevice { arrivalTimingsWithBestEffort[timing.rawValue] &+= 1 }
    }

    private(set) var confined: UInt64 = 0
    func confinedOne(partition index: Int) {
        confined += 1
        if let p = policy?.settings.partitions[index] { partitionUse[p, default: 0] += 1 }
    }

    private func count(_ d: PaddingDecision) -> PaddingDecision {
        if case let .hold(reason) = d { holds[reason, default: 0] += 1 }
        return d
    }

    /// The stream of partition `index`, made on first use (runtime calls).
    func stream(partition index: Int, priority: Int32) -> UInt64? {
        guard let policy, index < streams.count else { return nil }
        if !streamsTried[index] {
            streamsTried[index] = true
            streams[index] = backend.partitionStream(count: policy.settings.partitions[index], totalUnits: units, priority: priority)
            if streams[index] == nil {
                log.once(.paddingPartitionFailed, .warn, "padding: no stream confined to \(policy.settings.partitions[index]) of \(units) SMs/CUs could be made (green contexts / CU masks unavailable); those kernels stay held")
            }
        }
        return streams[index]
    }

    func paddedOne(partition index: Int) {
        padded += 1
        if let p = policy?.settings.partitions[index] { partitionUse[p, default: 0] += 1 }
    }

    func refuse(_ function: UInt64, error: Int32) {
        if refused.insert(function).inserted {
            log.write(.info, "padding: a launch of kernel \(hex(function)) onto a partition stream failed (\(error)); it is no longer padded")
        }
    }

    /// A timing pair for a normal release of `shape` when one is due: kernels with too few
    /// samples always, the others now and then (estimates follow slow changes). Nil otherwise.
    func sampleForRelease(_ shape: KernelShape) -> (start: UInt64, end: UInt64)? {
        guard policy != nil, pending.count < Self.maxPending else { return nil }
        releasesSinceSample += 1
        let known = profile.estimate(shape)?.samples ?? 0
        guard known < UInt64(config.settings.minSamples) || releasesSinceSample >= 64 else { return nil }
        releasesSinceSample = 0
        return timingPair()
    }

    /// A timing pair around a padded kernel (its prediction is checked), when one is free.
    func sampleForPadded() -> (start: UInt64, end: UInt64)? {
        guard pending.count < Self.maxPending else { return nil }
        return timingPair()
    }

    /// From the pool `prepare` filled (no runtime call: the caller may hold the scheduler lock).
    private func timingPair() -> (start: UInt64, end: UInt64)? {
        guard timingEvents.count >= 2 else { return nil }
        return (timingEvents.removeLast(), timingEvents.removeLast())
    }

    /// The pair was recorded around the kernel (or not: `recorded` false returns the events).
    func track(_ pair: (start: UInt64, end: UInt64), shape: KernelShape, predicted: UInt64?, partition: Int? = nil, recorded: Bool) {
        if recorded { pending.append(Sample(start: pair.start, end: pair.end, shape: shape, predicted: predicted, partition: partition)) }
        else { timingEvents.append(pair.start); timingEvents.append(pair.end) }
    }

    /// Reads the pairs that completed (runtime calls): durations into the profile, padded
    /// kernels' actual time against their prediction.
    func collectSamples(query: (UInt64) -> Bool) {
        var i = 0
        while i < pending.count {
            let s = pending[i]
            guard query(s.end) else { i += 1; continue }
            if let ns = backend.elapsedNanos(from: s.start, to: s.end) {
                if let p = s.predicted {
                    checkedPadded += 1
                    if ns > p { mispredicted += 1 }
                    if let i = s.partition, i < slowdown.count, p > 0 {
                        // The prediction this kernel got already carried the factor: learn the
                        // remaining error on top of it.
                        let ratio = min(8, max(0.25, Double(ns) / Double(p))) * max(1, slowdown[i])
                        slowdown[i] += (min(8, ratio) - slowdown[i]) / 8
                    }
                } else {
                    profile.record(s.shape, durationNanos: ns)
                    samples += 1
                }
            }
            timingEvents.append(s.start)
            timingEvents.append(s.end)
            pending.remove(at: i)
        }
    }

    func json() -> String {
        let order: [(PaddingHoldReason, String)] = [(.disabled, "disabled"), (.rtIdle, "rt_idle"), (.noPrediction, "no_prediction"),
                                                   (.unknownKernel, "unknown_kernel"), (.noOccupancy, "no_occupancy"),
                                                   (.noFreeSMs, "no_free_units"), (.tooLong, "too_long")]
        var out = "{\"units\":\(units),\"partitions\":[" + (policy?.settings.partitions.map(String.init).joined(separator: ",") ?? "") + "]"
        out += ",\"force\":\(config.force),\"padded\":\(padded),\"confined_before_rt\":\(confined),\"duration_samples\":\(samples)"
        out += ",\"padded_checked\":\(checkedPadded),\"padded_longer_than_predicted\":\(mispredicted)"
        out += ",\"held_before_rt_arrival\":\(heldBeforeArrival)"
        let names = ["unpredicted", "early", "in_window", "after_window"]
        func timings(_ a: InlineArray<4, UInt64>) -> String { (0..<4).map { "\"\(names[$0])\":\(a[$0])" }.joined(separator: ",") }
        out += ",\"rt_arrivals\":{" + timings(arrivalTimings) + ",\"with_best_effort_on_device\":{" + timings(arrivalTimingsWithBestEffort) + "}"
        out += ",\"released_unmeasured\":\(unmeasuredBeforeArrival)}"
        // What the predictions rest on: RT's learned arrival gap and busy-period length.
        let gap = rt?.gapEstimate, busy = rt?.periodEstimate
        out += ",\"rt_arrival_gap_us\":{\"samples\":\(gap?.samples ?? 0),\"mean\":\((gap?.meanNanos ?? 0) / 1000),\"spread\":\((gap?.spreadNanos ?? 0) / 1000)}"
        out += ",\"rt_busy_period_us\":{\"samples\":\(busy?.samples ?? 0),\"mean\":\((busy?.meanNanos ?? 0) / 1000),\"spread\":\((busy?.spreadNanos ?? 0) / 1000)}"
        out += ",\"hold_decisions\":{" + order.map { "\"\($0.1)\":\(holds[$0.0] ?? 0)" }.joined(separator: ",") + "}"
        out += ",\"slowdown\":[" + slowdown.map { String(Int(($0 * 100).rounded())) }.joined(separator: ",") + "]"
        out += ",\"partition_use\":{" + partitionUse.keys.sorted().map { "\"\($0)\":\(partitionUse[$0]!)" }.joined(separator: ",") + "}"
        out += ",\"kernel_shapes\":\(profile.count),\"refused_functions\":\(refused.count)}"
        return out
    }
}
