/*
 * simdev_internal.h — state shared by the core's .c files (not for front ends).
 *
 * Locking: one device mutex (dev.mu) guards streams, events, graphs, ops and the engine. The
 * memory allocator has its own mutex (taken inside dev.mu, never the other way round), so kernel
 * bodies running on the worker can validate pointers.
 */
#ifndef SIMDEV_INTERNAL_H
#define SIMDEV_INTERNAL_H

#include "simdev.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

#define SIMDEV_MAX_SMS 256
#define SIMDEV_MASK_WORDS (SIMDEV_MAX_SMS / 32)

/* ---- ops ----------------------------------------------------------------------------------- */
typedef enum op_type {
    OP_KERNEL,
    OP_COPY,    /* 2D form; 1D copies have height 1 */
    OP_SET,     /* 2D form; 1D sets have height 1 */
    OP_HOSTFN,
    OP_RECORD,  /* event record */
    OP_MEMOPS,  /* wait/write value, batches */
    OP_FREE,    /* stream-ordered free */
    OP_NOP,     /* carries dependencies only (stream wait event, stream-ordered alloc) */
    OP_GRAPH,   /* expands into its nodes when it reaches the stream head */
} op_type;

typedef struct dep {
    simdev_stream *stream;
    uint64_t seq; /* satisfied when stream->done_seq >= seq */
} dep;

typedef struct op {
    struct op *next;
    op_type type;
    simdev_stream *stream;
    uint64_t seq;      /* stream position completed by this op; 0 = none (inner graph node) */
    dep *deps;
    unsigned ndeps;
    bool started;
    union {
        struct {
            const simdev_kernel *k;
            simdev_dim3 grid, block;
            unsigned shmem;
            bool has_prio;
            int prio;
            unsigned char *params;
            uint64_t nblocks, dispatched, finished;
            uint64_t order; /* activation order: FIFO among equal priorities */
            const void *tag[2]; /* front-end data from simdev_launch_opts (node queries) */
            void **param_ptrs;  /* graph nodes: per-parameter pointers into params, built on query */
        } kernel;
        struct {
            void *dst;
            const void *src; /* as given; read at execution when there is no staging copy */
            size_t dpitch, spitch, width, height;
            void *staging;   /* owned snapshot of a pageable source (rows packed), or NULL */
        } copy;
        struct {
            void *dst;
            size_t pitch, width, height; /* width in elements */
            uint32_t value;
            unsigned elem;
        } set;
        struct {
            simdev_host_fn fn;
            unsigned char closure[SIMDEV_CLOSURE_MAX];
        } host;
        struct {
            simdev_event *event;
            uint64_t generation; /* which record of the event this is */
        } record;
        struct {
            simdev_memop *ops;
            unsigned count, next;
        } memops;
        struct {
            void *ptr;
        } free;
        struct {
            simdev_graph_exec *exec;
        } graph;
    } u;
} op;

/* ---- handles ------------------------------------------------------------------------------- */
typedef enum stream_kind { STREAM_NORMAL, STREAM_LEGACY, STREAM_PER_THREAD } stream_kind;

struct simdev_stream {
    int ordinal;
    stream_kind kind;
    unsigned flags;
    int priority;
    bool destroyed;
    uint32_t sm_mask[SIMDEV_MASK_WORDS];
    bool own_context;  /* a green context's stream: a context synchronize skips it */
    op *head, *tail;
    uint64_t enq_seq;  /* seq of the last op queued */
    uint64_t done_seq; /* seq of the last op completed */
    simdev_status error;
    /* capture */
    simdev_graph *cap_graph;
    int cap_mode, cap_status;
    bool cap_origin;
    uint64_t cap_id;
};

struct simdev_event {
    int ordinal;
    unsigned flags;
    bool destroyed;
    unsigned refs;       /* pending record ops */
    simdev_stream *rec_stream;
    uint64_t rec_seq;
    uint64_t generation; /* bumped by every record */
    bool timed;          /* the latest record completed and stamped time_ns */
    uint64_t time_ns;
    uint64_t cap_id;     /* nonzero: latest record was made in this capture */
    simdev_graph *cap_graph;
};

struct simdev_graph {
    int ordinal;
    op *nodes, *nodes_tail;
    unsigned count;
};

struct simdev_graph_exec {
    int ordinal;
    bool destroyed;
    unsigned refs; /* pending launches */
    op *nodes;
    unsigned count;
};

/* ---- the device ---------------------------------------------------------------------------- */
typedef struct completion {
    uint64_t t;
    uint64_t order; /* tie-break: insertion order */
    op *o;
    int sm; /* SM index for a block completion, -1 for copies/sets */
} completion;

typedef struct device {
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* the worker waits here for new work */
    pthread_cond_t done_cv; /* host threads wait here for completions */
    uint64_t now;           /* simulated ns */
    unsigned nsm;
    op *sm_busy[SIMDEV_MAX_SMS];
    uint64_t copy_engine_free[3]; /* H2D, D2H, on-device */
    /* streams, sorted by (priority, ordinal): the order ready heads are started in */
    simdev_stream **streams;
    unsigned nstreams, cap_streams;
    int next_stream_ordinal, next_event_ordinal, next_graph_ordinal, next_exec_ordinal;
    uint64_t next_capture_id;
    simdev_stream *legacy;
    /* kernels that have blocks left to dispatch */
    op **active;
    unsigned nactive, cap_active;
    uint64_t next_kernel_order;
    /* pending completions (binary min-heap on (t, order)) */
    completion *heap;
    unsigned nheap, cap_heap;
    uint64_t next_completion_order;
    bool wait_blocked; /* a wait-value op could not start: poll while idle */
    simdev_status sticky;
    pthread_t worker;
    pid_t owner_pid;
} device;

extern device dev;

/* ---- cross-file helpers (all called with dev.mu held unless named *_unlocked) -------------- */
void *xcalloc(size_t n, size_t size);           /* aborts on OOM: the simulator has no recovery */
void dev_lock(void);
void dev_unlock(void);

/* memory (simdev_memory.c) */
void mem_init(void);

/* handles (simdev_handles.c): registries of live handles, for validation */
void handles_add(const void *h);
void handles_remove(const void *h);
bool handles_contains(const void *h);
/* graphs, and graph nodes (the ops of a simdev_graph): registries apart from the handles above */
void graph_handles_add(const void *h);
void graph_handles_remove(const void *h);
bool graph_handles_contains(const void *h);
void node_handles_add(const void *h);
void node_handles_remove(const void *h);
bool node_handles_contains(const void *h);

/* streams (simdev_streams.c) */
void streams_init(void);
bool stream_is_blocking(const simdev_stream *s);
bool stream_usable(const simdev_stream *s); /* valid handle, not destroyed */
void stream_retire_if_drained(simdev_stream *s);

/* enqueue (simdev_enqueue.c) */
op *op_new(op_type type);
void op_free(op *o);
op *op_clone(const op *o);
/* Takes dev.mu. Validates the stream and capture state, then either appends o to the stream's
 * capture graph (*seq = 0) or queues it with its implicit legacy-stream dependencies (*seq = its
 * stream position). Frees o on error. seq may be NULL. */
simdev_status enqueue(simdev_stream *s, op *o, uint64_t *seq);
simdev_status enqueue_locked(simdev_stream *s, op *o, uint64_t *seq); /* dev.mu held */
void op_add_dep(op *o, simdev_stream *s, uint64_t seq);
void capture_invalidate(simdev_stream *s);

/* engine (simdev_engine.c) */
void engine_start(void);
void engine_kick(void); /* new work queued */
simdev_status wait_deps_locked(dep *deps, unsigned n); /* blocks on done_cv */

/* graphs (simdev_graph.c) */
void graph_append(simdev_graph *g, op *o);
/* Replace the OP_GRAPH op at the head of its stream by clones of its nodes (the last one carries
 * the graph op's seq) and free it; false, touching nothing, when the graph has no nodes. */
bool graph_expand_head(op *graph_op);

/* trace / stats (simdev_trace.c) */
void trace_init(void);

#pragma GCC visibility pop

#endif /* SIMDEV_INTERNAL_H */
