import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `reefctl run --rt|--be [--window N] -- <command...>`: a command under Reef's scheduling.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a command with libreef.so preloaded, scheduling on, and its class set.",
        discussion: """
        Sets LD_PRELOAD (libreef.so: --library, else $REEF_LIB, else next to reefctl), \
        REEF_SCHEDULE=on, REEF_CLASS and, with --window, REEF_BE_WINDOW, then replaces reefctl \
        with the command. Example: reefctl run --be -- python3 batch.py. Exit status: the \
        command's; 1 when it cannot be started or libreef.so is missing; 2 for bad arguments.
        """
    )

    @Flag(help: "Real-time: every stream of the process is real-time.") var rt = false
    @Flag(help: "Best-effort (default): streams are held unless created at an elevated priority.") var be = false
    @Option(help: "Best-effort commands in flight per stream (1-1024).") var window: Int?
    @Option(help: "Path of libreef.so.") var library: String?
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (after --).") var command: [String] = []

    func validate() throws {
        if rt && be { throw ValidationError("choose one of --rt and --be") }
        if let w = window, !(1...1024).contains(w) { throw ValidationError("--window must be within 1...1024, not \(w)") }
        if command.filter({ $0 != "--" }).isEmpty { throw ValidationError("give the command after --, e.g. reefctl run --be -- python3 job.py") }
    }

    func run() throws {
        let lib = library ?? RuntimeProbe.defaultLibraryPath()
        guard access(lib, R_OK) == 0 else {
            printError("reefctl run: libreef.so not found at \(lib); pass --library or set REEF_LIB")
            throw ExitCode(1)
        }
        let argv = Array(command.drop { $0 == "--" })
        let existing = getenv("LD_PRELOAD").map { String(cString: $0) } ?? ""
        setenv("LD_PRELOAD", existing.isEmpty ? lib : lib + ":" + existing, 1)
        setenv("REEF_SCHEDULE", "on", 1)
        setenv("REEF_CLASS", rt ? "rt" : "be", 1)
        if let w = window { setenv("REEF_BE_WINDOW", String(w), 1) }
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cargs.append(nil)
        execvp(argv[0], &cargs)
        printError("reefctl run: cannot run \(argv[0]): \(String(cString: strerror(errno)))")
        throw ExitCode(1)
    }
}
