#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// Learns HIP kernels' argument layouts where HIP reveals them: fat binaries and their functions
/// registered by hipcc-built programs, and modules loaded at run time. Publishes each function
/// handle into the kernel catalog, so launches find it without a lock.
final class HIPKernelRegistry: @unchecked Sendable {
    private let lock = LockedCondition()
    private var codeObjects: [UInt64: [String: KernelLayout]] = [:]   // fat-binary handle or module
    private let catalog: KernelCatalog
    private let log: Log

    init(catalog: KernelCatalog, log: Log) {
        self.catalog = catalog
        self.log = log
    }

    func fatBinaryRegistered(wrapper: UnsafeRawPointer?, handle: UInt64) {
        guard let wrapper else { return }
        let kernels = HIPCodeObject.kernels(fatBinaryWrapper: wrapper)
        if kernels == nil {
            log.once(.unreadableCodeObject, .warn, "__hipRegisterFatBinary: could not read kernel metadata from the code object at \(wrapper) (libelf.so.1 missing or unknown format); its kernels' launches are forwarded without capture")
        }
        lock.withLock { codeObjects[handle] = kernels ?? [:] }
        log.write(.debug, "fat binary \(hex(handle)): \(kernels?.count ?? 0) kernels")
    }

    func functionRegistered(handle: UInt64, function: UInt64, name: String) {
        publish(function: function, name: name, layout: lock.withLock { codeObjects[handle]?[name] })
    }

    func moduleLoaded(module: UInt64, image: UnsafeRawPointer?, size: Int?) {
        guard let image else { return }
        let kernels = HIPCodeObject.kernels(image: image, size: size)
        if kernels == nil {
            log.once(.unreadableCodeObject, .warn, "hipModuleLoad: could not read kernel metadata from module \(hex(module)); its kernels' launches are forwarded without capture")
        }
        lock.withLock { codeObjects[module] = kernels ?? [:] }
    }

    func moduleLoaded(module: UInt64, path: UnsafePointer<CChar>?) {
        guard let path else { return }
        guard let bytes = Self.readFile(path) else {
            log.write(.warn, "hipModuleLoad: could not re-read \(String(cString: path)) for kernel metadata")
            return
        }
        bytes.withUnsafeBytes { moduleLoaded(module: module, image: $0.baseAddress, size: $0.count) }
    }

    func moduleFunction(function: UInt64, module: UInt64, name: String) {
        publish(function: function, name: name, layout: lock.withLock { codeObjects[module]?[name] })
    }

    private func publish(function: UInt64, name: String, layout: KernelLayout?) {
        if layout == nil {
            log.once(.unknownHipFunction, .warn, "no argument metadata for HIP kernel \(name); its launches are forwarded without capture")
        }
        catalog.publish(function, KernelEntry(layout: layout ?? .unknown, name: name), replace: true)
    }

    private static func readFile(_ path: UnsafePointer<CChar>) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 1 << 30 { return nil }
        }
        return bytes
    }

    func reinitialiseAfterFork() { lock.reinitialiseAfterFork() }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
