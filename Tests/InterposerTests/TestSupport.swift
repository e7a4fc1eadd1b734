#if canImport(Glibc)
import Glibc
#endif
@testable import Interposer
import CInterpose

/// Bytes of a file next to this test source (fixtures are read without Foundation).
func fixtureBytes(_ name: String, file: String = #filePath) -> [UInt8] {
    let dir = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let path = dir + "/Fixtures/" + name
    let fd = open(path, O_RDONLY)
    precondition(fd >= 0, "missing fixture \(path)")
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

func makeCall(api: UInt32 = 1, _ args: [UInt64]) -> ReefCall {
    var call = ReefCall()
    call.api = api
    call.nargs = UInt32(args.count)
    withUnsafeMutablePointer(to: &call) { p in
        let a = ReefCall.mutableArgs(p)
        for (i, v) in args.enumerated() { a[i] = v }
    }
    return call
}

func arg(_ call: inout ReefCall, _ i: Int) -> UInt64 {
    withUnsafeMutablePointer(to: &call) { ReefCall.mutableArgs($0)[i] }
}

func bits(_ p: UnsafeRawPointer?) -> UInt64 { UInt64(UInt(bitPattern: p)) }

func arg(_ call: UnsafeMutablePointer<ReefCall>, _ i: Int) -> UInt64 { ReefCall.mutableArgs(call)[i] }

/// A call on the heap: records keep a pointer to their call, so it must outlive the statement.
func heapCall(_ c: ReefCall) -> UnsafeMutablePointer<ReefCall> {
    let p = UnsafeMutablePointer<ReefCall>.allocate(capacity: 1)
    p.initialize(to: c)
    return p
}
