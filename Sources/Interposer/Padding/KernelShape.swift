/// What padding learns about a kernel is keyed by its shape: the same function launched with a
/// different grid, block or dynamic shared memory runs for a different time and fits a
/// different number of blocks per SM, so each combination is its own entry.
struct KernelShape: Hashable, Sendable {
    /// The driver's function handle (CUfunction / hipFunction_t), as an integer.
    let function: UInt64
    /// gridX * gridY * gridZ (saturating: a hostile launch cannot trap us).
    let gridBlocks: UInt64
    /// blockX * blockY * blockZ (saturating).
    let blockThreads: UInt32
    /// Dynamic shared memory per block, in bytes.
    let sharedBytes: UInt32

    init(function: UInt64, gridBlocks: UInt64, blockThreads: UInt32, sharedBytes: UInt32) {
        self.function = function
        self.gridBlocks = gridBlocks
        self.blockThreads = blockThreads
        self.sharedBytes = sharedBytes
    }

    /// From the launch's dimensions as the driver takes them.
    init(function: UInt64, gridX: UInt32, gridY: UInt32, gridZ: UInt32,
         blockX: UInt32, blockY: UInt32, blockZ: UInt32, sharedBytes: UInt32) {
        self.init(function: function,
                  gridBlocks: UInt64(gridX).saturatingProduct(UInt64(gridY)).saturatingProduct(UInt64(gridZ)),
                  blockThreads: blockX.saturatingProduct(blockY).saturatingProduct(blockZ),
                  sharedBytes: sharedBytes)
    }
}

// Saturating arithmetic: durations, timestamps and grid sizes come from outside (the driver,
// a profile file), and a trap inside an application's launch call is never acceptable.
extension FixedWidthInteger where Self: UnsignedInteger {
    @inline(__always) func saturatingSum(_ other: Self) -> Self {
        let (r, o) = addingReportingOverflow(other)
        return o ? .max : r
    }

    @inline(__always) func saturatingProduct(_ other: Self) -> Self {
        let (r, o) = multipliedReportingOverflow(by: other)
        return o ? .max : r
    }

    @inline(__always) func saturatingDifference(_ other: Self) -> Self {
        self > other ? self - other : 0
    }
}

extension UInt64 {
    /// self * num / den without intermediate overflow; saturates when the result does not fit.
    /// `den` 0 gives .max (callers never pass it; it must not trap either).
    func scaled(by num: UInt64, over den: UInt64) -> UInt64 {
        guard den > 0 else { return .max }
        let wide = multipliedFullWidth(by: num)
        if wide.high >= den { return .max }   // quotient would need more than 64 bits
        return den.dividingFullWidth(wide).quotient
    }

    /// A Double clamped into 0...UInt64.max (NaN and negatives give 0).
    init(saturating value: Double) {
        if !(value > 0) { self = 0 }
        else if value >= 18_446_744_073_709_551_615.0 { self = .max }
        else { self = UInt64(value) }
    }
}
