#if canImport(Glibc)
import Glibc
#endif
import CControl
import CInterpose
import ControlPlane

/// This process's entry in the control segment (cross-process scheduling): it publishes its
/// real-time activity there and reads every other process's. A best-effort dispatcher holds its
/// work while any other process has a real-time request outstanding: begun but not yet waited
/// for by its host, and with a command, or work its dispatcher saw incomplete on the device, in
/// the last `foreignIdleNanos` (a process that never waits, or died mid-request, stops counting
/// after that). The second part matters on a time-sliced GPU: a request whose device work waits
/// for another process's time slice (H100: up to 5 ms) must not let best-effort work resume 2 ms
/// after its last command.
final class ControlLink: @unchecked Sendable {
    let segment: ControlSegment
    let slot: ControlSlot
    private let pid: UInt64
    let rtBegun: UnsafeMutablePointer<UInt64>
    let rtWaitedFor: UnsafeMutablePointer<UInt64>
    let rtLastCommand: UnsafeMutablePointer<UInt64>
    let rtIncomplete: UnsafeMutablePointer<UInt64>
    private let held: UnsafeMutablePointer<UInt64>
    private let released: UnsafeMutablePointer<UInt64>
    private let preemptions: UnsafeMutablePointer<UInt64>
    private let launches: UnsafeMutablePointer<UInt64>
    /// reefctl policy: window and linger (µs), 0 = unset.
    let policyWindow: UnsafeMutablePointer<UInt64>
    let policyLingerMicros: UnsafeMutablePointer<UInt64>
    /// reefctl policy: padding (REEF_CONTROL_PADDING_*) and its slack (µs), 0 = unset.
    let policyPadding: UnsafeMutablePointer<UInt64>
    let policyPadSlackMicros: UnsafeMutablePointer<UInt64>
    static let foreignIdleNanos: UInt64 = 2_000_000

    /// Attaches (creating the segment if needed) and registers; nil, said once on stderr, when
    /// that is not possible: the process then schedules only its own streams.
    init?(processClass: SchedulingClass, device: String?, log: Log) {
        if let v = getenv("REEF_SHM").map({ String(cString: $0) }), v == "off" || v == "0" { return nil }
        do {
            segment = try ControlSegment.attach(name: ControlSegment.defaultName(device: device), create: true)
        } catch {
            log.write(.warn, "\(error); scheduling only this process's streams")
            return nil
        }
        let cls = processClass == .realtime ? REEF_CONTROL_CLASS_RT : REEF_CONTROL_CLASS_BE
        guard let s = segment.register(pid: getpid(), command: ProcessInfoReader.commandLine(), processClass: cls) else {
            log.write(.warn, "cannot register in the control segment /dev/shm\(segment.name): all \(segment.slotCount) entries are taken or its lock was not free within 500 ms; run `reefctl gc`; scheduling only this process's streams")
            return nil
        }
        slot = s
        pid = UInt64(getpid())
        rtBegun = s.counter(\.rt_begun)
        rtWaitedFor = s.counter(\.rt_waited_for)
        rtLastCommand = s.counter(\.rt_last_command_ns)
        rtIncomplete = s.counter(\.rt_incomplete_ns)
        held = s.counter(\.held)
        released = s.counter(\.released)
        preemptions = s.counter(\.preemptions)
        launches = s.counter(\.launches)
        policyWindow = segment.policyWindowPointer
        policyLingerMicros = segment.policyLingerPointer
        policyPadding = segment.policyPaddingPointer
        policyPadSlackMicros = segment.policyPadSlackPointer
    }

    /// Whether another process has a real-time request outstanding now.
    func foreignRealtimeBusy(now: UInt64) -> Bool { foreignRealtimeCommand(now: now) != nil }

    /// The time of the last command of another process's outstanding real-time request, if any
    /// (the arrival, as far as this process can tell, when seen at once).
    func foreignRealtimeCommand(now: UInt64) -> UInt64? {
        // The dispatcher asks several times per release; a scan of every entry per question
        // would cost more than the release. Within `rescanNanos` the last answer stands (the
        // signal's latency grows by at most that much).
        if now >= lastScanNanos && now - lastScanNanos < Self.rescanNanos {
            return lastAnswer.flatMap { now >= $0.active && now - $0.active < Self.foreignIdleNanos ? $0.command : nil }
        }
        lastScanNanos = now
        lastAnswer = scanForeign(now: now)
        return lastAnswer?.command
    }

    /// Dispatcher thread only (the scan cache is not shared).
    private var lastScanNanos: UInt64 = 0
    private var lastAnswer: (command: UInt64, active: UInt64)?
    static let rescanNanos: UInt64 = 5_000

    /// The last command of an outstanding foreign request, and the last time it was seen active
    /// (that command, or its work incomplete on the device, whichever is later).
    private func scanForeign(now: UInt64) -> (command: UInt64, active: UInt64)? {
        for i in 0..<segment.slotCount {
            guard let s = segment.slot(i) else { continue }
            let p = s.pid
            if p == 0 || p == pid { continue }
            let begun = s.rtBegun
            if begun == 0 || begun <= s.rtWaitedFor { continue }
            let last = s.rtLastCommandNanos
            let active = max(last, s.rtIncompleteNanos)
            if now >= active && now - active < Self.foreignIdleNanos { return (last, active) }
        }
        return nil
    }

    /// Real-time commands begun (this process's count, or one more for REEF_RT_PREWARM's
    /// announced request) and the time of the last: other processes hold best-effort work.
    @inline(__always) func publishRealtimeCommand(begun: UInt64, at now: UInt64) {
        _ = reef_atomic_exchange(rtBegun, begun)
        _ = reef_atomic_exchange(rtLastCommand, now)
    }

    /// Whether another attached process is best-effort (its own class or reefctl's override).
    /// Dispatcher thread only; rescans at most every 100 ms.
    func bestEffortPeerAttached(now: UInt64) -> Bool {
        if lastPeerScanNanos != 0 && now >= lastPeerScanNanos && now - lastPeerScanNanos < 100_000_000 { return peerAttached }
        lastPeerScanNanos = now
        peerAttached = false
        for i in 0..<segment.slotCount {
            guard let s = segment.slot(i) else { continue }
            let p = s.pid
            if p == 0 || p == pid || p > UInt64(Int32.max) { continue }
            // A live process (a dead one's entry waits for the next registration or `reefctl gc`).
            if s.effectiveClass == .be && (kill(pid_t(p), 0) == 0 || errno == EPERM) { peerAttached = true; break }
        }
        return peerAttached
    }
    private var lastPeerScanNanos: UInt64 = 0
    private var peerAttached = false

    func publish(held h: UInt64, released r: UInt64, preemptions p: UInt64, commands c: UInt64) {
        reef_control_store(held, h)
        reef_control_store(released, r)
        reef_control_store(preemptions, p)
        reef_control_store(launches, c)
    }

    func detach() { slot.store(\.pid, 0) }
}
