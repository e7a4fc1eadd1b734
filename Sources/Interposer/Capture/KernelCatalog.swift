import CInterpose

/// What Reef knows about one kernel function: its parameter layout and a name for reports.
struct KernelEntry {
    var layout: KernelLayout
    var name: String
}

/// Function handle → KernelEntry, learned on first launch (CUDA: asked from the driver) or at
/// registration (HIP: read from the code object). Lookups on the launch path take no lock and
/// allocate nothing; a miss costs one driver query per kernel for the life of the process.
final class KernelCatalog: @unchecked Sendable {
    private let table: HandleTable
    private let entries: UnsafeMutablePointer<UInt64>     // UnsafeMutablePointer<KernelEntry> bits
    var capacity: Int { table.capacity }
    private let log: Log

    init(capacity: Int, log: Log) {
        table = HandleTable(capacity: capacity)
        entries = zeroedMemory(UInt64.self, count: table.capacity)
        self.log = log
    }

    /// The published entry of `function` and its counter slot, or nil.
    @inline(__always) func lookup(_ function: UInt64) -> (slot: Int, entry: UnsafeMutablePointer<KernelEntry>)? {
        guard let slot = table.find(function) else { return nil }
        let bits = reef_atomic_load(entries + slot)
        guard bits != 0, let entry = UnsafeMutablePointer<KernelEntry>(bitPattern: UInt(bits)) else { return nil }
        return (slot, entry)
    }

    /// Publishes what was learned about `function`. With `replace`, a registration overrides an
    /// earlier guess. Returns the slot, or nil when the catalog is full.
    @discardableResult
    func publish(_ function: UInt64, _ entry: KernelEntry, replace: Bool = false) -> (slot: Int, entry: UnsafeMutablePointer<KernelEntry>)? {
        var inserted = false
        guard let slot = table.findOrInsert(function, inserted: &inserted) else {
            log.once(.kernelCatalogFull, .warn, "more than \(table.capacity) kernels seen; the rest are looked up on every launch")
            return nil
        }
        let mine = UnsafeMutablePointer<KernelEntry>.allocate(capacity: 1)
        mine.initialize(to: entry)
        let bits = UInt64(UInt(bitPattern: mine))
        if replace {
            _ = reef_atomic_exchange(entries + slot, bits) // the old entry may still be read: leak it
            return (slot, mine)
        }
        var expected: UInt64 = 0
        if reef_atomic_cas(entries + slot, &expected, bits) != 0 { return (slot, mine) }
        mine.deinitialize(count: 1)
        mine.deallocate()
        return (slot, UnsafeMutablePointer<KernelEntry>(bitPattern: UInt(expected))!)
    }

    /// The name published for a slot, if any.
    func name(at slot: Int) -> String? {
        UnsafeMutablePointer<KernelEntry>(bitPattern: UInt(reef_atomic_load(entries + slot)))?.pointee.name
    }
}
