import CInterpose

/// What kernel padding needs from a runtime (issue 6): the device's size, a kernel's occupancy,
/// streams confined to part of the device, timing events and cross-stream waits. CUDA confines
/// with green contexts, HIP with CU masks. Every call may fail (old driver, no such API): then
/// padding stays off and best-effort work is simply held, as without it.
protocol PaddingBackend: AnyObject {
    /// SMs (CUDA) or CUs (HIP) of the calling thread's device; 0 when unknown.
    func computeUnits() -> Int
    /// Blocks of `function` one SM/CU holds at once with this block size and shared memory.
    func blocksPerUnit(function: UInt64, moduleFunction: Bool, blockThreads: Int, sharedBytes: Int) -> Int?
    /// A new stream whose kernels run on `count` units only (the last ones where the runtime
    /// lets Reef choose), or nil.
    func partitionStream(count: Int, totalUnits: Int, priority: Int32) -> UInt64?
    func createTimingEvent() -> UInt64?
    /// Device time between two completed timing events, in ns.
    func elapsedNanos(from start: UInt64, to end: UInt64) -> UInt64?
    /// `stream` waits (on the device) for `event`'s last record.
    func streamWait(_ stream: UInt64, for event: UInt64) -> Int32
    /// The largest grid (blocks) among a graph's kernel nodes, nil when the runtime cannot say.
    func graphMaxBlocks(_ graph: UInt64) -> UInt64?
}

extension CUDASchedulerBackend: PaddingBackend {
    func computeUnits() -> Int { Int(reef_cu_sm_count()) }

    func blocksPerUnit(function: UInt64, moduleFunction: Bool, blockThreads: Int, sharedBytes: Int) -> Int? {
        var n: Int32 = 0
        let r = reef_cu_occupancy(CUfunction(bitPattern: UInt(function)), Int32(clamping: blockThreads), sharedBytes, &n)
        return r == 0 ? Int(n) : nil
    }

    func partitionStream(count: Int, totalUnits: Int, priority: Int32) -> UInt64? {
        var s: CUstream? = nil
        guard reef_cu_partition_stream(UInt32(clamping: count), priority, &s) == 0, let s else { return nil }
        return UInt64(UInt(bitPattern: s))
    }

    func createTimingEvent() -> UInt64? {
        var e: CUevent? = nil
        guard reef_cu_timing_event(&e) == 0, let e else { return nil }
        return UInt64(UInt(bitPattern: e))
    }

    func elapsedNanos(from start: UInt64, to end: UInt64) -> UInt64? {
        var ms: Float = 0
        guard reef_cu_event_elapsed(CUevent(bitPattern: UInt(start)), CUevent(bitPattern: UInt(end)), &ms) == 0,
              ms.isFinite, ms >= 0 else { return nil }
        return UInt64(Double(ms) * 1e6)
    }

    func streamWait(_ stream: UInt64, for event: UInt64) -> Int32 {
        reef_cu_stream_wait_event(CUstream(bitPattern: UInt(stream)), CUevent(bitPattern: UInt(event)))
    }

    func graphMaxBlocks(_ graph: UInt64) -> UInt64? {
        let n = reef_cu_graph_max_blocks(UnsafeMutableRawPointer(bitPattern: UInt(graph)))
        return n < 0 ? nil : UInt64(n)
    }
}

extension HIPSchedulerBackend: PaddingBackend {
    func computeUnits() -> Int { Int(reef_hip_cu_count()) }

    func blocksPerUnit(function: UInt64, moduleFunction: Bool, blockThreads: Int, sharedBytes: Int) -> Int? {
        var n: Int32 = 0
        let r = reef_hip_occupancy(UnsafeRawPointer(bitPattern: UInt(function)), moduleFunction ? 1 : 0,
                                   Int32(clamping: blockThreads), sharedBytes, &n)
        return r == 0 ? Int(n) : nil
    }

    /// The last `count` CUs, away from CU 0 where work without a mask starts.
    func partitionStream(count: Int, totalUnits: Int, priority: Int32) -> UInt64? {
        var s: UnsafeMutableRawPointer? = nil
        let first = max(0, totalUnits - count)
        guard reef_hip_partition_stream(UInt32(first), UInt32(clamping: count), &s) == 0, let s else { return nil }
        return UInt64(UInt(bitPattern: s))
    }

    func createTimingEvent() -> UInt64? {
        var e: UnsafeMutableRawPointer? = nil
        guard reef_hip_timing_event(&e) == 0, let e else { return nil }
        return UInt64(UInt(bitPattern: e))
    }

    func elapsedNanos(from start: UInt64, to end: UInt64) -> UInt64? {
        var ms: Float = 0
        guard reef_hip_event_elapsed(UnsafeMutableRawPointer(bitPattern: UInt(start)),
                                     UnsafeMutableRawPointer(bitPattern: UInt(end)), &ms) == 0,
              ms.isFinite, ms >= 0 else { return nil }
        return UInt64(Double(ms) * 1e6)
    }

    func streamWait(_ stream: UInt64, for event: UInt64) -> Int32 {
        reef_hip_stream_wait_event(UnsafeMutableRawPointer(bitPattern: UInt(stream)), UnsafeMutableRawPointer(bitPattern: UInt(event)))
    }

    /// Not asked of HIP yet: RT graphs stay opaque there (REEF_PAD_GRAPH_UNITS).
    func graphMaxBlocks(_ graph: UInt64) -> UInt64? { nil }
}
