import Testing
@testable import Interposer
import CInterpose

/// What the core tells the C wrappers through ReefGlobals: which runtimes' calls it has nothing to
/// do with (forwarded at once) and which runtimes' launches take the counting fast path.
@Suite struct LaunchFastPathTests {
    private func published(stats: String?, captureAll: Bool, log: LogLevel) -> ReefGlobals {
        let core = Core(log: Log(level: log), statsPath: stats, captureAll: captureAll, scheduling: nil)
        var g = ReefGlobals()
        LaunchFastPath.publish(core, into: &g)
        return g
    }

    private let both = UInt8(1 << REEF_RUNTIME_CUDA | 1 << REEF_RUNTIME_HIP)

    @Test func nothingToDoForwardsEveryRuntime() {
        let g = published(stats: nil, captureAll: false, log: .warn)
        #expect(g.forwardOnly == both)
        #expect(g.passThroughLaunches.1 == 1 && g.passThroughLaunches.2 == 1)
    }

    @Test func statsCaptureOrDebugLogRouteCalls() {
        #expect(published(stats: "/tmp/x-%p.json", captureAll: false, log: .warn).forwardOnly == 0)
        #expect(published(stats: nil, captureAll: false, log: .debug).forwardOnly == 0)
        let capturing = published(stats: nil, captureAll: true, log: .warn)
        #expect(capturing.forwardOnly == 0)
        #expect(capturing.passThroughLaunches.1 == 0 && capturing.passThroughLaunches.2 == 0)
    }

    @Test func tablesArePublished() {
        let g = published(stats: "/tmp/x-%p.json", captureAll: false, log: .warn)
        #expect(g.apiCount == reef_api_count())
        #expect(g.streamKeys != nil && g.kernelSlots != nil && g.apiFacts != nil)
        #expect(g.streamMask > 0 && (g.streamMask & (g.streamMask + 1)) == 0)
        #expect(g.kernelMask > 0 && (g.kernelMask & (g.kernelMask + 1)) == 0)
    }
}
