import Testing
@testable import Interposer
import CInterpose

/// When a host thread waiting for held best-effort work counts as starved (priority inheritance
/// is due): only after `limit` without an ordinary release from the queue it waits for.
struct HostWaitStarvationTests {
    static let ms: UInt64 = 1_000_000

    func queueHolding(_ n: Int) -> StreamQueue {
        let q = StreamQueue(handle: 0x20, schedulingClass: .bestEffort, blocking: false, holdable: true)
        for i in 0..<n {
            q.push(HeldCommand(call: ReefCall(), storage: nil, sequence: UInt64(i + 1), context: 0, shadow: nil, waitShadow: nil))
        }
        return q
    }

    @Test func workReleasedWheneverRealtimeIsIdleIsNotStarved() {
        let q = queueHolding(3)
        q.waitingSince = 100 * Self.ms
        // Ordinary releases every 10 ms (RT idle between its requests): never 30 ms without one.
        for t in stride(from: 110, through: 200, by: 10) {
            q.releasedOrdinarily(at: UInt64(t) * Self.ms)
            #expect(!q.starvedWait(now: UInt64(t + 9) * Self.ms, limit: 30 * Self.ms), "starved at \(t + 9) ms")
        }
        // The wait has lasted 109 ms in all, and still nothing is starved.
        #expect(!q.starvedWait(now: 209 * Self.ms, limit: 30 * Self.ms))
    }

    @Test func aWaitWithNoOrdinaryReleaseForTheLimitIsStarved() {
        let q = queueHolding(2)
        q.waitingSince = 100 * Self.ms
        q.releasedOrdinarily(at: 120 * Self.ms)
        #expect(!q.starvedWait(now: 150 * Self.ms, limit: 30 * Self.ms))
        #expect(q.starvedWait(now: 151 * Self.ms, limit: 30 * Self.ms))
    }

    @Test func nobodyWaitingOrNothingHeldIsNeverStarved() {
        let idle = queueHolding(2)
        idle.releasedOrdinarily(at: 5 * Self.ms)   // nobody waits: stays unmarked
        #expect(idle.waitingSince == 0)
        #expect(!idle.starvedWait(now: 10_000 * Self.ms, limit: 30 * Self.ms))
        let empty = queueHolding(0)
        empty.waitingSince = 1
        #expect(!empty.starvedWait(now: 10_000 * Self.ms, limit: 30 * Self.ms))
    }
}
