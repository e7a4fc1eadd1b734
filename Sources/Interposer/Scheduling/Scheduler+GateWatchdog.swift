#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// The release gate's watchdog: a thread that makes no runtime call. Real-time work closes the
/// gate and the dispatcher opens it; a dispatcher stuck inside a runtime call while the gate is
/// closed would leave it closed for good, and whatever the dispatcher's call waits for may itself
/// wait for the gated kernels (a best-effort host thread blocked in the runtime on them, a
/// synchronous copy say). On the H100 (session 11) release gates with predicted arrivals beside a
/// transformer hung a process for 70 s and for 150 s, and the dispatcher's own guards never
/// spoke. So: the gate closed and no dispatcher pass for `gateWatchdogNanos` → the watchdog opens
/// it; what waits behind it runs, and the dispatcher closes it again once it runs itself.
extension Scheduler {
    static var gateWatchdogNanos: UInt64 { 200_000_000 }
    static var gateWatchdogPollMicros: UInt32 { 10_000 }

    /// Once, when the gate is made.
    func startGateWatchdog() {
        let r = startDetachedThread { [self] in gateWatchdogLoop() }
        if r != 0 {
            log.write(.warn, "REEF_BE_GATE: no watchdog thread (pthread_create: \(r)); only the dispatcher opens the gate")
        }
    }

    private func gateWatchdogLoop() {
        var lastLoops = load(.dispatcherLoops)
        var stillSince: UInt64 = 0
        while true {
            usleep(Self.gateWatchdogPollMicros)
            // Gates turned off for good: nothing to watch.
            guard let word = UnsafeMutablePointer<UInt32>(bitPattern: UInt(load(.gateWord))) else { return }
            let loops = load(.dispatcherLoops)
            if loops != lastLoops || reef_atomic_load32(word) != 0 {
                lastLoops = loops
                stillSince = 0
                continue
            }
            let now = monotonicNanos()
            if stillSince == 0 { stillSince = now; continue }
            guard now &- stillSince >= Self.gateWatchdogNanos else { continue }
            reef_atomic_store32(word, 1)
            count(.gateWatchdogOpens)
            log.once(.gateWatchdog, .warn, "REEF_BE_GATE: the dispatcher made no pass for \(Self.gateWatchdogNanos / 1_000_000) ms with the gate closed (stuck in a runtime call); the watchdog opened it so gated best-effort work can run")
            stillSince = 0
        }
    }

    /// REEF_DEBUG_STALL_DISPATCHER_MS=N (tests): the first time the dispatcher finds the gate
    /// closed it waits until someone else opens it, at most N ms, as if stuck in a runtime call
    /// that waits for the gated work.
    func debugStallIfAsked() {
        guard settings.debugDispatcherStallMicros > 0, !debugDispatcherStalled, let g = gate, !g.isOpen else { return }
        debugDispatcherStalled = true
        var waited: UInt32 = 0
        while !g.isOpen && waited < settings.debugDispatcherStallMicros {
            usleep(1000)
            waited += 1000
        }
    }
}
