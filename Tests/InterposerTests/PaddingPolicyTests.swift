import Testing
@testable import Interposer

/// Padding (issue 6): each rule is exercised on both sides of its boundary with exact numbers.
/// Device: 132 SMs (H100 SXM), partitions 16/32/66 SMs, slack 0.1 ms.
/// One millisecond in nanoseconds.
private let ms: UInt64 = 1_000_000

@Suite struct PaddingPolicyTests {
    let now: UInt64 = 10 * ms
    let policy = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [16, 32, 66]), totalSMs: 132)

    /// 64 blocks at 2 per SM: one wave on 32 SMs or more (64 slots), two waves on 16 (32 slots).
    let small = KernelShape(function: 0xa, gridBlocks: 64, blockThreads: 256, sharedBytes: 0)
    /// 1000 blocks at 2 per SM: 4 waves on 132 SMs, 8 on 66, 16 on 32, 32 on 16.
    let big = KernelShape(function: 0xb, gridBlocks: 1000, blockThreads: 256, sharedBytes: 0)

    func est(mean: UInt64 = ms, spread: UInt64 = 0, samples: UInt64 = 5, perSM: Int? = 2) -> KernelEstimate {
        KernelEstimate(meanNanos: mean, spreadNanos: spread, samples: samples, blocksPerSM: perSM)
    }

    func decide(_ shape: KernelShape, _ e: KernelEstimate?, busy: Int = 0, endIn: UInt64?,
                active: Bool = true, policy: PaddingPolicy? = nil) -> PaddingDecision {
        (policy ?? self.policy).decide(shape: shape, estimate: e, rtSMsBusy: busy,
                                       rtPredictedEnd: endIn.map { now + $0 }, rtActive: active, now: now)
    }

    // MARK: Policy: time rule

    @Test func smallKernelReleasedOnLargestFittingPartition() {
        // One wave everywhere: 1 ms on any partition; RT ends in 2 ms.
        #expect(decide(small, est(), endIn: 2 * ms) == .release(partitionIndex: 2, predictedNanos: ms))
        // RT holds 80 SMs: 52 free, 66 does not fit, 32 does.
        #expect(decide(small, est(), busy: 80, endIn: 2 * ms) == .release(partitionIndex: 1, predictedNanos: ms))
    }

    @Test func timeRuleBoundaryWithSlack() {
        // 1 ms + 0.1 ms slack must end by RT's end: 1.05 ms is too soon, 1.1 ms is exactly enough.
        #expect(decide(small, est(), endIn: 1_050_000) == .hold(.tooLong))
        #expect(decide(small, est(), endIn: 1_100_000 - 1) == .hold(.tooLong))
        #expect(decide(small, est(), endIn: 1_100_000) == .release(partitionIndex: 2, predictedNanos: ms))
        // Without slack 1 ms is enough.
        let noSlack = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [16, 32, 66], slackNanos: 0), totalSMs: 132)
        #expect(decide(small, est(), endIn: ms, policy: noSlack) == .release(partitionIndex: 2, predictedNanos: ms))
        #expect(decide(small, est(), endIn: ms - 1, policy: noSlack) == .hold(.tooLong))
    }

    @Test func learnedSlowdownLengthensThePrediction() {
        // 1 ms on the 66-SM partition; RT ends in 2 ms (slack 0.1 ms).
        let e = est()
        func decide(_ slowdown: [Double]) -> PaddingDecision {
            policy.decide(shape: small, estimate: e, rtSMsBusy: 0, rtPredictedEnd: now + 2 * ms, rtActive: true,
                          now: now, slowdown: slowdown)
        }
        // Kernels padded on 66 SMs ran 1.5x the model: 1.5 ms, still in time.
        #expect(decide([1, 1, 1.5]) == .release(partitionIndex: 2, predictedNanos: 1_500_000))
        // 2x on 66 SMs: 2 ms + slack misses; the 32-SM partition (factor 1, one wave: 1 ms) fits.
        #expect(decide([1, 1, 2]) == .release(partitionIndex: 1, predictedNanos: ms))
        // Every partition 2x slower: nothing fits.
        #expect(decide([2, 2, 2]) == .hold(.tooLong))
        // A factor below 1 never loosens the model; missing entries count as 1.
        #expect(decide([0.5, 0.5, 0.5]) == .release(partitionIndex: 2, predictedNanos: ms))
        #expect(decide([]) == .release(partitionIndex: 2, predictedNanos: ms))
    }

    @Test func confinementBeforePredictedArrival() {
        // RT idle, predicted next at now + 2 ms, RT uses 80 SMs (52 free: 32 fits, 66 does not).
        func confine(_ e: KernelEstimate?, arrivalIn: UInt64?, rtSMs: Int = 80) -> Int? {
            policy.confineWhileIdle(shape: small, estimate: e, rtSMs: rtSMs, rtNextArrival: arrivalIn.map { now + $0 }, now: now)
        }
        // Ends in time on the whole device (1 ms + 0.1 ms slack <= 2 ms): released normally.
        #expect(confine(est(), arrivalIn: 2 * ms) == nil)
        #expect(confine(est(), arrivalIn: 1_100_000) == nil)
        // Would still run at the arrival: the largest partition leaving RT its 80 SMs.
        #expect(confine(est(), arrivalIn: 1_100_000 - 1) == 1)
        #expect(confine(est(mean: 5 * ms), arrivalIn: 2 * ms) == 1)
        // RT needs 120 SMs: 12 free, no partition fits: released normally.
        #expect(confine(est(mean: 5 * ms), arrivalIn: 2 * ms, rtSMs: 120) == nil)
        // No prediction, unknown kernel, too few samples: released normally.
        #expect(confine(est(mean: 5 * ms), arrivalIn: nil) == nil)
        #expect(confine(nil, arrivalIn: 2 * ms) == nil)
        #expect(confine(est(mean: 5 * ms, samples: 2), arrivalIn: 2 * ms) == nil)
    }

    @Test func realtimeArrivalsArePredictedOnlyWhenRegular() {
        let m = RealtimeActivityModel(totalSMs: 132, minSamples: 3)
        // Requests every 10 ms, each busy 1 ms.
        for i: UInt64 in 0..<3 {
            m.began(at: i * 10 * ms)
            m.ended(at: i * 10 * ms + ms)
        }
        // Two gaps so far: not enough.
        #expect(m.predictedNextArrival(now: 25 * ms) == nil)
        m.began(at: 30 * ms)
        #expect(m.predictedNextArrival(now: 30 * ms + 500_000) == nil)   // active: no prediction
        m.ended(at: 31 * ms)
        // Three gaps of exactly 10 ms: next at 40 ms (no spread).
        #expect(m.predictedNextArrival(now: 35 * ms) == 40 * ms)
        // Three mean gaps late: RT stopped; no prediction.
        #expect(m.predictedNextArrival(now: 60 * ms + 1) == nil)
        #expect(m.predictedNextArrival(now: 60 * ms) == 40 * ms)
    }

    @Test func copyBackAfterARequestContinuesIt() {
        let m = RealtimeActivityModel(totalSMs: 132, minSamples: 3)
        // Requests every 10 ms, busy 1 ms, then a copy-back 50 us after the end (busy 20 us),
        // and once a copy-back whose command came before the end was noticed.
        for i: UInt64 in 0..<4 {
            let t = i * 10 * ms
            m.began(at: t)
            m.ended(at: t + ms)
            m.began(at: i == 2 ? t + ms - 5_000 : t + ms + 50_000)
            m.ended(at: t + ms + 70_000)
        }
        #expect(m.gapEstimate.samples == 3 && m.gapEstimate.meanNanos == 10 * ms && m.gapEstimate.spreadNanos == 0)
        #expect(m.periodEstimate.samples == 4 && m.periodEstimate.meanNanos == ms)
        #expect(m.predictedNextArrival(now: 35 * ms) == 40 * ms)
        // 500 us after the end is an arrival of its own.
        let n = RealtimeActivityModel(totalSMs: 132, minSamples: 1)
        n.began(at: 0); n.ended(at: ms)
        n.began(at: ms + 499_999); n.ended(at: 2 * ms)
        #expect(n.gapEstimate.samples == 0)
        n.began(at: 2 * ms + 500_000); n.ended(at: 3 * ms)
        #expect(n.gapEstimate.samples == 1 && n.gapEstimate.meanNanos == 2_500_000)
    }

    @Test func lateArrivalMovesTheNextWindowEarlierAndLateRTIsWaitedFor() {
        let m = RealtimeActivityModel(totalSMs: 132, minSamples: 3)
        // A 10 ms schedule; the fifth request starts 300 us late.
        for t: UInt64 in [0, 10 * ms, 20 * ms, 30 * ms, 40 * ms + 300_000] {
            m.began(at: t); m.ended(at: t + ms)
        }
        guard let w = m.nextArrivalWindow(now: 42 * ms) else { Issue.record("no window"); return }
        // Gaps 10, 10, 10, 10.3: median 10 ms, farthest 300 us off. Early by that and by the
        // last arrival's 300 us lateness, so the schedule's 50 ms lies inside; late by an
        // eighth of the period.
        #expect(m.gapEstimate.meanNanos == 10 * ms && m.gapEstimate.spreadNanos == 300_000)
        #expect(w.early == 50 * ms + 300_000 - 300_000 - 300_000)
        #expect(w.late == 50 * ms + 300_000 + 10 * ms / 8)
        #expect(m.predictedNextArrival(now: 42 * ms) == w.early)
        // On time again: no lateness carried.
        m.began(at: 50 * ms); m.ended(at: 51 * ms)
        #expect(m.nextArrivalWindow(now: 52 * ms)?.early == 60 * ms - 300_000)
    }

    @Test func predictionSettlesWithinEightGapsAfterAChangeOfPace() {
        let m = RealtimeActivityModel(totalSMs: 132, minSamples: 3)
        // Warm-up: requests 2 ms apart, then one every 10 ms.
        var t: UInt64 = 0
        for _ in 0..<6 { m.began(at: t); m.ended(at: t + 600_000); t += 2 * ms }
        #expect(m.nextArrivalWindow(now: t - ms)?.early == t)   // 2 ms pace, regular
        t += 8 * ms
        for k in 1...8 {
            m.began(at: t); m.ended(at: t + ms)
            // Mixed gaps in the last eight: nothing predicted until all eight are 10 ms.
            let w = m.nextArrivalWindow(now: t + 2 * ms)
            if k < 8 { #expect(w == nil) } else { #expect(w?.early == t + 10 * ms) }
            t += 10 * ms
        }
    }

    @Test func irregularArrivalsPredictNothing() {
        let m = RealtimeActivityModel(totalSMs: 132, minSamples: 3)
        // Gaps of 2 and 18 ms alternating (mean 10, spread far above a quarter of it).
        var t: UInt64 = 0
        for i in 0..<9 {
            m.began(at: t); m.ended(at: t + 600_000)
            t += i % 2 == 0 ? 2 * ms : 18 * ms
        }
        #expect(m.gapEstimate.samples == 8)
        #expect(m.predictedNextArrival(now: t - ms) == nil)
        #expect(m.nextArrivalWindow(now: t - ms) == nil)
    }

    @Test func arrivalWindowWidensWithJitter() {
        let m = RealtimeActivityModel(totalSMs: 132, minSamples: 3)
        // Gaps of 10 ms, then 12 ms, then 10 ms: a spread, so a window around the mean.
        for t: UInt64 in [0, 10, 22, 32] {
            m.began(at: t * ms)
            m.ended(at: t * ms + ms)
        }
        guard let w = m.nextArrivalWindow(now: 33 * ms) else { Issue.record("no window"); return }
        // Median gap 10 ms, the 12 ms gap 2 ms off it: 42 ms +- 2 ms.
        #expect(w.early == 40 * ms && w.late == 44 * ms)
        m.began(at: 43 * ms)
        #expect(m.nextArrivalWindow(now: 43 * ms) == nil)       // active: no window
    }

    @Test func wavesGrowOnSmallPartitions() {
        let p = policy
        #expect(p.waves(1000, perSM: 2, sms: 132) == 4)
        #expect(p.waves(1000, perSM: 2, sms: 66) == 8)
        #expect(p.waves(1000, perSM: 2, sms: 32) == 16)
        #expect(p.waves(1000, perSM: 2, sms: 16) == 32)
        #expect(p.waves(64, perSM: 2, sms: 16) == 2)
        #expect(p.waves(0, perSM: 2, sms: 16) == 1)       // an empty grid still counts one wave
        #expect(p.waves(.max, perSM: .max, sms: .max) >= 1)
        // 1 ms on the full device (4 waves) → 2 ms on 66, 4 ms on 32, 8 ms on 16.
        #expect(decide(big, est(), endIn: 3 * ms) == .release(partitionIndex: 2, predictedNanos: 2 * ms))
        #expect(decide(big, est(), endIn: 2_050_000) == .hold(.tooLong))
        #expect(decide(big, est(), busy: 80, endIn: 5 * ms) == .release(partitionIndex: 1, predictedNanos: 4 * ms))
        #expect(decide(big, est(), busy: 80, endIn: 4_100_000) == .release(partitionIndex: 1, predictedNanos: 4 * ms))
        #expect(decide(big, est(), busy: 80, endIn: 4_100_000 - 1) == .hold(.tooLong))
        #expect(decide(big, est(), busy: 116, endIn: 8_100_000) == .release(partitionIndex: 0, predictedNanos: 8 * ms))
        #expect(decide(big, est(), busy: 116, endIn: 8 * ms) == .hold(.tooLong))
    }

    @Test func smallKernelNeedsTwoWavesOnSixteenSMs() {
        // 101 busy → 31 free → only 16 fits; 64 blocks take 2 waves there: 2 ms.
        #expect(decide(small, est(), busy: 101, endIn: 2_100_000) == .release(partitionIndex: 0, predictedNanos: 2 * ms))
        #expect(decide(small, est(), busy: 101, endIn: 2 * ms) == .hold(.tooLong))
    }

    @Test func spreadWidensPrediction() {
        // 1 ms ± 0.2 ms: 1.2 ms + 0.1 ms slack.
        let e = est(spread: 200_000)
        #expect(decide(small, e, endIn: 1_250_000) == .hold(.tooLong))
        #expect(decide(small, e, endIn: 1_300_000) == .release(partitionIndex: 2, predictedNanos: 1_200_000))
        let trusting = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [16, 32, 66], spreadFactor: 0), totalSMs: 132)
        #expect(decide(small, e, endIn: 1_250_000, policy: trusting) == .release(partitionIndex: 2, predictedNanos: ms))
        // The spread scales with waves too: 0.1 ms on 4 waves → 0.4 ms on 16 waves (32 SMs).
        let eb = est(spread: 100_000)
        #expect(decide(big, eb, busy: 80, endIn: 10 * ms) == .release(partitionIndex: 1, predictedNanos: 4_400_000))
        let cautious = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [16, 32, 66], spreadFactor: 2), totalSMs: 132)
        #expect(decide(big, eb, busy: 80, endIn: 10 * ms, policy: cautious) == .release(partitionIndex: 1, predictedNanos: 4_800_000))
        // Nonsense factors do not trap: NaN/negative count as 0, infinity as "never fits".
        for (f, want) in [(Double.nan, PaddingDecision.release(partitionIndex: 2, predictedNanos: ms)),
                          (-3, .release(partitionIndex: 2, predictedNanos: ms)), (.infinity, .hold(.tooLong))] {
            let odd = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [16, 32, 66], spreadFactor: f), totalSMs: 132)
            #expect(decide(small, e, endIn: 2 * ms, policy: odd) == want)
        }
    }

    // MARK: Policy: occupancy rule

    @Test func occupancyRuleBoundaries() {
        #expect(decide(small, est(), busy: 120, endIn: 10 * ms) == .hold(.noFreeSMs))       // 12 free
        #expect(decide(small, est(), busy: 117, endIn: 10 * ms) == .hold(.noFreeSMs))       // 15 free
        #expect(decide(small, est(), busy: 116, endIn: 10 * ms) == .release(partitionIndex: 0, predictedNanos: 2 * ms))
        #expect(decide(small, est(), busy: 100, endIn: 10 * ms) == .release(partitionIndex: 1, predictedNanos: ms))
        #expect(decide(small, est(), busy: 101, endIn: 10 * ms) == .release(partitionIndex: 0, predictedNanos: 2 * ms))
        #expect(decide(small, est(), busy: 66, endIn: 10 * ms) == .release(partitionIndex: 2, predictedNanos: ms))
        #expect(decide(small, est(), busy: 67, endIn: 10 * ms) == .release(partitionIndex: 1, predictedNanos: ms))
        // Reports out of range are clamped: more than the device is "all busy", negative is none.
        #expect(decide(small, est(), busy: 10_000, endIn: 10 * ms) == .hold(.noFreeSMs))
        #expect(decide(small, est(), busy: -5, endIn: 10 * ms) == .release(partitionIndex: 2, predictedNanos: ms))
        // No free SMs outranks "too long".
        #expect(decide(small, est(), busy: 132, endIn: 0) == .hold(.noFreeSMs))
    }

    // MARK: Policy: what must be known first, and the order of reasons

    @Test func unknownKernelAndTooFewSamples() {
        #expect(decide(small, nil, endIn: 10 * ms) == .hold(.unknownKernel))
        #expect(decide(small, est(samples: 0), endIn: 10 * ms) == .hold(.unknownKernel))
        #expect(decide(small, est(samples: 2), endIn: 10 * ms) == .hold(.unknownKernel))
        #expect(decide(small, est(samples: 3), endIn: 10 * ms) == .release(partitionIndex: 2, predictedNanos: ms))
    }

    @Test func occupancyMustBeKnown() {
        #expect(decide(small, est(perSM: nil), endIn: 10 * ms) == .hold(.noOccupancy))
        #expect(decide(small, est(perSM: 0), endIn: 10 * ms) == .hold(.noOccupancy))
        #expect(decide(small, est(perSM: -1), endIn: 10 * ms) == .hold(.noOccupancy))
        #expect(decide(small, est(perSM: 1), endIn: 10 * ms) == .release(partitionIndex: 2, predictedNanos: ms))
    }

    @Test func holdReasonOrder() {
        let off = PaddingPolicy(settings: PaddingSettings(enabled: false, partitions: [16, 32, 66]), totalSMs: 132)
        let empty = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: []), totalSMs: 132)
        // Everything wrong at once: the first check in the order wins.
        #expect(decide(small, nil, busy: 132, endIn: nil, active: false, policy: off) == .hold(.disabled))
        #expect(decide(small, est(), endIn: 10 * ms, policy: empty) == .hold(.disabled))
        #expect(decide(small, nil, busy: 132, endIn: nil, active: false) == .hold(.rtIdle))
        #expect(decide(small, est(), endIn: 10 * ms, active: false) == .hold(.rtIdle))
        #expect(decide(small, nil, busy: 132, endIn: nil) == .hold(.noPrediction))
        #expect(decide(small, nil, busy: 132, endIn: 0) == .hold(.unknownKernel))
        #expect(decide(small, est(perSM: nil), busy: 132, endIn: 0) == .hold(.noOccupancy))
        #expect(decide(small, est(), busy: 132, endIn: 0) == .hold(.noFreeSMs))
        #expect(decide(small, est(), busy: 0, endIn: 0) == .hold(.tooLong))
    }

    @Test func partitionsAreSanitised() {
        let p = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [66, 0, 132, 200, -4, 32, 32, 16]), totalSMs: 132)
        #expect(p.settings.partitions == [16, 32, 66])
        let none = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [132, 0]), totalSMs: 132)
        #expect(none.settings.partitions.isEmpty)
        #expect(decide(small, est(), endIn: 10 * ms, policy: none) == .hold(.disabled))
        let defaults = PaddingSettings()
        #expect(!defaults.enabled && defaults.slackNanos == 100_000 && defaults.minSamples == 3 && defaults.spreadFactor == 1.0)
    }

    @Test func extremeNumbersSaturateInsteadOfTrapping() {
        let huge = KernelShape(function: 1, gridBlocks: .max, blockThreads: .max, sharedBytes: .max)
        let e = est(mean: .max, spread: .max, samples: .max, perSM: .max)
        #expect(policy.decide(shape: huge, estimate: e, rtSMsBusy: .min, rtPredictedEnd: .max, rtActive: true, now: .max) == .hold(.tooLong))
        #expect(policy.decide(shape: huge, estimate: e, rtSMsBusy: .max, rtPredictedEnd: .max, rtActive: true, now: 0) == .hold(.noFreeSMs))
        // now + predicted overflows: never "fits", even against the largest possible end.
        #expect(policy.decide(shape: small, estimate: est(), rtSMsBusy: 0, rtPredictedEnd: .max, rtActive: true, now: .max - 10) == .hold(.tooLong))
        #expect(policy.decide(shape: small, estimate: est(), rtSMsBusy: 0, rtPredictedEnd: .max, rtActive: true, now: 0) == .release(partitionIndex: 2, predictedNanos: ms))
        let weird = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [16]), totalSMs: -5)
        #expect(weird.decide(shape: small, estimate: est(), rtSMsBusy: 0, rtPredictedEnd: .max, rtActive: true, now: 0) == .hold(.disabled))
        #expect(UInt64(10).scaled(by: 3, over: 2) == 15)
        #expect(UInt64.max.scaled(by: 2, over: 1) == .max)
        #expect(UInt64.max.scaled(by: 2, over: 2) == .max)
        #expect(UInt64(7).scaled(by: 1, over: 0) == .max)
    }

    @Test func shapeFromDimensions() {
        let s = KernelShape(function: 9, gridX: 10, gridY: 20, gridZ: 3, blockX: 32, blockY: 8, blockZ: 2, sharedBytes: 4096)
        #expect(s == KernelShape(function: 9, gridBlocks: 600, blockThreads: 512, sharedBytes: 4096))
        let max = KernelShape(function: 9, gridX: .max, gridY: .max, gridZ: .max, blockX: .max, blockY: 2, blockZ: 1, sharedBytes: 0)
        #expect(max.gridBlocks == .max && max.blockThreads == .max)
    }

    // MARK: parsePartitions

    @Test func parsePartitionsGood() {
        #expect(PaddingPolicy.parsePartitions("16,32,48", totalSMs: 132) == [16, 32, 48])
        #expect(PaddingPolicy.parsePartitions(" 48, 16 ,32,16\t", totalSMs: 132) == [16, 32, 48])
        #expect(PaddingPolicy.parsePartitions("131", totalSMs: 132) == [131])
        #expect(PaddingPolicy.parsePartitions("1", totalSMs: 2) == [1])
        #expect(PaddingPolicy.parsePartitions("007", totalSMs: 132) == [7])
    }

    @Test func parsePartitionsBad() {
        for bad in ["", " ", ",", "16,", ",16", "16,,32", "0", "0,16", "132", "16,132", "200", "-16", "+16", "abc",
                    "16;32", "16 32", "1.5", "99999999999999999999999", "16,x", "１６"] {
            #expect(PaddingPolicy.parsePartitions(bad, totalSMs: 132) == nil, "\(bad)")
        }
        #expect(PaddingPolicy.parsePartitions("1", totalSMs: 1) == nil)
        #expect(PaddingPolicy.parsePartitions("1", totalSMs: 0) == nil)
        #expect(PaddingPolicy.parsePartitions("1", totalSMs: -3) == nil)
    }

    // MARK: KernelProfileTable: estimates

    @Test func runningAverageThenEWMA() {
        var e = KernelEstimate(meanNanos: 0, spreadNanos: 0, samples: 0, blocksPerSM: nil)
        KernelProfileTable.update(&e, sample: 1000)
        #expect(e == KernelEstimate(meanNanos: 1000, spreadNanos: 0, samples: 1, blocksPerSM: nil))   // first sets it
        KernelProfileTable.update(&e, sample: 2000)   // |2000-1000| = 1000; mean += 1000/2
        #expect(e.meanNanos == 1500 && e.spreadNanos == 1000 && e.samples == 2)
        KernelProfileTable.update(&e, sample: 3000)   // dev 1500; mean += 1500/3; spread += (1500-1000)/2
        #expect(e.meanNanos == 2000 && e.spreadNanos == 1250 && e.samples == 3)
        KernelProfileTable.update(&e, sample: 1000)   // dev 1000; mean -= 1000/4; spread -= 250/3
        #expect(e.meanNanos == 1750 && e.spreadNanos == 1167)

        // After 8 samples alpha is 1/8.
        var f = KernelEstimate(meanNanos: 0, spreadNanos: 0, samples: 0, blocksPerSM: nil)
        for _ in 0..<10 { KernelProfileTable.update(&f, sample: 800) }
        #expect(f.meanNanos == 800 && f.spreadNanos == 0 && f.samples == 10)
        KernelProfileTable.update(&f, sample: 1600)   // dev 800: mean += 100, spread += 100
        #expect(f.meanNanos == 900 && f.spreadNanos == 100)
        KernelProfileTable.update(&f, sample: 900)    // dev 0: spread -= 100/8 (truncated: 12)
        #expect(f.meanNanos == 900 && f.spreadNanos == 88)
        KernelProfileTable.update(&f, sample: 0)      // dev 900: mean -= 112, spread += (900-88)/8 = 101
        #expect(f.meanNanos == 788 && f.spreadNanos == 189)

        // Extremes neither trap nor wrap.
        var g = KernelEstimate(meanNanos: 0, spreadNanos: 0, samples: .max - 1, blocksPerSM: nil)
        KernelProfileTable.update(&g, sample: .max)
        KernelProfileTable.update(&g, sample: 0)
        KernelProfileTable.update(&g, sample: .max)
        #expect(g.samples == .max && g.meanNanos > 0 && g.spreadNanos > 0)
    }

    @Test func tableRecordsAndOccupancy() {
        let t = KernelProfileTable(capacity: 16)
        #expect(t.estimate(small) == nil)
        t.setOccupancy(small, blocksPerSM: 2)
        #expect(t.estimate(small) == KernelEstimate(meanNanos: 0, spreadNanos: 0, samples: 0, blocksPerSM: 2))
        for x: UInt64 in [1000, 2000, 3000] { t.record(small, durationNanos: x) }
        #expect(t.estimate(small) == KernelEstimate(meanNanos: 2000, spreadNanos: 1250, samples: 3, blocksPerSM: 2))
        t.setOccupancy(small, blocksPerSM: -7)
        #expect(t.estimate(small)?.blocksPerSM == 0)
        // Same function, different grid: a different shape.
        #expect(t.estimate(KernelShape(function: 0xa, gridBlocks: 65, blockThreads: 256, sharedBytes: 0)) == nil)
        #expect(t.count == 1 && t.dropped == 0)
    }

    @Test func tableIsBounded() {
        let t = KernelProfileTable(capacity: 2)
        let shapes = (0..<5).map { KernelShape(function: UInt64($0), gridBlocks: 1, blockThreads: 1, sharedBytes: 0) }
        t.record(shapes[0], durationNanos: 10)
        t.setOccupancy(shapes[1], blocksPerSM: 4)
        t.record(shapes[2], durationNanos: 10)          // full: dropped
        t.setOccupancy(shapes[3], blocksPerSM: 4)       // full: dropped
        t.record(shapes[2], durationNanos: 10)          // each attempt counts
        #expect(t.count == 2 && t.dropped == 3)
        #expect(t.estimate(shapes[2]) == nil && t.estimate(shapes[3]) == nil)
        t.record(shapes[0], durationNanos: 30)          // known shapes still learn
        t.record(shapes[1], durationNanos: 7)
        #expect(t.estimate(shapes[0])?.meanNanos == 20 && t.estimate(shapes[1])?.samples == 1)
        #expect(t.dropped == 3)
        let zero = KernelProfileTable(capacity: -1)
        zero.record(shapes[0], durationNanos: 1)
        #expect(zero.capacity == 0 && zero.count == 0 && zero.dropped == 1)
    }

    @Test func tableIsSafeAcrossTasks() async {
        let t = KernelProfileTable(capacity: 64)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for i in 0..<2000 {
                        let s = KernelShape(function: UInt64(i % 32), gridBlocks: 1, blockThreads: 1, sharedBytes: 0)
                        t.record(s, durationNanos: 500)
                        if worker == 0 { t.setOccupancy(s, blocksPerSM: 3) }
                        _ = t.estimate(s)
                    }
                }
            }
        }
        #expect(t.count == 32 && t.dropped == 0)
        var total: UInt64 = 0
        for f in 0..<32 { total += t.estimate(KernelShape(function: UInt64(f), gridBlocks: 1, blockThreads: 1, sharedBytes: 0))?.samples ?? 0 }
        #expect(total == 16_000)
    }

    // MARK: KernelProfileTable: save and load

    @Test func serializationRoundTrip() throws {
        let t = KernelProfileTable(capacity: 8)
        let a = KernelShape(function: 0x7f00_dead_beef, gridBlocks: 1000, blockThreads: 256, sharedBytes: 49152)
        let b = KernelShape(function: 5, gridBlocks: 64, blockThreads: 128, sharedBytes: 0)
        let c = KernelShape(function: .max, gridBlocks: .max, blockThreads: .max, sharedBytes: .max)
        for x: UInt64 in [1000, 2000, 3000] { t.record(a, durationNanos: x) }
        t.setOccupancy(a, blocksPerSM: 2)
        t.record(b, durationNanos: 42)                  // occupancy unknown
        t.setOccupancy(c, blocksPerSM: 0)               // occupancy only
        let text = t.serialized()
        #expect(text == """
            reef-profile 1
            5 64 128 0 1 42 0 -1
            139641712656111 1000 256 49152 3 2000 1250 2
            18446744073709551615 18446744073709551615 4294967295 4294967295 0 0 0 0

            """)
        let u = try #require(KernelProfileTable.parse(text, capacity: 8))
        for s in [a, b, c] { #expect(u.estimate(s) == t.estimate(s)) }
        #expect(u.count == 3 && u.dropped == 0)
        #expect(u.serialized() == text)
        // An empty table round-trips too.
        let empty = try #require(KernelProfileTable.parse(KernelProfileTable(capacity: 1).serialized(), capacity: 1))
        #expect(empty.count == 0)
    }

    @Test func parseRejectsForeignFiles() {
        for bad in ["", "\n\n", "reef-profile 2\n1 1 1 0 1 5 0 1\n", "reef-profile\n", "reef-profile 1 x\n",
                    "1 1 1 0 1 5 0 1\nreef-profile 1\n", "REEF-PROFILE 1\n", "garbage"] {
            #expect(KernelProfileTable.parse(bad, capacity: 8) == nil, "\(bad)")
        }
        // Leading blank lines, CRLF and tabs are fine.
        let ok = KernelProfileTable.parse("\r\n  reef-profile\t1\r\n1\t1 1 0 1 5 0 1\r\n", capacity: 8)
        #expect(ok?.estimate(KernelShape(function: 1, gridBlocks: 1, blockThreads: 1, sharedBytes: 0))?.meanNanos == 5)
    }

    @Test func parseSkipsHostileLines() throws {
        let text = """
            reef-profile 1
            this is not a line
            # a comment-looking line
            1 64 256 0 4 1000 10 2
            2 64 256 0 4 1000 10
            3 64 256 0 4 1000 10 2 99
            4 -64 256 0 4 1000 10 2
            5 64 256 0 4 1000 10 -2
            6 18446744073709551616 256 0 4 1000 10 2
            7 64 4294967296 0 4 1000 10 2
            8 64 256 4294967296 4 1000 10 2
            9 64 256 0 4 1000 10 65537
            10 64 256 0 4 99999999999999999999999999999999 10 2
            11 64 256 0 4 1e3 10 2
            12 64 256 0 4 +1000 10 2
            13 64 256 0 4 10.5 10 2
            14 6\u{0}4 256 0 4 1000 10 2
            15 ６４ 256 0 4 1000 10 2
            16 64 256 0 4 1000 10 -1
            17 64 256 0 0 1000 10 65536
            18 18446744073709551615 4294967295 4294967295 18446744073709551615 18446744073709551615 18446744073709551615 3
            1 64 256 0 9 5 5 5
            19 64 256 0 4 10
            """
        let t = try #require(KernelProfileTable.parse(text, capacity: 100))
        func shape(_ f: UInt64, _ g: UInt64 = 64, _ b: UInt32 = 256, _ s: UInt32 = 0) -> KernelShape {
            KernelShape(function: f, gridBlocks: g, blockThreads: b, sharedBytes: s)
        }
        #expect(t.count == 4)
        #expect(t.estimate(shape(1)) == KernelEstimate(meanNanos: 1000, spreadNanos: 10, samples: 4, blocksPerSM: 2))  // first wins
        #expect(t.estimate(shape(16))?.blocksPerSM == nil)
        #expect(t.estimate(shape(17)) == KernelEstimate(meanNanos: 0, spreadNanos: 0, samples: 0, blocksPerSM: 65536))
        #expect(t.estimate(shape(18, .max, .max, .max)) == KernelEstimate(meanNanos: .max, spreadNanos: .max, samples: .max, blocksPerSM: 3))
    }

    @Test func parseHonoursCapacity() throws {
        var text = "reef-profile 1\n"
        for f in 0..<10 { text += "\(f) 1 1 0 1 100 0 1\n" }
        let t = try #require(KernelProfileTable.parse(text, capacity: 3))
        #expect(t.count == 3 && t.dropped == 7)
        #expect(t.estimate(KernelShape(function: 2, gridBlocks: 1, blockThreads: 1, sharedBytes: 0)) != nil)
    }

    @Test func parseSurvivesRandomAndTruncatedInput() {
        // Deterministic fuzz: every prefix of a valid file, and random mutations of it.
        let t = KernelProfileTable(capacity: 8)
        for f in 0..<4 as Range<UInt64> {
            let s = KernelShape(function: f * 0x1_0000_0001, gridBlocks: f * 977, blockThreads: 128, sharedBytes: UInt32(f))
            t.record(s, durationNanos: f * 12345); t.setOccupancy(s, blocksPerSM: Int(f))
        }
        let valid = Array(t.serialized().utf8)
        for n in 0...valid.count {
            let prefix = String(decoding: valid[0..<n], as: UTF8.self)
            let parsed = KernelProfileTable.parse(prefix, capacity: 8)
            #expect(parsed == nil || parsed!.count <= 4)
        }
        var rng = SplitMix(seed: 0x5eed)
        let alphabet = Array("0123456789 -\n\r\t+x\u{0}9".utf8) + [0xff, 0xc3]
        for _ in 0..<2000 {
            var bytes = valid
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: i)
                default: bytes.insert(contentsOf: Array(repeating: UInt8(ascii: "9"), count: Int(rng.next() % 30)), at: i)
                }
                if bytes.isEmpty { bytes = valid }
            }
            let parsed = KernelProfileTable.parse(String(decoding: bytes, as: UTF8.self), capacity: 8)
            #expect(parsed == nil || parsed!.count <= 8)
        }
    }

    // MARK: RealtimeActivityModel

    @Test func rtPredictionNeedsMinSamples() {
        let m = RealtimeActivityModel(totalSMs: 132)
        #expect(m.predictedEnd(now: 0) == nil)                         // idle
        for (i, d) in [1 * ms, 2 * ms, 3 * ms].enumerated() {
            let begin = UInt64(i) * 100 * ms
            m.began(at: begin)
            #expect(m.isActive)
            #expect(m.predictedEnd(now: begin) == nil)                 // fewer than 3 periods so far
            m.ended(at: begin + d)
            #expect(!m.isActive && m.predictedEnd(now: begin + d) == nil)
        }
        #expect(m.periodEstimate.meanNanos == 2 * ms && m.periodEstimate.spreadNanos == 1_250_000)
        m.began(at: 1000 * ms)
        m.began(at: 1001 * ms)                                    // still the same period
        // Conservative: begin + mean + spread.
        #expect(m.predictedEnd(now: 1001 * ms) == 1000 * ms + 3_250_000)
        m.ended(at: 1000 * ms + 2 * ms)
        #expect(m.predictedEnd(now: 1002 * ms) == nil)
        #expect(m.periodEstimate.samples == 4)

        let quick = RealtimeActivityModel(totalSMs: 132, minSamples: 1)
        quick.began(at: 10); quick.ended(at: 60); quick.began(at: 100)
        #expect(quick.predictedEnd(now: 100) == 150)
    }

    @Test func rtModelIgnoresInconsistentReports() {
        let m = RealtimeActivityModel(totalSMs: 132, minSamples: 1)
        m.ended(at: 500)                                               // never began
        #expect(m.periodEstimate.samples == 0)
        m.began(at: 1000); m.ended(at: 900)                            // clock went backwards
        #expect(m.periodEstimate.samples == 0 && !m.isActive)
        m.began(at: .max - 5); m.ended(at: .max)
        m.began(at: .max - 1)
        #expect(m.predictedEnd(now: .max) == .max)                     // saturates
    }

    @Test func rtSMsBusyIsClamped() {
        let m = RealtimeActivityModel(totalSMs: 132)
        #expect(m.smsBusy == 0)
        m.rtKernelIssued(sms: 100)
        #expect(m.smsBusy == 100)
        m.rtKernelIssued(sms: 100)
        #expect(m.smsBusy == 132)                                      // clamped on read
        m.rtKernelsCompleted(sms: 100)
        #expect(m.smsBusy == 100)                                      // the other kernel is still there
        m.rtKernelsCompleted(sms: 500)
        #expect(m.smsBusy == 0)
        m.rtKernelsCompleted(sms: 10)
        m.rtKernelIssued(sms: 20)
        #expect(m.smsBusy == 20)                                       // never went below 0
        m.rtKernelIssued(sms: -50); m.rtKernelsCompleted(sms: -50)
        #expect(m.smsBusy == 20)
        m.rtKernelIssued(sms: .max); m.rtKernelIssued(sms: .max)
        #expect(m.smsBusy == 132)
        m.began(at: 1); m.ended(at: 2)                                 // RT idle: nothing in flight
        #expect(m.smsBusy == 0)
    }

    @Test func opaqueWorkAssumesWholeDeviceByDefault() {
        let m = RealtimeActivityModel(totalSMs: 132)
        #expect(m.assumedSMsForOpaqueWork == 132)
        m.rtOpaqueWorkIssued(); m.rtOpaqueWorkIssued()
        #expect(m.smsBusy == 132)
        m.rtOpaqueWorkCompleted()
        #expect(m.smsBusy == 132)                                      // the second graph still runs
        m.rtOpaqueWorkCompleted()
        #expect(m.smsBusy == 0)
        let half = RealtimeActivityModel(totalSMs: 132, assumedSMsForOpaqueWork: 66)
        half.rtOpaqueWorkIssued()
        #expect(half.smsBusy == 66)
        #expect(RealtimeActivityModel(totalSMs: 132, assumedSMsForOpaqueWork: 500).assumedSMsForOpaqueWork == 132)
        #expect(RealtimeActivityModel(totalSMs: 132, assumedSMsForOpaqueWork: -1).assumedSMsForOpaqueWork == 0)
    }

    // MARK: The pieces together

    @Test func endToEnd() {
        let table = KernelProfileTable(capacity: 4096)
        let rt = RealtimeActivityModel(totalSMs: 132)
        let policy = PaddingPolicy(settings: PaddingSettings(enabled: true, partitions: [16, 32, 48, 66]), totalSMs: 132)
        func ask(_ now: UInt64) -> PaddingDecision {
            policy.decide(shape: small, estimate: table.estimate(small), rtSMsBusy: rt.smsBusy,
                          rtPredictedEnd: rt.predictedEnd(now: now), rtActive: rt.isActive, now: now)
        }
        #expect(ask(0) == .hold(.rtIdle))
        for i in 0..<3 as Range<UInt64> { rt.began(at: i * 10 * ms); rt.ended(at: i * 10 * ms + 5 * ms) }
        rt.began(at: 100 * ms)                                    // predicted end: 105 ms
        rt.rtKernelIssued(sms: 90)                                     // 42 free: 32 fits, 48 does not
        #expect(ask(100 * ms) == .hold(.unknownKernel))
        for _ in 0..<3 { table.record(small, durationNanos: ms) }
        #expect(ask(100 * ms) == .hold(.noOccupancy))
        table.setOccupancy(small, blocksPerSM: 2)
        #expect(ask(100 * ms) == .release(partitionIndex: 1, predictedNanos: ms))
        #expect(ask(103 * ms + 900_000) == .release(partitionIndex: 1, predictedNanos: ms))  // ends at 104.9+0.1
        #expect(ask(103 * ms + 900_001) == .hold(.tooLong))
        rt.rtKernelIssued(sms: 40)
        #expect(ask(100 * ms) == .hold(.noFreeSMs))
        rt.ended(at: 104 * ms)
        #expect(ask(104 * ms) == .hold(.rtIdle))
    }
}

/// Deterministic PRNG for the fuzz test (reproducible failures).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
