#if canImport(Glibc)
import Glibc
#endif

/// What padding needs to know about one kernel shape.
struct KernelEstimate: Equatable, Sendable {
    /// Duration on the whole device (EWMA), nanoseconds.
    var meanNanos: UInt64
    /// EWMA of |sample - mean|: how much the duration varies, nanoseconds.
    var spreadNanos: UInt64
    /// Durations recorded (saturating).
    var samples: UInt64
    /// Resident blocks per SM from the occupancy API; nil until the caller has asked.
    var blocksPerSM: Int?
}

/// A plain pthread mutex. Not Swift's `Mutex`: that caches the owner's thread id and breaks in a
/// fork() child; this one is re-initialised there (`reinitialiseAfterFork`).
final class PaddingLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    init() { mutex = .allocate(capacity: 1); pthread_mutex_init(mutex, nil) }
    deinit { pthread_mutex_destroy(mutex); mutex.deallocate() }
    @inline(__always) func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
    /// In the fork child only: the parent's holder does not exist there.
    func reinitialiseAfterFork() { pthread_mutex_init(mutex, nil) }
}

/// Learned durations and occupancy per kernel shape. Bounded: an application that launches
/// endlessly many shapes (varying grids) must not grow our memory; once full, new shapes are not
/// learned (they stay "unknown", so padding simply holds them) and `dropped` counts the attempts.
///
/// Cold path only (the dispatcher and completion handling), never the launch path: it locks and
/// may allocate. Do not fill it inside the library constructor (hashing; see ARCHITECTURE.md).
final class KernelProfileTable: @unchecked Sendable {
    /// After this many samples the mean and spread become an EWMA with alpha 1/ewmaDivisor;
    /// before, they are a plain running average, so early estimates are not dominated by the
    /// first (often cold, slow) launch.
    static let ewmaDivisor: UInt64 = 8
    static let header = "reef-profile 1"
    /// Largest blocksPerSM accepted from a file (hardware limits are 32 on NVIDIA, 40ish on AMD).
    static let maxBlocksPerSM = 65_536

    let capacity: Int
    private let lock = PaddingLock()
    private var entries: [KernelShape: KernelEstimate] = [:]
    private var droppedCount: UInt64 = 0

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var count: Int { lock.withLock { entries.count } }
    /// Learning attempts refused because the table was full (saturating).
    var dropped: UInt64 { lock.withLock { droppedCount } }

    /// One measured duration of `shape` on the whole device.
    func record(_ shape: KernelShape, durationNanos x: UInt64) {
        lock.withLock {
            guard var e = entryForUpdate(shape) else { return }
            Self.update(&e, sample: x)
            entries[shape] = e
        }
    }

    /// The occupancy API's answer for `shape` (negative values are stored as 0: "cannot run").
    func setOccupancy(_ shape: KernelShape, blocksPerSM: Int) {
        lock.withLock {
            guard var e = entryForUpdate(shape) else { return }
            e.blocksPerSM = max(0, blocksPerSM)
            entries[shape] = e
        }
    }

    func estimate(_ shape: KernelShape) -> KernelEstimate? { lock.withLock { entries[shape] } }

    func reinitialiseAfterFork() { lock.reinitialiseAfterFork() }

    /// Lock held. The existing entry, a fresh one if there is room, else nil (counted).
    private func entryForUpdate(_ shape: KernelShape) -> KernelEstimate? {
        if let e = entries[shape] { return e }
        guard entries.count < capacity else { droppedCount = droppedCount.saturatingSum(1); return nil }
        return KernelEstimate(meanNanos: 0, spreadNanos: 0, samples: 0, blocksPerSM: nil)
    }

    /// Mean and spread with alpha = 1/min(n, 8) for the mean (the first sample sets it) and
    /// 1/min(n-1, 8) for the spread (n-1 deviations exist after n samples). The deviation is
    /// taken from the mean before this sample, as in TCP's RTT estimator. Integer math,
    /// truncating; differences are formed without going negative, so nothing can overflow.
    static func update(_ e: inout KernelEstimate, sample x: UInt64) {
        let n = e.samples.saturatingSum(1)
        e.samples = n
        if n == 1 { e.meanNanos = x; e.spreadNanos = 0; return }
        let deviation = x >= e.meanNanos ? x - e.meanNanos : e.meanNanos - x
        let k = min(n, ewmaDivisor), ks = min(n - 1, ewmaDivisor)
        if x >= e.meanNanos { e.meanNanos += (x - e.meanNanos) / k } else { e.meanNanos -= (e.meanNanos - x) / k }
        if deviation >= e.spreadNanos { e.spreadNanos += (deviation - e.spreadNanos) / ks }
        else { e.spreadNanos -= (e.spreadNanos - deviation) / ks }
    }

    // MARK: Save / load

    /// `reef-profile 1`, then per shape, sorted (stable files diff well):
    /// `function gridBlocks blockThreads sharedBytes samples meanNanos spreadNanos blocksPerSM`
    /// all decimal; blocksPerSM -1 means not known.
    func serialized() -> String {
        let rows = lock.withLock { Array(entries) }.sorted { a, b in
            (a.key.function, a.key.gridBlocks, a.key.blockThreads, a.key.sharedBytes)
                < (b.key.function, b.key.gridBlocks, b.key.blockThreads, b.key.sharedBytes)
        }
        var out = Self.header + "\n"
        for (s, e) in rows {
            out += "\(s.function) \(s.gridBlocks) \(s.blockThreads) \(s.sharedBytes) "
            out += "\(e.samples) \(e.meanNanos) \(e.spreadNanos) \(e.blocksPerSM ?? -1)\n"
        }
        return out
    }

    /// A table from `serialized()` text. nil unless the first non-blank line is the header (a file
    /// of another format or version is not guessed at). Any other malformed line (wrong field
    /// count, non-digits, negative or out-of-range numbers) is skipped; the first of duplicate
    /// shapes wins; shapes beyond `capacity` count as dropped.
    static func parse(_ text: String, capacity: Int) -> KernelProfileTable? {
        let lines = text.utf8.split(whereSeparator: { $0 == 10 || $0 == 13 })
            .map { $0.split(whereSeparator: { $0 == 32 || $0 == 9 }) }
            .filter { !$0.isEmpty }
        guard let first = lines.first, first.count == 2,
              first[0].elementsEqual("reef-profile".utf8), first[1].elementsEqual("1".utf8) else { return nil }
        let table = KernelProfileTable(capacity: capacity)
        for f in lines.dropFirst() {
            guard f.count == 8,
                  let function = decimal(f[0], max: .max),
                  let grid = decimal(f[1], max: .max),
                  let threads = decimal(f[2], max: UInt64(UInt32.max)),
                  let shared = decimal(f[3], max: UInt64(UInt32.max)),
                  let samples = decimal(f[4], max: .max),
                  let mean = decimal(f[5], max: .max),
                  let spread = decimal(f[6], max: .max) else { continue }
            let occupancy: Int?
            if f[7].elementsEqual("-1".utf8) { occupancy = nil }
            else if let v = decimal(f[7], max: UInt64(maxBlocksPerSM)) { occupancy = Int(v) }
            else { continue }
            let shape = KernelShape(function: function, gridBlocks: grid,
                                    blockThreads: UInt32(threads), sharedBytes: UInt32(shared))
            if table.entries[shape] != nil { continue }
            guard table.entries.count < table.capacity else {
                table.droppedCount = table.droppedCount.saturatingSum(1); continue
            }
            // A line that claims no samples carries no duration.
            table.entries[shape] = KernelEstimate(meanNanos: samples == 0 ? 0 : mean,
                                                  spreadNanos: samples == 0 ? 0 : spread,
                                                  samples: samples, blocksPerSM: occupancy)
        }
        return table
    }

    /// Unsigned decimal digits only (no sign, no spaces), at most `max`; nil otherwise.
    static func decimal<C: Collection>(_ bytes: C, max: UInt64) -> UInt64? where C.Element == UInt8 {
        guard !bytes.isEmpty else { return nil }
        var v: UInt64 = 0
        for b in bytes {
            guard b >= 48 && b <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b - 48))
            if o1 || o2 || s > max { return nil }
            v = s
        }
        return v
    }
}
