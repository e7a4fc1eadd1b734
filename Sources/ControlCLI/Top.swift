import ArgumentParser
import ControlPlane
#if canImport(Glibc)
import Glibc
#endif

/// `reefctl top`: `reefctl status`, refreshed in place.
struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show `reefctl status` live, refreshed in place until interrupted.",
        discussion: "Exit status 0 (after --count refreshes, or Ctrl-C); 1 when the segment cannot be opened."
    )

    @Option(help: "Seconds between refreshes.") var interval: Double = 1.0
    @Option(help: "Stop after this many refreshes (default: run until interrupted).") var count: Int?
    @Option(help: "Segment name.") var segment: String?

    func validate() throws {
        if !(interval >= 0.05 && interval <= 3600) { throw ValidationError("--interval must be within 0.05...3600 seconds") }
        if let c = count, c < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        let s = try openSegment(segment, writable: false, command: "top")
        var shown = 0
        while count == nil || shown < count! {
            let clear = isatty(1) != 0 ? "\u{1B}[H\u{1B}[2J" : ""
            print(clear + StatusFormat.table(segment: s.name, rows: s.snapshot()), terminator: "")
            fflush(nil)   // all output streams (stdout)
            shown += 1
            if count == nil || shown < count! { usleep(UInt32(interval * 1_000_000)) }
        }
    }
}
