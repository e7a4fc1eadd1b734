import CInterpose

/// Kernel argument layouts read from AMDGPU code objects: hipcc's fat binaries (registered by
/// the program's constructors) and images given to hipModuleLoad*. The metadata note
/// (NT_AMDGPU_METADATA, owner "AMDGPU") is a MessagePack map whose `amdhsa.kernels[].args[]`
/// give each argument's offset and size; hidden arguments (value kinds `hidden_*`) are added by
/// the runtime and are not in the caller's argument array.
enum HIPCodeObject {
    static let fatBinaryMagic: UInt32 = 0x4849_5046          // "HIPF"
    static let bundleMagic = Array("__CLANG_OFFLOAD_BUNDLE__".utf8)
    static let metadataNoteType: UInt32 = 32

    /// Layouts by kernel name from a fat-binary wrapper (`__hipRegisterFatBinary`'s argument).
    static func kernels(fatBinaryWrapper wrapper: UnsafeRawPointer) -> [String: KernelLayout]? {
        guard wrapper.loadUnaligned(as: UInt32.self) == fatBinaryMagic,
              let binary = UnsafeRawPointer(bitPattern: wrapper.loadUnaligned(fromByteOffset: 8, as: UInt.self))
        else { return nil }
        return kernels(image: binary, size: nil)
    }

    /// Layouts from an offload bundle or a bare ELF code object. `size` bounds the image when
    /// known (hipModuleLoad reads a file); in memory we trust the headers' own sizes, as the
    /// runtime does.
    static func kernels(image: UnsafeRawPointer, size: Int?) -> [String: KernelLayout]? {
        if hasPrefix(image, size: size, bundleMagic) {
            var result: [String: KernelLayout] = [:]
            let count = Int(image.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            guard count > 0, count < 4096 else { return nil }
            var at = 32
            for _ in 0..<count {
                if let size, at + 24 > size { return nil }
                let offset = Int(image.loadUnaligned(fromByteOffset: at, as: UInt64.self))
                let length = Int(image.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
                let tripleLength = Int(image.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self))
                guard tripleLength < 4096 else { return nil }
                let triple = String(decoding: UnsafeRawBufferPointer(start: image + at + 24, count: tripleLength), as: UTF8.self)
                at += 24 + tripleLength
                guard triple.contains("amdgcn"), length > 0 else { continue }
                if let size, offset + length > size { return nil }
                if let found = kernels(elf: image + offset, size: length) {
                    result.merge(found) { first, _ in first }
                }
            }
            return result
        }
        let elfMagic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
        guard hasPrefix(image, size: size, elfMagic) else { return nil }
        return kernels(elf: image, size: size ?? elfSize(image))
    }

    /// The extent of an ELF64 image from its header (section headers normally come last).
    static func elfSize(_ image: UnsafeRawPointer) -> Int {
        let shoff = Int(image.loadUnaligned(fromByteOffset: 0x28, as: UInt64.self))
        let shentsize = Int(image.loadUnaligned(fromByteOffset: 0x3a, as: UInt16.self))
        let shnum = Int(image.loadUnaligned(fromByteOffset: 0x3c, as: UInt16.self))
        let phoff = Int(image.loadUnaligned(fromByteOffset: 0x20, as: UInt64.self))
        let phentsize = Int(image.loadUnaligned(fromByteOffset: 0x36, as: UInt16.self))
        let phnum = Int(image.loadUnaligned(fromByteOffset: 0x38, as: UInt16.self))
        var end = max(shoff + shentsize * shnum, 64)
        for i in 0..<phnum {
            let ph = image + phoff + i * phentsize
            let offset = Int(ph.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let filesz = Int(ph.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
            end = max(end, offset + filesz)
        }
        return end
    }

    private static func hasPrefix(_ p: UnsafeRawPointer, size: Int?, _ magic: [UInt8]) -> Bool {
        if let size, size < magic.count { return false }
        for (i, b) in magic.enumerated() where p.load(fromByteOffset: i, as: UInt8.self) != b { return false }
        return true
    }

    private final class NoteCollector {
        var metadata: [MessagePackValue] = []
    }

    /// Layouts from the metadata note of one ELF code object.
    static func kernels(elf: UnsafeRawPointer, size: Int) -> [String: KernelLayout]? {
        let collector = NoteCollector()
        let ok = reef_elf_for_each_note(elf, size, { note, context in
            guard let note, let context else { return }
            let collector = Unmanaged<NoteCollector>.fromOpaque(context).takeUnretainedValue()
            guard note.pointee.type == HIPCodeObject.metadataNoteType,
                  String(cString: note.pointee.name) == "AMDGPU",
                  let desc = note.pointee.desc else { return }
            if let value = MessagePackReader.decode(UnsafeRawBufferPointer(start: desc, count: note.pointee.descSize)) {
                collector.metadata.append(value)
            }
        }, Unmanaged.passUnretained(collector).toOpaque())
        guard ok != 0 else { return nil }
        var result: [String: KernelLayout] = [:]
        for metadata in collector.metadata {
            for (name, layout) in layouts(metadata: metadata) { result[name] = layout }
        }
        return result
    }

    /// `amdhsa.kernels[]` → name → layout of the explicit arguments.
    static func layouts(metadata: MessagePackValue) -> [(String, KernelLayout)] {
        guard let kernels = metadata["amdhsa.kernels"]?.array else { return [] }
        var out: [(String, KernelLayout)] = []
        for kernel in kernels {
            guard let name = kernel[".name"]?.string else { continue }
            var slots: [ParamSlot] = []
            var valid = true
            for arg in kernel[".args"]?.array ?? [] {
                guard let offset = arg[".offset"]?.int, let size = arg[".size"]?.int,
                      offset >= 0, size >= 0, offset + size <= 1 << 20 else { valid = false; break }
                if let kind = arg[".value_kind"]?.string, kind.hasPrefix("hidden_") { continue }
                slots.append(ParamSlot(offset: UInt32(offset), size: UInt32(size)))
            }
            if valid { out.append((name, KernelLayout(slots))) }
        }
        return out
    }
}
