"""Reads AMDGPU kernel metadata out of hipcc build products, with the standard library only.

A host executable keeps its device code in the `.hip_fatbin` section as one or more clang
offload bundles; `hipcc --genco` writes a bare bundle. Each bundle holds an amdgcn ELF code
object whose NT_AMDGPU_METADATA note is a msgpack map describing every kernel's arguments.
The Reef shim relies on that metadata for argument capture, so the e2e tests check it
against the layouts the simulator assumes.
"""
import struct

BUNDLE_MAGIC = b"__CLANG_OFFLOAD_BUNDLE__"
NT_AMDGPU_METADATA = 32
HIP_FATBIN_WRAPPER_MAGIC = 0x48495046  # "HIPF", first word of __hip_fatbin_wrapper


def elf_sections(blob):
    """Returns {name: bytes} for every section of a little-endian ELF64 image."""
    if blob[:4] != b"\x7fELF" or blob[4] != 2:
        raise ValueError("not an ELF64 image")
    shoff, = struct.unpack_from("<Q", blob, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", blob, 0x3A)
    headers = []
    for i in range(shnum):
        name, stype, _flags, _addr, off, size = struct.unpack_from(
            "<IIQQQQ", blob, shoff + i * shentsize)
        headers.append((name, stype, off, size))
    str_off, str_size = headers[shstrndx][2], headers[shstrndx][3]
    strtab = blob[str_off:str_off + str_size]
    sections = {}
    for name, stype, off, size in headers:
        label = strtab[name:strtab.index(b"\0", name)].decode()
        # SHT_NOBITS (8) has no file contents.
        sections[label] = b"" if stype == 8 else blob[off:off + size]
    return sections


def bundle_entries(blob, start=0):
    """Returns [(triple, bytes)] for the offload bundle that begins at `start`."""
    if blob[start:start + len(BUNDLE_MAGIC)] != BUNDLE_MAGIC:
        raise ValueError("no offload bundle at offset %d" % start)
    pos = start + len(BUNDLE_MAGIC)
    count, = struct.unpack_from("<Q", blob, pos)
    pos += 8
    entries = []
    for _ in range(count):
        off, size, tlen = struct.unpack_from("<QQQ", blob, pos)
        pos += 24
        triple = blob[pos:pos + tlen].decode()
        pos += tlen
        entries.append((triple, blob[start + off:start + off + size]))
    return entries


def all_bundles(blob):
    """Every offload bundle in a section (one per translation unit)."""
    found, pos = [], blob.find(BUNDLE_MAGIC)
    while pos >= 0:
        found.extend(bundle_entries(blob, pos))
        pos = blob.find(BUNDLE_MAGIC, pos + 1)
    return found


def _msgpack(data, pos):
    """Decodes one msgpack value at pos; returns (value, next_pos)."""
    b = data[pos]
    pos += 1
    if b <= 0x7F:
        return b, pos
    if b >= 0xE0:
        return b - 0x100, pos
    if 0x80 <= b <= 0x8F:
        return _msgpack_map(data, pos, b & 0x0F)
    if 0x90 <= b <= 0x9F:
        return _msgpack_array(data, pos, b & 0x0F)
    if 0xA0 <= b <= 0xBF:
        n = b & 0x1F
        return data[pos:pos + n].decode(), pos + n
    fixed = {0xC0: None, 0xC2: False, 0xC3: True}
    if b in fixed:
        return fixed[b], pos
    scalars = {0xCA: ">f", 0xCB: ">d", 0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
               0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q"}
    if b in scalars:
        fmt = scalars[b]
        return struct.unpack_from(fmt, data, pos)[0], pos + struct.calcsize(fmt)
    lengths = {0xD9: ">B", 0xDA: ">H", 0xDB: ">I", 0xC4: ">B", 0xC5: ">H", 0xC6: ">I"}
    if b in lengths:
        fmt = lengths[b]
        n, = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        raw = data[pos:pos + n]
        return (raw.decode() if b >= 0xD9 else raw), pos + n
    if b in (0xDC, 0xDD, 0xDE, 0xDF):
        fmt = ">H" if b in (0xDC, 0xDE) else ">I"
        n, = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return (_msgpack_array if b in (0xDC, 0xDD) else _msgpack_map)(data, pos, n)
    raise ValueError("unsupported msgpack byte 0x%02x" % b)


def _msgpack_array(data, pos, n):
    items = []
    for _ in range(n):
        value, pos = _msgpack(data, pos)
        items.append(value)
    return items, pos


def _msgpack_map(data, pos, n):
    items = {}
    for _ in range(n):
        key, pos = _msgpack(data, pos)
        items[key], pos = _msgpack(data, pos)
    return items, pos


def amdgpu_metadata(code_object):
    """The decoded NT_AMDGPU_METADATA map of an amdgcn ELF code object."""
    for name, body in elf_sections(code_object).items():
        if not name.startswith(".note"):
            continue
        pos = 0
        while pos + 12 <= len(body):
            namesz, descsz, ntype = struct.unpack_from("<III", body, pos)
            pos += 12
            owner = body[pos:pos + namesz].rstrip(b"\0")
            pos += (namesz + 3) & ~3
            desc = body[pos:pos + descsz]
            pos += (descsz + 3) & ~3
            if owner == b"AMDGPU" and ntype == NT_AMDGPU_METADATA:
                return _msgpack(desc, 0)[0]
    raise ValueError("code object has no AMDGPU metadata note")


def kernel_layouts(bundles, arch="gfx90a"):
    """{kernel name: [(offset, size, value_kind)...]} over all code objects for `arch`,
    leaving out the hidden arguments the compiler appends."""
    layouts = {}
    for triple, body in bundles:
        if not triple.startswith("hip") or not triple.endswith(arch):
            continue
        for kernel in amdgpu_metadata(body).get("amdhsa.kernels", []):
            args = [(a[".offset"], a[".size"], a[".value_kind"]) for a in kernel.get(".args", [])
                    if not a[".value_kind"].startswith("hidden_")]
            layouts[kernel[".name"]] = args
    return layouts


def executable_layouts(path, arch="gfx90a"):
    """Kernel layouts embedded in a hipcc-linked executable."""
    with open(path, "rb") as f:
        sections = elf_sections(f.read())
    wrapper = sections.get(".hipFatBinSegment", b"")
    if len(wrapper) < 8 or struct.unpack_from("<I", wrapper, 0)[0] != HIP_FATBIN_WRAPPER_MAGIC:
        raise ValueError("%s: no __hip_fatbin_wrapper" % path)
    return kernel_layouts(all_bundles(sections[".hip_fatbin"]), arch)


def module_layouts(path, arch="gfx90a"):
    """Kernel layouts of a `hipcc --genco` code object file."""
    with open(path, "rb") as f:
        return kernel_layouts(bundle_entries(f.read()), arch)
