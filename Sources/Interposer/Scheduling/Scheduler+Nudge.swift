#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// REEF_RT_NUDGE=on|off|N (CUDA; default N = 10). On the H100 a real-time CUDA graph
/// ran 12-13 % slower on the device once kernels had run on other streams of its context, and at
/// its alone speed again from the first kernel of another context on — but slower (1.15×) when
/// that kernel ran and nothing followed it before the next request (RT alone, or beside one small
/// kernel per 100 ms). With a real best-effort model beside it, one empty kernel in a private
/// context after each real-time request, or after every 10th, kept RT at its alone device time
/// (bench/results/rt-floor-contexts-diag.md, made by the benchmark's RT client). So Reef sends
/// that kernel only where best-effort work follows it: when a real-time busy period of this
/// process ends with best-effort work held or running, every Nth such time, before releasing.
/// Reef's own runs (bench/results/inprocess-h100-run16.md, -run17.md): RT device time back to
/// alone (0.92 ms against 1.04 ms) with every period and with every 10th; waiting for the kernel
/// took 0.2-0.9 ms each time (runs 17, 18), so every 10th is the default. The private context costs device
/// memory (524 MiB on the H100), made only at the first nudge.
extension Scheduler {
    /// Dispatcher only: a real-time busy period of this process just ended.
    func nudgeAfterRealtime() {
        let every = settings.nudgeEvery
        guard every > 0, !nudgeDisabled else { return }
        guard load(.held) > 0 || work.contains(where: { !$0.inFlight.isEmpty }) else { return }
        count(.nudgeEligible)
        guard (load(.nudgeEligible) - 1) % UInt64(every) == 0 else { return }
        timeline.enter(.nudge, now: monotonicNanos())
        guard let r = backend.nudgeOtherContext(waitNanos: Self.nudgeWaitNanos) else {
            nudgeDisabled = true
            if settings.nudgeAsked { log.write(.warn, "REEF_RT_NUDGE: this runtime (HIP) has no context to nudge; ignored") }
            return
        }
        switch r {
        case 0: count(.nudgeSent)
        case backend.notReady: count(.nudgeSent); count(.nudgeLate)
        default:
            _ = reef_atomic_exchange(counters.base + Counter.nudgeFailed.rawValue, UInt64(UInt32(bitPattern: r)))
            nudgeDisabled = true
            log.write(.warn, "REEF_RT_NUDGE: making a private context or running an empty kernel in it failed (error \(r)); no more nudges in this process (REEF_RT_NUDGE=off skips trying)")
        }
    }

    /// How long the dispatcher waits for the empty kernel before releasing best-effort work.
    static var nudgeWaitNanos: UInt64 { 2_000_000 }

    func nudgeJSON() -> String {
        "{\"every\":\(settings.nudgeEvery),\"eligible\":\(load(.nudgeEligible)),\"sent\":\(load(.nudgeSent)),\"late\":\(load(.nudgeLate)),\"failed\":\(load(.nudgeFailed))}"
    }
}
