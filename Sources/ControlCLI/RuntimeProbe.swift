#if canImport(Glibc)
import Glibc
#endif

/// Finds the GPU runtimes and libreef.so the way the loader would.
enum RuntimeProbe {
    static func cuda() -> Finding {
        guard let h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL) else {
            return Finding(name: "cuda", ok: false, detail: "libcuda.so.1 not loadable (\(lastError())); no NVIDIA driver here")
        }
        var detail = "libcuda.so.1 at \(path(of: h, symbol: "cuInit"))"
        typealias Version = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
        if let sym = dlsym(h, "cuDriverGetVersion") {
            var v: Int32 = 0
            if unsafeBitCast(sym, to: Version.self)(&v) == 0 { detail += ", driver API \(v / 1000).\(v % 1000 / 10)" }
        }
        detail += dlsym(h, "cuGetProcAddress_v2") != nil ? ", cuGetProcAddress_v2 present" : ", no cuGetProcAddress_v2 (pre-12.0 driver)"
        detail += dlsym(h, "cuFuncGetParamInfo") != nil ? ", cuFuncGetParamInfo present" : ", no cuFuncGetParamInfo: launches with kernelParams pass uncaptured"
        return Finding(name: "cuda", ok: true, detail: detail)
    }

    static func hip() -> Finding {
        guard let h = dlopen("libamdhip64.so.5", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libamdhip64.so", RTLD_NOW | RTLD_LOCAL) else {
            return Finding(name: "hip", ok: false, detail: "libamdhip64.so.5 not loadable (\(lastError()))")
        }
        var detail = "libamdhip64 at \(path(of: h, symbol: "hipInit"))"
        typealias Count = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
        if let sym = dlsym(h, "hipGetDeviceCount") {
            var n: Int32 = 0
            let r = unsafeBitCast(sym, to: Count.self)(&n)
            detail += r == 0 ? ", \(n) device(s)" : ", hipGetDeviceCount returned \(r) (no usable AMD GPU)"
        }
        return Finding(name: "hip", ok: true, detail: detail)
    }

    static func reef(path: String) -> Finding {
        guard access(path, R_OK) == 0 else {
            return Finding(name: "libreef", ok: false, detail: "\(path) not found; build it with `make` or pass --library")
        }
        guard let h = dlopen(path, RTLD_LAZY | RTLD_LOCAL) else {
            return Finding(name: "libreef", ok: false, detail: "\(path) does not load: \(lastError())")
        }
        let exports = ["cuGetProcAddress_v2", "cuLaunchKernel", "hipLaunchKernel", "dlsym"]
        let missing = exports.filter { dlsym(h, $0) == nil }
        return missing.isEmpty
            ? Finding(name: "libreef", ok: true, detail: "\(path) loads and exports its hooks; preload it with LD_PRELOAD=\(path)")
            : Finding(name: "libreef", ok: false, detail: "\(path) lacks exports \(missing.joined(separator: ", "))")
    }

    static func defaultLibraryPath() -> String {
        if let env = getenv("REEF_LIB") { return String(cString: env) }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "libreef.so" }
        let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return dir + "/libreef.so"
    }

    /// The file a loaded library came from, read from /proc/self/maps.
    private static func path(of handle: UnsafeMutableRawPointer, symbol: String) -> String {
        guard let f = fopen("/proc/self/maps", "r") else { return "?" }
        defer { fclose(f) }
        let stem = symbol.hasPrefix("cu") ? "libcuda" : "libamdhip64"
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(cString: line)
            if text.contains(stem), let slash = text.firstIndex(of: "/") {
                return String(text[slash...]).trimmingSuffixNewline()
            }
        }
        return "?"
    }

    private static func lastError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown error"
    }
}
