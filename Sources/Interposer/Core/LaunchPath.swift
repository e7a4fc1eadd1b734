import CInterpose

/// Every kernel launch: count it, capture it into a LaunchRecord and issue the record. Capturing
/// on pass-through proves the record is complete (what a held launch will need) and costs a
/// copy of the argument bytes on the stack.
final class LaunchPath: @unchecked Sendable {
    private let apis: ApiTable
    private let streams: StreamTable
    private let counters: ThreadCounters
    private let kernels: KernelCatalog
    private let log: Log
    /// Launches whose arguments could not be captured (rare: an atomic add is fine here).
    let uncaptured = CounterArray(count: 1)

    /// Issue every launch from a captured record (REEF_CAPTURE=all) rather than only held ones.
    let captureAll: Bool

    /// Hold best-effort launches when scheduling is on.
    var cudaScheduler: Scheduler?
    var hipScheduler: Scheduler?

    init(apis: ApiTable, streams: StreamTable, counters: ThreadCounters, kernels: KernelCatalog, log: Log,
         captureAll: Bool, cudaScheduler: Scheduler?, hipScheduler: Scheduler?) {
        self.captureAll = captureAll
        self.cudaScheduler = cudaScheduler
        self.hipScheduler = hipScheduler
        self.apis = apis
        self.streams = streams
        self.counters = counters
        self.kernels = kernels
        self.log = log
    }

    @inline(__always) func launch(_ call: UnsafeMutablePointer<ReefCall>, api: Int, kind: UInt8, counts: UnsafeMutablePointer<UInt64>?) -> Int32 {
        let args = ReefCall.args(call)
        let form: LaunchForm = kind == UInt8(REEF_K_LAUNCH_EX) ? .config : kind == UInt8(REEF_K_LAUNCH_COOP) ? .cooperative : .classic
        let runtime = apis.facts[api].runtime
        let function: UInt64
        let rawStream: UInt64
        if form == .config {
            function = args[1]
            guard let config = UnsafePointer<CUlaunchConfig>(bitPattern: UInt(args[0])) else { return reef_forward(call) }
            rawStream = UInt64(UInt(bitPattern: config.pointee.hStream))
        } else {
            function = args[0]
            rawStream = args[8]
        }
        let stream = StreamIdentity.resolve(rawStream, perThreadForm: apis.facts[api].perThread, runtime: runtime)
        let streamSlot = streams.slot(stream)
        if let streamSlot { counters.launch(streamSlot: streamSlot, in: counts) }

        let found = kernels.lookup(function) ?? learn(function, api: api, call: call, form: form)
        let layout: KernelLayout
        if let found {
            counters.launch(kernelSlot: found.slot, in: counts)
            layout = found.entry.pointee.layout
        } else {
            layout = .unknown
        }
        let keys = runtime == UInt8(REEF_RUNTIME_HIP) ? ExtraKeys.hip : ExtraKeys.cuda
        if let scheduler = runtime == UInt8(REEF_RUNTIME_CUDA) ? cudaScheduler : hipScheduler {
            if scheduler.isHeld(stream: stream, slot: streamSlot, perThreadForm: apis.facts[api].perThread) {
                guard let plan = LaunchRecord.plan(call, form: form, layout: layout, keys: keys) else {
                    // Arguments we cannot copy: issue it now, after what the stream holds.
                    uncaptured.add(0)
                    scheduler.flush(stream: stream)
                    return reef_forward(call)
                }
                return scheduler.holdLaunch(call, stream: stream, plan: plan, layout: layout, keys: keys)
            }
        }
        // Issues a launch Reef does not hold: through the scheduler when there is one (order owed
        // to held work, real-time accounting), straight to the runtime otherwise.
        let scheduler = runtime == UInt8(REEF_RUNTIME_CUDA) ? cudaScheduler : hipScheduler
        @inline(__always) func issue(_ c: UnsafeMutablePointer<ReefCall>) -> Int32 {
            if let scheduler { return scheduler.launchDirect(c, stream: stream, slot: streamSlot) }
            return reef_forward(c)
        }
        // A launch Reef does not hold is issued as it came: the RT fast path, and today's
        // pass-through. REEF_CAPTURE=all issues every launch from its captured record instead,
        // which the end-to-end tests use to prove records are complete.
        // Arguments in `kernelParams`, or none at all (no parameters, no `extra`: an empty kernel
        // launched with NULLs): nothing to check, issue it. Only an `extra` buffer is planned, to
        // count launches a held copy could not capture.
        let params = args[form == .config ? 2 : 9]
        let extra = form == .cooperative ? 0 : args[form == .config ? 3 : 10]
        if !captureAll && Self.argumentsNeedNoLook(known: layout.isKnown, noParameters: layout.count == 0,
                                                   params: params, extra: extra) {
            return issue(call)
        }
        guard let plan = LaunchRecord.plan(call, form: form, layout: layout, keys: keys) else {
            uncaptured.add(0)
            return issue(call)
        }
        if !captureAll { return issue(call) }
        return withUnsafeTemporaryAllocation(byteCount: plan.storageSize, alignment: 16) { storage in
            let record = LaunchRecord(capturing: call, plan: plan, layout: layout, keys: keys, storage: storage.baseAddress!)
            return issue(record.call)
        }
    }

    /// A launch of a kernel whose layout is known, with its arguments in `kernelParams` or with
    /// none at all: nothing to check before issuing it as it came (also the fast path's test).
    @inline(__always) static func argumentsNeedNoLook(known: Bool, noParameters: Bool, params: UInt64, extra: UInt64) -> Bool {
        known && (params != 0 || (noParameters && extra == 0))
    }

    /// First launch of a function not registered before: ask the driver (CUDA) for its layout.
    private func learn(_ function: UInt64, api: Int, call: UnsafeMutablePointer<ReefCall>, form: LaunchForm) -> (slot: Int, entry: UnsafeMutablePointer<KernelEntry>)? {
        let entry: KernelEntry
        switch apis.facts[api].function {
        case UInt8(REEF_FN_CUDA):
            entry = CUDAKernelQuery.entry(for: function, log: log)
        default:
            log.once(.unknownHipFunction, .warn, "HIP kernel \(hex(function)) was launched without being registered (no code-object metadata); its launches are forwarded without capture")
            entry = KernelEntry(layout: .unknown, name: "hip:" + hex(function))
        }
        if log.enabled(.debug) { log.write(.debug, describe(entry, function: function, api: api, call: call, form: form)) }
        return kernels.publish(function, entry)
    }

    /// One debug line per kernel: the layout learned and how the first launch looked.
    private func describe(_ entry: KernelEntry, function: UInt64, api: Int, call: UnsafeMutablePointer<ReefCall>, form: LaunchForm) -> String {
        let layout = entry.layout
        var text = "kernel \(entry.name) (\(hex(function))) first launched by \(apis.names[api]): "
        if layout.isKnown {
            text += "\(layout.count) params [" + (0..<layout.count).map { "\(layout[$0].offset):\(layout[$0].size)" }.joined(separator: " ") + "]"
        } else {
            text += "layout unknown"
        }
        let args = ReefCall.args(call)
        if form == .config, let config = UnsafePointer<CUlaunchConfig>(bitPattern: UInt(args[0])) {
            let c = config.pointee
            text += " grid \(c.gridDimX)x\(c.gridDimY)x\(c.gridDimZ) block \(c.blockDimX)x\(c.blockDimY)x\(c.blockDimZ) smem \(c.sharedMemBytes) attrs ["
            if let attrs = c.attrs {
                text += (0..<Int(c.numAttrs)).map { "\(attrs[$0].id)" }.joined(separator: " ")
            }
            text += "] params \(args[2] != 0 ? "kernelParams" : "") \(args[3] != 0 ? "extra" : "")"
        } else {
            text += " params \(args[9] != 0 ? "kernelParams" : "") \(form == .classic && args[10] != 0 ? "extra" : "")"
        }
        return text
    }

    func resetCounters() { uncaptured.reset() }
}
