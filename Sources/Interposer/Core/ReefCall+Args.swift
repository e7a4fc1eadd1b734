import CInterpose

extension ReefCall {
    /// The packed arguments as a C array (ReefCall.args is imported as a tuple).
    @inline(__always) static func args(_ call: UnsafePointer<ReefCall>) -> UnsafePointer<UInt64> {
        (UnsafeRawPointer(call) + MemoryLayout<ReefCall>.offset(of: \ReefCall.args)!).assumingMemoryBound(to: UInt64.self)
    }

    @inline(__always) static func mutableArgs(_ call: UnsafeMutablePointer<ReefCall>) -> UnsafeMutablePointer<UInt64> {
        (UnsafeMutableRawPointer(call) + MemoryLayout<ReefCall>.offset(of: \ReefCall.args)!).assumingMemoryBound(to: UInt64.self)
    }

    /// Sets one packed argument of a call held by value (no pointer escapes the access).
    mutating func setArg(_ index: Int, _ value: UInt64) {
        withUnsafeMutablePointer(to: &self) { ReefCall.mutableArgs($0)[index] = value }
    }

    func arg(_ index: Int) -> UInt64 {
        withUnsafePointer(to: self) { ReefCall.args($0)[index] }
    }
}
