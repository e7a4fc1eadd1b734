#if canImport(Glibc)
import Glibc
#endif
import CInterpose
import ControlPlane

// The scheduler: synchronisation (host waits for held work), flushes, ordering between queues,
// and issuing a queue's head.
extension Scheduler {
    // MARK: - Synchronisation: issue held work the caller waits for

    /// A host wait never pushes held best-effort work past the window: it waits for the
    /// dispatcher to release the work, which it does as soon as no real-time work runs. Only a
    /// real-time stream waiting on held work (`issueDirect`) issues it at once.
    func synchronizeOrQuery(_ call: UnsafeMutablePointer<ReefCall>, api: Int, kind: UInt8, stream: UInt64?, slot: Int?) -> Int32 {
        let args = ReefCall.mutableArgs(call)
        let query = Int32(kind) == REEF_K_QUERY
        let begun = load(.rtBegun)
        if let stream {
            let m = mode(stream: stream, slot: slot)
            // A real-time stream holds nothing and reports no deferred errors: unless it follows
            // the legacy stream, its wait needs no lock (the real-time request's hot path).
            let realtime = m & StreamMode.realtime != 0, blocking = m & StreamMode.nonBlocking == 0
            if query {
                // Held work has not run, so the stream is not idle: say so without issuing it.
                if !realtime, state.withLock({ queues[stream]?.pendingSequence != nil }) { return backend.notReady }
            } else if !realtime || blocking {
                awaitIssued(before: stream, blocking: blocking)
            }
            let result = backend.forward(call)
            if realtime && result == 0 { realtimeWaitedFor(begun) }
            return result == 0 && load(.deferredErrors) > 0 ? takeDeferredError(stream) : result
        }
        if roles.role(api) == .eventElapsed {
            // An event whose latest record Reef still holds has not completed: the runtime would
            // say not ready (its own event still carries an earlier record, which would give a
            // wrong time). A released record is on the app's event itself: the runtime answers.
            let held = state.withLock { [args[1], args[2]].contains { events[$0]?.latest.map { !$0.issued } ?? false } }
            return held ? backend.notReady : backend.forward(call)
        }
        if roles.role(api) == .eventWait {
            if let shadow = latestShadow(of: args[0], retain: true) {
                // Retained until the wait returns: released, its marker could be recorded again.
                defer { state.withLock { release(shadow: shadow) } }
                if !shadow.issued {
                    if query { return backend.notReady }
                    awaitIssued(through: shadow.reference.sequence) { $0.handle == shadow.reference.stream }
                }
                args[0] = shadow.marker
                return backend.forward(call)
            }
            let event = args[0]
            let result = backend.forward(call)
            if result == 0, let recorded = state.withLock({ realtimeEventBegun[event] }) { realtimeWaitedFor(recorded) }
            return result
        }
        // Context / device synchronize (and the best-effort context's streams, which another
        // context's synchronize does not cover).
        awaitIssued { _ in true }
        var result = backend.forward(call)
        if result == 0 { result = synchronizeOwnContexts() }
        if result == 0 { realtimeWaitedFor(begun) }
        return result == 0 ? takeAnyDeferredError() : result
    }

    /// The host has seen the first `begun` real-time commands complete: a request that ends with
    /// a wait is over, and best-effort work may run at once instead of after the linger.
    func realtimeWaitedFor(_ begun: UInt64) {
        let p = counters.base + Counter.rtWaitedFor.rawValue
        var seen = reef_atomic_load(p)
        var advanced = false
        while seen < begun {
            if reef_atomic_cas(p, &seen, begun) != 0 { advanced = true; break }   // a failed swap reloads `seen`
        }
        if advanced && settings.prewarmLeadNanos > 0 {
            _ = reef_atomic_exchange(counters.base + Counter.rtWaitedAtNanos.rawValue, monotonicNanos())
        }
        guard load(.controlTried) != 0, let c = controlLinkStorage else { return }
        _ = reef_atomic_exchange(c.rtWaitedFor, reef_atomic_load(p))
        // The request is over: its latency, first command to this wait, for reefctl status.
        if advanced && begun == load(.rtBegun) {
            let start = load(.rtRequestStartNanos), now = monotonicNanos()
            if start != 0 && now > start { c.slot.recordLatency(micros: (now - start) / 1000) }
        }
    }

    /// A synchronous copy or set runs on the legacy default stream (or the calling thread's
    /// default stream, which follows the legacy one); a free may release memory any held command
    /// still uses, so it waits for everything.
    func synchronousCall(_ call: UnsafeMutablePointer<ReefCall>, api: Int) -> Int32 {
        if roles.role(api) == .memoryFree {
            awaitIssued { _ in true }
            _ = synchronizeOwnContexts()   // a free synchronises the device first
        } else {
            awaitIssued(before: StreamIdentity.legacy)
            if drainsBeforeCopy(role: roles.role(api), args: ReefCall.mutableArgs(call)) {
                awaitCompleted(before: StreamIdentity.legacy)
            }
        }
        return backend.forward(call)
    }

    /// Whether a best-effort copy Reef issues directly must first wait for its work outside the
    /// runtime (`awaitCompleted`): it writes into pageable host memory, and release gates are in
    /// use. Without gates the released work it would wait for in the runtime is at most the window
    /// and runs to its end unaided, so another thread's copy waits no longer than a preemption
    /// does; behind a closed gate it waits for the dispatcher, which may wait for real-time work
    /// stuck behind this copy (the H100 hangs). Draining always cost ResNet-152 BE ~9 % of its
    /// throughput with RT unchanged (bench/results/inprocess-h100-s12-ab.md), hence the condition.
    func drainsBeforeCopy(role: RuntimeRoles.Role, args: UnsafeMutablePointer<UInt64>) -> Bool {
        load(.gateWord) != 0 && writesPageableHost(role: role, args: args)
    }

    /// Whether a copy Reef issues directly (never holds) writes into pageable host memory: the
    /// runtime makes such a copy in the calling thread, after the work before it has completed.
    func writesPageableHost(role: RuntimeRoles.Role, args: UnsafeMutablePointer<UInt64>) -> Bool {
        switch role {
        case .deviceToHost, .directedCopy, .hostDestination:
            // A device pointer or page-locked memory answers true (kind H2D puts a device pointer here).
            return args[0] != 0 && backend.hostMemoryIsPinned(args[0]) == false
        default:
            return false
        }
    }

    /// Before a copy into pageable memory (with gates, `drainsBeforeCopy`): waits here until the
    /// released best-effort work it follows has completed, so the copy does not wait for it inside
    /// the runtime. The CUDA
    /// driver serializes copies into pageable memory: while one waits there for its stream's
    /// earlier work, every other thread's copy into pageable memory waits behind it, a real-time
    /// request's result copy included (H100: 18 ms behind another stream's 20 ms kernel,
    /// `bench/results/padding-partitions-h100.md`). A stream synchronize holds nothing of the kind.
    /// Every best-effort stream the copy follows is synchronized, not only those with work known
    /// to be in flight: a command the dispatcher has just released may not be counted yet, and
    /// a synchronize of an idle stream costs microseconds (blocking streams are few).
    func awaitCompleted(before stream: UInt64) {
        let handles: [UInt64] = state.withLock {
            let blocking = queues[stream]?.blocking ?? true
            return queues.values.filter { $0.schedulingClass != .realtime && follows($0, stream: stream, blocking: blocking) }
                .map { $0.handle }
        }
        guard !handles.isEmpty else { return }
        count(.pageableCopyDrains)
        for h in handles { _ = backend.synchronizeStream(h) }   // an error surfaces at the copy itself
    }

    /// Whether a command issued directly on `stream` must follow `q`'s earlier commands: its
    /// own queue; for the legacy stream every blocking stream; for a blocking stream the legacy one.
    func follows(_ q: StreamQueue, stream: UInt64, blocking: Bool) -> Bool {
        q.handle == stream || (stream == StreamIdentity.legacy && q.blocking)
            || (blocking && q.handle == StreamIdentity.legacy)
    }

    func takeDeferredError(_ stream: UInt64) -> Int32 {
        state.withLock {
            guard let q = queues[stream], q.deferredError != 0 else { return 0 }
            defer { q.deferredError = 0; count(.deferredErrors, -1) }
            return q.deferredError
        }
    }

    func takeAnyDeferredError() -> Int32 {
        state.withLock {
            for q in queues.values where q.deferredError != 0 {
                defer { q.deferredError = 0; count(.deferredErrors, -1) }
                return q.deferredError
            }
            return 0
        }
    }

    /// Waits until the dispatcher has released every command that a command issued directly on
    /// `stream` now must follow (as `flushBefore` does, but within the window).
    func awaitIssued(before stream: UInt64, blocking known: Bool? = nil) {
        guard pendingWork() else { return }
        let blocking = known ?? state.withLock { queues[stream]?.blocking ?? true }
        awaitIssued { q in follows(q, stream: stream, blocking: blocking) }
    }


    /// Waits until the selected queues' commands submitted so far (up to `through`) are in the
    /// runtime's hands. The dispatcher issues them under the window and the real-time rule;
    /// without a dispatcher, during a capture, or when it makes no progress, this thread does.
    func awaitIssued(through: UInt64 = .max, _ include: (StreamQueue) -> Bool) {
        guard pendingWork() else { return }
        state.lock()
        count(.hostWaiters)
        defer {
            // The last waiter out clears every mark (a mark may outlive its own waiter while
            // another thread still waits: at worst one stream is released early).
            count(.hostWaiters, -1)
            if load(.hostWaiters) == 0 { for q in active { q.waitingSince = 0 } }
            state.unlock()
        }
        let limit = min(through, nextSequence &- 1)
        var progress = load(.released)
        var since = monotonicNanos()
        while true {
            guard let q = active.first(where: { q in
                include(q) && (q.pendingSequence.map { $0 <= limit } ?? false)
            }) else { return }
            let now = monotonicNanos()
            if load(.released) != progress { progress = load(.released); since = now }
            let stuck = now &- since > stuckWaitNanos
            if !dispatcherRunning || load(.captures) > 0 || !q.holdable || stuck {
                if stuck {
                    log.once(.heldWorkStuck, .warn, "a wait for held best-effort work saw no progress for 1 s; issuing it in the waiting thread")
                    // What is issued may queue behind a closed gate the dispatcher cannot open
                    // (it may itself wait in the runtime): stop gating (a plain store).
                    if load(.gateWord) != 0 {
                        log.once(.gateStalled, .warn, "REEF_BE_GATE: best-effort work made no progress for 1 s; gates are off for this process from now on")
                        disableGate()
                    }
                }
                flushLocked(stream: q.handle, through: limit)
                since = monotonicNanos()
                continue
            }
            if dispatcherSleeping { state.broadcast() }
            q.wakeAt = min(q.wakeAt, limit)   // the release that ends this wait wakes us
            if q.waitingSince == 0 { q.waitingSince = now }
            state.wait(microseconds: 1000)
        }
    }

    /// Issues everything a command about to be issued directly on `stream` must follow: the
    /// stream's held work, and the legacy stream's implicit ordering (the legacy stream follows
    /// blocking streams' earlier work, and they follow its).
    func flushBefore(stream: UInt64) {
        guard pendingWork() else { return }
        flush(stream: stream)
        if stream == StreamIdentity.legacy {
            flushBlocking()
        } else if load(.heldLegacy) > 0 && mode(stream: stream, slot: nil) & StreamMode.nonBlocking == 0 {
            flush(stream: StreamIdentity.legacy)
        }
    }

    /// Commands held, or popped and still being issued by another thread.
    @inline(__always) func pendingWork() -> Bool { load(.held) > 0 || load(.issuing) > 0 }

    /// Issues `stream`'s held commands up to `through` (all by default), in this thread.
    func flush(stream: UInt64, through: UInt64 = .max) {
        state.lock()
        flushLocked(stream: stream, through: through)
        state.unlock()
    }

    func flushLocked(stream: UInt64, through: UInt64) {
        guard let q = queues[stream] else { return }
        while true {
            // A command another thread popped is not in the runtime's hands until its issue
            // returns: wait for it too, or a command issued after this flush could overtake it.
            if q.releasing && q.issuingSequence <= through { waitForRelease(); continue }
            guard let head = q.head, head.sequence <= through else { break }
            if q.releasing { waitForRelease(); continue }
            guard let b = blocker(of: head, in: q) else {
                issueHead(q)
                continue
            }
            switch b {
            case let .dependency(s, seq), let .ordering(s, seq): flushLocked(stream: s, through: seq)
            }
            // Still blocked: another thread is issuing what we wait for.
            if blocker(of: head, in: q) == b { waitForRelease() }
        }
    }

    /// Lock held. Waits until another thread's release completes (or briefly).
    func waitForRelease() {
        eagerWaiters += 1
        state.wait(microseconds: 200)
        eagerWaiters -= 1
    }

    /// Issues every blocking stream's held work, and the legacy stream's (what the legacy
    /// stream and synchronous calls wait for).
    func flushBlocking() {
        state.lock()
        let through = nextSequence
        for q in Array(queues.values) where q.blocking || q.handle == StreamIdentity.legacy {
            flushLocked(stream: q.handle, through: through)
        }
        state.unlock()
    }

    func flushAll() {
        state.lock()
        let through = nextSequence
        for q in Array(queues.values) { flushLocked(stream: q.handle, through: through) }
        state.unlock()
    }

    enum Blocker: Equatable { case dependency(UInt64, UInt64), ordering(UInt64, UInt64) }

    /// Lock held. What must be issued before `command` may be.
    func blocker(of command: HeldCommand, in q: StreamQueue) -> Blocker? {
        if let w = command.waitShadow, !w.issued {
            return .dependency(w.reference.stream, w.reference.sequence)
        }
        // A wait on a memory value may wait for any earlier write: everything submitted before
        // it goes first.
        if roles.waitsOnMemory(Int(command.call.api)) {
            for other in queues.values where other.handle != q.handle {
                if let pending = other.pendingSequence, pending < command.sequence { return .ordering(other.handle, command.sequence - 1) }
            }
        }
        // The legacy stream waits for earlier work of blocking streams, and they for its.
        if q.handle == StreamIdentity.legacy {
            for other in queues.values where other.blocking && other.handle != q.handle {
                if let pending = other.pendingSequence, pending < command.sequence { return .ordering(other.handle, command.sequence - 1) }
            }
        } else if q.blocking, let legacy = queues[StreamIdentity.legacy], let pending = legacy.pendingSequence, pending < command.sequence {
            return .ordering(legacy.handle, command.sequence - 1)
        }
        return nil
    }

    /// Lock held on entry and exit, dropped around the runtime calls. Issues `q`'s head.
    /// `padding`: issue the launch on a partition stream instead (Scheduler+Padding); `sample`:
    /// timing events to record around it; `gated`: behind the release gate (dispatcher only).
    /// Returns whether it went to the partition.
    @discardableResult
    func issueHead(_ q: StreamQueue,
                   padding: (engine: PaddingEngine, stream: UInt64, index: Int, shape: KernelShape, predicted: UInt64,
                             before: UInt64, after: UInt64, beforeRealtime: Bool)? = nil,
                   sample: (pair: (start: UInt64, end: UInt64), engine: PaddingEngine, shape: KernelShape)? = nil,
                   gated: Bool = false) -> Bool {
        guard q.head != nil, !q.releasing else { return false }
        var command = q.popHead()
        q.releasing = true
        q.issuingSequence = command.sequence
        count(.issuing, 1)
        count(.held, -1)
        // The app's event is recorded only while this is its latest record and it is alive; its
        // destroy waits meanwhile (`EventState.recording`).
        var recordingEvent: EventState?
        if let shadow = command.shadow, let e = events[shadow.appEvent], e.latest === shadow, !e.destroyed {
            e.recording = true
            recordingEvent = e
        }
        let recordAppEvent = recordingEvent != nil
        state.unlock()

        // The command runs in the context it was submitted in; the calling thread's own context
        // (an application thread flushing, or the dispatcher) is put back afterwards.
        let previous = command.context != 0 ? backend.currentContext() : 0
        let switched = command.context != 0 && command.context != previous
        if switched { backend.makeCurrent(command.context) }
        if gated { placeGate(on: q.handle) }
        var result: Int32
        var padded = false
        if let shadow = command.shadow {
            // The app's event first: a wait on the marker then also covers it (an app that
            // synchronized on the event and then asked for its elapsed time saw it not ready).
            result = recordAppEvent ? backend.forward(&command.call) : 0
            if result == 0 {
                let marker = state.withLock { shadow.marker }
                let r = backend.record(marker, on: q.handle)
                if r != 0 { result = replaceShadowMarker(shadow, on: q.handle, failed: r, context: command.context) }
            }
        } else if let padding {
            (result, padded) = issueOnPartition(&command.call, own: q.handle, part: padding.stream, padding: padding.engine,
                                                partition: padding.index, shape: padding.shape, predicted: padding.predicted,
                                                before: padding.before, after: padding.after,
                                                beforeRealtime: padding.beforeRealtime)
        } else if let sample {
            let started = backend.record(sample.pair.start, on: q.handle) == 0
            result = backend.forward(&command.call)
            let ended = started && result == 0 && backend.record(sample.pair.end, on: q.handle) == 0
            sample.engine.track(sample.pair, shape: sample.shape, predicted: nil, recorded: ended)
        } else {
            result = backend.forward(&command.call)
        }
        command.free()
        if switched && previous != 0 { backend.makeCurrent(previous) }

        state.lock()
        recordingEvent?.recording = false
        if let shadow = command.shadow {
            shadow.issued = true
            if shadow.users <= 0 { recycle(shadow.marker, "issued") }
        }
        if let w = command.waitShadow { release(shadow: w) }
        if result != 0 {
            log.write(.debug, "issued #\(command.sequence) \(apis.names[Int(command.call.api)]) on \(hex(q.handle)) failed: \(result)")
            log.once(.heldCommandFailed, .warn, "a held \(apis.names[Int(command.call.api)]) on stream \(hex(q.handle)) failed when Reef released it (error \(result); issued in context \(hex(command.context != 0 ? command.context : previous)), current when it was held \(hex(command.context)), the dispatcher's \(hex(dispatcherContext))); the error is returned at the stream's next synchronize (REEF_LOG=debug lists every one)")
            if q.deferredError == 0 { q.deferredError = result; count(.deferredErrors) }
        }
        q.releasing = false
        // Only now: until the command is in the runtime's hands, a blocking stream's direct
        // command must still wait for it (the legacy stream's implicit synchronisation).
        if q.handle == StreamIdentity.legacy { count(.heldLegacy, -1) }
        count(.issuing, -1)
        count(.released)
        // Wake only threads this release may concern: one waiting for this sequence (or for
        // the queue to empty), or threads waiting for any release.
        if eagerWaiters > 0 || command.sequence >= q.wakeAt || q.head == nil {
            q.wakeAt = .max
            state.broadcast()
        }
        return padded
    }
}

extension Scheduler {
    /// Lock not held. Recording a held event's shadow marker failed when its command was
    /// released: the app's own record (if any) went through, so the failure is Reef's, never the
    /// app's. A marker made now, in the context the command runs in, stands in for it (the old
    /// one is dropped, not reused: it may belong to a context that no longer exists — H100 runs
    /// saw error 709, "context is destroyed", here). Returns 0, or the error when that fails too.
    func replaceShadowMarker(_ shadow: EventShadow, on stream: UInt64, failed: Int32, context: UInt64) -> Int32 {
        guard let fresh = backend.createMarker() else {
            log.once(.shadowMarkerFailed, .warn, "recording Reef's marker for a held event record on stream \(hex(stream)) failed (error \(failed)) and no new marker could be made in context \(hex(context)); the error is returned at the stream's next synchronize")
            return failed
        }
        let r = backend.record(fresh, on: stream)
        guard r == 0 else {
            backend.destroy(fresh)
            log.once(.shadowMarkerFailed, .warn, "recording Reef's marker for a held event record on stream \(hex(stream)) failed (error \(failed), then \(r) with a new one); the error is returned at the stream's next synchronize")
            return failed
        }
        state.withLock { shadow.marker = fresh }
        log.once(.shadowMarkerFailed, .warn, "recording Reef's marker for a held event record on stream \(hex(stream)) failed (error \(failed); context \(hex(context)), the dispatcher's \(hex(dispatcherContext))); a new marker made now took its place")
        return 0
    }
}
