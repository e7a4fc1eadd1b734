/// When a periodic real-time client's next request will start (REEF_RT_PREWARM): the median of
/// the last `capacity` gaps between request starts, trusted only while every one of them lies
/// within `tolerance` of it. Fixed storage, no allocation; one owner (the dispatcher thread).
struct ArrivalPredictor {
    static let capacity = 8   // the InlineArray's size below
    /// Gaps needed before anything is predicted (REEF_RT_PREWARM: 4).
    let minGaps: Int
    /// A gap may differ from the median by this fraction of it (REEF_RT_PREWARM: 1/8).
    let toleranceShift: UInt64

    init(minGaps: Int = 4, toleranceShift: UInt64 = 3) {
        self.minGaps = max(1, min(minGaps, Self.capacity))
        self.toleranceShift = min(toleranceShift, 63)
    }

    private var gaps = InlineArray<8, UInt64>(repeating: 0)
    private var count = 0
    private var next = 0
    /// The last start (0 before the first, and after `skipped`); `hasStart` says whether one is.
    private(set) var lastStart: UInt64 = 0
    private(set) var hasStart = false

    /// A request started at `t` (a start seen again, or one before the last, is ignored).
    mutating func observe(start t: UInt64) {
        guard !hasStart || t > lastStart else { return }
        if hasStart {
            gaps[next] = t - lastStart
            next = (next + 1) % Self.capacity
            count = min(count + 1, Self.capacity)
        }
        lastStart = t
        hasStart = true
    }

    /// Starts were missed: the next one seen begins a new chain (no gap across the hole).
    mutating func skipped() { lastStart = 0; hasStart = false }

    /// The median gap when the last gaps agree (periodic arrivals), else nil.
    var period: UInt64? { estimate?.period }

    /// Gaps seen since the chain began, at most `capacity`.
    var gapCount: Int { count }

    /// The median of the last gaps and how far the farthest lies from it, when every one of them
    /// lies within the tolerance (periodic arrivals), else nil.
    var estimate: (period: UInt64, deviation: UInt64)? {
        guard count >= minGaps else { return nil }
        // The filled slots are the first `count` until the ring wraps, then all of them.
        var g = gaps
        for i in 1..<max(1, count) {   // insertion sort of at most 8
            let v = g[i]
            var j = i - 1
            while j >= 0 && g[j] > v { g[j + 1] = g[j]; j -= 1 }
            g[j + 1] = v
        }
        let median = g[count / 2]
        guard median > 0 else { return nil }
        let tolerance = median >> toleranceShift
        let low = median - g[0], high = g[count - 1] - median
        guard low <= tolerance, high <= tolerance else { return nil }
        return (median, max(low, high))
    }

    /// The time to act `lead` nanoseconds before the next predicted start, or nil: arrivals not
    /// periodic, a period shorter than four leads (acting would hold best-effort work most of the
    /// time), or the next start already overdue by half a period (the client stopped or slowed).
    func actionTime(lead: UInt64, now: UInt64) -> UInt64? {
        guard let p = period, p >= lead &* 4, hasStart else { return nil }
        let predicted = lastStart &+ p
        guard now < predicted &+ p / 2 else { return nil }
        return predicted &- lead
    }
}
