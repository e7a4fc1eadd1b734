/// The streams a process used, each given a counter slot the first time it is seen. Streams
/// are identified by the handle the application passed, resolved by StreamIdentity.
struct StreamTable: @unchecked Sendable {
    private let table: HandleTable
    private let log: Log
    var capacity: Int { table.capacity }

    init(capacity: Int, log: Log) {
        table = HandleTable(capacity: capacity)
        self.log = log
    }

    /// The counter slot of `stream`, or nil once the table is full (then it is not counted).
    @inline(__always) func slot(_ stream: UInt64) -> Int? {
        if let s = table.find(stream) { return s }
        var inserted = false
        if let s = table.findOrInsert(stream, inserted: &inserted) { return s }
        log.once(.streamTableFull, .warn, "more than \(table.capacity) streams seen; later streams are not counted per stream")
        return nil
    }

    func stream(at slot: Int) -> UInt64? { table.handle(at: slot) }

    /// What the launch fast path needs to find a stream's slot.
    var probe: (words: UnsafePointer<UInt64>, mask: UInt32) { table.probe }

    func reset() { table.reset() }
}
