import ArgumentParser
import ControlPlane
#if canImport(Glibc)
import Glibc
#endif

/// `reefctl status`: the processes attached to the control segment and their counters.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the processes Reef schedules on this GPU, with their class and counters.",
        discussion: """
        Reads the shared-memory control segments that preloaded processes attach to when \
        scheduling is on (REEF_SCHEDULE=on): one per user and GPU (/dev/shm/reef-<uid>-<GPU \
        UUID>, or gpu<N> with REEF_GPU), or REEF_SHM_NAME; all of this user's unless --segment \
        names one (JSON: one object per segment, a list when there are several). Columns: pid, class (rt/be; * = set by reefctl), streams, \
        best-effort commands held and in flight, commands through the scheduler, \
        preemptions, best-effort kernels padded beside real-time work, real-time requests (first command to the host's wait) with p50 and p99 \
        (upper edge of a power-of-two bucket), and the command line. Counters are published \
        at most every millisecond. Exit status 0; 1 when there is no segment or it is refused.
        """
    )

    @Option(help: "Segment name (default: $REEF_SHM_NAME, else every segment of this user).")
    var segment: String?

    @Flag(help: "Print JSON: {\"segment\": name, \"processes\": [...]}.")
    var json = false

    func run() throws {
        let names = segmentNames(segment)
        guard !names.isEmpty else {
            printError("reefctl status: no control segment of this user under /dev/shm (no process with REEF_SCHEDULE=on has run); pass --segment to name one")
            throw ExitCode(1)
        }
        var documents: [String] = []
        var failed = false
        for name in names {
            do {
                let s = try ControlSegment.attach(name: name, create: false, writable: false)
                let rows = s.snapshot()
                if json { documents.append(StatusFormat.json(segment: name, rows: rows)) }
                else { print(StatusFormat.table(segment: name, rows: rows), terminator: "") }
            } catch {
                printError("reefctl status: \(error)")
                failed = true
            }
        }
        // One segment: its object; several (one per GPU): a list of them.
        if json && !documents.isEmpty { print(documents.count == 1 ? documents[0] : "[" + documents.joined(separator: ",") + "]") }
        if failed { throw ExitCode(1) }
    }
}


/// The table and JSON forms of `reefctl status`.
enum StatusFormat {
    static let headers = ["PID", "CLASS", "STREAMS", "HELD", "IN FLIGHT", "COMMANDS", "PREEMPT", "PADDED", "RT REQ",
                          "RT P50", "RT P99", "COMMAND"]

    static func cells(_ r: SlotSnapshot) -> [String] {
        let cls = r.effectiveClass.rawValue + (r.classOverride == .unset && r.streamOverrides.isEmpty ? "" : "*")
        return [String(r.pid), cls, String(r.streams), String(r.held), String(r.inFlight), String(r.launches),
                String(r.preemptions), String(r.padded), String(r.requests), micros(r.latencyMicros(quantile: 0.5)),
                micros(r.latencyMicros(quantile: 0.99)), r.command]
    }

    /// "≤2ms"-style: the bucket's upper edge (latencies are kept in powers of two).
    static func micros(_ v: UInt64?) -> String {
        guard let v else { return "-" }
        return v >= 10_000 ? "≤\(v / 1000)ms" : "≤\(v)us"
    }

    static func table(segment: String, rows: [SlotSnapshot]) -> String {
        var out = "segment /dev/shm\(segment): \(rows.count) process\(rows.count == 1 ? "" : "es")\n"
        let all = [headers] + rows.map(cells)
        var widths = headers.map(\.count)
        for row in all { for (i, c) in row.enumerated() where i < widths.count - 1 { widths[i] = max(widths[i], c.count) } }
        for row in all {
            let padded = row.enumerated().map { i, c in i == row.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
            out += padded.joined(separator: "  ") + "\n"
        }
        return out
    }

    static func json(segment: String, rows: [SlotSnapshot]) -> String {
        let items = rows.map { r in
            "{\"pid\":\(r.pid),\"class\":\"\(r.effectiveClass.rawValue)\",\"class_override\":\(r.classOverride == .unset ? "null" : "\"\(r.classOverride.rawValue)\""),"
                + "\"streams\":\(r.streams),\"held\":\(r.held),\"in_flight\":\(r.inFlight),"
                + "\"commands\":\(r.launches),\"released\":\(r.released),\"preemptions\":\(r.preemptions),"
                + "\"padded\":\(r.padded),\"padded_longer_than_predicted\":\(r.paddedMispredicted),"
                + "\"rt_begun\":\(r.rtBegun),\"rt_waited_for\":\(r.rtWaitedFor),\"rt_requests\":\(r.requests),"
                + "\"rt_p50_us_at_most\":\(r.latencyMicros(quantile: 0.5).map(String.init) ?? "null"),"
                + "\"rt_p99_us_at_most\":\(r.latencyMicros(quantile: 0.99).map(String.init) ?? "null"),"
                + "\"rt_latency_us_log2\":[\(r.latencyBuckets.map(String.init).joined(separator: ","))],"
                + "\"stream_overrides\":{\(r.streamOverrides.map { "\(quote($0.stream)):\"\($0.cls.rawValue)\"" }.joined(separator: ","))},"
                + "\"command\":\(quote(r.command))}"
        }
        return "{\"segment\":\(quote(segment)),\"processes\":[" + items.joined(separator: ",") + "]}"
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}

/// `reefctl gc`: frees the entries of processes that are gone, and removes an empty segment.
struct GC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Reclaim control-segment entries of dead processes; remove the segment when none is left.",
        discussion: """
        Acts on --segment, else $REEF_SHM_NAME, else every segment of this user. Entries of \
        processes that exited without detaching (killed, crashed) are reclaimed; \
        attached processes also do this when they register. With --remove-empty the segment's \
        name is unlinked when no live process remains (attached processes keep their mapping). \
        A segment another Reef version made, or a corrupt one, is reported; --remove-empty \
        removes it too. Exit status 0; 1 when the segment cannot be opened.
        """
    )

    @Option(help: "Segment name (default: $REEF_SHM_NAME, else every segment of this user).")
    var segment: String?

    @Flag(help: "Unlink the segment if no live process remains (or if it is refused as foreign/corrupt).")
    var removeEmpty = false

    func run() throws {
        let names = segmentNames(segment)
        if names.isEmpty { print("no control segment of this user under /dev/shm"); return }
        var failed = false
        for name in names where !gc(name) { failed = true }
        if failed { throw ExitCode(1) }
    }

    /// Reclaims one segment's dead entries (and removes it if asked); false on an error.
    private func gc(_ name: String) -> Bool {
        do {
            let s = try ControlSegment.attach(name: name, create: false, writable: true)
            let n = s.reclaimDead()
            let live = s.snapshot().count
            print("/dev/shm\(name): reclaimed \(n) entr\(n == 1 ? "y" : "ies"); \(live) live process\(live == 1 ? "" : "es")")
            if removeEmpty && live == 0 {
                _ = ControlSegment.unlink(name: name)
                print("removed /dev/shm\(name)")
            }
            return true
        } catch let ControlSegment.Failure.refused(_, why) {
            printError("reefctl gc: /dev/shm\(name) refused: \(why)")
            if removeEmpty && ControlSegment.unlink(name: name) { print("removed /dev/shm\(name)"); return true }
            return false
        } catch {
            printError("reefctl gc: \(error)")
            return false
        }
    }
}
