import Testing
@testable import Interposer

@Suite struct ClassPolicyTests {
    let policy = ClassPolicy(processDefault: .bestEffort, realtimeStreams: [.ordinal(3), .handle(0xabc)])

    @Test func elevatedPriorityIsRealtime() {
        // H100: least 0, greatest -5. PyTorch's high-priority streams are -1..-3.
        #expect(policy.classify(handle: 0x10, ordinal: 1, priority: -1, least: 0) == .realtime)
        #expect(policy.classify(handle: 0x10, ordinal: 1, priority: -5, least: 0) == .realtime)
        #expect(policy.classify(handle: 0x10, ordinal: 1, priority: 0, least: 0) == .bestEffort)
        #expect(policy.classify(handle: 0x10, ordinal: 1, priority: nil, least: 0) == .bestEffort)
    }

    @Test func selectorsAndProcessDefault() {
        #expect(policy.classify(handle: 0x10, ordinal: 3, priority: 0, least: 0) == .realtime)
        #expect(policy.classify(handle: 0xabc, ordinal: nil, priority: nil, least: nil) == .realtime)
        let rtProcess = ClassPolicy(processDefault: .realtime, realtimeStreams: [])
        #expect(rtProcess.classify(handle: 0x10, ordinal: 1, priority: 0, least: 0) == .realtime)
    }
}
