import CInterpose

/// The few calls whose handling depends on which call they are, not only on their kind, found
/// by name once per runtime so the scheduler itself stays runtime-neutral.
///
/// Plain arrays indexed by api id, not Sets: this is built inside the library constructor, which
/// can run before the statically linked Swift runtime has seeded its hash function, so a Set
/// filled there would not find its own elements later.
struct RuntimeRoles {
    enum Role: UInt8 {
        case none = 0
        /// Plain stream creation (promoted to the priority form for real-time streams).
        case streamCreate
        case streamCreateWithPriority
        /// Stream creation whose second argument is the stream flags.
        case streamCreateWithFlags
        /// Host-to-device copy whose pageable source (argument 1, size argument 2) is staged.
        case stagedHostToDevice
        /// Copy between device allocations only: held as it is.
        case deviceToDevice
        /// hipMemcpyAsync: the direction is argument 3.
        case directedCopy
        /// Batched memory operations whose parameter array is copied.
        case batchMemOp
        /// Stream-ordered allocation that returns a pointer now.
        case allocation
        /// Event synchronize / query.
        case eventWait
        /// Time between two events (arguments 1 and 2): a query of both.
        case eventElapsed
        /// Stream wait on a memory value.
        case memoryWait
        /// Frees device or pinned host memory a held command may still use.
        case memoryFree
        /// Device-to-host copy whose host destination is argument 0.
        case deviceToHost
        /// A copy Reef never holds whose destination, argument 0, may be host memory (the generic
        /// asynchronous copy, synchronous copies to host): see `Scheduler.writesPageableHost`.
        case hostDestination
    }

    /// Which host memory an asynchronous copy touches.
    enum HostSide: Equatable {
        case none                                   // device to device
        case source(address: UInt64, size: Int)     // host to device
        case destination(address: UInt64)           // device to host
        case unknown
    }

    static func hostSide(of role: Role, args: UnsafeMutablePointer<UInt64>) -> HostSide {
        switch role {
        case .deviceToDevice: return .none
        case .stagedHostToDevice: return .source(address: args[1], size: Int(args[2]))
        case .deviceToHost: return .destination(address: args[0])
        case .directedCopy:
            switch args[3] {
            case Self.deviceToDevice: return .none
            case Self.hostToDevice: return .source(address: args[1], size: Int(args[2]))
            case Self.deviceToHostKind: return .destination(address: args[0])
            default: return .unknown
            }
        default: return .unknown
        }
    }

    let runtime: UInt8
    private let roles: [Role]
    let streamCreateWithPriority: Int?

    init(apis: ApiTable, runtime: UInt8) {
        self.runtime = runtime
        var roles = [Role](repeating: .none, count: apis.count)
        let cuda = runtime == UInt8(REEF_RUNTIME_CUDA)
        // Each role covers a call's per-thread forms too (_ptsz, _ptds, _spt): with an explicit
        // stream they behave exactly like the legacy form.
        func assign(_ role: Role, _ names: [String]) {
            for n in names {
                for variant in [n, n + "_ptsz", n + "_ptds", n + "_spt"] {
                    if let i = apis.id(named: variant), apis.facts[i].runtime == runtime { roles[i] = role }
                }
            }
        }
        assign(.streamCreateWithFlags, cuda ? ["cuStreamCreate"] : ["hipStreamCreateWithFlags"])
        assign(.streamCreateWithPriority, cuda ? ["cuStreamCreateWithPriority"] : ["hipStreamCreateWithPriority"])
        assign(.stagedHostToDevice, cuda ? ["cuMemcpyHtoDAsync_v2"] : ["hipMemcpyHtoDAsync"])
        assign(.deviceToDevice, cuda ? ["cuMemcpyDtoDAsync_v2", "cuMemcpyPeerAsync"] : ["hipMemcpyDtoDAsync", "hipMemcpyPeerAsync"])
        assign(.directedCopy, cuda ? [] : ["hipMemcpyAsync", "hipMemcpyAsync_spt"])
        assign(.batchMemOp, cuda ? ["cuStreamBatchMemOp", "cuStreamBatchMemOp_v2"] : [])
        assign(.allocation, cuda ? ["cuMemAllocAsync", "cuMemAllocFromPoolAsync"] : ["hipMallocAsync", "hipMallocFromPoolAsync"])
        assign(.eventWait, cuda ? ["cuEventSynchronize", "cuEventQuery"] : ["hipEventSynchronize", "hipEventQuery"])
        assign(.eventElapsed, cuda ? ["cuEventElapsedTime", "cuEventElapsedTime_v2"] : ["hipEventElapsedTime"])
        assign(.memoryWait, cuda ? ["cuStreamWaitValue32", "cuStreamWaitValue32_v2", "cuStreamWaitValue64", "cuStreamWaitValue64_v2"]
                                 : ["hipStreamWaitValue32", "hipStreamWaitValue64"])
        assign(.memoryFree, cuda ? ["cuMemFree_v2", "cuMemFreeHost"] : ["hipFree", "hipHostFree"])
        assign(.deviceToHost, cuda ? ["cuMemcpyDtoHAsync_v2"] : ["hipMemcpyDtoHAsync"])
        assign(.hostDestination, cuda ? ["cuMemcpyAsync", "cuMemcpy", "cuMemcpyDtoH_v2", "cuMemcpyAtoH_v2"]
                                      : ["hipMemcpy", "hipMemcpyDtoH", "hipMemcpyWithStream", "hipMemcpyFromSymbol",
                                         "hipMemcpyFromSymbolAsync"])
        self.roles = roles
        streamCreateWithPriority = roles.firstIndex(of: .streamCreateWithPriority)
    }

    @inline(__always) func role(_ api: Int) -> Role { api >= 0 && api < roles.count ? roles[api] : .none }

    /// Waits for a memory value that any earlier command may write (batches may hold waits).
    func waitsOnMemory(_ api: Int) -> Bool { role(api) == .memoryWait || role(api) == .batchMemOp }

    /// The plain creation call promoted for real-time streams (cuStreamCreate /
    /// hipStreamCreateWithFlags): both carry the flags as argument 1.
    func isPromotable(_ api: Int) -> Bool { role(api) == .streamCreateWithFlags }
    /// Whether argument 1 of a stream creation is its flags.
    func hasFlags(_ api: Int) -> Bool { role(api) == .streamCreateWithFlags || role(api) == .streamCreateWithPriority }

    /// hipMemcpyKind values.
    static let hostToDevice: UInt64 = 1, deviceToHostKind: UInt64 = 2, deviceToDevice: UInt64 = 3
}
