/* dlsym_hook.c — libraries that look the runtime up themselves (cudart's cuGetProcAddress_v2,
 * cuBLAS, cuDNN, Triton's launchers, HIP's Triton launcher) get our wrappers. The caller's handle is
 * kept: we only swap the answer when it names a routed function. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include "reef_shim.h"

REEF_EXPORT void *dlsym(void *handle, const char *name) {
    /* RTLD_NEXT means "after the caller", and glibc finds the caller from the return address:
     * hand the call over with a tail call so glibc sees the caller's address, not ours, and the
     * answer is the caller's to keep (typically another interposer looking for what it wraps). */
    if (handle == RTLD_NEXT) {
        void *(*real)(void *, const char *) = reef_real_dlsym_fn();
        if (real) __attribute__((musttail)) return real(handle, name);
        return NULL;
    }
    void *found = reef_real_dlsym(handle, name);
    if (found == NULL) return found;
    uint32_t api = reef_api_by_name(name);
    if (api == 0) return found;
    void *wrapper = reef_wrapper_fn(api);
    if (found == wrapper) return found; /* the lookup reached our own export */
    reef_real_remember(api, found);
    /* Pass-through mode still hands out wrappers: they forward untouched, and the app keeps
     * working if the core turns on later (it never does today, but wrappers are always safe). */
    return wrapper;
}
