import CInterpose

/// What Reef knows about one kernel function: its parameter layout and a name for reports.
struct KernelEntry {
    var layout: KernelLayout
    var name: String
}

/// Function handle → KernelEntry, learned on first launch (CUDA: asked from the driver) or at
/// registration (HIP: read from the code object). Lookups on the launch path take no lock and
/// allocate nothing; a miss costs one driver query per kernel for the life of the process.
struct KernelCatalog: @unchecked Sendable {
    /// Function handle → entry word: the KernelEntry's address with `EntryWord` flags in its low
    /// bits (KernelEntry is 8-byte aligned), beside the key in the same cache line.
    private let table: HandleTable
    var capacity: Int { table.capacity }
    private let log: Log

    /// What a pass-through launch needs to know about a kernel, kept in the entry word so the
    /// launch path reads no further.
    enum EntryWord {
        static let layoutKnown: UInt64 = 1
        static let noParameters: UInt64 = 2
        static let flags: UInt64 = 7

        static func make(_ entry: UnsafeMutablePointer<KernelEntry>) -> UInt64 {
            let address = UInt64(UInt(bitPattern: entry))
            precondition(address & flags == 0, "KernelEntry not 8-byte aligned")
            let layout = entry.pointee.layout
            return address | (layout.isKnown ? layoutKnown : 0) | (layout.count == 0 ? noParameters : 0)
        }

        @inline(__always) static func entry(_ word: UInt64) -> UnsafeMutablePointer<KernelEntry>? {
            UnsafeMutablePointer<KernelEntry>(bitPattern: UInt(word & ~flags))
        }
    }

    init(capacity: Int, log: Log) {
        table = HandleTable(capacity: capacity, withValues: true)
        self.log = log
    }

    /// The published entry of `function` and its counter slot, or nil.
    @inline(__always) func lookup(_ function: UInt64) -> (slot: Int, entry: UnsafeMutablePointer<KernelEntry>)? {
        guard let slot = table.find(function), let entry = EntryWord.entry(reef_atomic_load(table.value(at: slot))) else { return nil }
        return (slot, entry)
    }

    /// The slot and entry word of `function` from the catalog's memory alone (the launch fast
    /// path keeps its address and mask in ReefGlobals); nil if unknown or not yet published.
    @inline(__always) static func lookupWord(_ function: UInt64, words: UnsafePointer<UInt64>, mask: Int) -> (slot: Int, word: UInt64)? {
        guard let slot = HandleTable.find(function, words: words, mask: mask, stride: 2) else { return nil }
        let word = reef_atomic_load(words + slot * 2 + 1)
        return word == 0 ? nil : (slot, word)
    }

    /// What the launch fast path needs to look a kernel up.
    var probe: (words: UnsafePointer<UInt64>, mask: UInt32) { table.probe }

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
        let word = EntryWord.make(mine)
        if replace {
            _ = reef_atomic_exchange(table.value(at: slot), word) // the old entry may still be read: leak it
            return (slot, mine)
        }
        var expected: UInt64 = 0
        if reef_atomic_cas(table.value(at: slot), &expected, word) != 0 { return (slot, mine) }
        mine.deinitialize(count: 1)
        mine.deallocate()
        return (slot, EntryWord.entry(expected)!)
    }

    /// The name published for a slot, if any.
    func name(at slot: Int) -> String? {
        EntryWord.entry(reef_atomic_load(table.value(at: slot)))?.pointee.name
    }
}
