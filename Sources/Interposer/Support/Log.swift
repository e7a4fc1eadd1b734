#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// One line per event on stderr: `reef[pid]: level: message`. REEF_LOG=error|warn|info|debug.
enum LogLevel: Int, Comparable, Sendable {
    case error = 0, warn, info, debug

    init?(name: String) {
        switch name.lowercased() {
        case "error": self = .error
        case "warn", "warning": self = .warn
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .error: "error"
        case .warn: "warn"
        case .info: "info"
        case .debug: "debug"
        }
    }

    static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Things Reef says at most once per process, whatever the number of occurrences.
enum OnceMessage: Int, CaseIterable {
    case paramInfoUnavailable, kernelCatalogFull, streamTableFull, unknownHipFunction,
         unreadableCodeObject, statsWriteFailed, heldWorkStuck, paddingUnavailable, paddingPartitionFailed,
         gateUnavailable, heldCommandFailed, gateStalled, shadowMarkerFailed, gateWatchdog
}

final class Log: @unchecked Sendable {
    let level: LogLevel
    private let onceFlags: UnsafeMutablePointer<UInt64>

    init(level: LogLevel) {
        self.level = level
        onceFlags = .allocate(capacity: OnceMessage.allCases.count)
        onceFlags.initialize(repeating: 0, count: OnceMessage.allCases.count)
    }

    func enabled(_ l: LogLevel) -> Bool { l <= level }

    func write(_ l: LogLevel, _ message: @autoclosure () -> String) {
        guard l <= level else { return }
        var line = "reef[\(getpid())]: \(l.name): \(message())\n"
        line.withUTF8 { reef_write_all(2, $0.baseAddress, $0.count) }
    }

    /// Says `message` the first time `key` happens in this process.
    func once(_ key: OnceMessage, _ l: LogLevel, _ message: @autoclosure () -> String) {
        guard l <= level, reef_atomic_exchange(onceFlags + key.rawValue, 1) == 0 else { return }
        write(l, message())
    }
}
