#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// Reef's state in one process, created once by the library constructor. Today every call is
/// forwarded in order (launches from their captured records); scheduling plugs in at `route`.
final class Core: @unchecked Sendable {
    let log: Log
    let apis: ApiTable
    let counters: ThreadCounters
    let streams: StreamTable
    let kernels: KernelCatalog
    let hip: HIPKernelRegistry
    let launches: LaunchPath
    let statsPath: String?
    /// Real-time/best-effort scheduling (REEF_SCHEDULE=on), one per runtime; nil = pass-through.
    private(set) var cudaScheduler: Scheduler?
    private(set) var hipScheduler: Scheduler?
    var schedulers: [Scheduler] { [cudaScheduler, hipScheduler].compactMap { $0 } }
    private(set) var pid: Int32

    init(log: Log, statsPath: String?, captureAll: Bool, scheduling: Scheduler.Settings?) {
        self.log = log
        self.statsPath = statsPath
        apis = ApiTable()
        streams = StreamTable(capacity: 4096, log: log)
        kernels = KernelCatalog(capacity: 1 << 14, log: log)
        counters = ThreadCounters(apiCount: apis.count, streamSlots: streams.capacity, kernelSlots: kernels.capacity)
        hip = HIPKernelRegistry(catalog: kernels, log: log)
        if let scheduling {
            let (apis, slots) = (self.apis, streams.capacity)
            cudaScheduler = CUDASchedulerBackend(apis: apis).map {
                Scheduler(settings: scheduling, backend: $0, apis: apis, runtime: UInt8(REEF_RUNTIME_CUDA), streamSlots: slots, log: log)
            }
            hipScheduler = HIPSchedulerBackend(apis: apis).map {
                Scheduler(settings: scheduling, backend: $0, apis: apis, runtime: UInt8(REEF_RUNTIME_HIP), streamSlots: slots, log: log)
            }
        }
        launches = LaunchPath(apis: apis, streams: streams, counters: counters, kernels: kernels, log: log,
                              captureAll: captureAll, cudaScheduler: cudaScheduler, hipScheduler: hipScheduler)
        pid = getpid()
    }

    /// The instance the C layer holds. Set before any call is routed, never cleared.
    @inline(__always) static var shared: Core {
        Unmanaged<Core>.fromOpaque(reef_core_get()!).takeUnretainedValue()
    }

    /// Runs `body` with the instance, without retaining it (it lives for the whole process).
    @inline(__always) static func withShared<T>(_ body: (Core) -> T) -> T {
        Unmanaged<Core>.fromOpaque(reef_core_get()!)._withUnsafeGuaranteedRef(body)
    }

    @inline(__always) func route(_ call: UnsafeMutablePointer<ReefCall>) -> Int32 {
        let api = Int(call.pointee.api)
        guard api > 0, api < apis.count else { return reef_forward(call) }
        let counts = reef_counters()
        counters.call(api, in: counts)
        let kind = apis.facts[api].kind
        if ApiTable.isLaunch(kind) { return launches.launch(call, api: api, kind: kind, counts: counts) }
        if kind == UInt8(REEF_K_REGISTER) { return registerHIPModule(call, api: api) }
        let streamArg = Int(apis.facts[api].streamArg)
        var stream: UInt64? = nil
        var slot: Int? = nil
        if streamArg >= 0 {
            let s = StreamIdentity.resolve(ReefCall.args(call)[streamArg], perThreadForm: apis.facts[api].perThread, runtime: apis.facts[api].runtime)
            slot = streams.slot(s)
            if let slot { counters.command(streamSlot: slot, in: counts) }
            stream = s
        }
        if let scheduler = apis.facts[api].runtime == UInt8(REEF_RUNTIME_CUDA) ? cudaScheduler : hipScheduler {
            return scheduler.route(call, api: api, kind: kind, stream: stream, slot: slot)
        }
        return reef_forward(call)
    }

    /// hipModuleLoad*/hipModuleGetFunction: forward, then learn the kernels' argument layouts.
    private func registerHIPModule(_ call: UnsafeMutablePointer<ReefCall>, api: Int) -> Int32 {
        let result = reef_forward(call)
        guard result == 0 else { return result }
        let args = ReefCall.args(call)
        guard let out = UnsafePointer<UInt64>(bitPattern: UInt(args[0])) else { return result }
        switch apis.names[api] {
        case "hipModuleLoad":
            hip.moduleLoaded(module: out.pointee, path: UnsafePointer<CChar>(bitPattern: UInt(args[1])))
        case "hipModuleLoadData", "hipModuleLoadDataEx":
            hip.moduleLoaded(module: out.pointee, image: UnsafeRawPointer(bitPattern: UInt(args[1])), size: nil)
        case "hipModuleGetFunction":
            if let name = UnsafePointer<CChar>(bitPattern: UInt(args[2])) {
                hip.moduleFunction(function: out.pointee, module: args[1], name: String(cString: name))
            }
        default:
            break
        }
        return result
    }

    /// A fork child is a new process: its counters start at zero, its locks are free.
    func afterForkChild() {
        pid = getpid()
        // The parent's queues and dispatcher do not exist here; the child passes calls through.
        cudaScheduler = nil
        hipScheduler = nil
        launches.cudaScheduler = nil
        launches.hipScheduler = nil
        counters.resetAll()
        streams.reset()
        launches.resetCounters()
        hip.reinitialiseAfterFork()
        LaunchFastPath.publish(self, into: reef_globals_address())
    }
}
