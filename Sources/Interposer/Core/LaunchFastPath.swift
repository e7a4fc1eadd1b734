import CInterpose

/// Launches Reef only counts and forwards (no scheduler for the runtime, REEF_CAPTURE=held), of
/// streams and kernels already seen, handled from ReefGlobals — the cache line the C wrapper has
/// just read — and the tables it points to, without touching the Core's objects. Between two
/// launches the driver's microseconds of work evict the caches, so every dependent load Reef adds
/// is a miss; this path has the fewest. Anything else (a first stream or kernel, arguments that
/// need a look, scheduling) goes the full way through Core.route, which counts the same things.
enum LaunchFastPath {
    /// The call's result, or nil when the full path must take it (nothing was counted then).
    @inline(__always) static func launch(_ g: UnsafePointer<ReefGlobals>, _ call: UnsafeMutablePointer<ReefCall>) -> Int32? {
        let api = Int(call.pointee.api)
        guard api > 0, api < Int(g.pointee.apiCount), let factsBase = g.pointee.apiFacts else { return nil }
        let facts = factsBase.assumingMemoryBound(to: ApiFacts.self)[api]
        guard ApiTable.isLaunch(facts.kind), passesThrough(g, runtime: facts.runtime),
              let streamKeys = g.pointee.streamKeys, let kernelSlots = g.pointee.kernelSlots else { return nil }
        let args = ReefCall.args(call)
        let config = facts.kind == UInt8(REEF_K_LAUNCH_EX)
        let function: UInt64
        let rawStream: UInt64
        if config {
            guard let c = UnsafePointer<CUlaunchConfig>(bitPattern: UInt(args[0])) else { return nil }
            function = args[1]
            rawStream = UInt64(UInt(bitPattern: c.pointee.hStream))
        } else {
            function = args[0]
            rawStream = args[8]
        }
        let stream = StreamIdentity.resolve(rawStream, perThreadForm: facts.perThread, runtime: facts.runtime)
        guard let streamSlot = HandleTable.find(stream, words: streamKeys, mask: Int(g.pointee.streamMask), stride: 1),
              let kernel = KernelCatalog.lookupWord(function, words: kernelSlots, mask: Int(g.pointee.kernelMask))
        else { return nil }
        let params = args[config ? 2 : 9]
        let extra = facts.kind == UInt8(REEF_K_LAUNCH_COOP) ? 0 : args[config ? 3 : 10]
        guard LaunchPath.argumentsNeedNoLook(known: kernel.word & KernelCatalog.EntryWord.layoutKnown != 0,
                                             noParameters: kernel.word & KernelCatalog.EntryWord.noParameters != 0,
                                             params: params, extra: extra) else { return nil }
        let counts = reef_counters()
        let apiCount = Int(g.pointee.apiCount)
        let streamSlots = Int(g.pointee.streamSlots)
        ThreadCounters.count(api: api, streamSlot: streamSlot, kernelSlot: kernel.slot,
                             apiCount: apiCount, streamSlots: streamSlots, in: counts)
        return reef_forward(call)
    }

    @inline(__always) private static func passesThrough(_ g: UnsafePointer<ReefGlobals>, runtime: UInt8) -> Bool {
        switch runtime {
        case UInt8(REEF_RUNTIME_CUDA): return g.pointee.passThroughLaunches.1 != 0
        case UInt8(REEF_RUNTIME_HIP): return g.pointee.passThroughLaunches.2 != 0
        default: return false
        }
    }

    /// Publishes the core's tables, whether each runtime's launches pass through, and which
    /// runtimes' calls the core has nothing to do with. Called at start-up before routing is
    /// switched on, and in a fork child (whose schedulers are gone).
    static func publish(_ core: Core, into g: UnsafeMutablePointer<ReefGlobals>) {
        let streams = core.streams.probe
        let kernels = core.kernels.probe
        g.pointee.apiCount = UInt32(core.counters.apiCount)
        g.pointee.streamSlots = UInt32(core.counters.streamSlots)
        g.pointee.apiFacts = UnsafeRawPointer(core.apis.facts)
        g.pointee.streamKeys = streams.words
        g.pointee.streamMask = streams.mask
        g.pointee.kernelSlots = kernels.words
        g.pointee.kernelMask = kernels.mask
        let capturing = core.launches.captureAll
        g.pointee.passThroughLaunches.1 = core.cudaScheduler == nil && !capturing ? 1 : 0
        g.pointee.passThroughLaunches.2 = core.hipScheduler == nil && !capturing ? 1 : 0
        // Without scheduling, REEF_STATS, REEF_CAPTURE=all or a debug log, nothing reads what the
        // core would count or learn: the runtime's wrappers then forward at once.
        let idle = core.statsPath == nil && !capturing && !core.log.enabled(.debug)
        var forwardOnly: UInt8 = 0
        if idle && core.cudaScheduler == nil { forwardOnly |= 1 << UInt8(REEF_RUNTIME_CUDA) }
        if idle && core.hipScheduler == nil { forwardOnly |= 1 << UInt8(REEF_RUNTIME_HIP) }
        g.pointee.forwardOnly = forwardOnly
    }
}
