import ArgumentParser
import ControlPlane
#if canImport(Glibc)
import Glibc
#endif

/// `reefctl set <pid> rt|be|unset`: the class of a whole attached process.
struct SetClass: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set the scheduling class of an attached process: rt, be, or unset (its own).",
        discussion: """
        The process applies it within about 100 ms: every stream takes the class (rt: issued \
        at once and counted as real-time work; be: held and released by the dispatcher), and \
        streams no longer held issue what they hold, in order. unset gives each stream its own \
        class again. Only processes attached to the segment (REEF_SCHEDULE=on) can be set; \
        per-stream classes (<pid>:<stream>) are not supported yet. Exit status 0; 1 when the \
        segment cannot be opened; 2 for an unknown pid, class or argument.
        """
    )

    enum Choice: String, ExpressibleByArgument, CaseIterable { case rt, be, unset }

    @Argument(help: "Process id, as `reefctl status` lists it.")
    var pid: Int32

    @Argument(help: "rt, be or unset.")
    var choice: Choice

    @Option(help: "Segment name (default: $REEF_SHM_NAME, else /reef-<uid>-gpu<$REEF_GPU or 0>).")
    var segment: String?

    func run() throws {
        let s = try openSegment(segment, writable: true, command: "set")
        guard let slot = s.liveSlot(pid: pid) else {
            printError("reefctl set: pid \(pid) is not attached to /dev/shm\(s.name); see `reefctl status`")
            throw ExitCode(2)
        }
        slot.classOverride = choice == .unset ? ControlClass.unset.raw : ControlClass(rawValue: choice.rawValue)!.raw
        print("pid \(pid): class \(choice.rawValue)")
    }
}

/// The segments a command acts on: --segment, else $REEF_SHM_NAME, else every segment of this
/// user (or REEF_SHM_GROUP) under /dev/shm (one per GPU).
func segmentNames(_ option: String?) -> [String] {
    if let option { return [option.hasPrefix("/") ? option : "/" + option] }
    if let n = getenv("REEF_SHM_NAME"), n.pointee != 0 { return [ControlSegment.defaultName()] }
    return ControlSegment.existingNames()
}

/// Opens the one segment a command acts on, or exits: 1 when there is none or it cannot be
/// opened, 2 when several GPUs have one and --segment must choose.
func openSegment(_ name: String?, writable: Bool, command: String) throws -> ControlSegment {
    let names = segmentNames(name)
    guard let n = names.first else {
        printError("reefctl \(command): no control segment of this user under /dev/shm (no process with REEF_SCHEDULE=on has run); pass --segment to name one")
        throw ExitCode(1)
    }
    if names.count > 1 {
        printError("reefctl \(command): one segment per GPU here, choose with --segment: \(names.joined(separator: ", "))")
        throw ExitCode(2)
    }
    do {
        return try ControlSegment.attach(name: n, create: false, writable: writable)
    } catch {
        printError("reefctl \(command): \(error)")
        throw ExitCode(1)
    }
}
