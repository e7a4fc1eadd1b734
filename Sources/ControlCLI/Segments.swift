import ArgumentParser
import ControlPlane
#if canImport(Glibc)
import Glibc
#endif

// What every reefctl command shares: which control segments it acts on, opening one, and
// reporting errors on stderr.

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

func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
