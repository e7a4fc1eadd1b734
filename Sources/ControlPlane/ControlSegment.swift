#if canImport(Glibc)
import Glibc
#endif
import CControl

/// The shared-memory control segment (layout: `reef_control.h`): one per user and GPU under
/// /dev/shm, created by the first process that needs it, mode 0600. Attaching checks magic,
/// version, size and header checksum and refuses anything else; the caller then runs without
/// cross-process coordination (fail open).
public final class ControlSegment: @unchecked Sendable {
    public let name: String
    public let writable: Bool
    let base: UnsafeMutablePointer<ReefControlSegment>
    static let size = MemoryLayout<ReefControlSegment>.size

    public enum Failure: Error, CustomStringConvertible {
        case open(String, Int32)
        case refused(String, String)

        public var description: String {
            switch self {
            case let .open(name, e): return "cannot open the control segment /dev/shm\(name): \(String(cString: strerror(e)))"
            case let .refused(name, why): return "control segment /dev/shm\(name) refused: \(why); remove it (reefctl gc --remove-empty) or set REEF_SHM_NAME"
            }
        }
    }

    /// REEF_SHM_NAME, else /reef-<owner>-<gpu>: owner is the uid, or g<gid> when REEF_SHM_GROUP
    /// shares it with a group; gpu is gpu<REEF_GPU> when set, else `device` (the GPU's UUID, so
    /// processes agree whatever ordinal they see it under), else gpu0.
    public static func defaultName(device: String? = nil) -> String {
        if let n = getenv("REEF_SHM_NAME").map({ String(cString: $0) }), !n.isEmpty {
            return n.hasPrefix("/") ? n : "/" + n
        }
        let gpu = getenv("REEF_GPU").map { "gpu" + String(cString: $0) } ?? device ?? "gpu0"
        return "/" + ownerPrefix() + gpu
    }

    /// "reef-<uid>-" or "reef-g<gid>-": the names this user's segments start with.
    public static func ownerPrefix() -> String {
        if let g = sharingGroup() { return "reef-g\(g)-" }
        return "reef-\(getuid())-"
    }

    /// The names of this user's (or group's) segments under /dev/shm.
    public static func existingNames() -> [String] {
        guard let dir = opendir("/dev/shm") else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        let prefix = ownerPrefix()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(prefix) { names.append("/" + name) }
        }
        return names.sorted()
    }

    /// The group REEF_SHM_GROUP names (a name or a number), nil when unset or unknown.
    static func sharingGroup() -> gid_t? {
        guard let raw = getenv("REEF_SHM_GROUP").map({ String(cString: $0) }), !raw.isEmpty else { return nil }
        if let n = UInt32(raw) { return gid_t(n) }
        return getgrnam(raw).map { $0.pointee.gr_gid }
    }

    private init(name: String, base: UnsafeMutablePointer<ReefControlSegment>, writable: Bool) {
        self.name = name
        self.base = base
        self.writable = writable
    }

    /// Opens (and with `create`, creates) the segment. Read-only attachments never create.
    public static func attach(name: String, create: Bool, writable: Bool = true) throws -> ControlSegment {
        var created = false
        var fd: Int32 = -1
        if create && writable {
            fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { created = true }
            else if errno != EEXIST { throw Failure.open(name, errno) }
        }
        if fd < 0 {
            fd = shm_open(name, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0)
            if fd < 0 { throw Failure.open(name, errno) }
        }
        defer { close(fd) }
        if created, let raw = getenv("REEF_SHM_GROUP").map({ String(cString: $0) }), !raw.isEmpty {
            // Shared with a group: group read-write (never world), owned by that group.
            guard let gid = sharingGroup(), fchown(fd, uid_t.max, gid) == 0, fchmod(fd, 0o660) == 0 else {
                let e = errno
                shm_unlink(name)
                throw Failure.refused(name, "REEF_SHM_GROUP=\(raw): no such group, or it cannot own the segment (\(String(cString: strerror(e))))")
            }
        }
        if created {
            guard ftruncate(fd, off_t(size)) == 0 else {
                let e = errno
                shm_unlink(name)
                throw Failure.open(name, e)
            }
        } else {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw Failure.open(name, errno) }
            if st.st_mode & 0o002 != 0 { throw Failure.refused(name, "it is world-writable") }
            // A creator may still be sizing it: wait briefly.
            var tries = 0
            while Int(st.st_size) == 0 && tries < 100 { usleep(1000); fstat(fd, &st); tries += 1 }
            if Int(st.st_size) != size { throw Failure.refused(name, "size \(st.st_size), expected \(size) (another Reef version?)") }
        }
        let prot = writable ? PROT_READ | PROT_WRITE : PROT_READ
        guard let raw = mmap(nil, size, prot, MAP_SHARED, fd, 0), raw != MAP_FAILED else { throw Failure.open(name, errno) }
        let base = raw.bindMemory(to: ReefControlSegment.self, capacity: 1)
        let segment = ControlSegment(name: name, base: base, writable: writable)
        if created {
            segment.initialize()
        } else if let why = segment.waitValid() {
            munmap(raw, size)
            throw Failure.refused(name, why)
        }
        return segment
    }

    deinit { munmap(base, Self.size) }

    /// Removes the segment's name (processes attached keep their mapping).
    public static func unlink(name: String) -> Bool { shm_unlink(name) == 0 }

    private func initialize() {
        let raw = UnsafeMutableRawPointer(base)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: Self.size)
        base.pointee.version = REEF_CONTROL_VERSION
        base.pointee.slot_count = REEF_CONTROL_SLOTS
        base.pointee.segment_size = UInt64(Self.size)
        base.pointee.header_checksum = reef_control_checksum(REEF_CONTROL_VERSION, REEF_CONTROL_SLOTS, UInt64(Self.size))
        _ = reef_control_init_lock(lockPointer)
        reef_control_store(header(\.magic), REEF_CONTROL_MAGIC)   // last: now others may use it
    }

    /// nil when the header is ours, else why not (waits up to 100 ms for a creator to finish).
    private func waitValid() -> String? {
        var tries = 0
        while reef_control_load(header(\.magic)) == 0 && tries < 100 { usleep(1000); tries += 1 }
        let magic = reef_control_load(header(\.magic))
        guard magic == REEF_CONTROL_MAGIC else { return "bad magic 0x\(String(magic, radix: 16))" }
        let version = base.pointee.version, slots = base.pointee.slot_count, bytes = base.pointee.segment_size
        guard version == REEF_CONTROL_VERSION else { return "version \(version), this Reef uses \(REEF_CONTROL_VERSION)" }
        guard slots == REEF_CONTROL_SLOTS, bytes == UInt64(Self.size) else { return "layout \(slots) slots / \(bytes) bytes differs" }
        guard base.pointee.header_checksum == reef_control_checksum(version, slots, bytes) else { return "header checksum mismatch" }
        return nil
    }

    var lockPointer: UnsafeMutablePointer<pthread_mutex_t> {
        (UnsafeMutableRawPointer(base) + MemoryLayout<ReefControlSegment>.offset(of: \.lock)!)
            .assumingMemoryBound(to: pthread_mutex_t.self)
    }

    func header(_ field: KeyPath<ReefControlSegment, UInt64>) -> UnsafeMutablePointer<UInt64> {
        (UnsafeMutableRawPointer(base) + MemoryLayout<ReefControlSegment>.offset(of: field)!).assumingMemoryBound(to: UInt64.self)
    }

    public func slot(_ index: Int) -> ControlSlot? {
        guard index >= 0, index < Int(REEF_CONTROL_SLOTS), let p = reef_control_slot(base, UInt32(index)) else { return nil }
        return ControlSlot(pointer: p, index: index)
    }

    public var slotCount: Int { Int(REEF_CONTROL_SLOTS) }

    // MARK: - Policy

    /// Pointers to the policy words, for readers that poll them (atomic loads).
    public var policyWindowPointer: UnsafeMutablePointer<UInt64> { header(\.policy_window) }
    public var policyLingerPointer: UnsafeMutablePointer<UInt64> { header(\.policy_linger_us) }
    public var policyPaddingPointer: UnsafeMutablePointer<UInt64> { header(\.policy_padding) }
    public var policyPadSlackPointer: UnsafeMutablePointer<UInt64> { header(\.policy_pad_slack_us) }

    /// The policy written by reefctl (0 = unset).
    public var policyWindow: UInt64 {
        get { reef_control_load(header(\.policy_window)) }
        set { reef_control_store(header(\.policy_window), newValue) }
    }
    public var policyLingerMicros: UInt64 {
        get { reef_control_load(header(\.policy_linger_us)) }
        set { reef_control_store(header(\.policy_linger_us), newValue) }
    }
    /// REEF_CONTROL_PADDING_UNSET / _ON / _OFF.
    public var policyPadding: UInt64 {
        get { reef_control_load(header(\.policy_padding)) }
        set { reef_control_store(header(\.policy_padding), newValue) }
    }
    public var policyPadSlackMicros: UInt64 {
        get { reef_control_load(header(\.policy_pad_slack_us)) }
        set { reef_control_store(header(\.policy_pad_slack_us), newValue) }
    }

    // MARK: - Registration

    /// Claims a slot for `pid` (reclaiming dead processes' slots on the way); nil when full.
    public func register(pid: Int32, command: String, processClass: UInt32) -> ControlSlot? {
        guard writable, reef_control_lock(lockPointer) == 0 else { return nil }
        defer { reef_control_unlock(lockPointer) }
        _ = reclaimLocked()
        for i in 0..<slotCount {
            guard let s = slot(i), s.load(\.pid) == 0 else { continue }
            s.clear()
            s.store(\.start_ticks, ProcessInfoReader.startTicks(pid: pid) ?? 0)
            s.pointer.pointee.process_class = processClass
            s.setCommand(command)
            s.store(\.pid, UInt64(pid))   // last: the slot is now visible
            return s
        }
        return nil
    }

    /// Runs `body` under the segment's lock (writers that must not interleave: reefctl set).
    public func withLock<T>(_ body: () -> T) -> T? {
        guard writable, reef_control_lock(lockPointer) == 0 else { return nil }
        defer { reef_control_unlock(lockPointer) }
        return body()
    }

    /// Frees the slots of processes that are gone (dead, or the pid now names another process).
    @discardableResult
    public func reclaimDead() -> Int {
        guard writable, reef_control_lock(lockPointer) == 0 else { return 0 }
        defer { reef_control_unlock(lockPointer) }
        return reclaimLocked()
    }

    private func reclaimLocked() -> Int {
        var n = 0
        for i in 0..<slotCount {
            guard let s = slot(i) else { continue }
            let pid = s.load(\.pid)
            if pid != 0 && !ProcessInfoReader.isAlive(pid: pid, startTicks: s.load(\.start_ticks)) {
                s.store(\.pid, 0)
                n += 1
            }
        }
        return n
    }

    /// The slot of a live attached process.
    public func liveSlot(pid: Int32) -> ControlSlot? {
        for i in 0..<slotCount {
            guard let s = slot(i), s.load(\.pid) == UInt64(pid),
                  ProcessInfoReader.isAlive(pid: UInt64(pid), startTicks: s.load(\.start_ticks)) else { continue }
            return s
        }
        return nil
    }

    /// The slots of live processes, as plain values.
    public func snapshot() -> [SlotSnapshot] {
        (0..<slotCount).compactMap { i in
            guard let s = slot(i) else { return nil }
            let pid = s.load(\.pid)
            guard pid != 0, pid <= UInt64(Int32.max),
                  ProcessInfoReader.isAlive(pid: pid, startTicks: s.load(\.start_ticks)) else { return nil }
            return s.snapshot()
        }
    }
}
