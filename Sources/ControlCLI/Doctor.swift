import ArgumentParser
import ControlPlane
#if canImport(Glibc)
import Glibc
#endif

/// `reefctl doctor`: which GPU runtimes and which libreef.so this machine has.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check this machine for the GPU runtimes Reef intercepts and for libreef.so.",
        discussion: """
        Loads the CUDA driver (libcuda.so.1) and the HIP runtime (libamdhip64.so.5) the way an \
        application would, reports where they were found and their versions, and checks that \
        libreef.so exists and exports its entry points, and checks this user's control segments \
        in /dev/shm (mode, live processes, or why processes would refuse one). Exit status 0 \
        when libreef.so was found and at least one runtime loaded, 1 otherwise (a refused \
        segment is reported, not failed on: applications fail open).
        """
    )

    @Option(help: "Path of libreef.so to check (default: $REEF_LIB, else next to reefctl).")
    var library: String?

    @Flag(help: "Print the findings as JSON.")
    var json = false

    func run() throws {
        var findings: [Finding] = []
        findings.append(RuntimeProbe.cuda())
        findings.append(RuntimeProbe.hip())
        findings.append(RuntimeProbe.reef(path: library ?? RuntimeProbe.defaultLibraryPath()))
        let segments = Self.segmentFindings()
        if json {
            print("[" + (findings + segments).map(\.json).joined(separator: ",") + "]")
        } else {
            for f in findings + segments { print(f.line) }
        }
        let reefOK = findings.last?.ok ?? false
        let anyRuntime = findings.dropLast().contains { $0.ok }
        if !(reefOK && anyRuntime) { throw ExitCode(1) }
    }
}

extension Doctor {
    /// The control segments of this user: usable (mode, processes) or what is wrong with them.
    /// Informational: a missing or refused segment does not fail doctor (apps fail open).
    static func segmentFindings() -> [Finding] {
        let names = segmentNames(nil)
        if names.isEmpty {
            return [Finding(name: "control segment", ok: true,
                            detail: "none yet under /dev/shm (made by the first process with REEF_SCHEDULE=on)")]
        }
        return names.map { name in
            var st = stat()
            let mode = stat("/dev/shm" + name, &st) == 0 ? String(st.st_mode & 0o777, radix: 8) : "?"
            do {
                let s = try ControlSegment.attach(name: name, create: false, writable: false)
                let live = s.snapshot().count
                return Finding(name: "control segment", ok: true,
                               detail: "/dev/shm\(name): mode \(mode), \(live) live process\(live == 1 ? "" : "es")")
            } catch {
                return Finding(name: "control segment", ok: false,
                               detail: "\(error) (mode \(mode)); processes run without cross-process scheduling until it is removed: reefctl gc --remove-empty")
            }
        }
    }
}

struct Finding {
    let name: String
    let ok: Bool
    let detail: String

    var line: String { "\(ok ? "ok  " : "MISS") \(name): \(detail)" }
    var json: String { "{\"name\":\"\(name)\",\"ok\":\(ok),\"detail\":\"\(detail.replacingAll("\"", "'"))\"}" }
}

extension String {
    func replacingAll(_ a: Character, _ b: Character) -> String { String(map { $0 == a ? b : $0 }) }
    func trimmingSuffixNewline() -> String { hasSuffix("\n") ? String(dropLast()) : self }
}
