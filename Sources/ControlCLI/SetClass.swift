import ArgumentParser
import ControlPlane
#if canImport(Glibc)
import Glibc
#endif

/// `reefctl set <pid>[:<stream>] rt|be|unset`: the class of an attached process or of one of
/// its streams.
struct SetClass: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set the scheduling class of an attached process or one of its streams: rt, be, or unset.",
        discussion: """
        <pid> sets every stream of the process; <pid>:<stream> one stream, named as in \
        REEF_RT_STREAMS: #N (the Nth stream the process created), legacy, or its handle 0x…; \
        up to 8 stream entries per process. The process applies it within about 100 ms (rt: \
        issued at once and counted as real-time work; be: held and released by the \
        dispatcher); streams no longer held issue what they hold, in order. unset removes the \
        setting (the process's own classes again). A process setting wins over stream \
        settings. Only processes attached to the segment (REEF_SCHEDULE=on) can be set. Exit \
        status 0; 1 when the segment cannot be opened; 2 for an unknown pid, stream, class or \
        argument, or when the process has 8 stream entries already.
        """
    )

    enum Choice: String, ExpressibleByArgument, CaseIterable { case rt, be, unset }

    @Argument(help: "<pid> or <pid>:<stream> (#N, legacy or 0x…), as `reefctl status` lists pids.")
    var target: String

    @Argument(help: "rt, be or unset.")
    var choice: Choice

    @Option(help: "Segment name (default: $REEF_SHM_NAME, else /reef-<uid>-gpu<$REEF_GPU or 0>).")
    var segment: String?

    /// The pid and, for a stream, its key.
    func parsedTarget() throws -> (Int32, UInt64?) {
        let parts = target.split(separator: ":", maxSplits: 1).map(String.init)
        guard let pid = Int32(parts[0]), pid > 0 else {
            throw ValidationError("'\(target)': expected <pid> or <pid>:<stream>, with a positive pid")
        }
        guard parts.count == 2 else { return (pid, nil) }
        guard let key = StreamKey.parse(parts[1]) else {
            throw ValidationError("'\(parts[1])': a stream is #N (N >= 1), legacy, or a handle 0x…")
        }
        return (pid, key)
    }

    func validate() throws { _ = try parsedTarget() }

    func run() throws {
        let (pid, key) = try parsedTarget()
        let s = try openSegment(segment, writable: true, command: "set")
        guard let slot = s.liveSlot(pid: pid) else {
            printError("reefctl set: pid \(pid) is not attached to /dev/shm\(s.name); see `reefctl status`")
            throw ExitCode(2)
        }
        let cls = choice == .unset ? ControlClass.unset : ControlClass(rawValue: choice.rawValue)!
        if let key {
            guard s.withLock({ slot.setStreamOverride(key: key, cls: cls) }) == true else {
                printError("reefctl set: pid \(pid) has \(slot.streamOverrides().count) stream settings already; unset one first")
                throw ExitCode(2)
            }
            print("pid \(pid) stream \(StreamKey.describe(key)): class \(choice.rawValue)")
        } else {
            slot.classOverride = cls.raw
            print("pid \(pid): class \(choice.rawValue)")
        }
    }
}
