/* reef_runtime.c — library lifecycle, the fail-open switch, and finding the real runtime. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "reef_shim.h"

ReefGlobals reef_globals __attribute__((aligned(64)));
_Static_assert(sizeof(ReefGlobals) <= 64, "ReefGlobals must fit one cache line");
__thread int reef_depth __attribute__((tls_model("initial-exec")));

void reef_write_all(int fd, const void *bytes, size_t size) {
    const char *p = bytes;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        p += n;
        size -= (size_t)n;
    }
}

void reef_c_warn_once(int *flag, const char *what, const char *detail) {
    if (__atomic_exchange_n(flag, 1, __ATOMIC_RELAXED)) return;
    const char *level = getenv("REEF_LOG");
    if (level && strcmp(level, "error") == 0) return;
    char line[512];
    size_t n = 0;
    const char *parts[] = {"reef: warn: ", what, ": ", detail, "\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t len = strlen(parts[i]);
        if (n + len >= sizeof line) len = sizeof line - 1 - n;
        memcpy(line + n, parts[i], len);
        n += len;
    }
    reef_write_all(2, line, n);
}

/* glibc's own dlsym. Ours is exported under the same name, so we must never call `dlsym`. */
typedef void *(*dlsym_fn)(void *, const char *);
static dlsym_fn real_dlsym_fn;

dlsym_fn reef_real_dlsym_fn(void) {
    dlsym_fn fn = __atomic_load_n(&real_dlsym_fn, __ATOMIC_ACQUIRE);
    if (fn == NULL) {
        fn = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
        if (fn == NULL) fn = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
        if (fn != NULL) __atomic_store_n(&real_dlsym_fn, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

void *reef_real_dlsym(void *handle, const char *name) {
    dlsym_fn fn = reef_real_dlsym_fn();
    return fn ? fn(handle, name) : NULL;
}

void *reef_runtime_handle(int runtime) {
    static void *handles[3];
    void *h = __atomic_load_n(&handles[runtime], __ATOMIC_ACQUIRE);
    if (h) return h;
    static const char *const cuda[] = {"libcuda.so.1", "libcuda.so", NULL};
    static const char *const hip[] = {"libamdhip64.so.5", "libamdhip64.so.6", "libamdhip64.so", NULL};
    for (const char *const *name = runtime == REEF_RUNTIME_CUDA ? cuda : hip; *name; name++) {
        h = dlopen(*name, RTLD_LAZY | RTLD_NOLOAD);
        if (h) {
            __atomic_store_n(&handles[runtime], h, __ATOMIC_RELEASE);
            return h;
        }
    }
    return NULL;
}

static void after_fork_child(void) {
    if (__atomic_load_n(&reef_globals.active, __ATOMIC_RELAXED)) reef_core_after_fork_child();
}

static void at_exit(void) {
    if (!__atomic_load_n(&reef_globals.active, __ATOMIC_RELAXED)) return;
    reef_depth++;
    reef_core_exit();
    reef_depth--;
}

__attribute__((constructor)) static void reef_library_init(void) {
    const char *disable = getenv("REEF_DISABLE");
    if (disable && disable[0] && strcmp(disable, "0") != 0) return; /* pure pass-through */
    reef_depth++;
    int ready = reef_core_init();
    reef_depth--;
    if (!ready) return; /* the core said why on stderr */
    pthread_atfork(NULL, NULL, after_fork_child);
    atexit(at_exit);
    __atomic_store_n(&reef_globals.active, 1, __ATOMIC_RELEASE);
}

void reef_set_timer_slack_ns(unsigned long nanoseconds) {
    (void)prctl(PR_SET_TIMERSLACK, nanoseconds, 0, 0, 0);
}
