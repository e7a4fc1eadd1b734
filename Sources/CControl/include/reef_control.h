/* reef_control.h — the shared-memory control segment every preloaded process of a user and GPU
 * attaches to, and `reefctl` reads and writes. A fixed, versioned layout: change it only with a
 * new REEF_CONTROL_VERSION. Fields other processes change are read with atomics and bounds-checked
 * by the reader; nothing read from the segment is trusted. */
#ifndef REEF_CONTROL_H
#define REEF_CONTROL_H

#include <pthread.h>
#include <stdint.h>

#define REEF_CONTROL_MAGIC 0x4c544e4346454552ull /* "REEFCNTL" little-endian */
#define REEF_CONTROL_VERSION 4u
#define REEF_CONTROL_SLOTS 64u
#define REEF_CONTROL_COMMAND_BYTES 112u
#define REEF_CONTROL_LATENCY_BUCKETS 32u  /* bucket b: real-time requests of [2^b, 2^(b+1)) us */
#define REEF_CONTROL_STREAM_OVERRIDES 8u
/* A stream override's key: a stream handle, or REEF_CONTROL_ORDINAL | N for the Nth stream the
 * process created (as REEF_RT_STREAMS writes #N); the legacy stream is handle 0 | LEGACY. */
#define REEF_CONTROL_ORDINAL (1ull << 63)
#define REEF_CONTROL_LEGACY (1ull << 62)

/* policy_padding as stored (0 = not set: each process keeps REEF_PADDING). */
#define REEF_CONTROL_PADDING_UNSET 0u
#define REEF_CONTROL_PADDING_ON 1u
#define REEF_CONTROL_PADDING_OFF 2u

/* Classes as stored (0 = not set). */
#define REEF_CONTROL_CLASS_UNSET 0u
#define REEF_CONTROL_CLASS_BE 1u
#define REEF_CONTROL_CLASS_RT 2u

/* One attached process. `pid` is claimed last (under the lock) and cleared on exit or reclaim;
 * `start_ticks` (field 22 of /proc/<pid>/stat) tells a reused pid from the process that wrote. */
typedef struct {
    uint64_t pid;
    uint64_t start_ticks;
    uint32_t process_class;      /* the class it runs with (REEF_CONTROL_CLASS_*) */
    uint32_t class_override;     /* written by reefctl set; REEF_CONTROL_CLASS_UNSET = none */
    char command[REEF_CONTROL_COMMAND_BYTES];
    /* Published by the process (atomics): real-time commands begun, the number of them the host
     * has waited for, and the time (CLOCK_MONOTONIC ns) of the last one. */
    uint64_t rt_begun;
    uint64_t rt_waited_for;
    uint64_t rt_last_command_ns;
    /* Counters for reefctl status. */
    uint64_t launches;
    uint64_t held;
    uint64_t released;
    uint64_t preemptions;
    uint64_t streams;            /* streams the process's scheduler knows */
    uint64_t in_flight;          /* best-effort commands released and not known complete */
    /* Real-time request latency, first command to the host's wait returning, log2 buckets. */
    uint64_t rt_latency_us_log2[REEF_CONTROL_LATENCY_BUCKETS];
    /* Per-stream classes written by reefctl set <pid>:<stream>: key (0 = free entry) and class;
     * overrides_epoch changes on every write so the process notices. */
    uint64_t override_keys[REEF_CONTROL_STREAM_OVERRIDES];
    uint64_t override_classes[REEF_CONTROL_STREAM_OVERRIDES];
    uint64_t overrides_epoch;
    /* Kernel padding: best-effort kernels run beside real-time work, and how many of those
     * (timed) ran longer than predicted. */
    uint64_t padded;
    uint64_t padded_mispredicted;
    /* The last time (CLOCK_MONOTONIC ns) its dispatcher saw real-time work still incomplete on
     * the device: a request the GPU has not finished counts as active however long ago its last
     * command was. 0 = never (and what a process that predates this field leaves: it was
     * reserved, zeroed, in the same version 4 layout). */
    uint64_t rt_incomplete_ns;
    uint64_t reserved[1];
} ReefControlSlot;

typedef struct {
    uint64_t magic;              /* written last by the creator */
    uint32_t version;
    uint32_t slot_count;
    uint64_t segment_size;
    uint64_t header_checksum;    /* FNV-1a of version, slot_count, segment_size */
    /* Policy (0 = unset: each process keeps its environment's value). */
    uint64_t policy_window;
    uint64_t policy_linger_us;
    uint64_t policy_padding;     /* REEF_CONTROL_PADDING_* */
    uint64_t policy_pad_slack_us;
    uint64_t reserved[6];
    pthread_mutex_t lock;        /* robust, process-shared: slot claims and reclaims only */
    char lock_pad[64 - sizeof(pthread_mutex_t) % 64];
    ReefControlSlot slots[REEF_CONTROL_SLOTS];
} ReefControlSegment;

static inline uint64_t reef_control_checksum(uint32_t version, uint32_t slot_count, uint64_t segment_size) {
    uint64_t h = 1469598103934665603ull;
    uint64_t v[3] = {version, slot_count, segment_size};
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 8; b++) { h ^= (v[i] >> (8 * b)) & 0xff; h *= 1099511628211ull; }
    return h;
}

static inline uint64_t reef_control_load(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void reef_control_store(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void reef_control_add(uint64_t *p, uint64_t v) { __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
static inline uint32_t reef_control_load32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void reef_control_store32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

/* Robust process-shared mutex. lock returns 0, or -1 on an error it cannot recover or after
 * 500 ms; a previous owner that died holding it is recovered (the slots it guards are rechecked
 * by the caller). */
int reef_control_init_lock(pthread_mutex_t *m);
int reef_control_lock(pthread_mutex_t *m);
void reef_control_unlock(pthread_mutex_t *m);
/* Slot pointer by index, or NULL out of range. */
ReefControlSlot *reef_control_slot(ReefControlSegment *s, uint32_t i);

#endif
