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
/// REEF_RT_CONTEXT=green does the same for real-time streams, in a second green context: on the
/// H100 a kernel of another context spared RT's graph (bench/results/foreign-kernel-h100.md), so
/// RT alone in a context of its own may run as fast beside best-effort work as alone.
extension Scheduler {
    /// The stream-create call, made in its class's own context; nil when it does not apply (off
    /// for that class, a blocking stream, a runtime without such contexts: then the caller
    /// forwards).
    func createInOwnContext(_ call: UnsafeMutablePointer<ReefCall>) -> Int32? {
        guard settings.bestEffortContext || settings.realtimeContext else { return nil }
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
        guard cls == .realtime ? settings.realtimeContext : settings.bestEffortContext else { return nil }
        let setting = cls == .realtime ? "REEF_RT_CONTEXT" : "REEF_BE_CONTEXT"
        guard let stream = backend.wholeDeviceStream(for: cls, priority: priority) else {
            let first = state.withLock { () -> Bool in
                defer { ownContextFailed = true }
                return !ownContextFailed
            }
            if first {
                log.write(.warn, "\(setting)=green: the runtime made no stream in a context of its own (CUDA "
                          + "green contexts need CUDA 12.4+ on a supported GPU; HIP has none); its streams "
                          + "stay in the app's context")
            }
            return nil
        }
        out.pointee = stream
        state.withLock {
            ownContextStreams.append(stream)
            if cls == .realtime { ownContextMadeRealtime += 1 } else { ownContextMade += 1 }
        }
        return 0
    }

    /// After a context synchronize, before a free: the best-effort context's streams too, and
    /// those the app destroyed since (their work still runs, and the app's context synchronize
    /// would have waited for it; Reef destroys them for real once it has). The first error of a
    /// live stream wins (the runtime's own code).
    func synchronizeOwnContexts() -> Int32 {
        let (streams, retired) = state.withLock { (ownContextStreams, ownContextRetired) }
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
            let taken = retired.filter { ownContextRetired.contains($0) }
            ownContextRetired.removeAll { taken.contains($0) }
            return taken
        }
        for s in mine { _ = backend.destroyStream(s) }
        return first
    }

    /// The app destroys a best-effort-context stream: Reef keeps it until a context synchronize
    /// has waited for its work (at most `retiredLimit` such streams: beyond, the oldest is waited
    /// for and destroyed here). Returns false for other streams (the caller forwards the destroy).
    func retireOwnContextStream(_ stream: UInt64) -> Bool {
        let (ours, evicted) = state.withLock { () -> (Bool, UInt64?) in
            guard ownContextStreams.contains(stream) else { return (false, nil) }
            ownContextStreams.removeAll { $0 == stream }
            ownContextRetired.append(stream)
            let full = ownContextRetired.count > Scheduler.retiredLimit
            return (true, full ? ownContextRetired.removeFirst() : nil)
        }
        if let evicted {
            _ = backend.synchronizeStream(evicted)
            _ = backend.destroyStream(evicted)
        }
        return ours
    }

    static let retiredLimit = 64

    func ownContextJSON() -> String {
        state.withLock {
            "{\"enabled\":\(settings.bestEffortContext),\"streams_made\":\(ownContextMade),"
                + "\"rt_enabled\":\(settings.realtimeContext),\"rt_streams_made\":\(ownContextMadeRealtime),"
                + "\"failed\":\(ownContextFailed)}"
        }
    }
}
