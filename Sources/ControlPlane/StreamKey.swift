/// How `reefctl set <pid>:<stream>` names a stream in the segment (as REEF_RT_STREAMS does):
/// `#N` the Nth stream the process created, `legacy` the legacy default stream, `0x…` a handle.
public enum StreamKey {
    public static let ordinalFlag: UInt64 = 1 << 63
    public static let legacyFlag: UInt64 = 1 << 62

    /// The key of a stream written as `#N`, `legacy` or `0x…`; nil when it is none of these.
    public static func parse(_ text: String) -> UInt64? {
        if text == "legacy" || text == "0" || text == "0x0" { return legacyFlag }
        if text.hasPrefix("#"), let n = UInt64(text.dropFirst()), n > 0, n < legacyFlag { return ordinalFlag | n }
        if text.hasPrefix("0x"), let h = UInt64(text.dropFirst(2), radix: 16), h != 0, h & (ordinalFlag | legacyFlag) == 0 { return h }
        return nil
    }

    /// Whether `key` names the stream with this handle and creation ordinal.
    public static func matches(_ key: UInt64, handle: UInt64, ordinal: Int?, isLegacy: Bool) -> Bool {
        if key & legacyFlag != 0 { return isLegacy }
        if key & ordinalFlag != 0 { return ordinal.map { UInt64($0) == key & ~ordinalFlag } ?? false }
        return key == handle
    }

    public static func describe(_ key: UInt64) -> String {
        if key & legacyFlag != 0 { return "legacy" }
        if key & ordinalFlag != 0 { return "#\(key & ~ordinalFlag)" }
        return "0x" + String(key, radix: 16)
    }
}
