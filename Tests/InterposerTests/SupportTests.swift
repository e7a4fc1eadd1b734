import Testing
@testable import Interposer
import CInterpose

@Suite struct HandleTableTests {
    @Test func findsWhatWasInsertedAndStopsWhenFull() {
        let table = HandleTable(capacity: 16)
        var inserted = false
        var slots: [UInt64: Int] = [:]
        for h in 0..<16 as Range<UInt64> {
            slots[h * 64] = table.findOrInsert(h * 64, inserted: &inserted)
            #expect(inserted)
        }
        for (h, s) in slots { #expect(table.find(h) == s); #expect(table.handle(at: s) == h) }
        #expect(table.findOrInsert(99_999, inserted: &inserted) == nil)
        #expect(table.find(99_999) == nil)
        let again = table.findOrInsert(0, inserted: &inserted)
        #expect(again == slots[0] && !inserted)   // the null stream is a valid key
    }
}

@Suite struct StreamIdentityTests {
    @Test func nullAndLegacyHandlesResolvePerForm() {
        let cuda = UInt8(REEF_RUNTIME_CUDA), hip = UInt8(REEF_RUNTIME_HIP)
        #expect(StreamIdentity.resolve(0, perThreadForm: false, runtime: cuda) == StreamIdentity.legacy)
        #expect(StreamIdentity.resolve(0, perThreadForm: true, runtime: cuda) == StreamIdentity.perThread)
        #expect(StreamIdentity.resolve(1, perThreadForm: true, runtime: cuda) == StreamIdentity.legacy)
        #expect(StreamIdentity.resolve(2, perThreadForm: false, runtime: cuda) == StreamIdentity.perThread)
        #expect(StreamIdentity.resolve(1, perThreadForm: false, runtime: hip) == 1)
        #expect(StreamIdentity.resolve(0x5000, perThreadForm: true, runtime: hip) == 0x5000)
    }
}

@Suite struct EnvironmentTests {
    @Test func pidPlaceholderExpands() {
        #expect(Environment.expandPath("/tmp/reef-%p.json", pid: 42) == "/tmp/reef-42.json")
        #expect(Environment.expandPath("/tmp/100%%-%x", pid: 1) == "/tmp/100%-%x")
        #expect(Environment.expandPath("/tmp/end%", pid: 1) == "/tmp/end%")
    }

    @Test func jsonStringsAreEscaped() {
        #expect(StatsReport.quote("a\"b\\c\n\u{1}") == "\"a\\\"b\\\\c\\n\\u0001\"")
    }
}

@Suite struct ApiTableTests {
    @Test func everyRoutedVariantIsDescribed() {
        let apis = ApiTable()
        #expect(apis.count > 200)
        let launch = try! #require(apis.id(named: "cuLaunchKernel_ptsz"))
        #expect(apis.kinds[launch] == UInt8(REEF_K_LAUNCH))
        #expect(apis.perThread[launch])
        #expect(apis.streamArgs[launch] == 8)
        let hip = try! #require(apis.id(named: "hipLaunchKernel"))
        #expect(apis.functions[hip] == UInt8(REEF_FN_HIP_STUB))
        #expect(apis.streamArgs[hip] == 8)
        let module = try! #require(apis.id(named: "hipExtModuleLaunchKernel"))
        #expect(apis.functions[module] == UInt8(REEF_FN_HIP_MODULE))
        #expect(apis.id(named: "cuCtxSynchronize") != nil)
        #expect(Set(apis.names.dropFirst()).count == apis.count - 1)   // names are unique
    }
}
