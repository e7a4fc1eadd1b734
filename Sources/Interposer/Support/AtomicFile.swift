#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// Whole-file reads and writes without Foundation (REEF_STATS, REEF_PROFILE).
enum AtomicFile {
    /// Writes `text` to `path` through a temporary file renamed over it, so a reader never sees
    /// half of it. nil on success, else what went wrong (for the caller's message).
    static func write(_ text: String, to path: String) -> String? {
        let temporary = path + ".tmp\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot write \(path): \(String(cString: strerror(errno)))" }
        var bytes = text
        bytes.withUTF8 { reef_write_all(fd, $0.baseAddress, $0.count) }
        close(fd)
        if rename(temporary, path) != 0 {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            return "cannot rename \(temporary) to \(path): \(why)"
        }
        return nil
    }

    /// The file's bytes as UTF-8 text (invalid bytes replaced), at most `limit` of them; nil when
    /// it cannot be opened.
    static func read(_ path: String, limit: Int) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while data.count < limit {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, limit - data.count)) }
            if n <= 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
