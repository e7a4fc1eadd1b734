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
        /// REEF_BE_WINDOW was set (else default gates bring their own window).
        var windowAsked = false
        var lingerNanos: UInt64
        var maxHeldPerStream: Int
        /// REEF_BE_INFLIGHT_US: also bound each best-effort stream's released work by its
        /// predicted device time (learned per kernel shape), nil = by count only.
        var inFlightBudgetNanos: UInt64? = nil
        /// REEF_BE_GATE=on: released best-effort kernels wait behind a release gate that
        /// real-time work closes (ReleaseGate). Off by default: with several client threads in one
        /// process (DISB C-E on the H100) gated processes stalled (docs/ARCHITECTURE.md).
        var gate: Bool? = nil
        /// REEF_BE_GATE_US: kernels released since a stream's last gate may take this long (by
        /// their learned durations) before the next one gets a gate of its own.
        var gateEveryNanos: UInt64 = 50_000
        /// REEF_RT_PREDICT=on: while RT is idle, a best-effort kernel that would still run when
        /// periodic RT work is predicted to arrive waits until that work has run.
        var predictHold = false
        /// Kernel padding's knobs (on with REEF_PADDING=on or `reefctl policy set padding on`).
        var padding = PaddingConfig(settings: PaddingSettings(), partitionText: nil, graphUnits: nil, force: false)
        /// How long a host thread may wait for a stream's held work while real-time work stays
        /// busy before that stream's work is released anyway, within its window (priority
        /// inheritance). Under real-time overload best-effort work would otherwise never run, and
        /// a thread blocked in a synchronous call may hold what real-time threads need (a lock,
        /// Python's GIL). Real-time work then waits for at most that stream's window, as at any
        /// preemption.
        var hostWaitInheritNanos: UInt64 = 20_000_000
        /// REEF_BE_CONTEXT=green (CUDA, opt-in): best-effort streams the app creates non-blocking
        /// are made in a green context spanning the device, not in the app's context
        /// (`Scheduler+Contexts.swift`).
        var bestEffortContext = false
        /// REEF_RT_CONTEXT=green (CUDA, opt-in): the same for real-time streams, in a green
        /// context of their own.
        var realtimeContext = false
        /// REEF_RT_NUDGE=on|off|N (CUDA; default every 10th): every Nth time a real-time busy
        /// period ends with best-effort work pending, one empty kernel in a private context
        /// (Scheduler+Nudge); 0 = off. `nudgeAsked`: set in the environment (a runtime without
        /// such a context is then worth a warning).
        var nudgeEvery = 10
        var nudgeAsked = false
        /// REEF_RT_NUDGE_FOREIGN=on: also after another process's real-time busy period (a
        /// best-effort process beside a real-time one; off by default, an experiment on the H100).
        var nudgeForeign = false
        /// REEF_DEBUG_STALL_DISPATCHER_MS (tests, Scheduler+GateWatchdog.swift): once, the
        /// dispatcher stalls behind a closed gate this long at most; 0 = never.
        var debugDispatcherStallMicros: UInt32 = 0
        /// REEF_RT_PREWARM=on|off|<µs> (CUDA; default on, 300 µs): an empty kernel in the
        /// real-time context that long before each predicted periodic request, in a process
        /// without best-effort work beside a best-effort process (Scheduler+Prewarm); 0 = off.
        var prewarmLeadNanos: UInt64 = 300_000
        var prewarmAsked = false
    }

    let settings: Settings
    let backend: SchedulerBackend
    let apis: ApiTable
    let log: Log
    let state = LockedCondition()

    // Guarded by `state`.
    var queues: [UInt64: StreamQueue] = [:]
    var events: [UInt64: EventState] = [:]
    var nextSequence: UInt64 = 1
    var streamsCreated = 0
    var markers: [UInt64] = []
    var dispatcherRunning = false
    /// The context the dispatcher thread starts in: the app's, as current on the thread that
    /// first held work or attached to the control segment. Without one, a process that holds
    /// nothing could not make the markers that track its real-time work for other processes.
    var dispatcherContext: UInt64 = 0
    var rtStreams: [UInt64] = []
    /// The class reefctl set for the whole process (nil: each stream's own), and per stream.
    var classOverride: SchedulingClass?
    var streamOverrides: [(key: UInt64, cls: SchedulingClass)] = []
    /// REEF_BE_CONTEXT / REEF_RT_CONTEXT=green: the live streams made in those contexts, which context-wide
    /// synchronisation must also wait for; those the app destroyed, kept until a context
    /// synchronize waited for them; how many were made; whether making one failed (logged once).
    var ownContextStreams: [UInt64] = []
    var ownContextRetired: [UInt64] = []
    var ownContextMade = 0
    var ownContextMadeRealtime = 0
    var ownContextFailed = false

    /// Lock held. The class in effect for a stream: reefctl's for the process, else reefctl's
    /// for the stream, else the policy's.
    func effectiveClass(handle: UInt64, ordinal: Int?, base: SchedulingClass) -> SchedulingClass {
        if let c = classOverride { return c }
        for o in streamOverrides where StreamKey.matches(o.key, handle: handle, ordinal: ordinal,
                                                         isLegacy: handle == StreamIdentity.legacy) {
            return o.cls
        }
        return base
    }
    /// Events last recorded directly on a real-time stream: how many real-time commands had
    /// begun by then (a host wait for the event waits for those).
    var realtimeEventBegun: [UInt64: UInt64] = [:]
    /// Queues with held, releasing or in-flight work (apps create many streams; the dispatcher
    /// and waiters look only at these). Added to by `hold`, pruned by the dispatcher.
    var active = ContiguousArray<StreamQueue>()
    /// Threads waiting for every release (flushes behind another thread's issue, back-pressure).
    var eagerWaiters = 0
    var dispatcherSleeping = false

    /// Lock-free: [0] real-time commands begun, [1] issued, [2] settled (known complete),
    /// [3] held commands, [4] preemptions, [5] released commands, [6] held legacy-stream commands.
    let counters = CounterArray(count: Counter.allCases.count)
    enum Counter: Int, CaseIterable {
        case rtBegun = 0, rtIssued, rtSettled, held, preemptions, released, heldLegacy, captures, dispatcherInRuntime,
             rtMemoryWaits, issuing, rtArrivalNanos, rtLastCommandNanos, rtWaitedFor, controlTried,
             rtRequestStartNanos, deferredErrors, dispatcherAsleep,
             /// The largest real-time grid (blocks) and real-time graph launches so far (padding).
             rtMaxBlocks, rtGraphs,
             /// The largest grid in any graph captured so far; a failed look counts as "unknown".
             capturedGraphBlocks, capturedGraphsUnknown,
             /// The most best-effort commands one stream had in flight (REEF_STATS).
             maxInFlight,
             /// Release gate: the word's host address (0: no gate), boosts outstanding, kernels
             /// gated, closes that found it open (REEF_STATS).
             gateWord, gateBoosts, gated, gateCloses, gateStalls, gateTurnedOff,
             /// Host threads waiting for held work now; releases made for a starved one (REEF_STATS).
             hostWaiters, inheritedReleases,
             /// REEF_RT_NUDGE (REEF_STATS): busy periods that ended with best-effort work pending,
             /// nudges sent, of them still running when the wait ended, the error that stopped it.
             nudgeEligible, nudgeSent, nudgeLate, nudgeFailed,
             /// REEF_RT_PREWARM (REEF_STATS): kernels run, the error that stopped it.
             prewarmSent, prewarmFailed,
             /// REEF_RT_PREWARM's inputs: when the host last waited for real-time work, request
             /// arrivals (a request starting after real-time work was idle for
             /// `continuationNanos`: a copy-back right after a request is part of it) and the
             /// last eight arrival times, a ring (`rtArrivalRing0` + count mod 8).
             rtWaitedAtNanos, rtArrivals,
             rtArrivalRing0, rtArrivalRing1, rtArrivalRing2, rtArrivalRing3,
             rtArrivalRing4, rtArrivalRing5, rtArrivalRing6, rtArrivalRing7,
             /// Default gates: another process's real-time work was seen.
             foreignRealtimeSeen,
             /// Dispatcher loop passes (the gate watchdog's heartbeat); gates the watchdog opened.
             dispatcherLoops, gateWatchdogOpens,
             /// Copies into pageable memory issued only once the work before them had completed
             /// (REEF_STATS): the wait kept out of the runtime, where it blocks other threads'.
             pageableCopyDrains
    }

    /// Per stream-table slot, lock-free: StreamMode bits (0 = not known yet).
    let modes: UnsafeMutablePointer<UInt8>
    enum StreamMode {
        static let known: UInt8 = 8, held: UInt8 = 1, realtime: UInt8 = 2, nonBlocking: UInt8 = 4
        static func of(_ q: StreamQueue) -> UInt8 {
            known | (q.holdable && !q.capturing ? held : 0) | (q.schedulingClass == .realtime ? realtime : 0)
                | (q.blocking ? 0 : nonBlocking)
        }
    }
    let modeSlots: Int
    let roles: RuntimeRoles

    init(settings: Settings, backend: SchedulerBackend, apis: ApiTable, runtime: UInt8, streamSlots: Int, log: Log) {
        self.settings = settings
        self.backend = backend
        self.apis = apis
        self.log = log
        modeSlots = streamSlots
        modes = zeroedMemory(UInt8.self, count: streamSlots)
        roles = RuntimeRoles(apis: apis, runtime: runtime)
        // Made whenever the runtime can pad, so reefctl can turn padding on at run time.
        padding = (backend as? PaddingBackend).map { PaddingEngine(config: settings.padding, backend: $0, log: log) }
    }

    /// Where the dispatcher's time goes (REEF_STATS).
    var timeline = DispatcherTimeline()

    /// Kernel padding, dispatcher only (nil when the runtime cannot pad); `paddingOn` says
    /// whether it is in use.
    let padding: PaddingEngine?

    // Stored state used by the extensions in Scheduler+*.swift.
    /// How long a waiting thread lets the dispatcher make no progress at all before it issues
    /// the work itself (a guard against a dependency the dispatcher cannot see).
    let stuckWaitNanos: UInt64 = 1_000_000_000
    var slotOf: [UInt64: Int] = [:]
    /// Markers recorded on real-time streams that have not completed yet, and since when.
    var realtimeMarkers: [UInt64] = []
    var realtimeMarkedAt: UInt64 = 0
    var realtimeMarkedIssued: UInt64 = 0
    /// Dispatcher only: when it last saw every real-time command complete (the linger's start).
    var realtimeSettledAt: UInt64 = 0
    /// How long real-time work that waits on memory values may stay incomplete before the
    /// dispatcher lets best-effort work run anyway: the value may be written by work Reef holds
    /// (a wait-value whose write comes later), and holding that back would deadlock.
    let realtimeStallNanos: UInt64 = 2_000_000
    /// Dispatcher only: the preemption being measured (arrival, release stopped), until the
    /// best-effort work that was running drains.
    var preemption: (arrival: UInt64, stopped: UInt64)?
    let preemptionLog = PreemptionLog()
    /// How long the dispatcher polls in-flight work without sleeping after the last completion:
    /// best-effort kernels of a few microseconds would otherwise leave the device idle between
    /// releases. Past it, it sleeps between polls (a stalled or slow device costs no core).
    let spinNanos: UInt64 = 200_000
    /// The release gate (dispatcher-made on the first gated release), nil without one;
    /// `gateUnavailable` once the runtime refused it. Markers recorded behind real-time waits on
    /// best-effort work: the gate stays open until they complete (guarded by `state`).
    var gate: ReleaseGate?
    /// Whether REEF_DEBUG_STALL_DISPATCHER_MS's one stall happened (Scheduler+GateWatchdog.swift).
    var debugDispatcherStalled = false
    /// Whether released kernels are gated in this process (REEF_BE_GATE, else the runtime's default).
    /// Release gates in use: REEF_BE_GATE when set; by default only in a process that has seen
    /// another process's real-time work and issued none itself (a best-effort process beside
    /// real-time ones: on the H100 gates with a window of 8 kept more of its throughput there,
    /// crossproc-h100-explore.md), off from its first real-time command on (in one process with
    /// real-time clients gated work stalled them: docs/ARCHITECTURE.md).
    var gateOn: Bool { settings.gate ?? (load(.foreignRealtimeSeen) != 0 && load(.rtBegun) == 0) }
    /// The window while gates are on by default (REEF_BE_WINDOW unset).
    static let gatedWindow = 8
    var gateUnavailable = false
    var gateBoostMarkers: [UInt64] = []
    /// Dispatcher only: the gate was opened because real-time work stalled (it may wait on
    /// best-effort work Reef cannot see); it stays open until real-time work goes idle.
    var gateStallOpen = false
    /// How long real-time work may stay incomplete behind a closed gate before the dispatcher
    /// opens it anyway: it may wait on gated work in a way Reef cannot see (the driver loading a
    /// module lazily can synchronise the context, for one).
    let gateStallNanos: UInt64 = 20_000_000
    /// Dispatcher only: since when a real-time submission has been in progress (0: none).
    var submissionPendingSince: UInt64 = 0
    /// Dispatcher only: the active queues as of the last look (a copy, so it can be read
    /// without the lock; only the dispatcher changes a queue's in-flight list).
    var work = ContiguousArray<StreamQueue>()
    /// Dispatcher only: the overrides last applied, as stored in the segment.
    var appliedOverride: UInt32 = 0
    var appliedOverridesEpoch: UInt64 = 0
    var lastPublishNanos: UInt64 = 0
    /// Dispatcher only: REEF_RT_NUDGE failed or has nothing to nudge in this process.
    var nudgeDisabled = false
    /// Dispatcher only (REEF_RT_PREWARM): request starts seen, the start the last prewarm
    /// followed, and whether it failed or has nothing to run.
    var arrivals = ArrivalPredictor()
    var prewarmDoneFor: UInt64 = 0
    var arrivalsSeen: UInt64 = 0
    var prewarmDisabled = false
    var prewarmPrepared = false
    /// Commands per window marker.
    var markerEvery: Int { max(1, window / 2) }

    // MARK: - Cross-process (control segment)

    /// This process's entry in the control segment, attached at the first real-time or held
    /// command (so processes that never use the GPU do not appear in `reefctl status`).
    var controlLinkStorage: ControlLink?

    @inline(__always) func control() -> ControlLink? {
        if load(.controlTried) != 0 { return controlLinkStorage }
        return attachControl()
    }

    func attachControl() -> ControlLink? {
        let device = backend.deviceIdentity()   // runtime calls: before taking the lock
        let context = backend.currentContext()
        return state.withLock {
            if dispatcherContext == 0 { dispatcherContext = context }
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

    func count(_ c: Counter, _ delta: Int = 1) {
        _ = reef_atomic_add(counters.base + c.rawValue, UInt64(bitPattern: Int64(delta)))
    }
    func load(_ c: Counter) -> UInt64 { counters.load(c.rawValue) }

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

    @inline(__always) func mode(stream: UInt64, slot: Int?) -> UInt8 {
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
            return synchronizeOrQuery(call, api: api, kind: kind, stream: stream, slot: slot)
        case REEF_K_SYNC_COPY:
            return synchronousCall(call, api: api)
        case REEF_K_STREAM_CREATE:
            promoteRealtimeStream(call, api: api)
            let result = createInOwnContext(call) ?? backend.forward(call)
            if result == 0, let out = UnsafePointer<UInt64>(bitPattern: UInt(args[0])) {
                let issued = Int(call.pointee.api)
                let flags = roles.hasFlags(issued) ? UInt32(truncatingIfNeeded: args[1]) : 0
                let priority: Int32? = roles.role(issued) == .streamCreateWithPriority ? Int32(truncatingIfNeeded: args[2]) : nil
                streamCreated(out.pointee, flags: flags, priority: priority)
            }
            return result
        case REEF_K_STREAM_DESTROY:
            if let stream { flush(stream: stream) }
            let result = stream.map { retireOwnContextStream($0) } == true ? 0 : backend.forward(call)
            if let stream { streamDestroyed(stream, slot: slot) }
            return result
        case REEF_K_EVENT_DESTROY:
            // After a held record of this event that is being issued now (one runtime call).
            state.lock()
            while events[args[0]]?.recording == true { state.unlock(); usleep(20); state.lock() }
            events.removeValue(forKey: args[0])?.destroyed = true
            realtimeEventBegun[args[0]] = nil
            state.unlock()
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
            if result == 0, let p = padding { noteCapturedGraph(args[1], p) }
            return result
        case REEF_K_ORDERED:
            // Rare stream-ordered calls whose arguments Reef does not copy (prefetches, external
            // semaphores, graph uploads...): never held, issued once everything before them on
            // the stream is.
            if let stream { flushBefore(stream: stream) }
            return backend.forward(call)
        case REEF_K_COPY, REEF_K_SET, REEF_K_ALLOC, REEF_K_EVENT_RECORD, REEF_K_STREAM_WAIT, REEF_K_MEMOP,
             REEF_K_HOSTFN, REEF_K_GRAPH:
            guard let stream else { return backend.forward(call) }
            return streamOrdered(call, api: api, kind: kind, stream: stream, slot: slot)
        default:
            return backend.forward(call)
        }
    }

    // MARK: - Stream-ordered commands

    func streamOrdered(_ call: UnsafeMutablePointer<ReefCall>, api: Int, kind: UInt8, stream: UInt64, slot: Int?) -> Int32 {
        let perThread = apis.facts[api].perThread
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
            // on this stream, issue it; into pageable memory behind gates, once that work has
            // also completed.
            awaitIssued(before: stream)
            if drainsBeforeCopy(role: role, args: args) { awaitCompleted(before: stream) }
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
    func holdCopy(_ call: UnsafeMutablePointer<ReefCall>, role: RuntimeRoles.Role, stream: UInt64) -> Int32? {
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
    func issueDirect(_ call: UnsafeMutablePointer<ReefCall>, kind: UInt8, stream: UInt64, slot: Int?) -> Int32 {
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
        let waitedEvent = Int32(kind) == REEF_K_STREAM_WAIT ? args[1] : 0
        var waitedShadow: EventShadow? = nil
        if Int32(kind) == REEF_K_STREAM_WAIT, let shadow = latestShadow(of: args[1], retain: true) {
            if !shadow.issued { flush(stream: shadow.reference.stream, through: shadow.reference.sequence) }
            args[1] = shadow.marker
            waitedShadow = shadow
        }
        defer { if let waitedShadow { state.withLock { release(shadow: waitedShadow) } } }
        let boosting = realtime && load(.gateWord) != 0
            && realtimeMayWaitOnGated(kind: kind, api: Int(call.pointee.api), stream: stream, blocking: blocking,
                                      event: waitedShadow == nil ? waitedEvent : nil)
        if boosting { beginGateBoost() }
        if realtime {
            // The first command of a real-time burst: note when it came (preemption latency)
            // and wake the dispatcher so it sees it at once. Every one notes its time (linger).
            let arriving = load(.rtBegun) == load(.rtSettled)
            let now = monotonicNanos()
            _ = reef_atomic_exchange(counters.base + Counter.rtLastCommandNanos.rawValue, now)
            // Everything begun so far was waited for: this command starts a new request.
            if load(.rtBegun) == load(.rtWaitedFor) {
                _ = reef_atomic_exchange(counters.base + Counter.rtRequestStartNanos.rawValue, now)
                if settings.prewarmLeadNanos > 0 && now &- load(.rtWaitedAtNanos) >= Self.continuationNanos { noteArrival(now) }
            }
            if arriving { _ = reef_atomic_exchange(counters.base + Counter.rtArrivalNanos.rawValue, now) }
            // The first real-time command here ends default gates (what waits behind one runs).
            if load(.rtBegun) == 0 && settings.gate == nil && load(.gateWord) != 0 { disableGate(turnedOff: false) }
            count(.rtBegun)
            if let c = control() {
                c.publishRealtimeCommand(begun: load(.rtBegun), at: now)
            }
            // Only a dispatcher asleep on the condition needs waking (it checks for real-time
            // work before every release): no lock on the real-time path otherwise.
            if arriving && load(.dispatcherAsleep) != 0 { wakeDispatcher() }
            if padding != nil { noteRealtimeSize(call, kind: kind) }   // cheap: one load, rarely a CAS
            // Released best-effort kernels that have not started stay behind the gate.
            let word = load(.gateWord)
            if word != 0 && load(.gateBoosts) == 0 && ReleaseGate.close(address: word) { count(.gateCloses) }
        }
        let result = backend.forward(call)
        if realtime { count(.rtIssued) }
        if boosting { endGateBoost(on: stream) }
        if Int32(kind) == REEF_K_EVENT_RECORD, result == 0 {
            let begun = load(.rtBegun)
            state.withLock {
                if let e = events[args[0]] { release(shadow: e.latest); e.latest = nil }
                if realtime { realtimeEventBegun[args[0]] = begun } else { realtimeEventBegun[args[0]] = nil }
            }
        }
        return result
    }

    func hold(_ call: ReefCall, storage: UnsafeMutableRawPointer?, on stream: UInt64,
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
        if dispatcherContext == 0 { dispatcherContext = context }
        startDispatcherIfNeeded()
        if dispatcherSleeping { state.broadcast() }
        if load(.controlTried) == 0 { state.unlock(); _ = control(); return 0 }
        state.unlock()
        return 0
    }

    func holdEventRecord(_ call: ReefCall, event: UInt64, stream: UInt64) -> Int32 {
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

    func holdStreamWait(_ call: UnsafeMutablePointer<ReefCall>, event: UInt64, stream: UInt64) -> Int32 {
        guard let shadow = latestShadow(of: event, retain: true) else {
            // The event's newest record was issued directly: its state is the runtime's, now.
            flushBefore(stream: stream)
            return backend.forward(call)
        }
        var copy = call.pointee
        copy.setArg(1, shadow.marker)
        return hold(copy, storage: nil, on: stream, waitShadow: shadow)
    }

    func latestShadow(of event: UInt64, retain: Bool = false) -> EventShadow? {
        state.withLock {
            guard let s = events[event]?.latest else { return nil }
            if retain { s.users += 1 }
            return s
        }
    }

    /// Lock held. A shadow no longer needed returns its marker to the pool once issued.
    func release(shadow: EventShadow?) {
        guard let shadow else { return }
        shadow.users -= 1
        if shadow.users <= 0 && shadow.issued { recycle(shadow.marker, "release") }
    }

    // MARK: - Process lifecycle

    /// At exit: nothing held may be lost.
    func drainAtExit() {
        disableGate(turnedOff: false)
        flushAll()
        detachControl()
    }

    struct Snapshot { let held: UInt64; let released: UInt64; let preemptions: UInt64; let maxInFlight: UInt64 }
    func snapshot() -> Snapshot {
        Snapshot(held: load(.held), released: load(.released), preemptions: load(.preemptions), maxInFlight: load(.maxInFlight))
    }

    /// How much of the device real-time work may take, for padding: the largest grid, and
    /// whether graphs (opaque) were launched.
    func noteRealtimeSize(_ call: UnsafeMutablePointer<ReefCall>, kind: UInt8) {
        let apiKind = apis.facts[Int(call.pointee.api)].kind
        if apiKind == UInt8(REEF_K_GRAPH) { count(.rtGraphs); return }
        let a = ReefCall.args(call)
        var blocks: UInt64 = 0
        if apiKind == UInt8(REEF_K_LAUNCH) || apiKind == UInt8(REEF_K_LAUNCH_COOP) {
            blocks = (a[1] & 0x7fff_ffff) &* (a[2] & 0xffff) &* (a[3] & 0xffff)   // < 2^63
        } else if apiKind == UInt8(REEF_K_LAUNCH_EX), let c = UnsafePointer<CUlaunchConfig>(bitPattern: UInt(a[0]))?.pointee {
            blocks = UInt64(c.gridDimX) * UInt64(c.gridDimY) * UInt64(c.gridDimZ & 0xffff)
        }
        var seen = load(.rtMaxBlocks)
        while blocks > seen {
            if reef_atomic_cas(counters.base + Counter.rtMaxBlocks.rawValue, &seen, blocks) != 0 { break }
        }
    }

    /// Kernel padding: how much of the device a captured graph may take (its largest grid), so
    /// a real-time graph launch need not be assumed to take all of it.
    func noteCapturedGraph(_ graphOut: UInt64, _ p: PaddingEngine) {
        guard let out = UnsafePointer<UInt64>(bitPattern: UInt(graphOut)), out.pointee != 0 else { return }
        guard let blocks = p.backend.graphMaxBlocks(out.pointee) else { count(.capturedGraphsUnknown); return }
        var seen = load(.capturedGraphBlocks)
        while blocks > seen {
            if reef_atomic_cas(counters.base + Counter.capturedGraphBlocks.rawValue, &seen, blocks) != 0 { break }
        }
    }
}
