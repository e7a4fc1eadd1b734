#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// REEF_RT_PREWARM=on|off|<lead µs> (CUDA; default on, 300 µs). Across processes on the H100
/// (time-sliced), a real-time CUDA graph ran ~0.14 ms (15 %) longer on the device whenever the
/// best-effort process's context had run since its last request, with the best-effort work held
/// and drained, with one command in flight, and with a small-footprint best-effort model alike:
/// the first kernel after the switch back pays it. An empty kernel in the real-time context
/// 300 µs before each request took it off the request (device time as alone; an event record
/// did not: bench/results/crossproc-h100-explore2.md). So a process whose real-time requests
/// start periodically (ArrivalPredictor), that runs no best-effort work itself (there the
/// contexts do not switch; REEF_RT_NUDGE covers that case), and that shares the GPU with a
/// best-effort process (control segment), runs that kernel `lead` before each predicted start,
/// and tells other processes real-time work has begun, so their best-effort work is held from
/// then on (2 ms at most if the request does not come).
extension Scheduler {
    /// Dispatcher only, nothing of this process held or running: when to wake for the next
    /// prewarm (nil: not needed). Runs it when it is due.
    func prewarmIfDue(now: UInt64) -> UInt64? {
        let lead = settings.prewarmLeadNanos
        guard lead > 0, !prewarmDisabled else { return nil }
        // Arrivals since the last look, oldest first (at most the ring's eight).
        let n = load(.rtArrivals), ring = UInt64(Self.arrivalRingSize)
        var k = max(arrivalsSeen, n >= ring ? n - ring : 0)
        if k > arrivalsSeen { arrivals.skipped() }   // some were overwritten: no gap across them
        while k < n {
            arrivals.observe(start: reef_atomic_load(counters.base + Counter.rtArrivalRing0.rawValue + Int(k % ring)))
            k += 1
        }
        arrivalsSeen = n
        guard arrivals.hasStart, now &- arrivals.lastStart < 1_000_000_000 else { return nil }
        // Only a real-time process (REEF_CLASS=rt or reefctl's override) without best-effort
        // work: with best-effort work of its own the contexts do not switch between the two, and
        // a kernel the dispatcher launches could wait (lazy module loading synchronises the
        // context) for work behind its own closed gate.
        guard realtimeProcess, load(.released) == 0, load(.held) == 0,
              let c = control(), c.bestEffortPeerAttached(now: now) else { return nil }
        if !prewarmPrepared {
            // Loading the kernel compiles it (milliseconds, with driver locks held that a
            // real-time launch then waits for): once, soon after a request began, before
            // the arrivals are known to be periodic (no prewarm before that anyway).
            let after = arrivals.lastStart &+ Self.prepareAfterNanos
            if now < after { return after }
            guard prewarmSucceeded(backend.prewarmRealtimeContext(launch: false)) else { return nil }
            prewarmPrepared = true
        }
        // Not periodic yet: look again soon, so prewarming starts a few requests in.
        guard let due = arrivals.actionTime(lead: lead, now: now), let period = arrivals.period else {
            return arrivals.period == nil ? now &+ Self.learningPollNanos : nil
        }
        // Done for this period: wake for the next one (its arrival is seen then).
        if prewarmDoneFor == arrivals.lastStart { return due &+ period }
        if now < due { return due }
        prewarmDoneFor = arrivals.lastStart
        // Other processes hold best-effort work from now on, as for a real-time command.
        c.publishRealtimeCommand(begun: load(.rtBegun) &+ 1, at: now)
        guard prewarmSucceeded(backend.prewarmRealtimeContext(launch: true)) else { return nil }
        count(.prewarmSent)
        return due &+ period
    }

    /// Whether every stream of this process is real-time by default (dispatcher only).
    private var realtimeProcess: Bool {
        state.withLock { (classOverride ?? settings.policy.processDefault) == .realtime }
    }

    /// False (and no more prewarming) when the runtime has no such kernel or it failed.
    private func prewarmSucceeded(_ result: Int32?) -> Bool {
        guard let r = result else {
            prewarmDisabled = true
            if settings.prewarmAsked { log.write(.warn, "REEF_RT_PREWARM: this runtime (HIP) has no kernel of Reef's own to run; ignored") }
            return false
        }
        if r == 0 { return true }
        _ = reef_atomic_exchange(counters.base + Counter.prewarmFailed.rawValue, UInt64(UInt32(bitPattern: r)))
        prewarmDisabled = true
        log.write(.warn, "REEF_RT_PREWARM: loading or launching Reef's empty kernel in the real-time context failed (error \(r)); no more prewarming in this process (REEF_RT_PREWARM=off skips trying)")
        return false
    }

    /// Real-time thread, a request starting after real-time work was idle: its time, for the
    /// dispatcher's ArrivalPredictor (no lock, no allocation).
    @inline(__always) func noteArrival(_ now: UInt64) {
        let n = load(.rtArrivals)   // the slot to fill, counted once it holds the time
        _ = reef_atomic_exchange(counters.base + Counter.rtArrivalRing0.rawValue + Int(n % UInt64(Self.arrivalRingSize)), now)
        count(.rtArrivals)
    }

    /// When the kernel is loaded, after a request began; how often arrivals are looked at while
    /// their period is being learned.
    static var prepareAfterNanos: UInt64 { 1_000_000 }
    static var learningPollNanos: UInt64 { 5_000_000 }

    /// Slots of the arrival ring (the counters rtArrivalRing0 ... rtArrivalRing7).
    static var arrivalRingSize: Int { Counter.rtArrivalRing7.rawValue - Counter.rtArrivalRing0.rawValue + 1 }

    /// A request that starts within this long after the host waited for the last one continues
    /// it (the RT client's copy-back after its graph), rather than arriving.
    static var continuationNanos: UInt64 { RealtimeActivityModel.defaultContinuationNanos }

    func prewarmJSON() -> String {
        "{\"lead_us\":\(settings.prewarmLeadNanos / 1000),\"period_us\":\((arrivals.period ?? 0) / 1000),\"sent\":\(load(.prewarmSent)),\"failed\":\(load(.prewarmFailed))}"
    }
}
