#if canImport(Glibc)
import Glibc
#endif

/// What /proc says about a process: its start time (to tell a reused pid apart) and whether it
/// is alive.
public enum ProcessInfoReader {
    /// Field 22 of /proc/<pid>/stat (clock ticks after boot), or nil when unreadable.
    public static func startTicks(pid: Int32) -> UInt64? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After "pid (comm)": field 3 is fields[0], so field 22 is fields[19].
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    public static func isAlive(pid: UInt64, startTicks: UInt64) -> Bool {
        guard pid > 0, pid <= UInt64(Int32.max) else { return false }
        if kill(pid_t(pid), 0) != 0 && errno == ESRCH { return false }
        if startTicks != 0, let now = Self.startTicks(pid: Int32(pid)), now != startTicks { return false }
        return true
    }

    /// The command line of the calling process, arguments joined by spaces.
    public static func commandLine() -> String {
        guard let raw = read("/proc/self/cmdline") else { return "?" }
        return raw.split(separator: "\0").joined(separator: " ")
    }

    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > 65536 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
