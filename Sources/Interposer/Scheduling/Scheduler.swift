#if canImport(Glibc)
import Glibc
#endif
import CInterpose
import ControlPlane

/// Real-time over best-effort inside one process (REEF_SCHEDULE=on). Real-time streams go
/// straight to the runtime. Best-effort streams' commands are held in host queues and issued
/// by the dispatcher thread, at most `window` per stream in flight, only while no real-time work
/// is queued or running (plus a linger). Whenever the application waits for held work (a sync, a
/// query, a real-time stream waiting on its event) that work is issued at once, in the waiting
/// thread: priority inheritance, never a deadlock.
///
/// All queue state is guarded by `state`; the lock is never held across a runtime call.
final class Scheduler: @unchecked Sendable {
    struct Settings {
        var policy: ClassPolicy
        var window: Int
        var lingerNanos: UInt64
        var maxHeldPerStream: Int
    }

    let settings: Settings
    let backend: SchedulerBackend
    let apis: ApiTable
    let log: Log
    private let state = LockedCondition()

    // Guarded by `state`.
    private var queues: [UInt64: StreamQueue] = [:]
    private var events: [UInt64: EventState] = [:]
    private var nextSequence: UInt64 = 1
    private var streamsCreated = 0
    private var markers: [UInt64] = []
    private var dispatcherRunning = false
    private var rtStreams: [UInt64] = []
    /// The class reefctl set for the whole process (nil: each stream's own), and per stream.
    private var classOverride: SchedulingClass?
    private var streamOverrides: [(key: UInt64, cls: SchedulingClass)] = []

    /// Lock held. The class in effect for a stream: reefctl's for the process, else reefctl's
    /// for the stream, else the policy's.
    private func effectiveClass(handle: UInt64, ordinal: Int?, base: SchedulingClass) -> SchedulingClass {
        if let c = classOverride { return c }
        for o in streamOverrides where StreamKey.matches(o.key, handle: handle, ordinal: ordinal,
                                                         isLegacy: handle == StreamIdentity.legacy) {
            return o.cls
        }
        return base
    }
    /// Events last recorded directly on a real-time stream: how many real-time commands had
    /// begun by then (a host wait for the event waits for those).
    private var realtimeEventBegun: [UInt64: UInt64] = [:]
    /// Queues with held, releasing or in-flight work (apps create many streams; the dispatcher
    /// and waiters look only at these). Added to by `hold`, pruned by the dispatcher.
    private var active = ContiguousArray<StreamQueue>()
    /// Threads waiting for every release (flushes behind another thread's issue, back-pressure).
    private var eagerWaiters = 0
    private var dispatcherSleeping = false

    /// Lock-free: [0] real-time commands begun, [1] issued, [2] settled (known complete),
    /// [3] held commands, [4] preemptions, [5] released commands, [6] held legacy-stream commands.
    let counters = CounterArray(count: 20)
    private enum Counter: Int {
        case rtBegun = 0, rtIssued, rtSettled, held, preemptions, released, heldLegacy, captures, dispatcherInRuntime,
             rtMemoryWaits, issuing, rtArrivalNanos, rtLastCommandNanos, rtWaitedFor, controlTried,
             rtRequestStartNanos
    }

    /// Per stream-table slot, lock-free: StreamMode bits (0 = not known yet).
    private let modes: UnsafeMutablePointer<UInt8>
    private enum StreamMode {
        static let known: UInt8 = 8, held: UInt8 = 1, realtime: UInt8 = 2, nonBlocking: UInt8 = 4
        static func of(_ q: StreamQueue) -> UInt8 {
            known | (q.holdable && !q.capturing ? held : 0) | (q.schedulingClass == .realtime ? realtime : 0)
                | (q.blocking ? 0 : nonBlocking)
        }
    }
    private let modeSlots: Int
    private let roles: RuntimeRoles

    init(settings: Settings, backend: SchedulerBackend, apis: ApiTable, runtime: UInt8, streamSlots: Int, log: Log) {
        self.settings = settings
        self.backend = backend
        self.apis = apis
        self.log = log
        modeSlots = streamSlots
        modes = zeroedMemory(UInt8.self, count: streamSlots)
        roles = RuntimeRoles(apis: apis, runtime: runtime)
    }

    // MARK: - Cross-process (control segment)

    /// This process's entry in the control segment, attached at the first real-time or held
    /// command (so processes that never use the GPU do not appear in `reefctl status`).
    private var controlLinkStorage: ControlLink?

    @inline(__always) private func control() -> ControlLink? {
        if load(.controlTried) != 0 { return controlLinkStorage }
        return attachControl()
    }

    private func attachControl() -> ControlLink? {
        let device = backend.deviceIdentity()   // runtime calls: before taking the lock
        return state.withLock {
            if load(.controlTried) == 0 {
                controlLinkStorage = ControlLink(processClass: settings.policy.processDefault, device: device, log: log)
                _ = reef_atomic_exchange(counters.base + Counter.controlTried.rawValue, 1)
                // Someone must apply what reefctl sets, also in a process that holds nothing.
                if controlLinkStorage != nil { startDispatcherIfNeeded() }
            }
            return controlLinkStorage
        }
    }

    /// Detaches from the control segment (process exit).
    func detachControl() { if load(.controlTried) != 0 { controlLinkStorage?.detach() } }

    private func count(_ c: Counter, _ delta: Int = 1) {
        _ = reef_atomic_add(counters.base + c.rawValue, UInt64(bitPattern: Int64(delta)))
    }
    private func load(_ c: Counter) -> UInt64 { counters.load(c.rawValue) }

    // MARK: - Entry from the core

    /// Is `stream` (table slot `slot`) held? Fast and lock-free once the stream is known.
    /// While any capture is open nothing is held: a stream may have joined the capture through
    /// an event, and work captured into a graph must reach the runtime at call time. Held work of
    /// the stream is issued first (the caller flushes) so order is kept.
    @inline(__always) func isHeld(stream: UInt64, slot: Int?, perThreadForm: Bool) -> Bool {
        if load(.captures) > 0 {
            flushBefore(stream: stream)
            return false
        }
        return mode(stream: stream, slot: slot) & StreamMode.held != 0
    }

    @inline(__always) private func mode(stream: UInt64, slot: Int?) -> UInt8 {
        if let slot, slot < modeSlots {
            let m = modes[slot]
            if m & StreamMode.known != 0 { return m }
        }
        return state.withLock { StreamMode.of(queue(for: stream, slot: slot)) }
    }

    /// A kernel launch on a held stream: capture it into a record that owns its arguments.
    func holdLaunch(_ call: UnsafeMutablePointer<ReefCall>, stream: UInt64, plan: LaunchRecord.Plan,
                    layout: KernelLayout, keys: ExtraKeys) -> Int32 {
        guard let storage = malloc(plan.storageSize) else { return backend.forward(call) }
        let record = LaunchRecord(capturing: call, plan: plan, layout: layout, keys: keys, storage: storage)
        return hold(record.call.pointee, storage: storage, on: stream)
    }

    /// Every routed call other than kernel launches, when scheduling is on.
    func route(_ call: UnsafeMutablePointer<ReefCall>, api: Int, kind: UInt8, stream: UInt64?, slot: Int?) -> Int32 {
        let args = ReefCall.mutableArgs(call)
        switch Int32(kind) {
        case REEF_K_SYNC, REEF_K_QUERY:
            return synchronizeOrQuery(call, api: api, kind: kind, stream: stream)
        case REEF_K_SYNC_COPY:
            return synchronousCall(call, api: api)
        case REEF_K_STREAM_CREATE:
            promoteRealtimeStream(call, api: api)
            let result = backend.forward(call)
            if result == 0, let out = UnsafePointer<UInt64>(bitPattern: UInt(args[0])) {
                let issued = Int(call.pointee.api)
                let flags = roles.hasFlags(issued) ? UInt32(truncatingIfNeeded: args[1]) : 0
                let priority: Int32? = roles.role(issued) == .streamCreateWithPriority ? Int32(truncatingIfNeeded: args[2]) : nil
                streamCreated(out.pointee, flags: flags, priority: priority)
            }
            return result
        case REEF_K_STREAM_DESTROY:
            if let stream { flush(stream: stream) }
            let result = backend.forward(call)
            if let stream { streamDestroyed(stream, slot: slot) }
            return result
        case REEF_K_EVENT_DESTROY:
            state.withLock {
                events.removeValue(forKey: args[0])?.destroyed = true
                realtimeEventBegun[args[0]] = nil
            }
            return backend.forward(call)
        case REEF_K_CAPTURE_BEGIN:
            // Nothing may be held or issued behind the capture's back: count it first (the
            // dispatcher stops), wait until the dispatcher is out of the runtime, issue
            // everything held, then begin.
            count(.captures, 1)
            wakeDispatcher()
            while load(.dispatcherInRuntime) != 0 { usleep(50) }
            flushAll()
            let result = backend.forward(call)
            if let stream, result == 0 { setCapturing(stream, true) }
            count(.captures, -1)
            return result
        case REEF_K_CAPTURE_END:
            let result = backend.forward(call)
            if let stream { setCapturing(stream, false) }
            return result
        case REEF_K_COPY, REEF_K_SET, REEF_K_ALLOC, REEF_K_EVENT_RECORD, REEF_K_STREAM_WAIT, REEF_K_MEMOP,
             REEF_K_HOSTFN, REEF_K_GRAPH:
            guard let stream else { return backend.forward(call) }
            return streamOrdered(call, api: api, kind: kind, stream: stream, slot: slot)
        default:
            return backend.forward(call)
        }
    }

    // MARK: - Stream-ordered commands

    private func streamOrdered(_ call: UnsafeMutablePointer<ReefCall>, api: Int, kind: UInt8, stream: UInt64, slot: Int?) -> Int32 {
        let perThread = apis.perThread[api]
        let held = isHeld(stream: stream, slot: slot, perThreadForm: perThread)
        let args = ReefCall.mutableArgs(call)
        if !held { return issueDirect(call, kind: kind, stream: stream, slot: slot) }
        // A stream-ordered allocation returns its pointer now; memory valid early is harmless.
        let role = roles.role(api)
        if role == .allocation { return backend.forward(call) }

        switch Int32(kind) {
        case REEF_K_COPY:
            if let held = holdCopy(call, role: role, stream: stream) { return held }
            // A copy into pageable memory (complete when the call returns), or one whose host
            // side Reef cannot classify: once the dispatcher has released everything before it
            // on this stream, issue it.
            awaitIssued(before: stream)
            return backend.forward(call)
        case REEF_K_MEMOP:
            guard role == .batchMemOp else { return hold(call.pointee, storage: nil, on: stream) }
            let count = Int(args[1])
            let bytes = count * MemoryLayout<CUstreamBatchMemOpParams>.stride
            guard let storage = malloc(max(bytes, 1)) else { break }
            if let src = UnsafeRawPointer(bitPattern: UInt(args[2])) { storage.copyMemory(from: src, byteCount: bytes) }
            var copy = call.pointee
            copy.setArg(2, UInt64(UInt(bitPattern: storage)))
            return hold(copy, storage: storage, on: stream)
        case REEF_K_EVENT_RECORD:
            return holdEventRecord(call.pointee, event: args[0], stream: stream)
        case REEF_K_STREAM_WAIT:
            return holdStreamWait(call, event: args[1], stream: stream)
        default:
            return hold(call.pointee, storage: nil, on: stream)
        }
        flushBefore(stream: stream)
        return backend.forward(call)
    }

    /// Holds an asynchronous copy where its semantics allow, else returns nil. Device-only copies
    /// and copies from or to page-locked memory touch host memory when they run, exactly as
    /// when the runtime queues them; a pageable source is read when the call is made, so Reef
    /// reads it then too, into a buffer the held copy owns.
    private func holdCopy(_ call: UnsafeMutablePointer<ReefCall>, role: RuntimeRoles.Role, stream: UInt64) -> Int32? {
        let args = ReefCall.mutableArgs(call)
        switch RuntimeRoles.hostSide(of: role, args: args) {
        case .none:
            return hold(call.pointee, storage: nil, on: stream)
        case let .source(address, size):
            switch backend.hostMemoryIsPinned(address) {
            case true?:
                return hold(call.pointee, storage: nil, on: stream)
            case false?:
                guard let staged = malloc(max(size, 1)), let source = UnsafeRawPointer(bitPattern: UInt(address)) else { return nil }
                staged.copyMemory(from: source, byteCount: size)
                var copy = call.pointee
                copy.setArg(1, UInt64(UInt(bitPattern: staged)))
                return hold(copy, storage: staged, on: stream)
            case nil:
                return nil
            }
        case let .destination(address):
            return backend.hostMemoryIsPinned(address) == true ? hold(call.pointee, storage: nil, on: stream) : nil
        case .unknown:
            return nil
        }
    }

    /// A kernel launch on a stream that is not held.
    func launchDirect(_ call: UnsafeMutablePointer<ReefCall>, stream: UInt64, slot: Int?) -> Int32 {
        issueDirect(call, kind: UInt8(REEF_K_LAUNCH), stream: stream, slot: slot)
    }

    /// A command on a stream that is not held: keep the order it owes to held work, then issue.
    private func issueDirect(_ call: UnsafeMutablePointer<ReefCall>, kind: UInt8, stream: UInt64, slot: Int?) -> Int32 {
        let args = ReefCall.mutableArgs(call)
        let m = mode(stream: stream, slot: slot)
        let realtime = m & StreamMode.realtime != 0
        let blocking = m & StreamMode.nonBlocking == 0
        if pendingWork() {
            // A best-effort stream that stopped being held (a capture) may still hold older
            // work; real-time streams never hold any.
            if !realtime { flush(stream: stream) }
            if stream == StreamIdentity.legacy { flushBlocking() }
            else if blocking && load(.heldLegacy) > 0 { flush(stream: StreamIdentity.legacy) }
        }
        // A wait on a memory value may wait for a write Reef holds: issue everything held first,
        // and let the dispatcher know real-time work may wait on best-effort work from now on.
        if Int32(kind) == REEF_K_MEMOP && roles.waitsOnMemory(Int(call.pointee.api)) {
            if realtime { count(.rtMemoryWaits) }
            if pendingWork() { flushAll() }
        }
        // The shadow is retained until the wait is in the runtime's hands: released, its marker
        // could be recorded again for something else before this call reaches the runtime.
        var waitedShadow: EventShadow? = nil
        if Int32(kind) == REEF_K_STREAM_WAIT, let shadow = latestShadow(of: args[1], retain: true) {
            if !shadow.issued { flush(stream: shadow.reference.stream, through: shadow.reference.sequence) }
            args[1] = shadow.marker
            waitedShadow = shadow
        }
        defer { if let waitedShadow { state.withLock { release(shadow: waitedShadow) } } }
        if realtime {
            // The first command of a real-time burst: note when it came (preemption latency)
            // and wake the dispatcher so it sees it at once. Every one notes its time (linger).
            let arriving = load(.rtBegun) == load(.rtSettled)
            let now = monotonicNanos()
            _ = reef_atomic_exchange(counters.base + Counter.rtLastCommandNanos.rawValue, now)
            // Everything begun so far was waited for: this command starts a new request.
            if load(.rtBegun) == load(.rtWaitedFor) { _ = reef_atomic_exchange(counters.base + Counter.rtRequestStartNanos.rawValue, now) }
            if arriving { _ = reef_atomic_exchange(counters.base + Counter.rtArrivalNanos.rawValue, now) }
            count(.rtBegun)
            if let c = control() {
                _ = reef_atomic_exchange(c.rtBegun, load(.rtBegun))
                _ = reef_atomic_exchange(c.rtLastCommand, now)
            }
            if arriving { wakeDispatcher() }
        }
        let result = backend.forward(call)
        if realtime { count(.rtIssued) }
        if Int32(kind) == REEF_K_EVENT_RECORD, result == 0 {
            let begun = load(.rtBegun)
            state.withLock {
                if let e = events[args[0]] { release(shadow: e.latest); e.latest = nil }
                if realtime { realtimeEventBegun[args[0]] = begun } else { realtimeEventBegun[args[0]] = nil }
            }
        }
        return result
    }

    private func hold(_ call: ReefCall, storage: UnsafeMutableRawPointer?, on stream: UInt64,
                      shadow: EventShadow? = nil, waitShadow: EventShadow? = nil) -> Int32 {
        let context = backend.currentContext()
        state.lock()
        guard let q = queues[stream], q.holdable, load(.captures) == 0 else {
            // The stream stopped being held since the caller looked (a capture began, or it was
            // destroyed): issue the command now, after what it must follow, shadow included.
            state.unlock()
            flushBefore(stream: stream)
            var c = call
            var r: Int32 = 0
            if let shadow {
                r = backend.record(shadow.marker, on: stream)
                if r == 0 { r = backend.forward(&c) }
            } else {
                r = backend.forward(&c)
            }
            if let storage { free(storage) }
            state.withLock {
                if let shadow { shadow.issued = true }
                if let waitShadow { release(shadow: waitShadow) }
                state.broadcast()
            }
            return r
        }
        while q.heldCount >= settings.maxHeldPerStream {
            // Back-pressure: the app blocks, like on a full hardware queue, until the dispatcher
            // makes room. While a capture is open the dispatcher pauses, so the caller makes room
            // itself rather than wait for a capture it may be the one to end.
            if load(.captures) > 0 {
                flushLocked(stream: stream, through: q.head?.sequence ?? 0)
                continue
            }
            state.broadcast()
            eagerWaiters += 1
            state.wait(microseconds: 1000)
            eagerWaiters -= 1
        }
        if log.enabled(.debug) {
            log.write(.debug, "hold #\(nextSequence) \(apis.names[Int(call.api)]) on \(hex(stream)): \((0..<Int(call.nargs)).map { hex(call.arg($0)) }.joined(separator: " "))")
        }
        let command = HeldCommand(call: call, storage: storage, sequence: nextSequence, context: context,
                                  shadow: shadow, waitShadow: waitShadow)
        nextSequence += 1
        q.push(command)
        if !q.isActive { q.isActive = true; active.append(q) }
        count(.held)
        if stream == StreamIdentity.legacy { count(.heldLegacy) }
        startDispatcherIfNeeded()
        if dispatcherSleeping { state.broadcast() }
        if load(.controlTried) == 0 { state.unlock(); _ = control(); return 0 }
        state.unlock()
        return 0
    }

    private func holdEventRecord(_ call: ReefCall, event: UInt64, stream: UInt64) -> Int32 {
        guard let marker = takeMarker() else {
            flushBefore(stream: stream)
            var c = call
            return backend.forward(&c)
        }
        state.lock()
        let sequence = nextSequence
        let shadow = EventShadow(appEvent: event, marker: marker, reference: RecordReference(stream: stream, sequence: sequence))
        shadow.users = 1
        let e = events[event] ?? { let s = EventState(); events[event] = s; return s }()
        release(shadow: e.latest)
        e.latest = shadow
        state.unlock()
        return hold(call, storage: nil, on: stream, shadow: shadow)
    }

    private func holdStreamWait(_ call: UnsafeMutablePointer<ReefCall>, event: UInt64, stream: UInt64) -> Int32 {
        guard let shadow = latestShadow(of: event, retain: true) else {
            // The event's newest record was issued directly: its state is the runtime's, now.
            flushBefore(stream: stream)
            return backend.forward(call)
        }
        var copy = call.pointee
        copy.setArg(1, shadow.marker)
        return hold(copy, storage: nil, on: stream, waitShadow: shadow)
    }

    private func latestShadow(of event: UInt64, retain: Bool = false) -> EventShadow? {
        state.withLock {
            guard let s = events[event]?.latest else { return nil }
            if retain { s.users += 1 }
            return s
        }
    }

    /// Lock held. A shadow no longer needed returns its marker to the pool once issued.
    private func release(shadow: EventShadow?) {
        guard let shadow else { return }
        shadow.users -= 1
        if shadow.users <= 0 && shadow.issued { recycle(shadow.marker, "release") }
    }

    // MARK: - Synchronisation: issue held work the caller waits for

    /// A host wait never pushes held best-effort work past the window: it waits for the
    /// dispatcher to release the work, which it does as soon as no real-time work runs. Only a
    /// real-time stream waiting on held work (`issueDirect`) issues it at once.
    private func synchronizeOrQuery(_ call: UnsafeMutablePointer<ReefCall>, api: Int, kind: UInt8, stream: UInt64?) -> Int32 {
        let args = ReefCall.mutableArgs(call)
        let query = Int32(kind) == REEF_K_QUERY
        let begun = load(.rtBegun)
        if let stream {
            if query {
                // Held work has not run, so the stream is not idle: say so without issuing it.
                if state.withLock({ queues[stream]?.pendingSequence != nil }) { return backend.notReady }
            } else {
                awaitIssued(before: stream)
            }
            let result = backend.forward(call)
            if result == 0 && mode(stream: stream, slot: nil) & StreamMode.realtime != 0 { realtimeWaitedFor(begun) }
            return result == 0 ? takeDeferredError(stream) : result
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
        // Context / device synchronize.
        awaitIssued { _ in true }
        let result = backend.forward(call)
        if result == 0 { realtimeWaitedFor(begun) }
        return result == 0 ? takeAnyDeferredError() : result
    }

    /// The host has seen the first `begun` real-time commands complete: a request that ends with
    /// a wait is over, and best-effort work may run at once instead of after the linger.
    private func realtimeWaitedFor(_ begun: UInt64) {
        let p = counters.base + Counter.rtWaitedFor.rawValue
        var seen = reef_atomic_load(p)
        var advanced = false
        while seen < begun {
            if reef_atomic_cas(p, &seen, begun) != 0 { advanced = true; break }   // a failed swap reloads `seen`
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
    private func synchronousCall(_ call: UnsafeMutablePointer<ReefCall>, api: Int) -> Int32 {
        if roles.role(api) == .memoryFree {
            awaitIssued { _ in true }
        } else {
            awaitIssued(before: StreamIdentity.legacy)
        }
        return backend.forward(call)
    }

    private func takeDeferredError(_ stream: UInt64) -> Int32 {
        state.withLock {
            guard let q = queues[stream], q.deferredError != 0 else { return 0 }
            defer { q.deferredError = 0 }
            return q.deferredError
        }
    }

    private func takeAnyDeferredError() -> Int32 {
        state.withLock {
            for q in queues.values where q.deferredError != 0 {
                defer { q.deferredError = 0 }
                return q.deferredError
            }
            return 0
        }
    }

    /// Waits until the dispatcher has released every command that a command issued directly on
    /// `stream` now must follow (as `flushBefore` does, but within the window).
    private func awaitIssued(before stream: UInt64) {
        let blocking = state.withLock { queues[stream]?.blocking ?? true }
        awaitIssued { q in
            q.handle == stream || (stream == StreamIdentity.legacy && q.blocking)
                || (blocking && q.handle == StreamIdentity.legacy)
        }
    }

    /// How long a waiting thread lets the dispatcher make no progress at all before it issues
    /// the work itself (a guard against a dependency the dispatcher cannot see).
    private let stuckWaitNanos: UInt64 = 1_000_000_000

    /// Waits until the selected queues' commands submitted so far (up to `through`) are in the
    /// runtime's hands. The dispatcher issues them under the window and the real-time rule;
    /// without a dispatcher, during a capture, or when it makes no progress, this thread does.
    private func awaitIssued(through: UInt64 = .max, _ include: (StreamQueue) -> Bool) {
        guard pendingWork() else { return }
        state.lock()
        defer { state.unlock() }
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
                if stuck { log.once(.heldWorkStuck, .warn, "a wait for held best-effort work saw no progress for 1 s; issuing it in the waiting thread") }
                flushLocked(stream: q.handle, through: limit)
                since = monotonicNanos()
                continue
            }
            if dispatcherSleeping { state.broadcast() }
            q.wakeAt = min(q.wakeAt, limit)   // the release that ends this wait wakes us
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
    @inline(__always) private func pendingWork() -> Bool { load(.held) > 0 || load(.issuing) > 0 }

    /// Issues `stream`'s held commands up to `through` (all by default), in this thread.
    func flush(stream: UInt64, through: UInt64 = .max) {
        state.lock()
        flushLocked(stream: stream, through: through)
        state.unlock()
    }

    private func flushLocked(stream: UInt64, through: UInt64) {
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
    private func waitForRelease() {
        eagerWaiters += 1
        state.wait(microseconds: 200)
        eagerWaiters -= 1
    }

    /// Issues every blocking stream's held work, and the legacy stream's (what the legacy
    /// stream and synchronous calls wait for).
    private func flushBlocking() {
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

    private enum Blocker: Equatable { case dependency(UInt64, UInt64), ordering(UInt64, UInt64) }

    /// Lock held. What must be issued before `command` may be.
    private func blocker(of command: HeldCommand, in q: StreamQueue) -> Blocker? {
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
    private func issueHead(_ q: StreamQueue) {
        guard q.head != nil, !q.releasing else { return }
        var command = q.popHead()
        q.releasing = true
        q.issuingSequence = command.sequence
        count(.issuing, 1)
        count(.held, -1)
        let recordAppEvent: Bool
        if let shadow = command.shadow, let e = events[shadow.appEvent], e.latest === shadow, !e.destroyed {
            recordAppEvent = true
        } else {
            recordAppEvent = false
        }
        state.unlock()

        backend.makeCurrent(command.context)
        var result: Int32
        if let shadow = command.shadow {
            result = backend.record(shadow.marker, on: q.handle)
            if result == 0 && recordAppEvent { result = backend.forward(&command.call) }
        } else {
            result = backend.forward(&command.call)
        }
        command.free()

        state.lock()
        if let shadow = command.shadow {
            shadow.issued = true
            if shadow.users <= 0 { recycle(shadow.marker, "issued") }
        }
        if let w = command.waitShadow { release(shadow: w) }
        if result != 0 {
            log.write(.debug, "issued #\(command.sequence) \(apis.names[Int(command.call.api)]) on \(hex(q.handle)) failed: \(result)")
            if q.deferredError == 0 { q.deferredError = result }
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
    }


    // MARK: - Streams

    /// Lock held. The queue of a stream, creating it on first sight.
    private func queue(for stream: UInt64, slot: Int?) -> StreamQueue {
        if let q = queues[stream] {
            if let slot, slotOf[stream] == nil {
                slotOf[stream] = slot
                if slot < modeSlots { modes[slot] = StreamMode.of(q) }
            }
            return q
        }
        let base = settings.policy.classify(handle: stream, ordinal: nil, priority: nil, least: nil)
        let cls = effectiveClass(handle: stream, ordinal: nil, base: base)
        let q = StreamQueue(handle: stream, schedulingClass: base, blocking: true,
                            holdable: cls == .bestEffort && stream != StreamIdentity.perThread)
        q.schedulingClass = cls
        register(q, slot: slot)
        return q
    }

    private func register(_ q: StreamQueue, slot: Int?) {
        queues[q.handle] = q
        if q.schedulingClass == .realtime { rtStreams.append(q.handle) }
        if let slot, slot < modeSlots { modes[slot] = StreamMode.of(q) }
        if let slot { slotOf[q.handle] = slot }
    }
    private var slotOf: [UInt64: Int] = [:]

    /// A real-time stream gets the greatest hardware priority the runtime has: cuStreamCreate
    /// becomes cuStreamCreateWithPriority for a stream the policy makes real-time.
    private func promoteRealtimeStream(_ call: UnsafeMutablePointer<ReefCall>, api: Int) {
        guard roles.isPromotable(api), let withPriority = roles.streamCreateWithPriority,
              let range = backend.priorityRange() else { return }
        let ordinal = state.withLock { streamsCreated + 1 }
        guard settings.policy.classify(handle: 0xffff_ffff_ffff, ordinal: ordinal, priority: nil, least: nil) == .realtime
        else { return }
        let args = ReefCall.mutableArgs(call)
        call.pointee.api = UInt32(withPriority)
        call.pointee.nargs = 3
        args[2] = UInt64(bitPattern: Int64(range.greatest))
    }

    private func streamCreated(_ stream: UInt64, flags: UInt32, priority: Int32?) {
        let range = priority != nil ? backend.priorityRange() : nil
        state.withLock {
            streamsCreated += 1
            let base = settings.policy.classify(handle: stream, ordinal: streamsCreated, priority: priority, least: range?.least)
            let cls = effectiveClass(handle: stream, ordinal: streamsCreated, base: base)
            let q = StreamQueue(handle: stream, schedulingClass: base, blocking: flags & UInt32(CU_STREAM_NON_BLOCKING) == 0,
                                holdable: cls == .bestEffort)
            q.schedulingClass = cls
            q.ordinal = streamsCreated
            queues.removeValue(forKey: stream)
            rtStreams.removeAll { $0 == stream }
            register(q, slot: slotOf[stream])
            log.write(.debug, "stream \(hex(stream)) #\(streamsCreated) is \(cls.name)\(q.blocking ? "" : ", non-blocking")")
        }
    }

    private func streamDestroyed(_ stream: UInt64, slot: Int?) {
        state.withLock {
            queues.removeValue(forKey: stream)
            rtStreams.removeAll { $0 == stream }
            if let s = slotOf.removeValue(forKey: stream), s < modeSlots { modes[s] = 0 }
            if let slot, slot < modeSlots { modes[slot] = 0 }
        }
    }

    /// The stream table slot of a stream, once the core has told us (launch path).
    func noteSlot(_ slot: Int, for stream: UInt64) {
        state.withLock {
            let q = queue(for: stream, slot: slot)
            slotOf[stream] = slot
            if slot < modeSlots { modes[slot] = StreamMode.of(q) }
        }
    }

    private func setCapturing(_ stream: UInt64, _ on: Bool) {
        state.withLock {
            guard let q = queues[stream] else { return }
            if q.capturing != on { count(.captures, on ? 1 : -1) }
            q.capturing = on
            q.holdable = on ? false : q.schedulingClass == .bestEffort && stream != StreamIdentity.perThread
            if let s = slotOf[stream], s < modeSlots { modes[s] = StreamMode.of(q) }
        }
    }

    // MARK: - Markers

    /// Lock held. Returns a marker to the pool (REEF_LOG=debug checks it is not there twice).
    private func recycle(_ m: UInt64, _ why: String) {
        if log.enabled(.debug) && markers.contains(m) { log.write(.debug, "marker \(hex(m)) recycled twice (\(why))") }
        markers.append(m)
    }

    private func takeMarker() -> UInt64? {
        if let m = state.withLock({ markers.popLast() }) { return m }
        return backend.createMarker()
    }

    private func refillMarkers(_ n: Int) {
        var fresh: [UInt64] = []
        for _ in 0..<n { if let m = backend.createMarker() { fresh.append(m) } }
        state.withLock { markers.append(contentsOf: fresh) }
    }

    // MARK: - Dispatcher

    private func wakeDispatcher() { state.withLock { state.broadcast() } }

    /// Lock held.
    private func startDispatcherIfNeeded() {
        guard !dispatcherRunning, getenv("REEF_DEBUG_NO_DISPATCHER") == nil else { return }
        dispatcherRunning = true
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let r = pthread_create(&thread, nil, { arg in
            let s = Unmanaged<Scheduler>.fromOpaque(arg!).takeRetainedValue()
            s.dispatchLoop()
            return nil
        }, context)
        if r != 0 {
            dispatcherRunning = false
            log.write(.error, "cannot start the dispatcher thread (pthread_create: \(r)); best-effort work is issued at syncs only")
        } else {
            pthread_detach(thread)
        }
    }

    /// Real-time work of this process begun and not known complete.
    private func localRealtimeBusy() -> Bool { load(.rtBegun) != load(.rtSettled) }

    /// Real-time work here, or a real-time request outstanding in another process.
    private func realtimeBusy() -> Bool {
        if localRealtimeBusy() { return true }
        guard load(.controlTried) != 0, let c = controlLinkStorage else { return false }
        return c.foreignRealtimeBusy(now: monotonicNanos())
    }

    /// Markers recorded on real-time streams that have not completed yet, and since when.
    private var realtimeMarkers: [UInt64] = []
    private var realtimeMarkedAt: UInt64 = 0
    private var realtimeMarkedIssued: UInt64 = 0
    /// How long real-time work that waits on memory values may stay incomplete before the
    /// dispatcher lets best-effort work run anyway: the value may be written by work Reef holds
    /// (a wait-value whose write comes later), and holding that back would deadlock.
    private let realtimeStallNanos: UInt64 = 2_000_000

    /// Polls the completion of every real-time command issued so far. Returns false when it has
    /// waited longer than `realtimeStallNanos` (then best-effort work may run).
    private func settleRealtime() -> Bool {
        if realtimeMarkers.isEmpty {
            let issued = load(.rtIssued)
            if load(.rtBegun) != issued { usleep(10); return true }   // a submission is in progress
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
            _ = reef_atomic_exchange(counters.base + Counter.rtSettled.rawValue, realtimeMarkedIssued)
            _ = reef_atomic_exchange(counters.base + Counter.rtMemoryWaits.rawValue, 0)
            return true
        }
        if load(.rtMemoryWaits) > 0 && monotonicNanos() &- realtimeMarkedAt > realtimeStallNanos { return false }
        usleep(10)
        return true
    }

    /// Dispatcher only: the preemption being measured (arrival, release stopped), until the
    /// best-effort work that was running drains.
    private var preemption: (arrival: UInt64, stopped: UInt64)?
    private let preemptionLog = PreemptionLog()

    /// Dispatcher only. Ends the measurement once no released best-effort command runs (or
    /// real-time work finished first, which means the same for it).
    private func trackPreemption(realtimeDone: Bool) {
        guard let p = preemption else { return }
        reapCompleted()
        let drained = work.allSatisfy { $0.inFlight.isEmpty }
        guard drained || realtimeDone else { return }
        let now = monotonicNanos()
        state.withLock { preemptionLog.add(arrival: p.arrival, stopped: p.stopped, drained: now) }
        preemption = nil
    }

    func preemptionJSON() -> String { state.withLock { preemptionLog.json() } }

    /// How long the dispatcher polls in-flight work without sleeping after the last completion:
    /// best-effort kernels of a few microseconds would otherwise leave the device idle between
    /// releases. Past it, it sleeps between polls (a stalled or slow device costs no core).
    private let spinNanos: UInt64 = 200_000

    /// Dispatcher only: the active queues as of the last look (a copy, so it can be read
    /// without the lock; only the dispatcher changes a queue's in-flight list).
    private var work = ContiguousArray<StreamQueue>()

    /// Lock held, dispatcher only. Drops queues with nothing held, releasing or in flight from
    /// the active list and copies it into `work` (no allocation once capacity is reached).
    private func collectWork() {
        active.removeAll { q in
            let idle = q.heldCount == 0 && !q.releasing && q.inFlight.isEmpty
            if idle { q.isActive = false }
            return idle
        }
        work.removeAll(keepingCapacity: true)
        work.append(contentsOf: active)
    }

    private func dispatchLoop() {
        reef_set_timer_slack_ns(1000)
        refillMarkers(16)
        var wasBusy = false
        var lastProgress = monotonicNanos()
        while true {
            // No runtime call from this thread may disturb a capture: announce that we are about
            // to make some, then check no capture is open or starting.
            count(.dispatcherInRuntime, 1)
            if load(.captures) > 0 {
                count(.dispatcherInRuntime, -1)
                usleep(200)
                continue
            }
            defer { count(.dispatcherInRuntime, -1) }
            publishToControl()
            applyControlOverride()
            // Nothing held or running: nothing to preempt, so no real-time tracking either (a
            // process that only runs real-time work gets no markers on its streams).
            if load(.held) == 0 && preemption == nil && work.allSatisfy({ $0.inFlight.isEmpty }) {
                state.lock()
                if load(.held) == 0 {
                    dispatcherSleeping = true
                    state.wait(microseconds: 100_000)
                    dispatcherSleeping = false
                }
                state.unlock()
                continue
            }
            if realtimeBusy() {
                let local = localRealtimeBusy()
                if !wasBusy && (load(.held) > 0 || work.contains { !$0.inFlight.isEmpty }) {
                    count(.preemptions)
                    // Another process's request: its last command as published (the signal's
                    // latency is then the time to stop).
                    let now = monotonicNanos()
                    let foreign = local ? nil : controlLinkStorage?.foreignRealtimeCommand(now: now)
                    preemption = (local ? load(.rtArrivalNanos) : (foreign ?? now), now)
                }
                wasBusy = true
                trackPreemption(realtimeDone: false)
                if !local { usleep(10); continue }   // another process's request: poll its entry
                if settleRealtime() { continue }
                // Real-time work has not completed for a while: it may wait on held work.
            } else {
                wasBusy = false
                trackPreemption(realtimeDone: true)
            }
            // Real-time work is complete. If the host has waited for all of it, the request is
            // over: go on at once. Otherwise more of the same request may follow (an eager model
            // launching kernel after kernel from Python): hold on until the linger has passed
            // since the last real-time command.
            if !realtimeBusy() && load(.rtWaitedFor) < load(.rtBegun) {
                let since = monotonicNanos() &- load(.rtLastCommandNanos)
                let linger = lingerNanos
                if since < linger {
                    usleep(UInt32(max(1, min(50_000, (linger - since) / 1000))))
                    continue
                }
            }
            reapCompleted()
            state.lock()
            collectWork()
            var issued = false
            var waitingOnWindow = false
            let stalled = realtimeBusy()
            for q in work where q.holdable && q.heldCount > 0 {
                if realtimeBusy() && !stalled { break }
                let room = window - q.inFlightCommands
                if room <= 0 { waitingOnWindow = true; continue }
                if markers.isEmpty { state.unlock(); refillMarkers(8); state.lock() }
                // A batch of up to half the window, then one marker: two batches keep the device
                // busy while the dispatcher notices the first completing. Checked per command:
                // another thread may have issued the head meanwhile, real-time work may arrive.
                var batch = 0
                while batch < min(room, markerEvery), let head = q.head, !q.releasing, blocker(of: head, in: q) == nil {
                    if batch > 0 && realtimeBusy() && !stalled { break }
                    issueHead(q)
                    batch += 1
                }
                if batch > 0 {
                    markReleased(q, covering: batch)
                    issued = true
                }
            }
            if issued { lastProgress = monotonicNanos() }
            if !issued {
                if waitingOnWindow || work.contains(where: { !$0.inFlight.isEmpty }) {
                    state.unlock()
                    // In-flight work completes soon: poll, spinning while releases keep coming.
                    if monotonicNanos() &- lastProgress < spinNanos { sched_yield() } else { usleep(20) }
                    continue
                }
                dispatcherSleeping = true
                if load(.held) == 0 { state.wait(microseconds: 100_000) } else { state.wait(microseconds: 200) }
                dispatcherSleeping = false
            }
            state.unlock()
        }
    }

    /// Dispatcher only: the overrides last applied, as stored in the segment.
    private var appliedOverride: UInt32 = 0
    private var appliedOverridesEpoch: UInt64 = 0

    /// Dispatcher only. Applies the classes `reefctl set` wrote for this process or its streams:
    /// every stream takes its class in effect; streams no longer held issue what they hold.
    private func applyControlOverride() {
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
    private var window: Int {
        if load(.controlTried) != 0, let c = controlLinkStorage {
            let w = reef_atomic_load(c.policyWindow)
            if w >= 1 && w <= 1024 { return Int(w) }
        }
        return settings.window
    }

    private var lingerNanos: UInt64 {
        if load(.controlTried) != 0, let c = controlLinkStorage {
            let l = reef_atomic_load(c.policyLingerMicros)
            if l >= 1 && l <= 10_000_000 { return l * 1000 }
        }
        return settings.lingerNanos
    }

    private var lastPublishNanos: UInt64 = 0

    /// Dispatcher only: this process's counters for `reefctl status` (at most every millisecond).
    private func publishToControl() {
        guard load(.controlTried) != 0, let c = controlLinkStorage else { return }
        let now = monotonicNanos()
        guard now &- lastPublishNanos >= 1_000_000 else { return }
        lastPublishNanos = now
        c.publish(held: load(.held), released: load(.released), preemptions: load(.preemptions),
                  commands: load(.released) &+ load(.rtBegun))
        let (streams, inFlight) = state.withLock { (queues.count, work.reduce(0) { $0 + $1.inFlightCommands }) }
        c.slot.store(\.streams, UInt64(streams))
        c.slot.store(\.in_flight, UInt64(inFlight))
    }

    /// Commands per window marker.
    private var markerEvery: Int { max(1, window / 2) }

    /// Lock held on entry and exit, dispatcher only. Records a marker after the `count` commands
    /// just released from `q`; without one (no event could be made) they are not counted.
    private func markReleased(_ q: StreamQueue, covering count: Int) {
        guard let m = markers.popLast() else { return }
        state.unlock()
        let ok = backend.record(m, on: q.handle) == 0
        state.lock()
        if ok {
            q.inFlight.append(m)
            q.inFlightCovers.append(count)
            q.inFlightCommands += count
        } else {
            recycle(m, "window-fail")
        }
    }

    /// Drops the markers of released work that has completed (only the dispatcher adds or
    /// removes window markers, so the lists cannot change under it).
    private func reapCompleted() {
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
                    q.inFlight.removeFirst(done)
                    q.inFlightCovers.removeFirst(done)
                }
            }
        }
    }

    // MARK: - Process lifecycle

    /// At exit: nothing held may be lost.
    func drainAtExit() {
        flushAll()
        detachControl()
    }

    struct Snapshot { let held: UInt64; let released: UInt64; let preemptions: UInt64 }
    func snapshot() -> Snapshot { Snapshot(held: load(.held), released: load(.released), preemptions: load(.preemptions)) }
}

