import Testing
@testable import Interposer
import CInterpose

/// A record must own its arguments: the caller reuses its memory as soon as the launch returns.
@Suite struct LaunchRecordTests {
    // A kernel (char, int64, float*, 24-byte struct) as the driver would lay it out.
    let layout = KernelLayout([ParamSlot(offset: 0, size: 1), ParamSlot(offset: 8, size: 8),
                               ParamSlot(offset: 16, size: 8), ParamSlot(offset: 24, size: 24)])

    @Test func kernelParamsAreCopiedAndSurviveOverwrite() {
        var c: UInt8 = 0x7a
        var big: Int64 = -1234567890123
        var ptr: UInt64 = 0xdead_beef_0000
        var blob: (UInt64, UInt64, UInt64) = (1, 2, 3)
        let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 4)
        defer { pointers.deallocate() }
        pointers[0] = UnsafeMutableRawPointer(&c)
        pointers[1] = UnsafeMutableRawPointer(&big)
        pointers[2] = UnsafeMutableRawPointer(&ptr)
        pointers[3] = UnsafeMutableRawPointer(&blob)
        var call = makeCall([0xf00, 2, 1, 1, 128, 1, 1, 64, 0x5000, bits(pointers), 0])
        let plan = LaunchRecord.plan(&call, form: .classic, layout: layout, keys: .cuda)!
        let storage = UnsafeMutableRawPointer.allocate(byteCount: plan.storageSize, alignment: 16)
        defer { storage.deallocate() }
        let record = LaunchRecord(capturing: &call, plan: plan, layout: layout, keys: .cuda, storage: storage)

        // The caller overwrites everything it passed.
        c = 0; big = 0; ptr = 0; blob = (9, 9, 9)
        pointers[0] = nil

        #expect(record.function == 0xf00)
        #expect(arg(record.call, 8) == 0x5000)            // stream kept
        #expect(arg(record.call, 4) == 128)               // block kept
        let replayed = UnsafePointer<UnsafeRawPointer>(bitPattern: UInt(arg(record.call, 9)))!
        #expect(replayed[0].load(as: UInt8.self) == 0x7a)
        #expect(replayed[1].load(as: Int64.self) == -1234567890123)
        #expect(replayed[2].load(as: UInt64.self) == 0xdead_beef_0000)
        #expect(replayed[3].load(as: UInt64.self) == 1)
        #expect(replayed[3].load(fromByteOffset: 16, as: UInt64.self) == 3)
        // Parameters sit at their driver offsets inside the record's buffer.
        #expect(UnsafeRawPointer(replayed[1]) - UnsafeRawPointer(replayed[0]) == 8)
        #expect(arg(record.call, 10) == 0)
    }

    @Test func extraBufferIsCopiedWithTheRuntimesEndMarker() {
        for keys in [ExtraKeys.cuda, ExtraKeys.hip] {
            var buffer: [UInt8] = Array(0..<40)
            var size = buffer.count
            var extra: [UInt] = buffer.withUnsafeMutableBytes { b in
                withUnsafeMutablePointer(to: &size) { s in
                    [ExtraKeys.bufferPointer, UInt(bitPattern: b.baseAddress), ExtraKeys.bufferSize, UInt(bitPattern: s), keys.end]
                }
            }
            var call = extra.withUnsafeMutableBufferPointer { makeCall([0xf00, 1, 1, 1, 1, 1, 1, 0, 0, 0, bits($0.baseAddress)]) }
            let plan = LaunchRecord.plan(&call, form: .classic, layout: .unknown, keys: keys)!
            let storage = UnsafeMutableRawPointer.allocate(byteCount: plan.storageSize, alignment: 16)
            defer { storage.deallocate() }
            let record = LaunchRecord(capturing: &call, plan: plan, layout: .unknown, keys: keys, storage: storage)
            buffer = Array(repeating: 0xff, count: 40)
            extra = []
            let copied = UnsafePointer<UInt>(bitPattern: UInt(arg(record.call, 10)))!
            #expect(copied[0] == ExtraKeys.bufferPointer)
            #expect(copied[2] == ExtraKeys.bufferSize)
            #expect(copied[4] == keys.end)
            #expect(UnsafePointer<Int>(bitPattern: copied[3])!.pointee == 40)
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: copied[1]), count: 40)
            #expect(Array(bytes) == Array(0..<40))
        }
    }

    @Test func unknownLayoutWithKernelParamsCannotBeCaptured() {
        var p: UInt64 = 1
        var list: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(&p)]
        var call = list.withUnsafeMutableBufferPointer { makeCall([0xf00, 1, 1, 1, 1, 1, 1, 0, 0, bits($0.baseAddress), 0]) }
        #expect(LaunchRecord.plan(&call, form: .classic, layout: .unknown, keys: .cuda) == nil)
    }

    @Test func extraWithUnknownKeysIsNotCaptured() {
        var extra: [UInt] = [0x99, 0, 0]
        var call = extra.withUnsafeMutableBufferPointer { makeCall([0xf00, 1, 1, 1, 1, 1, 1, 0, 0, 0, bits($0.baseAddress)]) }
        #expect(LaunchRecord.plan(&call, form: .classic, layout: .unknown, keys: .cuda) == nil)
    }

    @Test func launchConfigAndAttributesAreCopied() {
        var value: Int32 = 42
        let attrs = UnsafeMutablePointer<CUlaunchAttribute>.allocate(capacity: 2)
        defer { attrs.deallocate() }
        attrs.initialize(repeating: CUlaunchAttribute(), count: 2)
        attrs[0].id = CUlaunchAttributeID(CU_LAUNCH_ATTRIBUTE_PRIORITY)
        attrs[0].value.priority = -1
        attrs[1].id = CUlaunchAttributeID(CU_LAUNCH_ATTRIBUTE_COOPERATIVE)
        attrs[1].value.cooperative = 1
        var config = CUlaunchConfig(gridDimX: 7, gridDimY: 1, gridDimZ: 1, blockDimX: 256, blockDimY: 1, blockDimZ: 1,
                                    sharedMemBytes: 1024, hStream: OpaquePointer(bitPattern: 0x7000), attrs: attrs, numAttrs: 2)
        let one = KernelLayout([ParamSlot(offset: 0, size: 4)])
        var params: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(&value)]
        var call = params.withUnsafeMutableBufferPointer { p in
            withUnsafeMutablePointer(to: &config) { makeCall([bits($0), 0xf00, bits(p.baseAddress), 0]) }
        }
        let plan = LaunchRecord.plan(&call, form: .config, layout: one, keys: .cuda)!
        let storage = UnsafeMutableRawPointer.allocate(byteCount: plan.storageSize, alignment: 16)
        defer { storage.deallocate() }
        let record = LaunchRecord(capturing: &call, plan: plan, layout: one, keys: .cuda, storage: storage)
        config.gridDimX = 0
        attrs[0].value.priority = 5
        value = 0
        let copied = UnsafePointer<CUlaunchConfig>(bitPattern: UInt(arg(record.call, 0)))!
        #expect(copied.pointee.gridDimX == 7)
        #expect(copied.pointee.sharedMemBytes == 1024)
        #expect(copied.pointee.numAttrs == 2)
        #expect(copied.pointee.attrs != attrs)
        #expect(copied.pointee.attrs![0].value.priority == -1)
        #expect(copied.pointee.attrs![1].value.cooperative == 1)
        #expect(record.function == 0xf00)
        let p = UnsafePointer<UnsafeRawPointer>(bitPattern: UInt(arg(record.call, 2)))!
        #expect(p[0].load(as: Int32.self) == 42)
    }
}

extension LaunchRecord.Plan: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.storageSize == b.storageSize }
}
