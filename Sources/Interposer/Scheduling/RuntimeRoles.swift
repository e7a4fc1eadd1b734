import CInterpose

/// The few calls whose handling depends on which call they are, not only on their kind, found
/// by name once per runtime so the scheduler itself stays runtime-neutral.
struct RuntimeRoles {
    let runtime: UInt8
    /// Plain stream creation (promoted to `streamCreateWithPriority` for real-time streams).
    let streamCreate: Int?
    let streamCreateWithPriority: Int?
    /// Stream creations whose second argument is the stream flags.
    let streamCreateWithFlags: Set<Int>
    /// Host-to-device copies whose pageable source is staged at call time: api → index of the
    /// source pointer and of the byte count.
    let stagedHostToDevice: [Int: (source: Int, size: Int)]
    /// Copies between device allocations only: held as they are.
    let deviceToDevice: Set<Int>
    /// hipMemcpyAsync-style copies that carry a direction: api → index of the kind argument.
    let directedCopies: [Int: Int]
    /// Batched memory operations whose parameter array is copied: api → (count index, array index).
    let batchMemOps: Set<Int>
    /// Stream-ordered allocations that return a pointer now.
    let allocations: Set<Int>
    /// Event synchronize / query.
    let eventWaits: Set<Int>

    init(apis: ApiTable, runtime: UInt8) {
        self.runtime = runtime
        func id(_ n: String) -> Int? { apis.id(named: n).flatMap { apis.runtimes[$0] == runtime ? $0 : nil } }
        func ids(_ names: [String]) -> Set<Int> { Set(names.compactMap(id)) }
        let cuda = runtime == UInt8(REEF_RUNTIME_CUDA)
        streamCreate = id(cuda ? "cuStreamCreate" : "hipStreamCreateWithFlags")
        streamCreateWithPriority = id(cuda ? "cuStreamCreateWithPriority" : "hipStreamCreateWithPriority")
        streamCreateWithFlags = ids(cuda ? ["cuStreamCreate", "cuStreamCreateWithPriority"]
                                         : ["hipStreamCreateWithFlags", "hipStreamCreateWithPriority"])
        var staged: [Int: (Int, Int)] = [:]
        for n in cuda ? ["cuMemcpyHtoDAsync_v2"] : ["hipMemcpyHtoDAsync"] { if let i = id(n) { staged[i] = (1, 2) } }
        stagedHostToDevice = staged
        deviceToDevice = ids(cuda ? ["cuMemcpyDtoDAsync_v2", "cuMemcpyPeerAsync"] : ["hipMemcpyDtoDAsync", "hipMemcpyPeerAsync"])
        var directed: [Int: Int] = [:]
        if !cuda { for n in ["hipMemcpyAsync", "hipMemcpyAsync_spt"] { if let i = id(n) { directed[i] = 3 } } }
        directedCopies = directed
        batchMemOps = ids(cuda ? ["cuStreamBatchMemOp", "cuStreamBatchMemOp_v2"] : [])
        allocations = ids(cuda ? ["cuMemAllocAsync", "cuMemAllocFromPoolAsync"] : ["hipMallocAsync", "hipMallocFromPoolAsync"])
        eventWaits = ids(cuda ? ["cuEventSynchronize", "cuEventQuery"] : ["hipEventSynchronize", "hipEventQuery"])
    }

    /// hipMemcpyKind values.
    static let hostToDevice: UInt64 = 1, deviceToDevice: UInt64 = 3
}
