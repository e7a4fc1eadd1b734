/*
 * hipsim_trace_fmt.c — formatting of HIP-specific trace fields. Pointers always go through
 * simdev_fmt_ptr (arena offsets), so a trace does not depend on where memory got mapped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipsim.h"

const char *hipsim_fmt_dim3(char *buf, dim3 d) {
    snprintf(buf, 48, "%ux%ux%u", d.x, d.y, d.z);
    return buf;
}

char *hipsim_fmt_params(const hipsim_kernel *k, const unsigned char *params) {
    const simdev_kernel *impl = k->impl;
    size_t cap = 1;
    for (unsigned i = 0; i < impl->nparams; ++i) cap += 2 * (size_t)impl->params[i].size + 40;
    char *out = malloc(cap);
    if (out == NULL) return NULL;
    size_t len = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < impl->nparams; ++i) {
        const simdev_kparam *p = &impl->params[i];
        char field[48];
        char *hex = NULL;
        const char *text;
        if (k->param_kinds[i] == 'p' && p->size == sizeof(void *)) {
            void *ptr;
            memcpy(&ptr, params + p->offset, sizeof ptr);
            text = simdev_fmt_ptr(field, ptr);
        } else {
            hex = malloc(2 * (size_t)p->size + 1);
            if (hex == NULL) { free(out); return NULL; }
            text = simdev_fmt_hex(hex, params + p->offset, p->size);
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "", text);
        free(hex);
    }
    return out;
}
