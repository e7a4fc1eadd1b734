import CInterpose

/// What the CUDA driver says about a kernel handle: parameter offsets and sizes
/// (cuFuncGetParamInfo, CUDA ≥ 12.4; cuKernelGetParamInfo for CUkernel handles, which
/// cuLaunchKernel also accepts) and its name.
enum CUDAKernelQuery {
    static func entry(for function: UInt64, log: Log) -> KernelEntry {
        let handle = OpaquePointer(bitPattern: UInt(function))
        let asFunction = params { i, off, size in reef_cu_func_get_param_info(handle, i, off, size) }
        // A CUkernel handle may look like a function without parameters to cuFuncGetParamInfo:
        // ask the kernel API too before believing "no parameters".
        var asKernel = Answer.failed
        if case let .found(slots) = asFunction, !slots.isEmpty {} else {
            asKernel = params { i, off, size in reef_cu_kernel_get_param_info(handle, i, off, size) }
        }
        let layout: KernelLayout
        switch (asFunction, asKernel) {
        case let (.found(slots), _) where !slots.isEmpty: layout = KernelLayout(slots)
        case let (_, .found(slots)) where !slots.isEmpty: layout = KernelLayout(slots)
        case (.found, _), (_, .found): layout = KernelLayout([]) // one of them says: no parameters
        default:
            if case .unsupported = asFunction {
                log.once(.paramInfoUnavailable, .warn, "cuFuncGetParamInfo is not available (driver older than CUDA 12.4?); launches that pass kernelParams are forwarded without capture")
            }
            layout = .unknown
        }
        return KernelEntry(layout: layout, name: name(handle) ?? "cuda:" + hex(function))
    }

    private enum Answer { case found([ParamSlot]), failed, unsupported }

    private static func params(_ query: (Int, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) -> CUresult) -> Answer {
        var slots: [ParamSlot] = []
        var offset = 0, size = 0
        for i in 0..<4096 {
            let r = query(i, &offset, &size)
            if r == CUresult(CUDA_SUCCESS) {
                guard offset >= 0, size >= 0, offset + size <= 1 << 20 else { return .failed }
                slots.append(ParamSlot(offset: UInt32(offset), size: UInt32(size)))
                continue
            }
            if r == CUresult(CUDA_ERROR_INVALID_VALUE) { return .found(slots) } // past the last parameter
            if r == CUresult(CUDA_ERROR_NOT_FOUND), i == 0 { return .unsupported }
            return .failed
        }
        return .failed
    }

    private static func name(_ handle: OpaquePointer?) -> String? {
        var name: UnsafePointer<CChar>? = nil
        if reef_cu_func_get_name(handle, &name) == CUresult(CUDA_SUCCESS), let name { return String(cString: name) }
        if reef_cu_kernel_get_name(handle, &name) == CUresult(CUDA_SUCCESS), let name { return String(cString: name) }
        return nil
    }
}
