#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// A fixed-capacity, lock-free map from runtime handles (streams, functions) to slot numbers.
/// Readers never lock or allocate; an insert claims an empty slot with one compare-and-swap.
/// Entries are never removed (handles are few and reused), so a slot number stays valid forever.
/// A table made `withValues` keeps one 64-bit value beside each key, in the same cache line, so a
/// lookup that finds the key has its value too. A value type: owners hold the pointer inline.
struct HandleTable: @unchecked Sendable {
    let capacity: Int
    /// Per slot: handle + 1 (0 marks an empty slot), then the value if the table has values.
    private let words: UnsafeMutablePointer<UInt64>
    private let mask: Int
    private let stride: Int

    /// `capacity` is rounded up to a power of two.
    init(capacity: Int, withValues: Bool = false) {
        var size = 16
        while size < capacity { size <<= 1 }
        self.capacity = size
        mask = size - 1
        stride = withValues ? 2 : 1
        words = zeroedMemory(UInt64.self, count: size * stride)
    }

    @inline(__always) private static func start(_ key: UInt64, mask: Int) -> Int {
        // Fibonacci hashing spreads pointer-aligned handles over the table.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The slot of `handle`, if present.
    @inline(__always) func find(_ handle: UInt64) -> Int? { Self.find(handle, words: words, mask: mask, stride: stride) }

    /// `find` from the table's memory alone (the launch fast path keeps its address, mask and
    /// stride in ReefGlobals, not in the table's owner).
    @inline(__always) static func find(_ handle: UInt64, words: UnsafePointer<UInt64>, mask: Int, stride: Int) -> Int? {
        let key = handle &+ 1
        var i = start(key, mask: mask)
        for _ in 0...mask {
            let k = reef_atomic_load(words + i * stride)
            if k == key { return i }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
        return nil
    }

    /// The value word of a slot (tables made `withValues` only).
    @inline(__always) func value(at slot: Int) -> UnsafeMutablePointer<UInt64> {
        precondition(stride == 2, "HandleTable.value(at:) on a table without values")
        return words + slot * 2 + 1
    }

    /// What the launch fast path needs to probe the table.
    var probe: (words: UnsafePointer<UInt64>, mask: UInt32) { (UnsafePointer(words), UInt32(mask)) }

    /// The slot of `handle`, inserting it if absent; nil when the table is full.
    /// `inserted` tells the caller it owns initialising the slot's values.
    func findOrInsert(_ handle: UInt64, inserted: inout Bool) -> Int? {
        let key = handle &+ 1
        var i = start(key)
        inserted = false
        for _ in 0..<capacity {
            var k = reef_atomic_load(words + i * stride)
            if k == 0 {
                var expected: UInt64 = 0
                if reef_atomic_cas(words + i * stride, &expected, key) != 0 {
                    inserted = true
                    return i
                }
                k = expected
            }
            if k == key { return i }
            i = (i + 1) & mask
        }
        return nil
    }

    @inline(__always) private func start(_ key: UInt64) -> Int { Self.start(key, mask: mask) }

    /// The handle stored in a slot, or nil for an empty one.
    func handle(at slot: Int) -> UInt64? {
        let k = reef_atomic_load(words + slot * stride)
        return k == 0 ? nil : k &- 1
    }

    /// Forget everything (used only in a fork child, which owns a private copy).
    func reset() { words.update(repeating: 0, count: capacity * stride) }
}

/// Zero-filled memory from calloc: large tables cost nothing until touched, which keeps Reef
/// cheap in the many preloaded processes that never use a GPU.
func zeroedMemory<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
    guard let raw = calloc(count, MemoryLayout<T>.stride) else { fatalError("reef: out of memory allocating \(count) table entries") }
    return raw.bindMemory(to: T.self, capacity: count)
}

/// A row of relaxed atomic counters.
struct CounterArray: @unchecked Sendable {
    let count: Int
    let base: UnsafeMutablePointer<UInt64>

    init(count: Int) {
        self.count = count
        base = zeroedMemory(UInt64.self, count: count)
    }

    @inline(__always) func add(_ index: Int, _ value: UInt64 = 1) { _ = reef_atomic_add(base + index, value) }
    @inline(__always) func load(_ index: Int) -> UInt64 { reef_atomic_load(base + index) }
    func reset() { base.update(repeating: 0, count: count) }
}
