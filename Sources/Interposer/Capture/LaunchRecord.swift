import CInterpose

/// How a launch call lays out its arguments (see ReefCall in reef_interpose.h).
enum LaunchForm {
    /// cuLaunchKernel layout: [0] function … [8] stream, [9] kernelParams, [10] extra.
    case classic
    /// Same without `extra` (cooperative launches).
    case cooperative
    /// cuLaunchKernelEx: [0] config, [1] function, [2] kernelParams, [3] extra.
    case config
}

/// `extra` array keys; only END differs between the runtimes.
struct ExtraKeys {
    let end: UInt
    static let cuda = ExtraKeys(end: 0)
    static let hip = ExtraKeys(end: 3)
    static let bufferPointer: UInt = 1
    static let bufferSize: UInt = 2
}

/// A kernel launch that owns a copy of everything needed to issue it again after the caller has
/// reused its memory: the argument bytes, the kernelParams pointer array or the `extra` buffer,
/// and the launch configuration with its attributes. `call` is the replayable call: the packed
/// scalars are already the C layer's private copy, and capture points its pointer arguments into
/// `storage`, which the record's owner provides (the stack for pass-through, a queue slot when
/// held).
struct LaunchRecord {
    let call: UnsafeMutablePointer<ReefCall>
    let function: UInt64

    /// What a capture needs, computed before storage is found for it.
    struct Plan {
        let form: LaunchForm
        fileprivate let paramsIndex: Int
        fileprivate let extraIndex: Int?
        fileprivate let paramBytes: Int        // argument bytes copied (layout or extra buffer)
        fileprivate let pointerCount: Int      // kernelParams entries rebuilt
        fileprivate let extraBuffer: UnsafeRawPointer?
        fileprivate let attributeCount: Int
        let storageSize: Int

        fileprivate var pointersOffset: Int { align(paramBytes) }
        fileprivate var extraOffset: Int { pointersOffset + pointerCount * 8 }
        fileprivate var configOffset: Int { extraOffset + (extraBuffer != nil ? 6 * 8 : 0) }
        fileprivate var attributesOffset: Int { configOffset + (form == .config ? align(MemoryLayout<CUlaunchConfig>.stride) : 0) }
    }

    static func align(_ n: Int) -> Int { (n + 15) & ~15 }

    /// Decides whether `call` can be captured with `layout`, and how much storage that takes.
    /// nil: it cannot (unknown layout with kernelParams, or an `extra` array we don't understand).
    static func plan(_ call: UnsafePointer<ReefCall>, form: LaunchForm, layout: KernelLayout, keys: ExtraKeys) -> Plan? {
        let paramsIndex = form == .config ? 2 : 9
        let extraIndex: Int? = form == .config ? 3 : (form == .classic ? 10 : nil)
        let args = ReefCall.args(call)
        let params = args[paramsIndex]
        let extra = extraIndex.map { args[$0] } ?? 0

        var paramBytes = 0, pointerCount = 0
        var extraBuffer: UnsafeRawPointer? = nil
        if params != 0 {
            guard layout.isKnown else { return nil }
            paramBytes = layout.bufferSize
            pointerCount = layout.count
        } else if extra != 0 {
            guard let (buffer, size) = parseExtra(extra, keys: keys) else { return nil }
            extraBuffer = buffer
            paramBytes = size
        }
        var attributeCount = 0
        if form == .config {
            guard let config = UnsafePointer<CUlaunchConfig>(bitPattern: UInt(args[0])) else { return nil }
            attributeCount = config.pointee.attrs != nil ? Int(config.pointee.numAttrs) : 0
        }
        var plan = Plan(form: form, paramsIndex: paramsIndex, extraIndex: extraIndex, paramBytes: paramBytes,
                        pointerCount: pointerCount, extraBuffer: extraBuffer, attributeCount: attributeCount, storageSize: 0)
        let size = plan.attributesOffset + attributeCount * MemoryLayout<CUlaunchAttribute>.stride
        plan = Plan(form: form, paramsIndex: paramsIndex, extraIndex: extraIndex, paramBytes: paramBytes,
                    pointerCount: pointerCount, extraBuffer: extraBuffer, attributeCount: attributeCount, storageSize: max(size, 16))
        return plan
    }

    /// The argument buffer and its size from an `extra` array, or nil if it holds anything else.
    private static func parseExtra(_ bits: UInt64, keys: ExtraKeys) -> (UnsafeRawPointer, Int)? {
        guard let extra = UnsafePointer<UInt>(bitPattern: UInt(bits)) else { return nil }
        var buffer: UnsafeRawPointer? = nil
        var size: Int? = nil
        var i = 0
        while i < 64 {
            let key = extra[i]
            if key == keys.end { break }
            let value = extra[i + 1]
            switch key {
            case ExtraKeys.bufferPointer: buffer = UnsafeRawPointer(bitPattern: value)
            case ExtraKeys.bufferSize:
                guard let p = UnsafePointer<Int>(bitPattern: value) else { return nil }
                size = p.pointee
            default: return nil
            }
            i += 2
        }
        guard let b = buffer, let s = size, s >= 0 else { return nil }
        return (b, s)
    }

    /// Captures the launch packed in `call` into `storage` (at least plan.storageSize bytes,
    /// 16-byte aligned), rewriting the call's pointer arguments to the copies.
    init(capturing call: UnsafeMutablePointer<ReefCall>, plan: Plan, layout: KernelLayout, keys: ExtraKeys,
         storage: UnsafeMutableRawPointer) {
        self.call = call
        let args = ReefCall.mutableArgs(call)
        function = args[plan.form == .config ? 1 : 0]
        let params = args[plan.paramsIndex]
        if let source = UnsafePointer<UnsafeRawPointer?>(bitPattern: UInt(params)) {
            // kernelParams: one pointer per parameter; copy each value to its driver offset.
            let pointers = (storage + plan.pointersOffset).bindMemory(to: UnsafeMutableRawPointer.self, capacity: plan.pointerCount)
            for i in 0..<plan.pointerCount {
                let slot = layout[i]
                let dst = storage + Int(slot.offset)
                if let src = source[i] { Self.copy(dst, src, Int(slot.size)) }
                pointers[i] = dst
            }
            args[plan.paramsIndex] = UInt64(UInt(bitPattern: plan.pointerCount > 0 ? UnsafeMutableRawPointer(pointers) : storage))
        } else if let buffer = plan.extraBuffer, let extraIndex = plan.extraIndex {
            storage.copyMemory(from: buffer, byteCount: plan.paramBytes)
            let extra = (storage + plan.extraOffset).bindMemory(to: UInt.self, capacity: 6)
            extra[5] = UInt(plan.paramBytes)
            extra[0] = ExtraKeys.bufferPointer
            extra[1] = UInt(bitPattern: storage)
            extra[2] = ExtraKeys.bufferSize
            extra[3] = UInt(bitPattern: UnsafeMutableRawPointer(extra + 5))
            extra[4] = keys.end
            args[extraIndex] = UInt64(UInt(bitPattern: extra))
        }
        if plan.form == .config, let config = UnsafePointer<CUlaunchConfig>(bitPattern: UInt(args[0])) {
            let mine = (storage + plan.configOffset).bindMemory(to: CUlaunchConfig.self, capacity: 1)
            mine.initialize(to: config.pointee)
            if plan.attributeCount > 0, let attrs = config.pointee.attrs {
                let copied = (storage + plan.attributesOffset).bindMemory(to: CUlaunchAttribute.self, capacity: plan.attributeCount)
                copied.initialize(from: attrs, count: plan.attributeCount)
                mine.pointee.attrs = copied
            }
            args[0] = UInt64(UInt(bitPattern: mine))
        }
    }

    /// Most parameters are 4 or 8 bytes: copy those without a memcpy call.
    @inline(__always) private static func copy(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ size: Int) {
        switch size {
        case 8: dst.storeBytes(of: src.loadUnaligned(as: UInt64.self), as: UInt64.self)
        case 4: dst.storeBytes(of: src.loadUnaligned(as: UInt32.self), as: UInt32.self)
        default: dst.copyMemory(from: src, byteCount: size)
        }
    }
}
