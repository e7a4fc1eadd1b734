/// A MessagePack decoder, enough for AMDGPU code-object metadata (maps, arrays, strings,
/// integers). Every read is bounds-checked: metadata comes from the application's binary.
enum MessagePackValue: Equatable {
    case int(Int64)
    case string(String)
    case array([MessagePackValue])
    case map([(MessagePackValue, MessagePackValue)])
    case other

    static func == (a: MessagePackValue, b: MessagePackValue) -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.map(x), .map(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.other, .other): true
        default: false
        }
    }

    subscript(key: String) -> MessagePackValue? {
        guard case let .map(pairs) = self else { return nil }
        return pairs.first { $0.0 == .string(key) }?.1
    }

    var int: Int64? { if case let .int(v) = self { v } else { nil } }
    var string: String? { if case let .string(v) = self { v } else { nil } }
    var array: [MessagePackValue]? { if case let .array(v) = self { v } else { nil } }
}

struct MessagePackReader {
    private let bytes: UnsafeRawBufferPointer
    private var at = 0
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    enum Failure: Error { case truncated, tooDeep }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> MessagePackValue? {
        var reader = MessagePackReader(bytes)
        return try? reader.value()
    }

    private mutating func byte() throws -> UInt8 {
        guard at < bytes.count else { throw Failure.truncated }
        defer { at += 1 }
        return bytes[at]
    }

    private mutating func big(_ n: Int) throws -> UInt64 {
        guard n <= 8, at + n <= bytes.count else { throw Failure.truncated }
        var v: UInt64 = 0
        for i in 0..<n { v = v << 8 | UInt64(bytes[at + i]) }
        at += n
        return v
    }

    private mutating func skip(_ n: Int) throws {
        guard n >= 0, at + n <= bytes.count else { throw Failure.truncated }
        at += n
    }

    private mutating func string(_ n: Int) throws -> MessagePackValue {
        guard n >= 0, at + n <= bytes.count else { throw Failure.truncated }
        defer { at += n }
        return .string(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + n)]), as: UTF8.self))
    }

    private mutating func array(_ n: Int) throws -> MessagePackValue {
        guard n <= bytes.count - at else { throw Failure.truncated } // each element takes ≥ 1 byte
        var items: [MessagePackValue] = []
        items.reserveCapacity(n)
        for _ in 0..<n { items.append(try value()) }
        return .array(items)
    }

    private mutating func map(_ n: Int) throws -> MessagePackValue {
        guard n <= (bytes.count - at) / 2 else { throw Failure.truncated }
        var pairs: [(MessagePackValue, MessagePackValue)] = []
        pairs.reserveCapacity(n)
        for _ in 0..<n { pairs.append((try value(), try value())) }
        return .map(pairs)
    }

    mutating func value() throws -> MessagePackValue {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw Failure.tooDeep }
        let b = try byte()
        switch b {
        case 0x00...0x7f: return .int(Int64(b))
        case 0x80...0x8f: return try map(Int(b & 0x0f))
        case 0x90...0x9f: return try array(Int(b & 0x0f))
        case 0xa0...0xbf: return try string(Int(b & 0x1f))
        case 0xc0, 0xc2, 0xc3: return .other
        case 0xc4, 0xc5, 0xc6: try skip(Int(try big(1 << Int(b - 0xc4)))); return .other
        case 0xc7, 0xc8, 0xc9: let n = try big(1 << Int(b - 0xc7)); try skip(1 + Int(n)); return .other
        case 0xca: try skip(4); return .other
        case 0xcb: try skip(8); return .other
        case 0xcc...0xcf:
            let v = try big(1 << Int(b - 0xcc))
            return v <= UInt64(Int64.max) ? .int(Int64(v)) : .other
        case 0xd0...0xd3:
            let n = 1 << Int(b - 0xd0)
            let v = try big(n)
            let shift = UInt64(64 - 8 * n)
            return .int(Int64(bitPattern: v << shift) >> Int64(shift)) // sign-extend
        case 0xd4...0xd8: try skip(1 + (1 << Int(b - 0xd4))); return .other
        case 0xd9, 0xda, 0xdb: return try string(Int(try big(1 << Int(b - 0xd9))))
        case 0xdc, 0xdd: return try array(Int(try big(b == 0xdc ? 2 : 4)))
        case 0xde, 0xdf: return try map(Int(try big(b == 0xde ? 2 : 4)))
        case 0xe0...0xff: return .int(Int64(Int8(bitPattern: b)))
        default: return .other // 0xc1 is never used
        }
    }
}
