/// What padding needs to know about the real-time side: when the current RT busy period will
/// probably end (time rule) and how many SMs RT kernels now hold (occupancy rule).
///
/// A busy period runs from the first RT work becoming active to RT going idle. Its length is
/// learned like a kernel's duration (running average, then EWMA 1/8, plus a spread), and the
/// predicted end is deliberately late: begin + mean + spread. Padding that guesses RT ends too
/// early delays RT work, which is the one thing it must not do.
final class RealtimeActivityModel: @unchecked Sendable {
    let totalSMs: Int
    /// Busy periods needed before `predictedEnd` answers at all.
    let minSamples: Int
    /// SMs charged for RT work whose kernels are unknown (a CUDA graph launch, a memset or copy
    /// kernel we did not see): default the whole device, i.e. padding is never beside it.
    let assumedSMsForOpaqueWork: Int

    private let lock = PaddingLock()
    private var period = KernelEstimate(meanNanos: 0, spreadNanos: 0, samples: 0, blocksPerSM: nil)
    private var beganAt: UInt64?
    /// The starts of requests (busy periods that are not continuations): the last eight gaps,
    /// their median and farthest deviation. A median over a short window, not an EWMA: after a
    /// change of regime (a client's warm-up replays back to back, then one request every 10 ms)
    /// an EWMA of 1/8 took ~40 requests to settle, and on the H100 the requests before that met
    /// best-effort kernels (2-4 % of 1000 beside a transformer, nearly all in the first 50).
    private var arrivals: ArrivalPredictor
    private var arrivalCount: UInt64 = 0
    private var lastBegin: UInt64? { arrivals.hasStart ? arrivals.lastStart : nil }
    /// How late the last arrival came against its prediction (last begin + period), capped at
    /// a quarter period: a client on a fixed schedule that woke late comes on time next, i.e. that
    /// much earlier than the last begin + period says.
    private var lastLateness: UInt64 = 0
    /// When the last busy period ended, and whether the open one continues it (see `began`).
    private var lastEnd: UInt64?
    private var continuing = false
    /// A busy period that begins within this long of the last one's end continues that request:
    /// an RT client's copy-back right after its request (the H100 benchmark's C client, PyTorch's
    /// `.cpu()` after a model) would otherwise count as an arrival of its own, and gaps of ~1 and
    /// ~9 ms alternating made every 10 ms request look due 1 ms after the last one.
    let continuationNanos: UInt64
    static let defaultContinuationNanos: UInt64 = 500_000
    /// Arrivals count as regular only while each of the last gaps lies within this fraction of
    /// their median (1/4).
    static let regularityShift: UInt64 = 2
    /// Unclamped sum of SMs reported in flight: clamping each update would forget work (three
    /// whole-device graphs in flight, one completes: two are still there), so only reads clamp.
    private var smsInFlight: UInt64 = 0

    init(totalSMs: Int, minSamples: Int = 3, assumedSMsForOpaqueWork: Int? = nil, continuationNanos: UInt64 = RealtimeActivityModel.defaultContinuationNanos) {
        self.totalSMs = max(0, totalSMs)
        self.continuationNanos = continuationNanos
        self.minSamples = max(1, minSamples)
        self.assumedSMsForOpaqueWork = min(max(0, assumedSMsForOpaqueWork ?? totalSMs), self.totalSMs)
        self.arrivals = ArrivalPredictor(minGaps: self.minSamples, toleranceShift: Self.regularityShift)
    }

    // MARK: Busy periods

    /// RT work became active. A second call while active keeps the first begin: the period is
    /// still the same one. One that begins before, or within `continuationNanos` of, the last
    /// period's end continues that request: no arrival (no gap learned) and, when it ends, no
    /// length learned (the request's main part gave it).
    /// Returns whether this began a new request (an arrival), not a continuation or a repeat.
    @discardableResult
    func began(at t: UInt64) -> Bool {
        lock.withLock {
            guard beganAt == nil else { return false }
            beganAt = t
            if let e = lastEnd, t < e || t - e < continuationNanos { continuing = true; return false }
            continuing = false
            if let last = lastBegin, t > last, let p = arrivals.period {
                let due = last.saturatingSum(p)
                lastLateness = t > due ? min(t - due, p / 4) : 0
            } else {
                lastLateness = 0
            }
            arrivals.observe(start: t)
            arrivalCount &+= 1
            return true
        }
    }

    /// While RT is idle: when its next busy period will probably begin — deliberately early, last
    /// begin + period - deviation - the last arrival's lateness — for RT that arrives regularly.
    /// nil while RT is active, before `minSamples` gaps were seen, while the last gaps are not
    /// regular, or once RT is three periods late (it stopped). A time already past means "any moment now".
    func predictedNextArrival(now: UInt64) -> UInt64? { nextArrivalWindow(now: now)?.early }

    /// While RT is idle and arrives regularly: the window its next busy period will probably
    /// begin in: from `predictedNextArrival` to last begin + period + the larger of the deviation
    /// and an eighth of the period (a host thread that wakes a few hundred µs late still comes,
    /// and best-effort kernels released just before it would meet it). nil as for
    /// `predictedNextArrival`.
    func nextArrivalWindow(now: UInt64) -> (early: UInt64, late: UInt64)? {
        lock.withLock {
            guard beganAt == nil, let last = lastBegin, let e = arrivals.estimate else { return nil }
            if now > last.saturatingSum(e.period.saturatingProduct(3)) { return nil }
            let mid = last.saturatingSum(e.period)
            return (mid.saturatingDifference(e.deviation.saturatingSum(lastLateness)),
                    mid.saturatingSum(max(e.deviation, e.period / 8)))
        }
    }

    /// RT went idle: the period's length is learned, and nothing of RT is on the device any more
    /// (SM accounting restarts from 0, so a lost completion report cannot block padding forever).
    /// Ignored when no period is open; a clock that went backwards records nothing.
    func ended(at t: UInt64) {
        lock.withLock {
            guard let b = beganAt else { return }
            beganAt = nil
            smsInFlight = 0
            if t >= b && !continuing { KernelProfileTable.update(&period, sample: t - b) }
            continuing = false
            lastEnd = t
        }
    }

    var isActive: Bool { lock.withLock { beganAt != nil } }

    /// The learned busy-period length (samples, mean, spread; blocksPerSM unused).
    var periodEstimate: KernelEstimate { lock.withLock { period } }

    /// The gap between arrivals: gaps seen, the median of the last gaps and the farthest
    /// one's deviation from it (0 and 0 while they are not regular); blocksPerSM unused.
    var gapEstimate: KernelEstimate {
        lock.withLock {
            let e = arrivals.estimate
            return KernelEstimate(meanNanos: e?.period ?? 0, spreadNanos: e?.deviation ?? 0, samples: arrivalCount > 0 ? arrivalCount - 1 : 0, blocksPerSM: nil)
        }
    }

    /// begin + mean + spread (saturating) of the open period; nil while RT is idle or fewer than
    /// `minSamples` periods were seen. May lie before `now` when RT overruns its usual length:
    /// the time rule then fails, which is the safe answer.
    func predictedEnd(now: UInt64) -> UInt64? {
        lock.withLock {
            guard let b = beganAt, period.samples >= UInt64(minSamples) else { return nil }
            return b.saturatingSum(period.meanNanos).saturatingSum(period.spreadNanos)
        }
    }

    // MARK: SMs held by RT kernels

    /// SMs RT kernels now hold, clamped to 0...totalSMs.
    var smsBusy: Int { lock.withLock { Int(min(smsInFlight, UInt64(totalSMs))) } }

    /// An RT kernel entered the device holding `sms` SMs (negative counts as 0).
    func rtKernelIssued(sms: Int) {
        lock.withLock { smsInFlight = smsInFlight.saturatingSum(UInt64(max(0, sms))) }
    }

    /// RT kernels holding `sms` SMs in all left the device; never below 0.
    func rtKernelsCompleted(sms: Int) {
        lock.withLock { smsInFlight = smsInFlight.saturatingDifference(UInt64(max(0, sms))) }
    }

    /// RT work whose kernels are unknown entered / left the device.
    func rtOpaqueWorkIssued() { rtKernelIssued(sms: assumedSMsForOpaqueWork) }
    func rtOpaqueWorkCompleted() { rtKernelsCompleted(sms: assumedSMsForOpaqueWork) }

    func reinitialiseAfterFork() { lock.reinitialiseAfterFork() }
}
