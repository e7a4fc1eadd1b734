/* elf_notes.c — read the notes of an in-memory ELF image with libelf, loaded on first use so that
 * processes that never register HIP code objects don't need it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <gelf.h>
#include <libelf.h>
#include "reef_shim.h"

static struct {
    int state; /* 0 unresolved, 1 ready, -1 unavailable */
    unsigned (*version)(unsigned);
    Elf *(*memory)(char *, size_t);
    Elf_Scn *(*nextscn)(Elf *, Elf_Scn *);
    GElf_Shdr *(*getshdr)(Elf_Scn *, GElf_Shdr *);
    Elf_Data *(*getdata)(Elf_Scn *, Elf_Data *);
    size_t (*getnote)(Elf_Data *, size_t, GElf_Nhdr *, size_t *, size_t *);
    int (*end)(Elf *);
} elf;

static int load_libelf(void) {
    if (elf.state) return elf.state > 0;
    void *h = dlopen("libelf.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (h) {
        elf.version = (unsigned (*)(unsigned))reef_real_dlsym(h, "elf_version");
        elf.memory = (Elf *(*)(char *, size_t))reef_real_dlsym(h, "elf_memory");
        elf.nextscn = (Elf_Scn *(*)(Elf *, Elf_Scn *))reef_real_dlsym(h, "elf_nextscn");
        elf.getshdr = (GElf_Shdr *(*)(Elf_Scn *, GElf_Shdr *))reef_real_dlsym(h, "gelf_getshdr");
        elf.getdata = (Elf_Data *(*)(Elf_Scn *, Elf_Data *))reef_real_dlsym(h, "elf_getdata");
        elf.getnote = (size_t (*)(Elf_Data *, size_t, GElf_Nhdr *, size_t *, size_t *))reef_real_dlsym(h, "gelf_getnote");
        elf.end = (int (*)(Elf *))reef_real_dlsym(h, "elf_end");
    }
    int ok = h && elf.version && elf.memory && elf.nextscn && elf.getshdr && elf.getdata && elf.getnote && elf.end;
    if (ok) elf.version(EV_CURRENT);
    elf.state = ok ? 1 : -1;
    return ok;
}

int reef_elf_for_each_note(const void *image, size_t size,
                           void (*visit)(const ReefElfNote *note, void *context), void *context) {
    if (!load_libelf() || image == NULL || size == 0) return 0;
    Elf *e = elf.memory((char *)image, size);
    if (e == NULL) return 0;
    for (Elf_Scn *scn = elf.nextscn(e, NULL); scn; scn = elf.nextscn(e, scn)) {
        GElf_Shdr shdr;
        if (!elf.getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE) continue;
        Elf_Data *data = elf.getdata(scn, NULL);
        if (data == NULL) continue;
        size_t offset = 0, name_off, desc_off;
        GElf_Nhdr nhdr;
        while ((offset = elf.getnote(data, offset, &nhdr, &name_off, &desc_off)) > 0) {
            ReefElfNote note = {
                .type = nhdr.n_type,
                .name = nhdr.n_namesz ? (const char *)data->d_buf + name_off : "",
                .desc = (const uint8_t *)data->d_buf + desc_off,
                .descSize = nhdr.n_descsz,
            };
            visit(&note, context);
        }
    }
    elf.end(e);
    return 1;
}
