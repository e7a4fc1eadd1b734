#if canImport(Glibc)
import Glibc
#endif

/// Reads Reef's settings from the environment once, at library load.
struct Environment {
    static func string(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// A whole number in `range`, `value` when unset; a bad one is named on stderr and ignored.
    static func number(_ name: String, default value: Int, range: ClosedRange<Int>, log: Log) -> Int {
        guard let text = string(name) else { return value }
        guard let n = Int(text), range.contains(n) else {
            log.write(.warn, "\(name)=\(text) is not a whole number in \(range.lowerBound)...\(range.upperBound); using \(value)")
            return value
        }
        return n
    }

    /// on|1|yes|true or off|0|no|false; nil when unset, or (named on stderr) anything else.
    static func flag(_ name: String, log: Log? = nil) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "on", "1", "yes", "true": return true
        case "off", "0", "no", "false", "": return false
        default:
            log?.write(.warn, "\(name)=\(text) is neither on nor off; ignoring it")
            return nil
        }
    }

    /// `%p` in a path becomes the process id, so that forked or parallel processes sharing one
    /// environment write separate files.
    static func expandPath(_ path: String, pid: Int32) -> String {
        var out = ""
        var chars = path.makeIterator()
        while let c = chars.next() {
            if c == "%" {
                switch chars.next() {
                case "p": out += String(pid)
                case "%": out += "%"
                case let other?: out += "%" + String(other)
                case nil: out += "%"
                }
            } else {
                out.append(c)
            }
        }
        return out
    }
}
