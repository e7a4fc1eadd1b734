import CInterpose

/// Reef's counters, laid out in each thread's counter block (reef_thread_counters.h):
/// [calls per api id][kernel launches per stream slot][other commands per stream slot]
/// [launches per kernel-catalog slot]. Blocks come from calloc, so untouched slots cost no memory.
/// Counting is a thread-local load and store: no locked instruction on the launch path.
struct ThreadCounters: @unchecked Sendable {
    let apiCount: Int
    let streamSlots: Int
    let kernelSlots: Int
    var words: Int { apiCount + 2 * streamSlots + kernelSlots }

    init(apiCount: Int, streamSlots: Int, kernelSlots: Int) {
        self.apiCount = apiCount
        self.streamSlots = streamSlots
        self.kernelSlots = kernelSlots
        reef_counters_configure(apiCount + 2 * streamSlots + kernelSlots)
    }

    @inline(__always) func call(_ api: Int, in block: UnsafeMutablePointer<UInt64>?) { reef_count(block, api) }
    @inline(__always) func launch(streamSlot: Int, in block: UnsafeMutablePointer<UInt64>?) {
        reef_count(block, Self.streamLaunchIndex(streamSlot, apiCount: apiCount))
    }
    @inline(__always) func command(streamSlot: Int, in block: UnsafeMutablePointer<UInt64>?) { reef_count(block, apiCount + streamSlots + streamSlot) }
    @inline(__always) func launch(kernelSlot: Int, in block: UnsafeMutablePointer<UInt64>?) {
        reef_count(block, Self.kernelLaunchIndex(kernelSlot, apiCount: apiCount, streamSlots: streamSlots))
    }

    @inline(__always) static func streamLaunchIndex(_ slot: Int, apiCount: Int) -> Int { apiCount + slot }
    @inline(__always) static func kernelLaunchIndex(_ slot: Int, apiCount: Int, streamSlots: Int) -> Int {
        apiCount + 2 * streamSlots + slot
    }

    /// One launch: its api call, its stream and its kernel (the launch fast path, which knows the
    /// layout from ReefGlobals rather than from an instance).
    @inline(__always) static func count(api: Int, streamSlot: Int, kernelSlot: Int, apiCount: Int, streamSlots: Int,
                                        in block: UnsafeMutablePointer<UInt64>?) {
        reef_count(block, api)
        reef_count(block, streamLaunchIndex(streamSlot, apiCount: apiCount))
        reef_count(block, kernelLaunchIndex(kernelSlot, apiCount: apiCount, streamSlots: streamSlots))
    }

    /// Totals over all threads, living or exited.
    struct Totals {
        let words: [UInt64]
        let apiCount: Int
        let streamSlots: Int
        func calls(_ api: Int) -> UInt64 { words[api] }
        func launches(streamSlot s: Int) -> UInt64 { words[apiCount + s] }
        func commands(streamSlot s: Int) -> UInt64 { words[apiCount + streamSlots + s] }
        func launches(kernelSlot s: Int) -> UInt64 { words[apiCount + 2 * streamSlots + s] }
    }

    func totals() -> Totals {
        var out = [UInt64](repeating: 0, count: words)
        out.withUnsafeMutableBufferPointer { reef_counters_sum($0.baseAddress, $0.count) }
        return Totals(words: out, apiCount: apiCount, streamSlots: streamSlots)
    }

    func resetAll() { reef_counters_reset_all() }
}
