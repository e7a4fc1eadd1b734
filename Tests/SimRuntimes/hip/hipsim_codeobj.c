/*
 * hipsim_codeobj.c — just enough code-object structure to copy an image handed to
 * hipModuleLoadData (which gets no size) and to check that a module defines a kernel.
 * Two layouts occur: a clang offload bundle (what `hipcc --genco` writes) and a bare
 * amdgcn ELF. The device code itself is never interpreted.
 */
#include <elf.h>
#include <string.h>

#include "hipsim.h"

static const char k_bundle_magic[] = "__CLANG_OFFLOAD_BUNDLE__";
#define BUNDLE_MAGIC_LEN (sizeof k_bundle_magic - 1)

static uint64_t read_u64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Header: magic, entry count, then per entry offset, size, triple length, triple. */
static size_t bundle_size(const unsigned char *image) {
    uint64_t count = read_u64(image + BUNDLE_MAGIC_LEN);
    if (count == 0 || count > 1024) return 0;
    size_t pos = BUNDLE_MAGIC_LEN + 8, end = 0;
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t off = read_u64(image + pos), size = read_u64(image + pos + 8);
        uint64_t triple_len = read_u64(image + pos + 16);
        if (triple_len > 4096) return 0;
        pos += 24 + triple_len;
        if (off + size > end) end = off + size;
    }
    return end > pos ? end : pos;
}

/* The file extent of an ELF64 image: the furthest of its header tables and sections. */
static size_t elf_size(const unsigned char *image) {
    Elf64_Ehdr eh;
    memcpy(&eh, image, sizeof eh);
    if (eh.e_ident[EI_CLASS] != ELFCLASS64) return 0;
    size_t end = sizeof eh;
    if (eh.e_phoff + (size_t)eh.e_phnum * eh.e_phentsize > end)
        end = eh.e_phoff + (size_t)eh.e_phnum * eh.e_phentsize;
    if (eh.e_shoff + (size_t)eh.e_shnum * eh.e_shentsize > end)
        end = eh.e_shoff + (size_t)eh.e_shnum * eh.e_shentsize;
    for (unsigned i = 0; i < eh.e_shnum; ++i) {
        Elf64_Shdr sh;
        memcpy(&sh, image + eh.e_shoff + (size_t)i * eh.e_shentsize, sizeof sh);
        if (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > end)
            end = sh.sh_offset + sh.sh_size;
    }
    return end;
}

size_t hipsim_image_size(const void *image) {
    const unsigned char *bytes = image;
    if (bytes == NULL) return 0;
    if (memcmp(bytes, k_bundle_magic, BUNDLE_MAGIC_LEN) == 0) return bundle_size(bytes);
    if (memcmp(bytes, ELFMAG, SELFMAG) == 0) return elf_size(bytes);
    return 0;
}

int hipsim_image_has_symbol(const void *image, size_t size, const char *name) {
    /* A symbol name sits in a string table as "\0name\0". */
    size_t len = strlen(name);
    const unsigned char *p = image, *end = p + size;
    while (p < end) {
        const unsigned char *hit = memmem(p, (size_t)(end - p), name, len);
        if (hit == NULL) return 0;
        if (hit > (const unsigned char *)image && hit[-1] == '\0' && hit + len < end &&
            hit[len] == '\0')
            return 1;
        p = hit + 1;
    }
    return 0;
}

/* The first amdgcn ELF of a bundle, or the image itself when it is a bare ELF. */
static const unsigned char *device_elf(const unsigned char *image) {
    if (memcmp(image, ELFMAG, SELFMAG) == 0) return image;
    if (memcmp(image, k_bundle_magic, BUNDLE_MAGIC_LEN) != 0) return NULL;
    uint64_t count = read_u64(image + BUNDLE_MAGIC_LEN);
    size_t pos = BUNDLE_MAGIC_LEN + 8;
    for (uint64_t i = 0; i < count && i < 1024; ++i) {
        uint64_t off = read_u64(image + pos), triple_len = read_u64(image + pos + 16);
        const char *triple = (const char *)image + pos + 24;
        if (triple_len > 4096) return NULL;
        pos += 24 + triple_len;
        if (memmem(triple, triple_len, "amdgcn", 6) != NULL &&
            memcmp(image + off, ELFMAG, SELFMAG) == 0)
            return image + off;
    }
    return NULL;
}

int hipsim_image_var_init(const void *image, const char *name, void *out, size_t size) {
    const unsigned char *elf = image ? device_elf(image) : NULL;
    if (elf == NULL) return 0;
    Elf64_Ehdr eh;
    memcpy(&eh, elf, sizeof eh);
    for (unsigned i = 0; i < eh.e_shnum; ++i) {
        Elf64_Shdr symtab, strtab;
        memcpy(&symtab, elf + eh.e_shoff + (size_t)i * eh.e_shentsize, sizeof symtab);
        if (symtab.sh_type != SHT_SYMTAB || symtab.sh_link >= eh.e_shnum) continue;
        memcpy(&strtab, elf + eh.e_shoff + (size_t)symtab.sh_link * eh.e_shentsize,
               sizeof strtab);
        for (size_t at = 0; at + sizeof(Elf64_Sym) <= symtab.sh_size; at += sizeof(Elf64_Sym)) {
            Elf64_Sym sym;
            memcpy(&sym, elf + symtab.sh_offset + at, sizeof sym);
            if (sym.st_name >= strtab.sh_size ||
                strcmp((const char *)elf + strtab.sh_offset + sym.st_name, name) != 0 ||
                sym.st_shndx == SHN_UNDEF || sym.st_shndx >= eh.e_shnum)
                continue;
            Elf64_Shdr data;
            memcpy(&data, elf + eh.e_shoff + (size_t)sym.st_shndx * eh.e_shentsize, sizeof data);
            size_t n = sym.st_size < size ? sym.st_size : size;
            if (data.sh_type == SHT_NOBITS)
                memset(out, 0, n); /* .bss: zero-initialised */
            else
                memcpy(out, elf + data.sh_offset + (sym.st_value - data.sh_addr), n);
            return 1;
        }
    }
    return 0;
}
