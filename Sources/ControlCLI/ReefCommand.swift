import ArgumentParser

/// `reefctl`: Reef's command-line control.
struct ReefCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reefctl",
        abstract: "Control and inspect Reef, the preemptive GPU scheduler for concurrent DNN inference.",
        discussion: """
        Reef is a library preloaded into unmodified inference processes \
        (LD_PRELOAD=libreef.so). With REEF_SCHEDULE=on it schedules real-time over \
        best-effort work within and across processes; the processes of a user and GPU share \
        a control segment in /dev/shm, which reefctl reads (status, top) and writes (set, \
        policy, gc). Exit status: 0 ok, 1 runtime error, 2 usage error.
        """,
        version: ReefVersion.string,
        subcommands: [Status.self, Top.self, SetClass.self, Policy.self, Run.self, GC.self, Doctor.self]
    )
}

enum ReefVersion {
    static let string = "0.1.0"
}
