import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

// Exit codes: 0 ok, 1 runtime error, 2 usage error (ArgumentParser's own default is 64).
do {
    var command = try ReefCommand.parseAsRoot()
    try command.run()
} catch {
    if ReefCommand.exitCode(for: error) == .validationFailure {
        printError(ReefCommand.fullMessage(for: error))
        exit(2)
    }
    ReefCommand.exit(withError: error)
}
