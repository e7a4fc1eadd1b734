/*
 * simdev_trace.c — SIM_TRACE (one line per traced call, written whole with one write(2) so lines
 * from several threads never interleave and nothing is left in a buffer a fork could duplicate)
 * and SIM_STATS (JSON counters written at exit by the process that started the device).
 */
#include "simdev_internal.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int trace_fd = -1;
static char *stats_path;

typedef struct call_count {
    const char *name;
    uint64_t count;
} call_count;

static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static call_count *calls;
static unsigned ncalls, cap_calls;
static uint64_t launches, graph_launches;

/* Copy of path with every "%p" replaced by the pid. */
static char *expand_path(const char *path) {
    char pid[24];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    size_t n = strlen(path) + 1;
    for (const char *p = strstr(path, "%p"); p; p = strstr(p + 2, "%p")) n += strlen(pid);
    char *out = xcalloc(1, n), *w = out;
    for (const char *p = path; *p;) {
        if (p[0] == '%' && p[1] == 'p') {
            w += sprintf(w, "%s", pid);
            p += 2;
        } else {
            *w++ = *p++;
        }
    }
    return out;
}

static void write_stats_at_exit(void) { simdev_stats_flush(); }

void trace_init(void) {
    const char *t = getenv("SIM_TRACE");
    if (t && *t) {
        char *path = expand_path(t);
        trace_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
        free(path);
    }
    const char *s = getenv("SIM_STATS");
    if (s && *s) {
        stats_path = expand_path(s);
        atexit(write_stats_at_exit);
    }
}

int simdev_tracing(void) {
    simdev_init();
    return trace_fd >= 0;
}

void simdev_trace(const char *fmt, ...) {
    simdev_init();
    if (trace_fd < 0) return;
    char small[1024], *buf = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof small - 1) {
        buf = xcalloc(1, (size_t)n + 2);
        va_start(ap, fmt);
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    buf[n] = '\n';
    ssize_t w = write(trace_fd, buf, (size_t)n + 1);
    (void)w;
    if (buf != small) free(buf);
}

const char *simdev_fmt_ptr(char *buf, const void *p) {
    if (!p) return strcpy(buf, "0");
    switch (simdev_mem_kind_of(p)) {
    case SIMDEV_MEM_DEVICE: snprintf(buf, 32, "d+0x%llx", (unsigned long long)simdev_arena_offset(p)); break;
    case SIMDEV_MEM_PINNED: snprintf(buf, 32, "p+0x%llx", (unsigned long long)simdev_arena_offset(p)); break;
    default: strcpy(buf, "h"); break;
    }
    return buf;
}

const char *simdev_fmt_stream(char *buf, const simdev_stream *s) {
    if (!s) return strcpy(buf, "none");
    snprintf(buf, 32, "%s%d", s->kind == STREAM_PER_THREAD ? "pt" : "s", s->ordinal);
    return buf;
}

const char *simdev_fmt_event(char *buf, const simdev_event *e) {
    if (!e) return strcpy(buf, "none");
    snprintf(buf, 32, "e%d", e->ordinal);
    return buf;
}

const char *simdev_fmt_hex(char *buf, const void *bytes, size_t n) {
    static const char digits[] = "0123456789abcdef";
    const unsigned char *b = bytes;
    for (size_t i = 0; i < n; i++) {
        buf[2 * i] = digits[b[i] >> 4];
        buf[2 * i + 1] = digits[b[i] & 15];
    }
    buf[2 * n] = '\0';
    return buf;
}

uint64_t simdev_fnv1a(const void *bytes, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    const unsigned char *b = bytes;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* ---- stats ------------------------------------------------------------------------------------ */
void simdev_stats_call(const char *exported_name) {
    simdev_init(); /* so that the exit-time writer is registered */
    pthread_mutex_lock(&stats_mu);
    unsigned i = 0;
    for (; i < ncalls; i++) /* names are literals: pointer equality is the fast path */
        if (calls[i].name == exported_name || strcmp(calls[i].name, exported_name) == 0) break;
    if (i == ncalls) {
        if (ncalls == cap_calls) {
            cap_calls = cap_calls ? cap_calls * 2 : 64;
            call_count *grown = realloc(calls, cap_calls * sizeof *grown);
            if (!grown) abort();
            calls = grown;
        }
        calls[ncalls++] = (call_count){exported_name, 0};
    }
    calls[i].count++;
    pthread_mutex_unlock(&stats_mu);
}

void simdev_stats_launch(void) { __atomic_fetch_add(&launches, 1, __ATOMIC_RELAXED); }
void simdev_stats_graph_launch(void) { __atomic_fetch_add(&graph_launches, 1, __ATOMIC_RELAXED); }

static int by_name(const void *a, const void *b) {
    return strcmp(((const call_count *)a)->name, ((const call_count *)b)->name);
}

void simdev_stats_flush(void) {
    if (!stats_path || getpid() != dev.owner_pid) return; /* a forked child owns no stats */
    pthread_mutex_lock(&stats_mu);
    call_count *sorted = xcalloc(ncalls, sizeof *sorted);
    if (ncalls) memcpy(sorted, calls, ncalls * sizeof *sorted);
    unsigned n = ncalls;
    pthread_mutex_unlock(&stats_mu);
    qsort(sorted, n, sizeof *sorted, by_name);
    FILE *f = fopen(stats_path, "w");
    if (f) {
        fprintf(f, "{\"launches\": %llu, \"graph_launches\": %llu, \"calls\": {",
                (unsigned long long)__atomic_load_n(&launches, __ATOMIC_RELAXED),
                (unsigned long long)__atomic_load_n(&graph_launches, __ATOMIC_RELAXED));
        for (unsigned i = 0; i < n; i++)
            fprintf(f, "%s\"%s\": %llu", i ? ", " : "", sorted[i].name, (unsigned long long)sorted[i].count);
        fputs("}}\n", f);
        fclose(f);
    }
    free(sorted);
}
