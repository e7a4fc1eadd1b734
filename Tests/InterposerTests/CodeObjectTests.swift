import Testing
@testable import Interposer

/// Argument layouts come from the code object hipcc produced (mixed_args.hip, built with
/// `hipcc --genco --offload-arch=gfx90a`): the offsets are the compiler's, not ours.
@Suite struct CodeObjectTests {
    @Test func offloadBundleMetadataGivesExplicitArgumentLayout() throws {
        let bytes = fixtureBytes("mixed_args.gfx90a.co")
        let kernels = try #require(bytes.withUnsafeBytes { HIPCodeObject.kernels(image: $0.baseAddress!, size: $0.count) })
        let mixed = try #require(kernels["mixed"])
        let slots = (0..<mixed.count).map { mixed[$0] }
        #expect(slots == [ParamSlot(offset: 0, size: 1), ParamSlot(offset: 8, size: 8), ParamSlot(offset: 16, size: 4),
                          ParamSlot(offset: 24, size: 8), ParamSlot(offset: 32, size: 24), ParamSlot(offset: 56, size: 8)])
        #expect(mixed.bufferSize == 64)
        let none = try #require(kernels["noargs"])
        #expect(none.isKnown && none.count == 0)
    }

    @Test func truncatedOrForeignImagesAreRejected() {
        let bytes = fixtureBytes("mixed_args.gfx90a.co")
        let truncated = Array(bytes.prefix(40))
        #expect(truncated.withUnsafeBytes { HIPCodeObject.kernels(image: $0.baseAddress!, size: $0.count) } == nil)
        let text = Array("not a code object at all".utf8)
        #expect(text.withUnsafeBytes { HIPCodeObject.kernels(image: $0.baseAddress!, size: $0.count) } == nil)
    }

    @Test func hiddenArgumentsAreSkipped() {
        let meta = MessagePackValue.map([(.string("amdhsa.kernels"), .array([.map([
            (.string(".name"), .string("k")),
            (.string(".args"), .array([
                .map([(.string(".offset"), .int(0)), (.string(".size"), .int(8)), (.string(".value_kind"), .string("global_buffer"))]),
                .map([(.string(".offset"), .int(8)), (.string(".size"), .int(4)), (.string(".value_kind"), .string("by_value"))]),
                .map([(.string(".offset"), .int(16)), (.string(".size"), .int(8)), (.string(".value_kind"), .string("hidden_global_offset_x"))]),
            ])),
        ])]))])
        let layouts = HIPCodeObject.layouts(metadata: meta)
        #expect(layouts.count == 1)
        #expect(layouts[0].1.count == 2)
        #expect(layouts[0].1.bufferSize == 12)
    }
}

@Suite struct MessagePackTests {
    func decode(_ bytes: [UInt8]) -> MessagePackValue? { bytes.withUnsafeBytes { MessagePackReader.decode($0) } }

    @Test func scalarsAndContainers() {
        #expect(decode([0x05]) == .int(5))
        #expect(decode([0xff]) == .int(-1))
        #expect(decode([0xd0, 0x80]) == .int(-128))
        #expect(decode([0xcd, 0x01, 0x00]) == .int(256))
        #expect(decode([0xd2, 0xff, 0xff, 0xff, 0xfe]) == .int(-2))
        #expect(decode([0xa3, 0x61, 0x62, 0x63]) == .string("abc"))
        #expect(decode([0xd9, 0x01, 0x7a]) == .string("z"))
        #expect(decode([0x92, 0x01, 0xa1, 0x78]) == .array([.int(1), .string("x")]))
        #expect(decode([0x81, 0xa1, 0x6b, 0x07])?["k"] == .int(7))
        #expect(decode([0xc3]) == .other)
    }

    @Test func truncatedAndHostileInputIsRejected() {
        #expect(decode([0xa5, 0x61]) == nil)                       // string longer than the input
        #expect(decode([0xdd, 0xff, 0xff, 0xff, 0xff]) == nil)     // 4G-element array in 5 bytes
        #expect(decode([0xcd, 0x01]) == nil)
        #expect(decode(Array(repeating: 0x91, count: 1000)) == nil) // nesting deeper than allowed
        #expect(decode([]) == nil)
    }
}
