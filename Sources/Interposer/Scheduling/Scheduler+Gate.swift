#if canImport(Glibc)
import Glibc
#endif
import CInterpose

// The scheduler: the release gate (ReleaseGate) — made on first use, placed before released
// best-effort kernels, closed by real-time work, opened by the dispatcher, held open while a
// real-time stream waits on best-effort work.
extension Scheduler {
    /// Whether the dispatcher gates this command: a kernel (or graph) on a non-blocking stream,
    /// once the kernels released since the stream's last gate are predicted to take
    /// REEF_BE_GATE_US (`gateEveryNanos`), or whose duration is unknown (`predicted` 0). A gate
    /// costs a device-side wait on host memory, so short kernels share one; real-time work then
    /// waits at most for that much best-effort work past the kernel running when it arrives.
    /// Blocking streams are never gated: the legacy stream's implicit synchronisation could
    /// make real-time work on a blocking stream wait behind a closed gate.
    func gates(_ command: HeldCommand, in q: StreamQueue, predicted: UInt64) -> Bool {
        guard gateOn, !gateUnavailable, !q.blocking else { return false }
        let k = Int32(apis.facts[Int(command.call.api)].kind)
        guard k == REEF_K_LAUNCH || k == REEF_K_LAUNCH_EX || k == REEF_K_LAUNCH_COOP || k == REEF_K_GRAPH else { return false }
        if predicted == 0 || q.ungatedNanos >= settings.gateEveryNanos {
            // An unknown kernel counts as long: the next kernel gets a gate of its own too.
            q.ungatedNanos = predicted == 0 ? settings.gateEveryNanos : predicted
            return true
        }
        q.ungatedNanos &+= predicted
        return false
    }

    /// Dispatcher only, lock not held, the command's context current: places the gate's wait
    /// on `stream`. The first call makes the gate; a refusal turns gates off for the process.
    func placeGate(on stream: UInt64) {
        guard let b = backend as? GateBackend else { gateUnavailable = true; return }
        if gate == nil {
            guard let w = b.makeGateWord() else {
                gateUnavailable = true
                log.once(.gateUnavailable, .warn, "REEF_BE_GATE: the runtime gave no device-mapped host memory; best-effort work is released ungated")
                return
            }
            gate = ReleaseGate(word: w.host, device: w.device)
            _ = reef_atomic_exchange(counters.base + Counter.gateWord.rawValue, UInt64(UInt(bitPattern: w.host)))
            startGateWatchdog()
        }
        guard let g = gate, load(.gateWord) != 0 else { gateUnavailable = true; return }
        let r = b.waitGate(stream, device: g.device)
        if r == 0 { count(.gated); return }
        log.once(.gateUnavailable, .warn, "REEF_BE_GATE: a stream wait on the gate failed (error \(r)); best-effort work is released ungated from now on")
        disableGate()
    }

    /// Any thread: no more gating; what waits behind the gate runs (at exit, or after a refusal
    /// or a stall: `turnedOff`, counted in REEF_STATS).
    func disableGate(turnedOff: Bool = true) {
        let w = reef_atomic_exchange(counters.base + Counter.gateWord.rawValue, 0)
        if turnedOff && w != 0 { count(.gateTurnedOff) }
        if let p = UnsafeMutablePointer<UInt32>(bitPattern: UInt(w)) { reef_atomic_store32(p, 1) }
    }

    /// Whether a real-time command may wait on gated best-effort work in a way the device, not
    /// Reef, resolves: a wait on an event recorded behind held work (`event` nil: it has a
    /// shadow) or not on a real-time stream, a wait on a memory value, or any command on a
    /// blocking or default stream (they follow the legacy stream, which may itself wait on gated
    /// work). Then the gate opens until the command is over: never a deadlock.
    func realtimeMayWaitOnGated(kind: UInt8, api: Int, stream: UInt64, blocking: Bool, event: UInt64?) -> Bool {
        if blocking || stream == StreamIdentity.legacy || stream == StreamIdentity.perThread { return true }
        switch Int32(kind) {
        case REEF_K_STREAM_WAIT:
            guard let event else { return true }
            return state.withLock { realtimeEventBegun[event] == nil }
        case REEF_K_MEMOP:
            return roles.waitsOnMemory(api)
        default:
            return false
        }
    }

    /// Real-time thread, before it forwards a command that may depend on gated work.
    func beginGateBoost() {
        count(.gateBoosts)
        let w = load(.gateWord)
        if let p = UnsafeMutablePointer<UInt32>(bitPattern: UInt(w)) { reef_atomic_store32(p, 1) }
    }

    /// Real-time thread, after forwarding that wait: a marker behind it on the real-time stream
    /// ends the boost when it completes (the dispatcher watches it).
    func endGateBoost(on stream: UInt64) {
        if let m = takeMarker() {
            if backend.record(m, on: stream) == 0 {
                state.withLock {
                    gateBoostMarkers.append(m)
                    if dispatcherSleeping { state.broadcast() }
                }
                return
            }
            state.withLock { recycle(m, "boost-fail") }
        }
        // Without a marker Reef cannot tell when the wait ends: stop gating rather than risk it.
        log.once(.gateUnavailable, .warn, "REEF_BE_GATE: no event to follow a real-time wait on best-effort work; gates are off from now on")
        disableGate()
        count(.gateBoosts, -1)
    }

    /// Dispatcher only: ends boosts whose real-time wait is over; while any is left the gate
    /// stays open (a real-time thread may have closed it meanwhile).
    func serviceGate() {
        guard let g = gate else { return }
        if load(.gateBoosts) > 0 {
            let pending = state.withLock { gateBoostMarkers }
            var done: [UInt64] = []
            for m in pending where backend.query(m) != backend.notReady { done.append(m) }
            if !done.isEmpty {
                state.withLock {
                    gateBoostMarkers.removeAll { done.contains($0) }
                    for m in done { recycle(m, "boost-done") }
                }
                count(.gateBoosts, -done.count)
            }
            if load(.gateBoosts) > 0 && load(.gateWord) != 0 { g.open() }
        }
    }

    /// Dispatcher only: nothing about the gate needs the dispatcher awake.
    var gateAtRest: Bool {
        guard let g = gate, load(.gateWord) != 0 else { return true }
        return g.isOpen && load(.gateBoosts) == 0
    }

    /// Dispatcher only, real-time work busy and the gate closed: opens it until real-time work is
    /// idle when that work may be waiting for gated work in a way Reef cannot see. A real-time
    /// submission stuck inside the runtime for `gateStallNanos` (a first launch that loads its
    /// module lazily may synchronise the context, gated streams included), or real-time work
    /// incomplete for five times that.
    func guardGate(_ g: ReleaseGate) {
        let now = monotonicNanos()
        let stuck = submissionPendingSince != 0 && now &- submissionPendingSince > gateStallNanos
        let slow = !realtimeMarkers.isEmpty && now &- realtimeMarkedAt > 5 &* gateStallNanos
        guard stuck || slow else { return }
        log.once(.gateStalled, .warn, "REEF_BE_GATE: real-time work " + (stuck ? "has been stuck in a runtime call" : "has not completed")
                 + " for \((stuck ? 1 : 5) * gateStallNanos / 1_000_000) ms behind a closed gate (it may wait on gated work); opening the gate until real-time work is idle")
        count(.gateStalls)
        openGate(stalled: true)
    }

    /// Dispatcher only: real-time work is running; close the gate unless a boost or a stall
    /// keeps it open.
    func closeGateForRealtime() {
        guard let g = gate, load(.gateWord) != 0, !gateStallOpen, load(.gateBoosts) == 0 else { return }
        if g.close() { count(.gateCloses) }
    }

    /// Dispatcher only: best-effort work may run again (or real-time work stalled).
    func openGate(stalled: Bool) {
        guard let g = gate, load(.gateWord) != 0 else { return }
        if stalled { gateStallOpen = true }
        g.open()
    }

    func gateJSON() -> String {
        "{\"enabled\":\(gateOn),\"in_use\":\(load(.gateWord) != 0),\"gated\":\(load(.gated)),\"closes\":\(load(.gateCloses)),\"stalls_opened\":\(load(.gateStalls)),\"watchdog_opened\":\(load(.gateWatchdogOpens)),\"turned_off\":\(load(.gateTurnedOff) != 0)}"
    }
}
