/// Knobs for padding (REEF's dynamic kernel padding, issue 6).
struct PaddingSettings: Sendable {
    var enabled: Bool
    /// SM counts of the partitions a padded kernel may be confined to (green contexts on NVIDIA,
    /// a CU mask on AMD): ascending, each in 1..<totalSMs. `PaddingPolicy` sanitises them.
    var partitions: [Int]
    /// Margin kept between the padded kernel's predicted end and RT's predicted end.
    var slackNanos: UInt64
    /// Duration samples a kernel needs before its estimate is trusted.
    var minSamples: Int
    /// How many spreads to add to a kernel's mean (0 = trust the mean; more = more cautious).
    var spreadFactor: Double

    init(enabled: Bool = false, partitions: [Int] = [], slackNanos: UInt64 = 100_000,
         minSamples: Int = 3, spreadFactor: Double = 1.0) {
        self.enabled = enabled
        self.partitions = partitions
        self.slackNanos = slackNanos
        self.minSamples = minSamples
        self.spreadFactor = spreadFactor
    }
}

/// Why a held best-effort kernel stays held. Checked in this order; the first that applies is
/// reported, so the answer names the most basic obstacle.
enum PaddingHoldReason: Equatable, Sendable {
    case disabled       // padding off, or no usable partition
    case rtIdle         // no RT work: nothing to pad beside (the normal path releases BE work)
    case noPrediction   // RT's end cannot be predicted yet (too few busy periods)
    case unknownKernel  // no estimate, or fewer than minSamples durations
    case noOccupancy    // blocksPerSM unknown or 0
    case noFreeSMs      // no partition fits in the SMs RT leaves free
    case tooLong        // no fitting partition finishes (with slack) before RT's predicted end
}

enum PaddingDecision: Equatable, Sendable {
    /// Run the kernel now on partition `settings.partitions[partitionIndex]`; it is predicted to
    /// take `predictedNanos` there (mean plus spreadFactor spreads, scaled to the partition).
    case release(partitionIndex: Int, predictedNanos: UInt64)
    case hold(PaddingHoldReason)
}

/// Decides whether a held BE kernel may run now beside RT work, and on which partition.
/// Pure: all state comes in as arguments (KernelProfileTable, RealtimeActivityModel).
struct PaddingPolicy: Sendable {
    /// As given, except `partitions` sanitised (sorted, unique, within 1..<totalSMs), so
    /// `partitionIndex` in a decision indexes this array.
    let settings: PaddingSettings
    let totalSMs: Int

    init(settings: PaddingSettings, totalSMs: Int) {
        var s = settings
        s.partitions = Self.sortedUnique(settings.partitions.filter { $0 > 0 && $0 < totalSMs })
        self.settings = s
        self.totalSMs = max(0, totalSMs)
    }

    /// `slowdown[i]`: how much longer than the wave model kernels padded on partition i have
    /// run (learned from padded kernels' device time); factors below 1 are ignored (the model is
    /// never loosened), a missing entry counts as 1.
    func decide(shape: KernelShape, estimate: KernelEstimate?, rtSMsBusy: Int,
                rtPredictedEnd: UInt64?, rtActive: Bool, now: UInt64, slowdown: [Double] = []) -> PaddingDecision {
        guard settings.enabled, !settings.partitions.isEmpty, totalSMs > 0 else { return .hold(.disabled) }
        guard rtActive else { return .hold(.rtIdle) }
        guard let rtEnd = rtPredictedEnd else { return .hold(.noPrediction) }
        guard let e = estimate, e.samples > 0, e.samples >= UInt64(max(0, settings.minSamples)) else {
            return .hold(.unknownKernel)
        }
        guard let perSM = e.blocksPerSM, perSM > 0 else { return .hold(.noOccupancy) }

        // Occupancy rule: the partition must fit in what RT leaves free.
        let free = totalSMs - min(max(0, rtSMsBusy), totalSMs)
        guard settings.partitions.contains(where: { $0 <= free }) else { return .hold(.noFreeSMs) }

        // Time rule, largest fitting partition first: fewer SMs never means fewer waves, so the
        // largest one that fits is the one that finishes soonest.
        let fullWaves = waves(shape.gridBlocks, perSM: perSM, sms: totalSMs)
        for i in settings.partitions.indices.reversed() where settings.partitions[i] <= free {
            let w = waves(shape.gridBlocks, perSM: perSM, sms: settings.partitions[i])
            let mean = e.meanNanos.scaled(by: w, over: fullWaves)
            let spread = UInt64(saturating: Double(e.spreadNanos.scaled(by: w, over: fullWaves)) * settings.spreadFactor)
            let factor = i < slowdown.count && slowdown[i].isFinite ? max(1, slowdown[i]) : 1
            let predicted = factor == 1 ? mean.saturatingSum(spread)
                : UInt64(saturating: Double(mean.saturatingSum(spread)) * factor)
            let (a, o1) = now.addingReportingOverflow(predicted)
            let (finish, o2) = a.addingReportingOverflow(settings.slackNanos)
            if !o1 && !o2 && finish <= rtEnd { return .release(partitionIndex: i, predictedNanos: predicted) }
        }
        return .hold(.tooLong)
    }

    /// While RT is idle: a held BE kernel that would still run when RT is predicted to arrive
    /// next (its full-device time, with slack, goes past `rtNextArrival`) is confined to the
    /// largest partition that leaves RT the SMs it uses (`rtSMs`), so RT starts at once on
    /// arrival instead of waiting for it; nil means release it normally, on the whole device (no
    /// prediction, it ends in time, nothing known about it, or no partition leaves room).
    func confineWhileIdle(shape: KernelShape, estimate: KernelEstimate?, rtSMs: Int,
                          rtNextArrival: UInt64?, now: UInt64) -> Int? {
        guard settings.enabled, !settings.partitions.isEmpty, totalSMs > 0, let arrival = rtNextArrival else { return nil }
        guard let e = estimate, e.samples >= UInt64(max(1, settings.minSamples)) else { return nil }
        let full = e.meanNanos.saturatingSum(e.spreadNanos)
        let (end, overflow) = now.addingReportingOverflow(full.saturatingSum(settings.slackNanos))
        if !overflow && end <= arrival { return nil }
        let room = totalSMs - min(max(0, rtSMs), totalSMs)
        return settings.partitions.lastIndex(where: { $0 <= room })
    }

    /// ceil(gridBlocks / (perSM * sms)), at least 1: how many rounds of blocks the kernel needs
    /// on `sms` SMs. Its duration is taken as proportional to this (blocks of one wave run side
    /// by side; tail effects and memory-bandwidth sharing are what the slack and spread absorb).
    func waves(_ gridBlocks: UInt64, perSM: Int, sms: Int) -> UInt64 {
        let slots = UInt64(max(1, perSM)).saturatingProduct(UInt64(max(1, sms)))
        let w = gridBlocks / slots + (gridBlocks % slots == 0 ? 0 : 1)
        return max(1, w)
    }

    /// A knob such as "16,32,48" (spaces allowed around entries): sorted and deduplicated, each in
    /// 1..<totalSMs. nil for an empty list, an empty entry, non-digits or an out-of-range count.
    static func parsePartitions(_ text: String, totalSMs: Int) -> [Int]? {
        guard totalSMs > 1 else { return nil }
        var out: [Int] = []
        for item in text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let digits = item.drop(while: { $0 == 32 || $0 == 9 }).reversed().drop(while: { $0 == 32 || $0 == 9 }).reversed()
            guard let v = KernelProfileTable.decimal(digits, max: UInt64(totalSMs - 1)), v > 0 else { return nil }
            out.append(Int(v))
        }
        guard !out.isEmpty else { return nil }
        return sortedUnique(out)
    }

    /// Sorting, not a Set: this may run in the library constructor, where hashing is unsafe.
    static func sortedUnique(_ values: [Int]) -> [Int] {
        var out: [Int] = []
        for v in values.sorted() where out.last != v { out.append(v) }
        return out
    }
}
