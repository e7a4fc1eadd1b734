import ArgumentParser

/// `reefctl`: Reef's command-line control. This version reports the version and checks the
/// machine; status, policy and run follow with the control plane.
struct ReefCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reefctl",
        abstract: "Control and inspect Reef, the preemptive GPU scheduler for concurrent DNN inference.",
        discussion: """
        Reef is a library preloaded into unmodified inference processes \
        (LD_PRELOAD=libreef.so). It intercepts CUDA driver and HIP calls; reefctl finds \
        what it needs on this machine and, in later versions, sets scheduling policy.
        """,
        version: ReefVersion.string,
        subcommands: [Status.self, GC.self, Doctor.self]
    )
}

enum ReefVersion {
    static let string = "0.1.0"
}
