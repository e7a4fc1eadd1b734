import ArgumentParser
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
        libreef.so exists and exports its entry points. Exit status 0 when libreef.so was found \
        and at least one runtime loaded, 1 otherwise.
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
        if json {
            print("[" + findings.map(\.json).joined(separator: ",") + "]")
        } else {
            for f in findings { print(f.line) }
        }
        let reefOK = findings.last?.ok ?? false
        let anyRuntime = findings.dropLast().contains { $0.ok }
        if !(reefOK && anyRuntime) { throw ExitCode(1) }
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
