#if canImport(Glibc)
import Glibc
#endif
import CInterpose
import ControlPlane

// The scheduler: the queue of each application stream, classes, capture state, marker pool.
extension Scheduler {
    // MARK: - Streams

    /// Lock held. The queue of a stream, creating it on first sight.
    func queue(for stream: UInt64, slot: Int?) -> StreamQueue {
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

    func register(_ q: StreamQueue, slot: Int?) {
        queues[q.handle] = q
        if q.schedulingClass == .realtime { rtStreams.append(q.handle) }
        if let slot, slot < modeSlots { modes[slot] = StreamMode.of(q) }
        if let slot { slotOf[q.handle] = slot }
    }

    /// A real-time stream gets the greatest hardware priority the runtime has: cuStreamCreate
    /// becomes cuStreamCreateWithPriority for a stream the policy makes real-time.
    func promoteRealtimeStream(_ call: UnsafeMutablePointer<ReefCall>, api: Int) {
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

    func streamCreated(_ stream: UInt64, flags: UInt32, priority: Int32?) {
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

    func streamDestroyed(_ stream: UInt64, slot: Int?) {
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

    func setCapturing(_ stream: UInt64, _ on: Bool) {
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
    func recycle(_ m: UInt64, _ why: String) {
        if log.enabled(.debug) && markers.contains(m) { log.write(.debug, "marker \(hex(m)) recycled twice (\(why))") }
        markers.append(m)
    }

    func takeMarker() -> UInt64? {
        if let m = state.withLock({ markers.popLast() }) { return m }
        return backend.createMarker()
    }

    func refillMarkers(_ n: Int) {
        var fresh: [UInt64] = []
        for _ in 0..<n { if let m = backend.createMarker() { fresh.append(m) } }
        state.withLock { markers.append(contentsOf: fresh) }
    }
}
