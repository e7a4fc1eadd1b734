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
        arrivals.observe(start: load(.rtRequestStartNanos))
        guard prewarmDoneFor != arrivals.lastStart, let due = arrivals.actionTime(lead: lead, now: now) else { return nil }
        // A process with best-effort work of its own does not switch contexts between the two.
        guard load(.released) == 0, load(.held) == 0, let c = control(), c.bestEffortPeerAttached(now: now) else { return nil }
        if now < due { return due }
        prewarmDoneFor = arrivals.lastStart
        // Other processes hold best-effort work from now on, as for a real-time command.
        _ = reef_atomic_exchange(c.rtBegun, load(.rtBegun) &+ 1)
        _ = reef_atomic_exchange(c.rtLastCommand, now)
        guard let r = backend.prewarmRealtimeContext() else {
            prewarmDisabled = true
            if settings.prewarmAsked { log.write(.warn, "REEF_RT_PREWARM: this runtime (HIP) has no kernel of Reef's own to run; ignored") }
            return nil
        }
        if r == 0 { count(.prewarmSent); return nil }
        _ = reef_atomic_exchange(counters.base + Counter.prewarmFailed.rawValue, UInt64(UInt32(bitPattern: r)))
        prewarmDisabled = true
        log.write(.warn, "REEF_RT_PREWARM: loading or launching Reef's empty kernel in the real-time context failed (error \(r)); no more prewarming in this process (REEF_RT_PREWARM=off skips trying)")
        return nil
    }

    func prewarmJSON() -> String {
        "{\"lead_us\":\(settings.prewarmLeadNanos / 1000),\"period_us\":\((arrivals.period ?? 0) / 1000),\"sent\":\(load(.prewarmSent)),\"failed\":\(load(.prewarmFailed))}"
    }
}
