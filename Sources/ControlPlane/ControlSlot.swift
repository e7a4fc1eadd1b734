#if canImport(Glibc)
import Glibc
#endif
import CControl

/// One process's entry in the control segment. Counters are read and written with atomics;
/// everything read is bounds-checked by its user (another process may write anything here).
public struct ControlSlot: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<ReefControlSlot>
    public let index: Int

    func field(_ f: KeyPath<ReefControlSlot, UInt64>) -> UnsafeMutablePointer<UInt64> {
        (UnsafeMutableRawPointer(pointer) + MemoryLayout<ReefControlSlot>.offset(of: f)!).assumingMemoryBound(to: UInt64.self)
    }

    public func load(_ f: KeyPath<ReefControlSlot, UInt64>) -> UInt64 { reef_control_load(field(f)) }
    public func store(_ f: KeyPath<ReefControlSlot, UInt64>, _ v: UInt64) { reef_control_store(field(f), v) }

    /// The pointer to a published counter, for the hot path (no key-path lookup per store).
    public func counter(_ f: KeyPath<ReefControlSlot, UInt64>) -> UnsafeMutablePointer<UInt64> { field(f) }

    // Hot fields read by every dispatcher's scan of the segment: direct addresses, since a
    // key-path offset lookup costs far more than the load (it was most of a dispatcher's time).
    public var pid: UInt64 { reef_control_load(&pointer.pointee.pid) }
    public var rtBegun: UInt64 { reef_control_load(&pointer.pointee.rt_begun) }
    public var rtWaitedFor: UInt64 { reef_control_load(&pointer.pointee.rt_waited_for) }
    public var rtLastCommandNanos: UInt64 { reef_control_load(&pointer.pointee.rt_last_command_ns) }
    public var rtIncompleteNanos: UInt64 { reef_control_load(&pointer.pointee.rt_incomplete_ns) }
    public func publish(streams: UInt64, inFlight: UInt64) {
        reef_control_store(&pointer.pointee.streams, streams)
        reef_control_store(&pointer.pointee.in_flight, inFlight)
    }
    public func publishPadding(padded: UInt64, mispredicted: UInt64) {
        reef_control_store(&pointer.pointee.padded, padded)
        reef_control_store(&pointer.pointee.padded_mispredicted, mispredicted)
    }

    public var classOverride: UInt32 {
        get { reef_control_load32(&pointer.pointee.class_override) }
        nonmutating set { reef_control_store32(&pointer.pointee.class_override, newValue) }
    }

    /// The class in effect (reefctl's override, else the process's own); out-of-range values
    /// from the segment read as `.invalid`.
    public var effectiveClass: ControlClass {
        let o = ControlClass(raw: classOverride)
        return o == .unset ? ControlClass(raw: reef_control_load32(&pointer.pointee.process_class)) : o
    }

    func clear() {
        UnsafeMutableRawPointer(pointer).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<ReefControlSlot>.size)
    }

    func setCommand(_ command: String) {
        let offset = MemoryLayout<ReefControlSlot>.offset(of: \.command)!
        let dst = (UnsafeMutableRawPointer(pointer) + offset).assumingMemoryBound(to: UInt8.self)
        let bytes = Array(command.utf8.prefix(Int(REEF_CONTROL_COMMAND_BYTES) - 1))
        for (i, b) in bytes.enumerated() { dst[i] = b }
        dst[bytes.count] = 0
    }

    /// The command, read defensively: at most the field's size, stopping at the first NUL.
    func command() -> String {
        let offset = MemoryLayout<ReefControlSlot>.offset(of: \.command)!
        let src = (UnsafeMutableRawPointer(pointer) + offset).assumingMemoryBound(to: UInt8.self)
        var bytes: [UInt8] = []
        for i in 0..<Int(REEF_CONTROL_COMMAND_BYTES) {
            let b = src[i]
            if b == 0 { break }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Per-stream overrides

    func overrideKey(_ i: Int) -> UnsafeMutablePointer<UInt64> {
        (UnsafeMutableRawPointer(pointer) + MemoryLayout<ReefControlSlot>.offset(of: \.override_keys)!)
            .assumingMemoryBound(to: UInt64.self) + i
    }

    func overrideClass(_ i: Int) -> UnsafeMutablePointer<UInt64> {
        (UnsafeMutableRawPointer(pointer) + MemoryLayout<ReefControlSlot>.offset(of: \.override_classes)!)
            .assumingMemoryBound(to: UInt64.self) + i
    }

    /// The per-stream overrides, as (key, class) pairs; entries with invalid classes are skipped.
    public func streamOverrides() -> [(key: UInt64, cls: ControlClass)] {
        (0..<Int(REEF_CONTROL_STREAM_OVERRIDES)).compactMap { i in
            let k = reef_control_load(overrideKey(i))
            let c = ControlClass(raw: UInt32(truncatingIfNeeded: reef_control_load(overrideClass(i))))
            return k != 0 && (c == .rt || c == .be) ? (k, c) : nil
        }
    }

    /// Sets (or with .unset clears) the override of `key`; false when all entries are taken.
    /// Written by reefctl only (one writer at a time, under the segment lock).
    public func setStreamOverride(key: UInt64, cls: ControlClass) -> Bool {
        let n = Int(REEF_CONTROL_STREAM_OVERRIDES)
        let existing = (0..<n).first { reef_control_load(overrideKey($0)) == key }
        if cls == .unset || cls == .invalid {
            if let i = existing { reef_control_store(overrideKey(i), 0); reef_control_store(overrideClass(i), 0) }
        } else {
            guard let i = existing ?? (0..<n).first(where: { reef_control_load(overrideKey($0)) == 0 }) else { return false }
            reef_control_store(overrideClass(i), UInt64(cls.raw))
            reef_control_store(overrideKey(i), key)
        }
        reef_control_add(field(\.overrides_epoch), 1)
        return true
    }

    public var overridesEpoch: UInt64 { load(\.overrides_epoch) }

    /// Counts one real-time request of `micros` microseconds.
    public func recordLatency(micros: UInt64) {
        var b = 0
        var v = micros
        while v > 1 && b < Int(REEF_CONTROL_LATENCY_BUCKETS) - 1 { v >>= 1; b += 1 }
        reef_control_add(bucket(b), 1)
    }

    func bucket(_ b: Int) -> UnsafeMutablePointer<UInt64> {
        let offset = MemoryLayout<ReefControlSlot>.offset(of: \.rt_latency_us_log2)!
        return (UnsafeMutableRawPointer(pointer) + offset).assumingMemoryBound(to: UInt64.self) + b
    }

    func latencyBuckets() -> [UInt64] { (0..<Int(REEF_CONTROL_LATENCY_BUCKETS)).map { reef_control_load(bucket($0)) } }

    func snapshot() -> SlotSnapshot {
        SlotSnapshot(slot: index, pid: Int32(truncatingIfNeeded: load(\.pid)), command: command(),
                     processClass: ControlClass(raw: pointer.pointee.process_class),
                     classOverride: ControlClass(raw: classOverride),
                     rtBegun: load(\.rt_begun), rtWaitedFor: load(\.rt_waited_for),
                     launches: load(\.launches), held: load(\.held), released: load(\.released),
                     preemptions: load(\.preemptions), streams: load(\.streams), inFlight: load(\.in_flight),
                     latencyBuckets: latencyBuckets(),
                     padded: load(\.padded), paddedMispredicted: load(\.padded_mispredicted),
                     streamOverrides: streamOverrides().map { StreamOverride(stream: StreamKey.describe($0.key), cls: $0.cls) })
    }
}

/// A class as stored in the segment.
public enum ControlClass: String, Sendable {
    case unset, be, rt, invalid

    public init(raw: UInt32) {
        switch raw {
        case REEF_CONTROL_CLASS_UNSET: self = .unset
        case REEF_CONTROL_CLASS_BE: self = .be
        case REEF_CONTROL_CLASS_RT: self = .rt
        default: self = .invalid
        }
    }

    public var raw: UInt32 {
        switch self {
        case .unset, .invalid: return REEF_CONTROL_CLASS_UNSET
        case .be: return REEF_CONTROL_CLASS_BE
        case .rt: return REEF_CONTROL_CLASS_RT
        }
    }
}

public struct StreamOverride: Sendable, Equatable {
    public let stream: String
    public let cls: ControlClass
}

/// A live process's entry, copied out of the segment.
public struct SlotSnapshot: Sendable, Equatable {
    public let slot: Int
    public let pid: Int32
    public let command: String
    public let processClass: ControlClass
    public let classOverride: ControlClass
    public let rtBegun: UInt64
    public let rtWaitedFor: UInt64
    public let launches: UInt64
    public let held: UInt64
    public let released: UInt64
    public let preemptions: UInt64
    public let streams: UInt64
    public let inFlight: UInt64
    /// Real-time request latencies: bucket b counts [2^b, 2^(b+1)) microseconds.
    public let latencyBuckets: [UInt64]
    /// Best-effort kernels padded beside real-time work, and those timed longer than predicted.
    public let padded: UInt64
    public let paddedMispredicted: UInt64
    /// Classes reefctl set for single streams.
    public let streamOverrides: [StreamOverride]

    public var requests: UInt64 { latencyBuckets.reduce(0, &+) }

    /// The q-quantile (0...1) of real-time request latency in microseconds: the upper edge of
    /// the bucket that holds it (so within a factor of two), nil without requests.
    public func latencyMicros(quantile q: Double) -> UInt64? {
        let total = requests
        guard total > 0 else { return nil }
        let rank = UInt64((Double(total) * q).rounded(.up))
        var seen: UInt64 = 0
        for (b, n) in latencyBuckets.enumerated() {
            seen &+= n
            if seen >= max(rank, 1) { return UInt64(1) << UInt64(b + 1) }
        }
        return UInt64(1) << UInt64(latencyBuckets.count)
    }

    /// The class in effect: reefctl's override, else the one the process started with.
    public var effectiveClass: ControlClass { classOverride == .unset ? processClass : classOverride }
}
