import CInterpose

/// What the launch path needs to know about one routed api id, packed so that one cache line
/// read answers every question about a call.
struct ApiFacts {
    var kind: UInt8 = 0
    var streamArg: Int8 = -1
    var perThread = false
    var runtime: UInt8 = 0
    var function: UInt8 = 0
}

/// The C layer's description of every routed api id, copied once so the launch path reads
/// plain Swift memory.
struct ApiTable {
    let count: Int
    /// Indexed by api id.
    let facts: UnsafeMutablePointer<ApiFacts>
    let names: [String]

    init() {
        count = Int(reef_api_count())
        facts = .allocate(capacity: count)
        facts.initialize(repeating: ApiFacts(), count: count)
        var names = [String](repeating: "", count: count)
        for id in 1..<count {
            guard let info = reef_api_info(UInt32(id)) else { continue }
            facts[id] = ApiFacts(kind: info.pointee.kind, streamArg: info.pointee.streamArg,
                                 perThread: info.pointee.perThread != 0, runtime: info.pointee.runtime,
                                 function: info.pointee.function)
            names[id] = String(cString: info.pointee.name)
        }
        self.names = names
    }

    func id(named name: String) -> Int? { names.firstIndex(of: name) }

    static func isLaunch(_ kind: UInt8) -> Bool {
        kind == REEF_K_LAUNCH || kind == REEF_K_LAUNCH_EX || kind == REEF_K_LAUNCH_COOP
    }
}
