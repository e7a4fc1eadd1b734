import Testing
@testable import Interposer
import CInterpose

/// REEF_BE_CONTEXT / REEF_RT_CONTEXT=green: which streams move to a context of their own, and
/// that context-wide synchronisation still waits for them (also after the app destroyed one).
@Suite struct OwnContextTests {
    let nonBlocking = UInt32(CU_STREAM_NON_BLOCKING)

    @Test func onlyNonBlockingBestEffortStreamsMove() {
        let h = SchedulerHarness(bestEffortContext: true)
        let moved = h.createStream(flags: nonBlocking)
        let blocking = h.createStream()
        let realtime = h.createStream(priority: -5, flags: nonBlocking)   // the greatest priority: real-time
        let low = h.createStream(priority: 0, flags: nonBlocking)
        #expect(moved >= 0x9000 && low >= 0x9000)
        #expect(blocking < 0x9000 && realtime < 0x9000)
        let log = h.runtime.log
        #expect(log.filter { $0.hasPrefix("green stream") }.count == 2)
        #expect(log.filter { $0.hasPrefix("cuStreamCreate") }.count == 2)   // the blocking and the real-time one
        #expect(log.contains("green stream \(hex(low)) be priority 0"))
        #expect(h.scheduler.ownContextJSON()
                == "{\"enabled\":true,\"streams_made\":2,\"rt_enabled\":false,\"rt_streams_made\":0,\"failed\":false}")
    }

    @Test func realtimeStreamsMoveToTheirOwnContextWithTheirPriority() {
        let h = SchedulerHarness(realtimeContext: true)
        let realtime = h.createStream(priority: -5, flags: nonBlocking)
        let blockingRealtime = h.createStream(priority: -5)
        let besteffort = h.createStream(priority: 0, flags: nonBlocking)
        #expect(realtime >= 0x9000)
        #expect(blockingRealtime < 0x9000 && besteffort < 0x9000)
        #expect(h.runtime.log.filter { $0.hasPrefix("green stream") } == ["green stream \(hex(realtime)) rt priority -5"])
        #expect(h.scheduler.ownContextJSON()
                == "{\"enabled\":false,\"streams_made\":0,\"rt_enabled\":true,\"rt_streams_made\":1,\"failed\":false}")
        // Still real-time, and context-wide synchronisation waits for it.
        #expect(h.scheduler.state.withLock { h.scheduler.queues[realtime]?.schedulingClass } == .realtime)
        h.call("cuCtxSynchronize", [])
        #expect(h.runtime.log.contains("synchronize stream \(hex(realtime))"))
    }

    @Test func bothClassesGetContextsOfTheirOwn() {
        let h = SchedulerHarness(bestEffortContext: true, realtimeContext: true)
        let realtime = h.createStream(priority: -5, flags: nonBlocking)
        let besteffort = h.createStream(priority: 0, flags: nonBlocking)
        #expect(h.runtime.log.filter { $0.hasPrefix("green stream") }
                == ["green stream \(hex(realtime)) rt priority -5", "green stream \(hex(besteffort)) be priority 0"])
    }

    @Test func offByDefault() {
        let h = SchedulerHarness()
        #expect(h.createStream(flags: nonBlocking) < 0x9000)
        #expect(!h.runtime.log.contains { $0.hasPrefix("green stream") })
    }

    @Test func aContextSynchronizeAlsoWaitsForTheBestEffortContext() {
        let h = SchedulerHarness(bestEffortContext: true)
        let a = h.createStream(flags: nonBlocking)
        let b = h.createStream(flags: nonBlocking)
        h.call("cuCtxSynchronize", [])
        let log = h.runtime.log
        let sync = log.firstIndex { $0.hasPrefix("cuCtxSynchronize") }!
        #expect(log.suffix(from: sync + 1).contains("synchronize stream \(hex(a))"))
        #expect(log.suffix(from: sync + 1).contains("synchronize stream \(hex(b))"))
    }

    @Test func aDestroyedStreamIsKeptUntilAContextSynchronizeWaitedForIt() {
        let h = SchedulerHarness(bestEffortContext: true)
        let s = h.createStream(flags: nonBlocking)
        #expect(h.call("cuStreamDestroy_v2", [s], stream: s) == 0)
        #expect(!h.runtime.log.contains { $0.hasPrefix("cuStreamDestroy") || $0.hasPrefix("destroy stream") })
        h.call("cuCtxSynchronize", [])
        let log = h.runtime.log
        let waited = log.firstIndex(of: "synchronize stream \(hex(s))")
        let destroyed = log.firstIndex(of: "destroy stream \(hex(s))")
        #expect(waited != nil && destroyed != nil && waited! < destroyed!)
        // Waited for once: a second synchronize no longer touches it.
        h.call("cuCtxSynchronize", [])
        #expect(h.runtime.log.filter { $0 == "synchronize stream \(hex(s))" }.count == 1)
    }

    @Test func beyondTheRetiredLimitTheOldestIsWaitedForAndDestroyed() {
        let h = SchedulerHarness(bestEffortContext: true)
        let streams = (0...Scheduler.retiredLimit).map { _ in h.createStream(flags: nonBlocking) }
        for s in streams.dropLast() { h.call("cuStreamDestroy_v2", [s], stream: s) }
        #expect(!h.runtime.log.contains { $0.hasPrefix("destroy stream") })
        h.call("cuStreamDestroy_v2", [streams.last!], stream: streams.last!)
        #expect(h.runtime.log.filter { $0.hasPrefix("destroy stream") } == ["destroy stream \(hex(streams[0]))"])
        #expect(h.runtime.log.contains("synchronize stream \(hex(streams[0]))"))
    }
}
