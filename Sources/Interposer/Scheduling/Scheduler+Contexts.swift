import CInterpose

/// REEF_BE_CONTEXT=green (CUDA, opt-in, an experiment): best-effort streams live in a green
/// context that spans the device instead of the app's context. On the H100 and H200 any kernel
/// in RT's context within the last 100 ms or more makes RT's CUDA graph 12-13 % slower on the
/// device (bench/results/rt-slowdown-diag.md); whether work in another context does the same is
/// what this lets the benchmarks ask. Only streams the app creates non-blocking move (the
/// driver's green-context streams are non-blocking only; a blocking stream must follow the
/// legacy stream of the app's context). Everything else about them is unchanged: Reef holds and
/// releases their work as on any best-effort stream, and kernels loaded in the app's context
/// launch on them as padding's partition streams showed on the H100. A context synchronize (and a
/// free, which implies one) covers only its own context, so Reef also waits for these streams
/// there.
extension Scheduler {
    /// The stream-create call, made in the best-effort context; nil when it does not apply (off,
    /// a blocking or real-time stream, a runtime without such contexts: then the caller forwards).
    func createInBestEffortContext(_ call: UnsafeMutablePointer<ReefCall>) -> Int32? {
        guard settings.bestEffortContext else { return nil }
        let args = ReefCall.mutableArgs(call)
        let issued = Int(call.pointee.api)
        guard roles.hasFlags(issued), UInt32(truncatingIfNeeded: args[1]) & UInt32(CU_STREAM_NON_BLOCKING) != 0,
              let out = UnsafeMutablePointer<UInt64>(bitPattern: UInt(args[0])) else { return nil }
        let withPriority = roles.role(issued) == .streamCreateWithPriority
        let priority: Int32 = withPriority ? Int32(truncatingIfNeeded: args[2]) : 0
        let least = withPriority ? backend.priorityRange()?.least : nil
        // The class streamCreated will give it (its handle is not known yet: a REEF_RT_STREAMS
        // handle selector cannot match it, an ordinal can).
        let cls = state.withLock {
            let ordinal = streamsCreated + 1
            let base = settings.policy.classify(handle: 0xffff_ffff_ffff, ordinal: ordinal,
                                                priority: withPriority ? priority : nil, least: least)
            return effectiveClass(handle: 0xffff_ffff_ffff, ordinal: ordinal, base: base)
        }
        guard cls == .bestEffort else { return nil }
        guard let stream = backend.wholeDeviceStream(priority: priority) else {
            let first = state.withLock { () -> Bool in
                defer { bestEffortContextFailed = true }
                return !bestEffortContextFailed
            }
            if first {
                log.write(.warn, "REEF_BE_CONTEXT=green: the runtime made no stream in a context of its own (CUDA "
                          + "green contexts need CUDA 12.4+ on a supported GPU; HIP has none); best-effort streams "
                          + "stay in the app's context")
            }
            return nil
        }
        out.pointee = stream
        state.withLock {
            bestEffortContextStreams.append(stream)
            bestEffortContextMade += 1
        }
        return 0
    }

    /// After a context synchronize, before a free: the best-effort context's streams too, and
    /// those the app destroyed since (their work still runs, and the app's context synchronize
    /// would have waited for it; Reef destroys them for real once it has). The first error of a
    /// live stream wins (the runtime's own code).
    func synchronizeBestEffortContext() -> Int32 {
        let (streams, retired) = state.withLock { (bestEffortContextStreams, bestEffortContextRetired) }
        var first: Int32 = 0
        for s in streams {
            let r = backend.synchronizeStream(s)
            if first == 0 { first = r }
        }
        // A retired stream may have been evicted (destroyed) meanwhile: its answer is not the
        // app's error.
        for s in retired { _ = backend.synchronizeStream(s) }
        // Retired streams leave the list only here, under the lock, so a concurrent synchronize
        // still waits for them until they are gone, and exactly one thread destroys each.
        let mine = state.withLock { () -> [UInt64] in
            let taken = retired.filter { bestEffortContextRetired.contains($0) }
            bestEffortContextRetired.removeAll { taken.contains($0) }
            return taken
        }
        for s in mine { _ = backend.destroyStream(s) }
        return first
    }

    /// The app destroys a best-effort-context stream: Reef keeps it until a context synchronize
    /// has waited for its work (at most `retiredLimit` such streams: beyond, the oldest is waited
    /// for and destroyed here). Returns false for other streams (the caller forwards the destroy).
    func retireBestEffortContextStream(_ stream: UInt64) -> Bool {
        let (ours, evicted) = state.withLock { () -> (Bool, UInt64?) in
            guard bestEffortContextStreams.contains(stream) else { return (false, nil) }
            bestEffortContextStreams.removeAll { $0 == stream }
            bestEffortContextRetired.append(stream)
            let full = bestEffortContextRetired.count > Scheduler.retiredLimit
            return (true, full ? bestEffortContextRetired.removeFirst() : nil)
        }
        if let evicted {
            _ = backend.synchronizeStream(evicted)
            _ = backend.destroyStream(evicted)
        }
        return ours
    }

    static let retiredLimit = 64

    func bestEffortContextJSON() -> String {
        state.withLock {
            "{\"enabled\":\(settings.bestEffortContext),\"streams_made\":\(bestEffortContextMade),\"failed\":\(bestEffortContextFailed)}"
        }
    }
}
