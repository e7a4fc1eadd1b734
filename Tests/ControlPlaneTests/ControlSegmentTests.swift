#if canImport(Glibc)
import Glibc
#endif
import Testing
import CControl
@testable import ControlPlane

/// A segment name of its own per test, removed afterwards.
private func withSegmentName(_ body: (String) throws -> Void) rethrows {
    let name = "/reef-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { _ = ControlSegment.unlink(name: name) }
    try body(name)
}

/// A child process that runs `child` and exits; returns its pid once it has exited.
private func deadChild(_ child: () -> Void = {}) -> Int32 {
    let pid = fork()
    if pid == 0 { child(); _exit(0) }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return pid
}

@Suite(.serialized) struct ControlSegmentTests {
    @Test func registerAndSnapshot() throws {
        try withSegmentName { name in
            let s = try ControlSegment.attach(name: name, create: true)
            let slot = try #require(s.register(pid: getpid(), command: "python3 serve.py", processClass: REEF_CONTROL_CLASS_RT))
            slot.store(\.preemptions, 3)
            let other = try ControlSegment.attach(name: name, create: true)   // second attach: opens, validates
            let snap = other.snapshot()
            #expect(snap.count == 1)
            #expect(snap.first?.pid == getpid())
            #expect(snap.first?.command == "python3 serve.py")
            #expect(snap.first?.processClass == .rt)
            #expect(snap.first?.preemptions == 3)
            let readOnly = try ControlSegment.attach(name: name, create: false, writable: false)
            #expect(readOnly.snapshot().count == 1)
        }
    }

    @Test func refusesOtherVersionsAndCorruptHeaders() throws {
        try withSegmentName { name in
            let s = try ControlSegment.attach(name: name, create: true)
            s.base.pointee.version = 99
            #expect(throws: ControlSegment.Failure.self) { try ControlSegment.attach(name: name, create: true) }
            s.base.pointee.version = REEF_CONTROL_VERSION
            s.base.pointee.header_checksum ^= 1
            #expect(throws: ControlSegment.Failure.self) { try ControlSegment.attach(name: name, create: true) }
            s.base.pointee.header_checksum ^= 1
            reef_control_store(s.header(\.magic), 0x1234)
            #expect(throws: ControlSegment.Failure.self) { try ControlSegment.attach(name: name, create: true) }
        }
        try withSegmentName { name in
            // Wrong size (another layout).
            let fd = shm_open(name, O_RDWR | O_CREAT, 0o600)
            #expect(fd >= 0)
            ftruncate(fd, 4096)
            close(fd)
            #expect(throws: ControlSegment.Failure.self) { try ControlSegment.attach(name: name, create: true) }
        }
    }

    @Test func namesFollowTheGPUAndAreListed() throws {
        let device = "gpu-test\(getpid())\(UInt32.random(in: 0...UInt32.max))"
        unsetenv("REEF_SHM_NAME")
        let name = ControlSegment.defaultName(device: device)
        #expect(name == "/reef-\(getuid())-\(device)")
        defer { _ = ControlSegment.unlink(name: name) }
        _ = try ControlSegment.attach(name: name, create: true)
        #expect(ControlSegment.existingNames().contains(name))
        setenv("REEF_GPU", "3", 1)
        #expect(ControlSegment.defaultName(device: device) == "/reef-\(getuid())-gpu3")   // REEF_GPU wins
        unsetenv("REEF_GPU")
        #expect(ControlSegment.defaultName() == "/reef-\(getuid())-gpu0")
    }

    @Test func refusesWorldWritableSegments() throws {
        try withSegmentName { name in
            _ = try ControlSegment.attach(name: name, create: true)
            let fd = shm_open(name, O_RDWR, 0)
            fchmod(fd, 0o666)
            close(fd)
            #expect(throws: ControlSegment.Failure.self) { try ControlSegment.attach(name: name, create: true) }
        }
    }

    @Test func groupSharedSegmentIsGroupWritableNeverWorld() throws {
        try withSegmentName { name in
            setenv("REEF_SHM_GROUP", String(getgid()), 1)
            defer { unsetenv("REEF_SHM_GROUP") }
            _ = try ControlSegment.attach(name: name, create: true)
            var st = stat()
            #expect(stat("/dev/shm" + name, &st) == 0)
            #expect(st.st_mode & 0o777 == 0o660)
            #expect(st.st_gid == getgid())
            #expect(ControlSegment.defaultName().hasPrefix("/reef-g\(getgid())-"))
            setenv("REEF_SHM_GROUP", "no-such-group-reef", 1)
            #expect(throws: ControlSegment.Failure.self) { try ControlSegment.attach(name: name + "x", create: true) }
        }
    }

    @Test func reclaimsDeadProcessesAndRecoversTheirLock() throws {
        try withSegmentName { name in
            let s = try ControlSegment.attach(name: name, create: true)
            let dead = deadChild()
            #expect(s.register(pid: dead, command: "gone", processClass: REEF_CONTROL_CLASS_BE) != nil)
            #expect(s.snapshot().isEmpty)            // not listed: the pid is dead
            #expect(s.reclaimDead() == 1)
            // A process killed while holding the lock: the next one recovers it.
            _ = deadChild { _ = reef_control_lock(s.lockPointer) }
            let mine = s.register(pid: getpid(), command: "me", processClass: REEF_CONTROL_CLASS_BE)
            #expect(mine != nil)
            #expect(s.snapshot().map(\.pid) == [getpid()])
        }
    }

    @Test func aLockHeldForeverDoesNotHangRegistration() throws {
        try withSegmentName { name in
            let s = try ControlSegment.attach(name: name, create: true)
            let child = fork()
            if child == 0 { _ = reef_control_lock(s.lockPointer); usleep(2_000_000); _exit(0) }
            usleep(200_000)   // the child holds the lock now
            var t0 = timespec(), t1 = timespec()
            clock_gettime(CLOCK_MONOTONIC, &t0)
            let slot = s.register(pid: getpid(), command: "x", processClass: REEF_CONTROL_CLASS_BE)
            clock_gettime(CLOCK_MONOTONIC, &t1)
            var status: Int32 = 0
            waitpid(child, &status, 0)
            #expect(slot == nil)
            #expect(t1.tv_sec - t0.tv_sec < 2)   // gave up after about 500 ms
        }
    }

    @Test func fullSegmentRefusesMoreProcesses() throws {
        try withSegmentName { name in
            let s = try ControlSegment.attach(name: name, create: true)
            for _ in 0..<s.slotCount { #expect(s.register(pid: getpid(), command: "x", processClass: REEF_CONTROL_CLASS_BE) != nil) }
            #expect(s.register(pid: getpid(), command: "x", processClass: REEF_CONTROL_CLASS_BE) == nil)
        }
    }
}
