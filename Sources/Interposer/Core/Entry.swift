#if canImport(Glibc)
import Glibc
#endif
import CInterpose

// The functions the C layer calls. Each is a thin hop into the Core instance.

@_cdecl("reef_core_init")
func reef_core_init() -> Int32 {
    let levelName = Environment.string("REEF_LOG") ?? "warn"
    let level = LogLevel(name: levelName) ?? .warn
    let log = Log(level: level)
    if LogLevel(name: levelName) == nil {
        log.write(.warn, "REEF_LOG=\(levelName) is not one of error, warn, info, debug; using warn")
    }
    let stats = Environment.string("REEF_STATS").flatMap { $0.isEmpty ? nil : $0 }
    let capture = Environment.string("REEF_CAPTURE") ?? "held"
    if capture != "all" && capture != "held" {
        log.write(.warn, "REEF_CAPTURE=\(capture) is not one of all, held; using held")
    }
    let core = Core(log: log, statsPath: stats, captureAll: capture == "all", scheduling: SchedulingSettings.fromEnvironment(log: log))
    reef_core_set(Unmanaged.passRetained(core).toOpaque())
    LaunchFastPath.publish(core, into: reef_globals_address())
    log.write(.debug, "core ready: \(core.apis.count - 1) routed entry points")
    return 1
}

@_cdecl("reef_core_route")
func reef_core_route(_ globals: UnsafePointer<ReefGlobals>, _ call: UnsafeMutablePointer<ReefCall>) -> Int32 {
    if let result = LaunchFastPath.launch(globals, call) { return result }
    return Unmanaged<Core>.fromOpaque(globals.pointee.core!)._withUnsafeGuaranteedRef { $0.route(call) }
}

@_cdecl("reef_core_hip_fatbin_registered")
func reef_core_hip_fatbin_registered(_ wrapper: UnsafeRawPointer?, _ handle: UnsafeMutableRawPointer?) {
    Core.shared.hip.fatBinaryRegistered(wrapper: wrapper, handle: UInt64(UInt(bitPattern: handle)))
}

@_cdecl("reef_core_hip_function_registered")
func reef_core_hip_function_registered(_ handle: UnsafeMutableRawPointer?, _ hostFunction: UnsafeRawPointer?, _ deviceName: UnsafePointer<CChar>?) {
    guard let deviceName else { return }
    Core.shared.hip.functionRegistered(handle: UInt64(UInt(bitPattern: handle)),
                                       function: UInt64(UInt(bitPattern: hostFunction)),
                                       name: String(cString: deviceName))
}

@_cdecl("reef_core_exit")
func reef_core_exit() {
    let core = Core.shared
    for scheduler in core.schedulers {
        scheduler.drainAtExit()
        scheduler.padding?.saveProfile()
    }
    if let path = core.statsPath {
        StatsReport.write(core: core, path: Environment.expandPath(path, pid: getpid()))
    }
}

@_cdecl("reef_core_after_fork_child")
func reef_core_after_fork_child() {
    Core.shared.afterForkChild()
}
