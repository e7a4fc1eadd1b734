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

@Suite struct KernelCatalogTests {
    /// The launch fast path reads a kernel's slot and entry word from the catalog's memory alone:
    /// the word must point at the published entry and carry its layout flags, also after a
    /// registration replaces an earlier guess.
    @Test func entryWordsCarryTheLayoutFlags() {
        let catalog = KernelCatalog(capacity: 64, log: Log(level: .error))
        let p = catalog.probe
        #expect(KernelCatalog.lookupWord(0x1000, words: p.words, mask: Int(p.mask)) == nil)
        let unknown = catalog.publish(0x1000, KernelEntry(layout: .unknown, name: "k"))!
        var found = KernelCatalog.lookupWord(0x1000, words: p.words, mask: Int(p.mask))!
        #expect(found.slot == unknown.slot)
        #expect(KernelCatalog.EntryWord.entry(found.word) == unknown.entry)
        #expect(found.word & KernelCatalog.EntryWord.layoutKnown == 0)
        let none = catalog.publish(0x1000, KernelEntry(layout: KernelLayout([]), name: "k"), replace: true)!
        found = KernelCatalog.lookupWord(0x1000, words: p.words, mask: Int(p.mask))!
        #expect(KernelCatalog.EntryWord.entry(found.word) == none.entry)
        #expect(found.word & KernelCatalog.EntryWord.layoutKnown != 0)
        #expect(found.word & KernelCatalog.EntryWord.noParameters != 0)
        let two = catalog.publish(0x2000, KernelEntry(layout: KernelLayout([ParamSlot(offset: 0, size: 8), ParamSlot(offset: 8, size: 4)]), name: "g"))!
        found = KernelCatalog.lookupWord(0x2000, words: p.words, mask: Int(p.mask))!
        #expect(found.slot == two.slot && found.slot != none.slot)
        #expect(found.word & KernelCatalog.EntryWord.layoutKnown != 0)
        #expect(found.word & KernelCatalog.EntryWord.noParameters == 0)
        #expect(catalog.lookup(0x2000)?.entry.pointee.layout.count == 2)
        #expect(catalog.name(at: two.slot) == "g")
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
        #expect(apis.facts[launch].kind == UInt8(REEF_K_LAUNCH))
        #expect(apis.facts[launch].perThread)
        #expect(apis.facts[launch].streamArg == 8)
        let hip = try! #require(apis.id(named: "hipLaunchKernel"))
        #expect(apis.facts[hip].function == UInt8(REEF_FN_HIP_STUB))
        #expect(apis.facts[hip].streamArg == 8)
        let module = try! #require(apis.id(named: "hipExtModuleLaunchKernel"))
        #expect(apis.facts[module].function == UInt8(REEF_FN_HIP_MODULE))
        #expect(apis.id(named: "cuCtxSynchronize") != nil)
        #expect(Set(apis.names.dropFirst()).count == apis.count - 1)   // names are unique
    }
}
