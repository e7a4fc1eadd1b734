#if canImport(Glibc)
import Glibc
#endif
import CInterpose

// Kernel padding in the dispatcher (issue 6): while real-time work runs, a held best-effort
// kernel that the padding policy admits runs now on a partition stream (part of the device),
// its stream's order kept with two event waits; durations are learned from timing events around
// sampled normal releases.
extension Scheduler {
    /// The launch shape of a held command, if it is a kernel launch Reef can move to another
    /// stream (the cuLaunchKernel layout with its 11 arguments, or cuLaunchKernelEx).
    func paddingShape(of command: HeldCommand) -> KernelShape? {
        let api = Int(command.call.api)
        guard api > 0, api < apis.count else { return nil }
        let kind = apis.facts[api].kind
        if kind == UInt8(REEF_K_LAUNCH) && command.call.nargs == 11 {
            let a = { (i: Int) in UInt32(truncatingIfNeeded: command.call.arg(i)) }
            return KernelShape(function: command.call.arg(0), gridX: a(1), gridY: a(2), gridZ: a(3),
                               blockX: a(4), blockY: a(5), blockZ: a(6), sharedBytes: a(7))
        }
        if kind == UInt8(REEF_K_LAUNCH_EX), let c = UnsafePointer<CUlaunchConfig>(bitPattern: UInt(command.call.arg(0)))?.pointee {
            return KernelShape(function: command.call.arg(1), gridX: c.gridDimX, gridY: c.gridDimY, gridZ: c.gridDimZ,
                               blockX: c.blockDimX, blockY: c.blockDimY, blockZ: c.blockDimZ, sharedBytes: c.sharedMemBytes)
        }
        return nil
    }

    /// Points a held launch at another stream.
    func retarget(_ call: inout ReefCall, to stream: UInt64) {
        if apis.facts[Int(call.api)].kind == UInt8(REEF_K_LAUNCH_EX),
           let c = UnsafeMutablePointer<CUlaunchConfig>(bitPattern: UInt(call.arg(0))) {
            c.pointee.hStream = CUstream(bitPattern: UInt(stream))
        } else {
            call.setArg(8, stream)
        }
    }

    /// SMs/CUs the process's real-time work may occupy: the largest real-time grid seen (a block
    /// occupies one SM at most), and once a real-time graph was launched: REEF_PAD_GRAPH_UNITS
    /// if set, else the largest grid of the graphs this process captured (CUDA; every capture
    /// looked into), else all of them (a graph Reef could not look into, or not captured).
    func realtimeUnits(_ p: PaddingEngine) -> Int {
        var units = Int(clamping: load(.rtMaxBlocks))
        if load(.rtGraphs) > 0 {
            let captured = load(.capturedGraphBlocks)
            let known = captured > 0 && load(.capturedGraphsUnknown) == 0
            units = max(units, p.config.graphUnits ?? (known ? Int(clamping: captured) : p.units))
        }
        return min(units, p.units)
    }

    /// Dispatcher only, lock not held. Real-time work running (`beforeRealtime` false): releases
    /// the held kernels at the head of best-effort queues that the policy admits beside it, each
    /// onto its partition's stream. Real-time work idle (`beforeRealtime` true): releases onto a
    /// partition the head kernels that would still run when RT is predicted to arrive next.
    func padHeld(_ p: PaddingEngine, beforeRealtime: Bool = false) {
        p.collectSamples { backend.query($0) == 0 }
        struct Candidate {
            let q: StreamQueue; let sequence: UInt64; let shape: KernelShape; let context: UInt64; let module: Bool
            let aheadNanos: UInt64   // predicted device time of what its stream has in flight
        }
        var candidates: [Candidate] = []
        state.withLock {
            collectWork()
            for q in work where q.holdable && q.heldCount > 0 && !q.releasing && q.inFlightCommands < window {
                guard let head = q.head, blocker(of: head, in: q) == nil, let shape = paddingShape(of: head) else { continue }
                candidates.append(Candidate(q: q, sequence: head.sequence, shape: shape, context: head.context,
                                            module: apis.facts[Int(head.call.api)].function == UInt8(REEF_FN_HIP_MODULE),
                                            aheadNanos: q.inFlightPredictedNanos))
            }
        }
        for c in candidates {
            guard p.prepare(context: c.context, makeCurrent: { backend.makeCurrent($0) }) else { return }
            backend.makeCurrent(c.context)
            _ = p.occupancy(c.shape, moduleFunction: c.module)
            let index: Int, predicted: UInt64
            if beforeRealtime {
                guard let i = p.confine(c.shape, rtUnits: realtimeUnits(p), now: monotonicNanos() &+ c.aheadNanos) else { continue }
                (index, predicted) = (i, 0)
            } else {
                guard case let .release(i, pr) = p.decide(c.shape, rtUnits: realtimeUnits(p), now: monotonicNanos()) else { continue }
                (index, predicted) = (i, pr)
            }
            guard let part = p.stream(partition: index, priority: 0) else { continue }
            // The two ordering events are taken first: without them the kernel stays held (it
            // must never run unconfined beside real-time work for want of an event).
            guard let before = takeMarker() else { continue }
            guard let after = takeMarker() else { state.withLock { recycle(before, "pad-unused") }; continue }
            state.lock()
            // Still the same head, still free to issue (the app may have flushed it meanwhile).
            if let head = c.q.head, head.sequence == c.sequence, !c.q.releasing, blocker(of: head, in: c.q) == nil {
                issueHead(c.q, padding: (p, part, index, c.shape, predicted, before, after, beforeRealtime))
                markReleased(c.q, covering: 1, predicted: beforeRealtime ? learnedNanos(c.shape) ?? 0 : 0)
            } else {
                recycle(before, "pad-unused")
                recycle(after, "pad-unused")
            }
            state.unlock()
        }
    }

    /// Runs in `issueHead` with the lock not held: issues the launch on `part`, after what its
    /// own stream has in flight and before whatever that stream gets next. False when the launch
    /// onto the partition failed and it went to its own stream instead.
    func issueOnPartition(_ call: inout ReefCall, own: UInt64, part: UInt64, padding p: PaddingEngine,
                          partition index: Int, shape: KernelShape, predicted: UInt64,
                          before: UInt64, after: UInt64, beforeRealtime: Bool = false) -> (result: Int32, padded: Bool) {
        // A wait takes the event's record as of the call: the events can be reused at once.
        defer { state.withLock { recycle(before, "pad-before"); recycle(after, "pad-after") } }
        guard backend.record(before, on: own) == 0, p.backend.streamWait(part, for: before) == 0 else {
            return (backend.forward(&call), false)
        }
        let timing = beforeRealtime ? nil : p.sampleForPadded()
        let started = timing.map { backend.record($0.start, on: part) == 0 } ?? false
        var moved = call
        retarget(&moved, to: part)
        let r = backend.forward(&moved)
        if r != 0 {
            // The kernel cannot run in the partition (a handle bound to another context, say):
            // issue it where it was, unconfined, and pad it no more.
            if let timing { p.track(timing, shape: shape, predicted: nil, recorded: false) }
            p.refuse(shape.function, error: r)
            return (backend.forward(&call), false)
        }
        if let timing {
            let ended = started && backend.record(timing.end, on: part) == 0
            p.track(timing, shape: shape, predicted: predicted, partition: index, recorded: ended)
        }
        // Later work of the stream follows the padded kernel.
        let recorded = backend.record(after, on: part) == 0
        if !recorded || p.backend.streamWait(own, for: after) != 0 {
            // Cannot order the stream after it on the device: wait for it here (rare).
            if recorded { _ = backend.synchronize(after) }
            else { log.write(.warn, "padding: no event could follow a padded kernel on \(hex(part)); later work of \(hex(own)) may overlap it") }
        }
        if beforeRealtime { p.confinedOne(partition: index) } else { p.paddedOne(partition: index) }
        return (0, true)
    }
}
