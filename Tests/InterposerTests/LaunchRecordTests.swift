import Testing
@testable import Interposer
import CInterpose

/// A heap value whose address stays valid for the whole test (pointers to locals must not
/// escape the statement that makes them).
final class Box<T> {
    let pointer: UnsafeMutablePointer<T>
    init(_ value: T) { pointer = .allocate(capacity: 1); pointer.initialize(to: value) }
    var raw: UnsafeMutableRawPointer { UnsafeMutableRawPointer(pointer) }
    var value: T { get { pointer.pointee } set { pointer.pointee = newValue } }
    deinit { pointer.deinitialize(count: 1); pointer.deallocate() }
}

/// A record must own its arguments: the caller reuses its memory as soon as the launch returns.
@Suite struct LaunchRecordTests {
    // A kernel (char, int64, pointer, 24-byte struct) as the driver would lay it out.
    let layout = KernelLayout([ParamSlot(offset: 0, size: 1), ParamSlot(offset: 8, size: 8),
                               ParamSlot(offset: 16, size: 8), ParamSlot(offset: 24, size: 24)])

    func storage(_ plan: LaunchRecord.Plan) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: plan.storageSize, alignment: 16)
    }

    @Test func kernelParamsAreCopiedAndSurviveOverwrite() {
        let c = Box<UInt8>(0x7a), big = Box<Int64>(-1234567890123), ptr = Box<UInt64>(0xdead_beef_0000)
        let blob = Box<(UInt64, UInt64, UInt64)>((1, 2, 3))
        let pointers = Box<(UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?)>(
            (c.raw, big.raw, ptr.raw, blob.raw))
        let call = heapCall(makeCall([0xf00, 2, 1, 1, 128, 1, 1, 64, 0x5000, bits(pointers.raw), 0]))
        let plan = LaunchRecord.plan(call, form: .classic, layout: layout, keys: .cuda)!
        let record = LaunchRecord(capturing: call, plan: plan, layout: layout, keys: .cuda, storage: storage(plan))

        // The caller overwrites everything it passed.
        c.value = 0; big.value = 0; ptr.value = 0; blob.value = (9, 9, 9)
        pointers.value.0 = nil

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
            let buffer = Box<(UInt64, UInt64, UInt64, UInt64, UInt64)>((1, 2, 3, 4, 5))
            let size = Box<Int>(40)
            let extra = Box<(UInt, UInt, UInt, UInt, UInt)>(
                (ExtraKeys.bufferPointer, UInt(bitPattern: buffer.raw), ExtraKeys.bufferSize, UInt(bitPattern: size.raw), keys.end))
            let call = heapCall(makeCall([0xf00, 1, 1, 1, 1, 1, 1, 0, 0, 0, bits(extra.raw)]))
            let plan = LaunchRecord.plan(call, form: .classic, layout: .unknown, keys: keys)!
            let record = LaunchRecord(capturing: call, plan: plan, layout: .unknown, keys: keys, storage: storage(plan))
            buffer.value = (0, 0, 0, 0, 0)
            extra.value = (0, 0, 0, 0, 0)
            let copied = UnsafePointer<UInt>(bitPattern: UInt(arg(record.call, 10)))!
            #expect(copied[0] == ExtraKeys.bufferPointer)
            #expect(copied[2] == ExtraKeys.bufferSize)
            #expect(copied[4] == keys.end)
            #expect(UnsafePointer<Int>(bitPattern: copied[3])!.pointee == 40)
            let words = UnsafePointer<UInt64>(bitPattern: copied[1])!
            #expect((0..<5).map { words[$0] } == [1, 2, 3, 4, 5])
        }
    }

    @Test func unknownLayoutWithKernelParamsCannotBeCaptured() {
        let value = Box<UInt64>(1)
        let list = Box<UnsafeMutableRawPointer?>(value.raw)
        let call = heapCall(makeCall([0xf00, 1, 1, 1, 1, 1, 1, 0, 0, bits(list.raw), 0]))
        #expect(LaunchRecord.plan(call, form: .classic, layout: .unknown, keys: .cuda) == nil)
    }

    @Test func extraWithUnknownKeysIsNotCaptured() {
        let extra = Box<(UInt, UInt, UInt)>((0x99, 0, 0))
        let call = heapCall(makeCall([0xf00, 1, 1, 1, 1, 1, 1, 0, 0, 0, bits(extra.raw)]))
        #expect(LaunchRecord.plan(call, form: .classic, layout: .unknown, keys: .cuda) == nil)
    }

    @Test func launchConfigAndAttributesAreCopied() {
        let value = Box<Int32>(42)
        let attrs = UnsafeMutablePointer<CUlaunchAttribute>.allocate(capacity: 2)
        defer { attrs.deallocate() }
        attrs.initialize(repeating: CUlaunchAttribute(), count: 2)
        attrs[0].id = CUlaunchAttributeID(CU_LAUNCH_ATTRIBUTE_PRIORITY)
        attrs[0].value.priority = -1
        attrs[1].id = CUlaunchAttributeID(CU_LAUNCH_ATTRIBUTE_COOPERATIVE)
        attrs[1].value.cooperative = 1
        let config = Box(CUlaunchConfig(gridDimX: 7, gridDimY: 1, gridDimZ: 1, blockDimX: 256, blockDimY: 1, blockDimZ: 1,
                                        sharedMemBytes: 1024, hStream: OpaquePointer(bitPattern: 0x7000), attrs: attrs, numAttrs: 2))
        let one = KernelLayout([ParamSlot(offset: 0, size: 4)])
        let params = Box<UnsafeMutableRawPointer?>(value.raw)
        let call = heapCall(makeCall([bits(config.raw), 0xf00, bits(params.raw), 0]))
        let plan = LaunchRecord.plan(call, form: .config, layout: one, keys: .cuda)!
        let record = LaunchRecord(capturing: call, plan: plan, layout: one, keys: .cuda, storage: storage(plan))
        config.value.gridDimX = 0
        attrs[0].value.priority = 5
        value.value = 0
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
