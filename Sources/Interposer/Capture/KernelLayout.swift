/// Where each explicit kernel parameter lives in the kernel's parameter buffer.
struct ParamSlot: Equatable {
    var offset: UInt32
    var size: UInt32
}

/// The parameter layout of one kernel, published once and then read without locks.
struct KernelLayout: @unchecked Sendable {
    /// False when the layout could not be learned (old driver, unregistered HIP stub): such a
    /// kernel's launches are forwarded as they came, without a record.
    let isKnown: Bool
    let slots: UnsafeMutablePointer<ParamSlot>?
    let count: Int
    /// End of the last parameter: the bytes a copy of the arguments needs.
    let bufferSize: Int

    static let unknown = KernelLayout(isKnown: false, slots: nil, count: 0, bufferSize: 0)

    private init(isKnown: Bool, slots: UnsafeMutablePointer<ParamSlot>?, count: Int, bufferSize: Int) {
        self.isKnown = isKnown
        self.slots = slots
        self.count = count
        self.bufferSize = bufferSize
    }

    /// A layout from (offset, size) pairs in parameter order. Allocated once per kernel.
    init(_ params: [ParamSlot]) {
        var p: UnsafeMutablePointer<ParamSlot>? = nil
        if !params.isEmpty {
            p = .allocate(capacity: params.count)
            p!.initialize(from: params, count: params.count)
        }
        let end = params.map { Int($0.offset) + Int($0.size) }.max() ?? 0
        self.init(isKnown: true, slots: p, count: params.count, bufferSize: end)
    }

    @inline(__always) subscript(i: Int) -> ParamSlot { slots![i] }
}
