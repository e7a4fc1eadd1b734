/// Per-stream bookkeeping: which streams the process used and how many kernels each got.
/// Streams are identified by the handle the application passed, after resolving the null stream
/// to what it means in that call (legacy 0x1 is kept apart from 0 only if the app used it).
final class StreamStats: @unchecked Sendable {
    private let table: HandleTable
    private let launches: CounterArray
    private let commands: CounterArray
    private let log: Log

    init(capacity: Int, log: Log) {
        table = HandleTable(capacity: capacity)
        launches = CounterArray(count: table.capacity)
        commands = CounterArray(count: table.capacity)
        self.log = log
    }

    @inline(__always) private func slot(_ stream: UInt64) -> Int? {
        if let s = table.find(stream) { return s }
        var inserted = false
        if let s = table.findOrInsert(stream, inserted: &inserted) { return s }
        log.once(.streamTableFull, .warn, "more than \(table.capacity) streams seen; later streams are not counted per stream")
        return nil
    }

    @inline(__always) func noteLaunch(_ stream: UInt64) {
        if let s = slot(stream) { launches.add(s); commands.add(s) }
    }

    @inline(__always) func noteCommand(_ stream: UInt64) {
        if let s = slot(stream) { commands.add(s) }
    }

    struct Row { let stream: UInt64; let launches: UInt64; let commands: UInt64 }

    func rows() -> [Row] {
        var out: [Row] = []
        for s in 0..<table.capacity {
            if let h = table.handle(at: s) { out.append(Row(stream: h, launches: launches.load(s), commands: commands.load(s))) }
        }
        return out.sorted { $0.stream < $1.stream }
    }

    func reset() { table.reset(); launches.reset(); commands.reset() }
}
