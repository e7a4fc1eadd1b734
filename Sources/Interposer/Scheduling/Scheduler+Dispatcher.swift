#if canImport(Glibc)
import Glibc
#endif
import CInterpose
import ControlPlane
import CControl

// The scheduler: the dispatcher thread (releases within the window, preemption for real-time
// work here and in other processes, reefctl overrides and policy, preemption latency).
extension Scheduler {
    // MARK: - Dispatcher

    func wakeDispatcher() { state.withLock { state.broadcast() } }

    /// Lock held.
    func startDispatcherIfNeeded() {
        guard !dispatcherRunning, getenv("REEF_DEBUG_NO_DISPATCHER") == nil else { return }
        dispatcherRunning = true
        let r = startDetachedThread { [self] in dispatchLoop() }
        if r != 0 {
            dispatcherRunning = false
            log.write(.error, "cannot start the dispatcher thread (pthread_create: \(r)); best-effort work is issued at syncs only")
        }
    }

    /// Dispatcher only: whether a host thread has waited for held work of a stream that saw no
    /// ordinary release for longer than `settings.hostWaitInheritNanos` (lock-free when nobody waits).
    func starvedWaiter() -> Bool {
        guard load(.hostWaiters) > 0 else { return false }
        let now = monotonicNanos()
        return state.withLock { active.contains { starved($0, now: now) } }
    }

    /// State lock held: `q` has held work a host thread has waited for too long.
    func starved(_ q: StreamQueue, now: UInt64) -> Bool {
        q.starvedWait(now: now, limit: settings.hostWaitInheritNanos)
    }

    /// Real-time work of this process begun and not known complete.
    func localRealtimeBusy() -> Bool { load(.rtBegun) != load(.rtSettled) }

    /// Real-time work here, or a real-time request outstanding in another process.
    func realtimeBusy() -> Bool {
        if localRealtimeBusy() { return true }
        guard load(.controlTried) != 0, let c = controlLinkStorage else { return false }
        return c.foreignRealtimeBusy(now: monotonicNanos())
    }


    /// Polls the completion of every real-time command issued so far. Returns false when it has
    /// waited longer than `realtimeStallNanos` (then best-effort work may run).
    func settleRealtime() -> Bool {
        if realtimeMarkers.isEmpty {
            let issued = load(.rtIssued)
            if load(.rtBegun) != issued {   // a submission is in progress
                if submissionPendingSince == 0 { submissionPendingSince = monotonicNanos() }
                publishRealtimeIncomplete()
                usleep(10)
                return true
            }
            submissionPendingSince = 0
            for s in state.withLock({ rtStreams }) {
                guard let m = takeMarker() else { continue }
                if backend.record(m, on: s) == 0 { realtimeMarkers.append(m) } else { state.withLock { recycle(m, "rt-fail") } }
            }
            realtimeMarkedAt = monotonicNanos()
            realtimeMarkedIssued = issued
        }
        while let m = realtimeMarkers.first, backend.query(m) != backend.notReady {
            realtimeMarkers.removeFirst()
            state.withLock { recycle(m, "rt-done") }
        }
        if realtimeMarkers.isEmpty {
            realtimeSettledAt = monotonicNanos()
            _ = reef_atomic_exchange(counters.base + Counter.rtSettled.rawValue, realtimeMarkedIssued)
            _ = reef_atomic_exchange(counters.base + Counter.rtMemoryWaits.rawValue, 0)
            return true
        }
        if load(.rtMemoryWaits) > 0 && monotonicNanos() &- realtimeMarkedAt > realtimeStallNanos { return false }
        publishRealtimeIncomplete()
        usleep(10)
        return true
    }

    /// Tells other processes' dispatchers that this process's real-time work is still running
    /// (ControlLink: they keep holding until it completes, not only for 2 ms after its last
    /// command). One store per poll; only while this process tracks its real-time work, i.e.
    /// while it has best-effort work of its own held or running.
    @inline(__always) func publishRealtimeIncomplete() {
        guard load(.controlTried) != 0, let c = controlLinkStorage else { return }
        _ = reef_atomic_exchange(c.rtIncomplete, monotonicNanos())
    }


    /// Dispatcher only. Ends the measurement once no released best-effort command runs (or
    /// real-time work finished first, which means the same for it).
    func trackPreemption(realtimeDone: Bool) {
        guard let p = preemption else { return }
        reapCompleted()
        let drained = work.allSatisfy { $0.inFlight.isEmpty }
        guard drained || realtimeDone else { return }
        let now = monotonicNanos()
        state.withLock { preemptionLog.add(arrival: p.arrival, stopped: p.stopped, drained: now) }
        preemption = nil
    }

    func preemptionJSON() -> String { state.withLock { preemptionLog.json() } }



    /// Lock held, dispatcher only. Drops queues with nothing held, releasing or in flight from
    /// the active list and copies it into `work` (no allocation once capacity is reached).
    func collectWork() {
        active.removeAll { q in
            let idle = q.heldCount == 0 && !q.releasing && q.inFlight.isEmpty
            if idle { q.isActive = false }
            return idle
        }
        work.removeAll(keepingCapacity: true)
        work.append(contentsOf: active)
    }

    func dispatchLoop() {
        reef_set_timer_slack_ns(1000)
        let start = state.withLock { dispatcherContext }
        if start != 0 && backend.currentContext() == 0 { backend.makeCurrent(start) }
        refillMarkers(16)
        var wasBusy = false
        // Whether this busy period has counted its preemption: best-effort work held or running
        // at its start, or held later in it.
        var preemptedThisBusy = false
        // Whether this busy period had real-time work of this process (REEF_RT_NUDGE).
        var busyWasLocal = false
        var lastProgress = monotonicNanos()
        while true {
            count(.dispatcherLoops)   // the gate watchdog's heartbeat
            debugStallIfAsked()
            // No runtime call from this thread may disturb a capture: announce that we are about
            // to make some, then check no capture is open or starting.
            count(.dispatcherInRuntime, 1)
            if load(.captures) > 0 {
                timeline.enter(.capture, now: monotonicNanos())
                count(.dispatcherInRuntime, -1)
                usleep(200)
                continue
            }
            defer { count(.dispatcherInRuntime, -1) }
            publishToControl()
            applyControlOverride()
            serviceGate()
            // Nothing held or running: nothing to preempt, so no real-time tracking either (a
            // process that only runs real-time work gets no markers on its streams: a marker
            // recorded after the app's own synchronize would make its next stream query say
            // "not ready", hip/streams_events under REEF_CLASS=rt in 8 % of runs). A closed gate
            // keeps the dispatcher going: it opens the gate once real-time work is over.
            if load(.held) == 0 && preemption == nil && work.allSatisfy({ $0.inFlight.isEmpty }) && gateAtRest {
                let now = monotonicNanos()
                timeline.enter(.idle, now: now)
                // REEF_RT_PREWARM: wake for the next one (none without periodic RT beside BE).
                var sleepMicros: UInt64 = 100_000
                if let due = prewarmIfDue(now: now) { sleepMicros = max(1, min(sleepMicros, (due &- now) / 1000)) }
                state.lock()
                if load(.held) == 0 {
                    dispatcherSleeping = true; count(.dispatcherAsleep, 1)
                    state.wait(microseconds: Int(sleepMicros))
                    dispatcherSleeping = false; count(.dispatcherAsleep, -1)
                }
                state.unlock()
                continue
            }
            // A host thread starved of held work (real-time work never idle): its streams go now.
            var inheriting = false
            if realtimeBusy() {
                timeline.enter(.realtime, now: monotonicNanos())
                let local = localRealtimeBusy()
                // The busy period's start: the request's first command here, else now (another
                // process's request, seen within the signal's latency).
                if !wasBusy {
                    let arrival = load(.rtArrivalNanos)
                    // Best-effort work on the device: released and not yet seen complete.
                    padding?.realtimeBegan(at: local && arrival != 0 ? arrival : monotonicNanos(),
                                           bestEffortOnDevice: work.contains { !$0.inFlight.isEmpty })
                }
                if !preemptedThisBusy && (load(.held) > 0 || work.contains { !$0.inFlight.isEmpty }) {
                    preemptedThisBusy = true
                    count(.preemptions)
                    // Another process's request: its last command as published (the signal's
                    // latency is then the time to stop).
                    let now = monotonicNanos()
                    let foreign = local ? nil : controlLinkStorage?.foreignRealtimeCommand(now: now)
                    preemption = (local ? load(.rtArrivalNanos) : (foreign ?? now), now)
                }
                wasBusy = true
                if local { busyWasLocal = true }
                else if load(.foreignRealtimeSeen) == 0 { _ = reef_atomic_exchange(counters.base + Counter.foreignRealtimeSeen.rawValue, 1) }
                closeGateForRealtime()   // another process's real-time work (ours closed it already)
                trackPreemption(realtimeDone: false)
                // Kernels that fit beside the real-time work run now, in a partition.
                if let p = padding, load(.held) > 0, paddingOn() { padHeld(p) }
                inheriting = starvedWaiter()
                if !inheriting {
                    if !local { usleep(10); continue }   // another process's request: poll its entry
                    if let g = gate, !g.isOpen, load(.gateWord) != 0 { guardGate(g) }
                    if settleRealtime() { continue }
                }
                // Real-time work has not completed for a while: it may wait on held work. Or a
                // host thread has waited too long: the streams it waits for go, within the window.
            } else {
                if wasBusy {
                    padding?.rt?.ended(at: monotonicNanos())
                    if busyWasLocal || settings.nudgeForeign { nudgeAfterRealtime() }
                }
                wasBusy = false
                busyWasLocal = false
                preemptedThisBusy = false
                gateStallOpen = false
                trackPreemption(realtimeDone: true)
            }
            // Real-time work is complete. If the host has waited for all of it, the request is
            // over: go on at once. Otherwise more of the same request may follow (an eager model
            // launching kernel after kernel from Python): hold on until the linger has passed
            // since the last real-time command or, if later, since that work completed (long
            // kernels queued back to back end long after their launch).
            if !realtimeBusy() && load(.rtWaitedFor) < load(.rtBegun) {
                let since = monotonicNanos() &- max(load(.rtLastCommandNanos), realtimeSettledAt)
                let linger = lingerNanos
                if since < linger {
                    timeline.enter(.linger, now: monotonicNanos())
                    usleep(UInt32(max(1, min(50_000, (linger - since) / 1000))))
                    continue
                }
            }
            // Best-effort work may run again (or real-time work has stalled, and may wait on it).
            openGate(stalled: realtimeBusy())
            reapCompleted()
            padding?.collectSamples { backend.query($0) == 0 }
            let padOn = padding != nil && paddingOn()
            // Kernels that would still run when periodic RT work next arrives go to a partition.
            // (Only with REEF_PAD_PREDICT: otherwise nothing is confined while RT is idle, and the
            // occupancy queries it would make are wasted runtime calls.)
            if padOn, let p = padding, p.config.predictArrivals, p.units > 0, !realtimeBusy(), load(.held) > 0 {
                padHeld(p, beforeRealtime: true)
            }
            // The time budget needs learned durations: the padding engine learns them.
            let budget = settings.inFlightBudgetNanos
            let learn = padOn || budget != nil || settings.predictHold || (gateOn && settings.gateEveryNanos > 0)
            if learn, let p = padding, p.units == 0, load(.released) > 0 {
                _ = p.prepare(context: 0, makeCurrent: { _ in })   // this thread's context: the last release's
            }
            state.lock()
            collectWork()
            var issued = false
            var waitingOnWindow = false
            let stalled = realtimeBusy() && !inheriting
            let inheritNow = monotonicNanos()
            for q in work where q.holdable && q.heldCount > 0 {
                let inherited = inheriting && starved(q, now: inheritNow)
                if inheriting && !inherited { continue }
                if realtimeBusy() && !stalled && !inherited { break }
                let room = window - q.inFlightCommands
                if room <= 0 { waitingOnWindow = true; continue }
                if markers.isEmpty { state.unlock(); refillMarkers(8); state.lock() }
                // A batch of up to half the window, then one marker: two batches keep the device
                // busy while the dispatcher notices the first completing. Checked per command:
                // another thread may have issued the head meanwhile, real-time work may arrive.
                var batch = 0
                var batchNanos: UInt64 = 0
                while batch < min(room, markerEvery), let head = q.head, !q.releasing, blocker(of: head, in: q) == nil {
                    if batch > 0 && realtimeBusy() && !stalled && !inherited { break }
                    let shape = learn ? paddingShape(of: head) : nil
                    // Left for the partition (next pass): starting after what its stream has in
                    // flight, it would still run when RT next arrives.
                    if padOn, let p = padding, let shape, !stalled, !inherited, p.units > 0,
                       p.confine(shape, rtUnits: realtimeUnits(p),
                                 now: monotonicNanos() &+ q.inFlightPredictedNanos &+ batchNanos) != nil {
                        break
                    }
                    // Periodic RT due before this kernel would end: it waits for that RT work.
                    if settings.predictHold, let p = padding, let shape, !stalled, !inherited,
                       p.wouldOverlapArrival(shape, start: monotonicNanos() &+ q.inFlightPredictedNanos &+ batchNanos,
                                             now: monotonicNanos()) {
                        break
                    }
                    // A kernel not measured yet counts as the whole budget (it then goes alone).
                    let learned = learn ? learnedNanos(shape) : 0
                    let cost = learned ?? (budget ?? 0)
                    // At least one command in flight; beyond that, only what fits the budget.
                    if let budget, q.inFlightCommands + batch > 0 && q.inFlightPredictedNanos &+ batchNanos &+ cost > budget {
                        waitingOnWindow = true
                        break
                    }
                    batchNanos &+= cost
                    // Now and then a kernel's device time is measured (padding's estimates).
                    let gated = !inherited && gates(head, in: q, predicted: learned ?? 0)
                    if let p = padding, !stalled, learn, let shape, let pair = p.sampleForRelease(shape) {
                        issueHead(q, sample: (pair, p, shape), gated: gated)
                    } else {
                        issueHead(q, gated: gated)
                    }
                    batch += 1
                }
                if batch > 0 {
                    markReleased(q, covering: batch, predicted: batchNanos)
                    issued = true
                    // H100: counting from the wait's start inherited every 20 ms wait, put BE
                    // beside RT and raised RT p99 from 1.24 to 1.61 ms.
                    if inherited { count(.inheritedReleases, batch) } else { q.releasedOrdinarily(at: inheritNow) }
                }
            }
            if issued {
                lastProgress = monotonicNanos()
                timeline.enter(.releasing, now: lastProgress)
            }
            if !issued {
                let waiting = waitingOnWindow || work.contains(where: { !$0.inFlight.isEmpty })
                timeline.enter(waiting ? .windowFull : (load(.held) > 0 ? .blocked : .idle), now: monotonicNanos())
                if waiting {
                    state.unlock()
                    // In-flight work completes soon: poll, spinning while releases keep coming.
                    if monotonicNanos() &- lastProgress < spinNanos { sched_yield() } else { usleep(20) }
                    continue
                }
                dispatcherSleeping = true; count(.dispatcherAsleep, 1)
                if load(.held) == 0 { state.wait(microseconds: 100_000) } else { state.wait(microseconds: 200) }
                dispatcherSleeping = false; count(.dispatcherAsleep, -1)
            }
            state.unlock()
        }
    }


    /// Dispatcher only. Applies the classes `reefctl set` wrote for this process or its streams:
    /// every stream takes its class in effect; streams no longer held issue what they hold.
    func applyControlOverride() {
        guard load(.controlTried) != 0, let c = controlLinkStorage else { return }
        let raw = c.slot.classOverride, epoch = c.slot.overridesEpoch
        guard raw != appliedOverride || epoch != appliedOverridesEpoch else { return }
        appliedOverride = raw
        appliedOverridesEpoch = epoch
        func local(_ c: ControlClass) -> SchedulingClass? { switch c { case .rt: .realtime; case .be: .bestEffort; default: nil } }
        let o = local(ControlClass(raw: raw))
        let perStream = c.slot.streamOverrides().compactMap { e in local(e.cls).map { (key: e.key, cls: $0) } }
        state.lock()
        classOverride = o
        streamOverrides = perStream
        rtStreams.removeAll()
        for q in queues.values {
            q.schedulingClass = effectiveClass(handle: q.handle, ordinal: q.ordinal, base: q.baseClass)
            q.holdable = !q.capturing && q.schedulingClass == .bestEffort && q.handle != StreamIdentity.perThread
            if q.schedulingClass == .realtime { rtStreams.append(q.handle) }
            if let s = slotOf[q.handle], s < modeSlots { modes[s] = StreamMode.of(q) }
        }
        for q in Array(queues.values) where !q.holdable && q.heldCount > 0 { flushLocked(stream: q.handle, through: .max) }
        state.unlock()
        log.write(.info, "reefctl set this process to \(o?.name ?? "its streams' classes"), \(perStream.count) stream override(s)")
    }

    /// The window and linger in effect: `reefctl policy set` values when set, else the environment's.
    var window: Int {
        if load(.controlTried) != 0, let c = controlLinkStorage {
            let w = reef_atomic_load(c.policyWindow)
            if w >= 1 && w <= 1024 { return Int(w) }
        }
        return !settings.windowAsked && settings.gate == nil && gateOn ? Self.gatedWindow : settings.window
    }

    /// Whether kernel padding is in use: `reefctl policy set padding on|off` when set, else
    /// REEF_PADDING. Applies reefctl's slack too.
    func paddingOn() -> Bool {
        var on = settings.padding.settings.enabled
        if load(.controlTried) != 0, let c = controlLinkStorage {
            switch reef_atomic_load(c.policyPadding) {
            case UInt64(REEF_CONTROL_PADDING_ON): on = true
            case UInt64(REEF_CONTROL_PADDING_OFF): on = false
            default: break
            }
            let slack = reef_atomic_load(c.policyPadSlackMicros)
            padding?.setSlack(slack >= 1 && slack <= 1_000_000 ? slack * 1000 : nil)
        }
        return on
    }

    var lingerNanos: UInt64 {
        if load(.controlTried) != 0, let c = controlLinkStorage {
            let l = reef_atomic_load(c.policyLingerMicros)
            if l >= 1 && l <= 10_000_000 { return l * 1000 }
        }
        return settings.lingerNanos
    }


    /// Dispatcher only: a command's learned device time (in-flight budget, gates, arrival
    /// prediction): a kernel's learned mean, nil for a kernel not measured yet (callers decide
    /// what that counts as), 0 for other commands (copies, events: not timed).
    func learnedNanos(_ shape: KernelShape?) -> UInt64? {
        guard let shape else { return 0 }
        guard let e = padding?.profile.estimate(shape), e.samples > 0 else { return nil }
        return e.meanNanos
    }

    /// Dispatcher only: this process's counters for `reefctl status` (at most every millisecond).
    func publishToControl() {
        guard load(.controlTried) != 0, let c = controlLinkStorage else { return }
        let now = monotonicNanos()
        guard now &- lastPublishNanos >= 1_000_000 else { return }
        lastPublishNanos = now
        c.publish(held: load(.held), released: load(.released), preemptions: load(.preemptions),
                  commands: load(.released) &+ load(.rtBegun))
        let (streams, inFlight) = state.withLock { (queues.count, work.reduce(0) { $0 + $1.inFlightCommands }) }
        c.slot.publish(streams: UInt64(streams), inFlight: UInt64(inFlight))
        if let p = padding { c.slot.publishPadding(padded: p.padded, mispredicted: p.mispredicted) }
    }


    /// Lock held on entry and exit, dispatcher only. Records a marker after the `count` commands
    /// just released from `q`; without one (no event could be made) they are not counted.
    func markReleased(_ q: StreamQueue, covering count: Int, predicted: UInt64 = 0) {
        guard let m = markers.popLast() else { return }
        state.unlock()
        let ok = backend.record(m, on: q.handle) == 0
        state.lock()
        if ok {
            q.inFlight.append(m)
            q.inFlightCovers.append(count)
            q.inFlightCommands += count
            q.inFlightPredicted.append(predicted)
            q.inFlightPredictedNanos &+= predicted
            var seen = load(.maxInFlight)
            while UInt64(q.inFlightCommands) > seen {
                if reef_atomic_cas(counters.base + Counter.maxInFlight.rawValue, &seen, UInt64(q.inFlightCommands)) != 0 { break }
            }
        } else {
            recycle(m, "window-fail")
        }
    }

    /// Drops the markers of released work that has completed (only the dispatcher adds or
    /// removes window markers, so the lists cannot change under it).
    func reapCompleted() {
        if work.isEmpty { state.withLock { collectWork() } }
        for q in work where !q.inFlight.isEmpty {
            var done = 0
            for m in q.inFlight {
                if backend.query(m) == backend.notReady { break }
                done += 1
            }
            if done > 0 {
                state.withLock {
                    for m in q.inFlight.prefix(done) { recycle(m, "reaped") }
                    q.inFlightCommands -= q.inFlightCovers.prefix(done).reduce(0, +)
                    q.inFlightPredictedNanos &-= q.inFlightPredicted.prefix(done).reduce(0, &+)
                    q.inFlightPredicted.removeFirst(done)
                    q.inFlight.removeFirst(done)
                    q.inFlightCovers.removeFirst(done)
                }
            }
        }
    }
}
