import CInterpose

/// What release gates need from a runtime: a word of host memory the device reads, and a stream
/// wait on it. Either may be missing (old driver, no stream memory operations): then best-effort
/// work is released ungated, as without gates.
protocol GateBackend: AnyObject {
    /// A word of host memory the device can read, set to 1 (open); nil when the runtime cannot.
    func makeGateWord() -> (host: UnsafeMutablePointer<UInt32>, device: UInt64)?
    /// `stream` waits on the device until the word at `device` is 1.
    func waitGate(_ stream: UInt64, device: UInt64) -> Int32
}

/// A release gate (REEF_BE_GATE=on, DESIGN.md §6): each best-effort kernel the dispatcher
/// releases is preceded on its stream by a device-side wait on one host word. Real-time work
/// closes the gate with a store, so released best-effort kernels that have not started stay
/// queued on the device instead of running beside it; the dispatcher opens it when it would
/// release again. The window can then grow without lengthening the real-time wait: what is in
/// flight past a closed gate is at most the kernel each stream is running.
///
/// Whenever a real-time stream waits on best-effort work (an event recorded behind it, a
/// memory value), the gate is held open until that wait is over ("boosts"): never a deadlock.
final class ReleaseGate: @unchecked Sendable {
    let word: UnsafeMutablePointer<UInt32>
    let device: UInt64

    init(word: UnsafeMutablePointer<UInt32>, device: UInt64) {
        self.word = word
        self.device = device
    }

    var isOpen: Bool { reef_atomic_load32(word) != 0 }

    /// Returns whether it was open.
    @discardableResult
    func close() -> Bool { Self.close(address: UInt64(UInt(bitPattern: word))) }

    func open() { if reef_atomic_load32(word) == 0 { reef_atomic_store32(word, 1) } }

    /// From the real-time path, which knows only the word's address (a counter).
    @inline(__always) static func close(address: UInt64) -> Bool {
        guard let w = UnsafeMutablePointer<UInt32>(bitPattern: UInt(address)), reef_atomic_load32(w) != 0 else { return false }
        reef_atomic_store32(w, 0)
        return true
    }
}

extension CUDASchedulerBackend: GateBackend {
    func makeGateWord() -> (host: UnsafeMutablePointer<UInt32>, device: UInt64)? {
        var host: UnsafeMutablePointer<UInt32>? = nil
        var device: UInt64 = 0
        guard reef_cu_gate_alloc(&host, &device) == 0, let host else { return nil }
        return (host, device)
    }

    func waitGate(_ stream: UInt64, device: UInt64) -> Int32 {
        reef_cu_gate_wait(CUstream(bitPattern: UInt(stream)), device)
    }
}

extension HIPSchedulerBackend: GateBackend {
    func makeGateWord() -> (host: UnsafeMutablePointer<UInt32>, device: UInt64)? {
        var host: UnsafeMutablePointer<UInt32>? = nil
        var device: UInt64 = 0
        guard reef_hip_gate_alloc(&host, &device) == 0, let host else { return nil }
        return (host, device)
    }

    func waitGate(_ stream: UInt64, device: UInt64) -> Int32 {
        reef_hip_gate_wait(UnsafeMutableRawPointer(bitPattern: UInt(stream)), device)
    }
}
