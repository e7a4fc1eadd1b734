import CInterpose

/// The C layer's description of every routed api id, copied once so the launch path reads
/// plain Swift memory.
struct ApiTable {
    let count: Int
    let kinds: UnsafeMutablePointer<UInt8>
    let streamArgs: UnsafeMutablePointer<Int8>
    let perThread: UnsafeMutablePointer<Bool>
    let runtimes: UnsafeMutablePointer<UInt8>
    let functions: UnsafeMutablePointer<UInt8>
    let names: [String]

    init() {
        count = Int(reef_api_count())
        kinds = .allocate(capacity: count); kinds.initialize(repeating: 0, count: count)
        streamArgs = .allocate(capacity: count); streamArgs.initialize(repeating: -1, count: count)
        perThread = .allocate(capacity: count); perThread.initialize(repeating: false, count: count)
        runtimes = .allocate(capacity: count); runtimes.initialize(repeating: 0, count: count)
        functions = .allocate(capacity: count); functions.initialize(repeating: 0, count: count)
        var names = [String](repeating: "", count: count)
        for id in 1..<count {
            guard let info = reef_api_info(UInt32(id)) else { continue }
            kinds[id] = info.pointee.kind
            streamArgs[id] = info.pointee.streamArg
            perThread[id] = info.pointee.perThread != 0
            runtimes[id] = info.pointee.runtime
            functions[id] = info.pointee.function
            names[id] = String(cString: info.pointee.name)
        }
        self.names = names
    }

    func id(named name: String) -> Int? { names.firstIndex(of: name) }

    static func isLaunch(_ kind: UInt8) -> Bool {
        kind == REEF_K_LAUNCH || kind == REEF_K_LAUNCH_EX || kind == REEF_K_LAUNCH_COOP
    }
}
