/* runtime_fn.h — resolving a real runtime function by name, once, for the helper calls Reef makes
 * itself (padding, gates): the runtime's own symbol, never Reef's wrapper. */
#ifndef REEF_RUNTIME_FN_H
#define REEF_RUNTIME_FN_H
#include "reef_shim.h"

static inline void *cu_fn(const char *name) {
    void *h = reef_runtime_handle(REEF_RUNTIME_CUDA);
    return h ? reef_real_dlsym(h, name) : NULL;
}
static inline void *hip_fn(const char *name) {
    void *h = reef_runtime_handle(REEF_RUNTIME_HIP);
    return h ? reef_real_dlsym(h, name) : NULL;
}
#define RESOLVE(type, var, lookup, name) static type var; if (!var) var = (type)lookup(name)
#endif
