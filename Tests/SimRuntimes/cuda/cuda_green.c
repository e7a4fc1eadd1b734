/*
 * cuda_green.c — green contexts (CUDA 12.4+): SM resources, their split, resource descriptors,
 * green contexts and green-context streams.
 *
 * Model:
 *   * An SM resource is a CONSECUTIVE range of SMs. The public CUdevResource layout is kept
 *     (144 bytes); the range's first SM index lives in _internal_padding (bytes [0,4): a magic,
 *     [4,8): the first SM), its length is sm.smCount. cuDeviceGetDevResource hands out SMs
 *     [0, SM count).
 *   * cuDevSmResourceSplitByCount cuts the input range into groups of n SMs, n = minCount
 *     rounded up to a multiple of 8 (at least 8: the H100's granularity, whatever the flags):
 *     group i covers [first + i*n, first + (i+1)*n), the remainder the SMs after the last group.
 *   * A descriptor (cuDevResourceGenerateDesc) and a green context hold an SM set (the union of
 *     the resources' ranges). Descriptors are never freed (the API has no destroy call).
 *   * cuGreenCtxStreamCreate creates an ordinary simulated stream, as cuStreamCreateWithPriority
 *     does (so every stream call accepts it), and restricts it to the green context's SMs with
 *     simdev_stream_set_sm_mask: its kernels' blocks are dispatched only to those SMs. Like the
 *     real driver's, such a stream belongs to another context: cuCtxSynchronize does not wait
 *     for it (simdev_context_synchronize); everything else treats it as one of the sim's streams.
 *   * The sim has ONE context: cuCtxFromGreenCtx returns the primary context, and work submitted
 *     through it (rather than through a green-context stream) is not SM-restricted.
 *   * Destroying a green context leaves its streams valid and still restricted (the real driver
 *     detaches them); it does not synchronise.
 *
 * Handles are validated by membership in this file's lists before any dereference; destroyed
 * green contexts stay allocated with their magic cleared, so stale handles read as invalid.
 * Traced (lifetimes the app makes): cuGreenCtxCreate, cuGreenCtxDestroy, cuGreenCtxStreamCreate;
 * SM sets appear as ranges ("sms=0-15"), green contexts as gcN in creation order.
 */
#include "cuda_sim.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GREEN_MAX_SMS 256 /* the core's limit on SIM_SMS */
#define GREEN_MASK_WORDS (GREEN_MAX_SMS / 32)
#define SM_GRANULARITY 8  /* compute capability 9.0: groups of a multiple of 8 SMs, at least 8 */
#define RES_MAGIC 0x534d5231u   /* "SMR1" */
#define DESC_MAGIC 0x44534331u  /* "DSC1" */
#define GREEN_MAGIC 0x47524e31u /* "GRN1" */
#define SPLIT_FLAGS (CU_DEV_SM_RESOURCE_SPLIT_IGNORE_SM_COSCHEDULING | CU_DEV_SM_RESOURCE_SPLIT_MAX_POTENTIAL_CLUSTER_SIZE)

_Static_assert(sizeof(CUdevResource) == 144, "CUdevResource keeps the public 144-byte layout");

typedef struct sm_set {
    uint32_t w[GREEN_MASK_WORDS]; /* bit i of word i/32: SM i, as simdev_stream_set_sm_mask takes */
} sm_set;

struct CUdevResourceDesc_st {
    uint32_t magic;
    sm_set sms;
    struct CUdevResourceDesc_st *next;
};

struct CUgreenCtx_st {
    uint32_t magic; /* 0 once destroyed */
    int ordinal;    /* creation order, from 1 (trace name gcN) */
    sm_set sms;
    struct CUgreenCtx_st *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct CUdevResourceDesc_st *descs;
static struct CUgreenCtx_st *greens;
static int next_green_ordinal = 1;

/* ---- SM resources ---- */
static void res_set(CUdevResource *r, unsigned first, unsigned count) {
    uint32_t magic = RES_MAGIC, f = first;
    memset(r, 0, sizeof *r);
    r->type = CU_DEV_RESOURCE_TYPE_SM;
    memcpy(r->_internal_padding, &magic, sizeof magic);
    memcpy(r->_internal_padding + 4, &f, sizeof f);
    r->sm.smCount = count;
}

/* The SM range [*first, *first + *count) of an SM resource made by this file. Another type is
 * CUDA_ERROR_INVALID_RESOURCE_TYPE; a resource we did not make (or a garbled one) INVALID_VALUE.
 * An empty range (a remainder with no SMs) is valid here. */
static CUresult res_get(const CUdevResource *r, unsigned *first, unsigned *count) {
    if (r->type != CU_DEV_RESOURCE_TYPE_SM) return CUDA_ERROR_INVALID_RESOURCE_TYPE;
    uint32_t magic, f;
    memcpy(&magic, r->_internal_padding, sizeof magic);
    memcpy(&f, r->_internal_padding + 4, sizeof f);
    unsigned nsm = simdev_sm_count();
    if (magic != RES_MAGIC || f > nsm || r->sm.smCount > nsm - f) return CUDA_ERROR_INVALID_VALUE;
    *first = f;
    *count = r->sm.smCount;
    return CUDA_SUCCESS;
}

/* ---- SM sets ---- */
static bool set_has(const sm_set *s, unsigned sm) { return s->w[sm / 32] & (1u << (sm % 32)); }

static bool set_overlaps(const sm_set *s, unsigned first, unsigned count) {
    for (unsigned i = first; i < first + count; i++)
        if (set_has(s, i)) return true;
    return false;
}

static void set_add(sm_set *s, unsigned first, unsigned count) {
    for (unsigned i = first; i < first + count; i++) s->w[i / 32] |= 1u << (i % 32);
}

/* "0-15", "0-7,16-23", "none": the set as ranges (buf of SMS_BUF bytes). */
#define SMS_BUF 1100
static const char *fmt_sms(char *buf, const sm_set *s) {
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < GREEN_MAX_SMS; i++) {
        if (!set_has(s, i)) continue;
        unsigned j = i;
        while (j + 1 < GREEN_MAX_SMS && set_has(s, j + 1)) j++;
        int n = j == i ? snprintf(buf + used, SMS_BUF - used, "%s%u", used ? "," : "", i)
                       : snprintf(buf + used, SMS_BUF - used, "%s%u-%u", used ? "," : "", i, j);
        if (n < 0 || (size_t)n >= SMS_BUF - used) break;
        used += (size_t)n;
        i = j;
    }
    return used ? buf : strcpy(buf, "none");
}

/* ---- handle lookup (call with mu held) ---- */
static struct CUdevResourceDesc_st *desc_find(const void *h) {
    for (struct CUdevResourceDesc_st *d = descs; d; d = d->next)
        if (d == h && d->magic == DESC_MAGIC) return d;
    return NULL;
}

static struct CUgreenCtx_st *green_find(const void *h) {
    for (struct CUgreenCtx_st *g = greens; g; g = g->next)
        if (g == h && g->magic == GREEN_MAGIC) return g;
    return NULL;
}

/* A live green context's SM set and ordinal: CUDA_ERROR_INVALID_CONTEXT when unknown or
 * destroyed, as the driver answers for a bad context handle. */
static CUresult green_get(CUgreenCtx h, sm_set *sms, int *ordinal) {
    pthread_mutex_lock(&mu);
    struct CUgreenCtx_st *g = green_find(h);
    if (g) {
        if (sms) *sms = g->sms;
        if (ordinal) *ordinal = g->ordinal;
    }
    pthread_mutex_unlock(&mu);
    return g ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT;
}

static const char *fmt_green(char *buf, CUgreenCtx h) {
    int ordinal;
    if (!h) return strcpy(buf, "0");
    if (green_get(h, NULL, &ordinal)) return strcpy(buf, "bad");
    snprintf(buf, 32, "gc%d", ordinal);
    return buf;
}

/* ---- resources ---- */
CUresult cuDeviceGetDevResource(CUdevice device, CUdevResource *resource, CUdevResourceType type) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!resource) return CUDA_ERROR_INVALID_VALUE;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    if (type != CU_DEV_RESOURCE_TYPE_SM) return CUDA_ERROR_INVALID_RESOURCE_TYPE;
    res_set(resource, 0, simdev_sm_count());
    return CUDA_SUCCESS;
}

/* result == NULL: only report in *nbGroups how many groups fit. Otherwise *nbGroups is the room
 * in result on entry and the number of groups written on return. A minCount larger than the
 * input, or an input too small for one group, is CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION.
 * input may alias result[0] or remaining (it is read first). */
CUresult cuDevSmResourceSplitByCount(CUdevResource *result, unsigned int *nbGroups, const CUdevResource *input,
                                     CUdevResource *remaining, unsigned int useFlags, unsigned int minCount) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!nbGroups || !input || (useFlags & ~(unsigned)SPLIT_FLAGS)) return CUDA_ERROR_INVALID_VALUE;
    if (result && *nbGroups == 0) return CUDA_ERROR_INVALID_VALUE;
    unsigned first, count;
    if ((r = res_get(input, &first, &count))) return r;
    if (minCount > count) return CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION;
    unsigned n = minCount <= SM_GRANULARITY ? SM_GRANULARITY : (minCount + SM_GRANULARITY - 1) / SM_GRANULARITY * SM_GRANULARITY;
    unsigned fit = count / n;
    if (fit == 0) return CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION;
    unsigned groups = result && *nbGroups < fit ? *nbGroups : fit;
    for (unsigned i = 0; result && i < groups; i++) res_set(&result[i], first + i * n, n);
    if (remaining) res_set(remaining, first + groups * n, count - groups * n);
    *nbGroups = groups;
    return CUDA_SUCCESS;
}

/* The union of nbResources SM resources; each must be non-empty, and they must not overlap. */
CUresult cuDevResourceGenerateDesc(CUdevResourceDesc *phDesc, CUdevResource *resources, unsigned int nbResources) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!phDesc || !resources || nbResources == 0) return CUDA_ERROR_INVALID_VALUE;
    sm_set sms = {{0}};
    for (unsigned i = 0; i < nbResources; i++) {
        unsigned first, count;
        if ((r = res_get(&resources[i], &first, &count))) return r;
        if (count == 0 || set_overlaps(&sms, first, count)) return CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION;
        set_add(&sms, first, count);
    }
    struct CUdevResourceDesc_st *d = calloc(1, sizeof *d);
    if (!d) return CUDA_ERROR_OUT_OF_MEMORY;
    d->magic = DESC_MAGIC;
    d->sms = sms;
    pthread_mutex_lock(&mu);
    d->next = descs;
    descs = d;
    pthread_mutex_unlock(&mu);
    *phDesc = d;
    return CUDA_SUCCESS;
}

/* ---- green contexts ---- */
/* flags: CU_GREEN_CTX_DEFAULT_STREAM (required by CUDA 12.4) or 0 (CU_GREEN_CTX_NONE, newer
 * drivers); the context is not made current, as in the driver. */
CUresult cuGreenCtxCreate(CUgreenCtx *phCtx, CUdevResourceDesc desc, CUdevice dev, unsigned int flags) {
    CUresult r = cu_enter_noctx(__func__);
    struct CUgreenCtx_st *g = NULL;
    if (!r && (!phCtx || !desc || (flags & ~(unsigned)CU_GREEN_CTX_DEFAULT_STREAM))) r = CUDA_ERROR_INVALID_VALUE;
    if (!r && dev != 0) r = CUDA_ERROR_INVALID_DEVICE;
    if (!r && !(g = calloc(1, sizeof *g))) r = CUDA_ERROR_OUT_OF_MEMORY;
    if (!r) {
        pthread_mutex_lock(&mu);
        struct CUdevResourceDesc_st *d = desc_find(desc);
        if (d) {
            g->magic = GREEN_MAGIC;
            g->ordinal = next_green_ordinal++;
            g->sms = d->sms; /* a copy: the descriptor's later fate does not matter */
            g->next = greens;
            greens = g;
        }
        pthread_mutex_unlock(&mu);
        if (!d) {
            free(g);
            g = NULL;
            r = CUDA_ERROR_INVALID_HANDLE;
        }
    }
    if (!r) *phCtx = g;
    if (simdev_tracing()) {
        char sms[SMS_BUF], name[32] = "none";
        if (g) snprintf(name, sizeof name, "gc%d", g->ordinal);
        simdev_trace("%s sms=%s flags=0x%x -> %s r=%d", __func__, g ? fmt_sms(sms, &g->sms) : "none", flags, name, r);
    }
    return r;
}

CUresult cuGreenCtxDestroy(CUgreenCtx hCtx) {
    CUresult r = cu_enter_noctx(__func__);
    char b[32];
    CU_TRACE("%s g=%s", __func__, fmt_green(b, hCtx));
    if (r) return r;
    if (!hCtx) return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&mu);
    struct CUgreenCtx_st *g = green_find(hCtx);
    if (g) g->magic = 0; /* stays allocated and listed: stale handles then fail validation */
    pthread_mutex_unlock(&mu);
    return g ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT;
}

/* Ignores the calling thread's current context, as the driver does; flags must be
 * CU_STREAM_NON_BLOCKING (the driver requires it). The priority is clamped like
 * cuStreamCreateWithPriority's. */
CUresult cuGreenCtxStreamCreate(CUstream *phStream, CUgreenCtx greenCtx, unsigned int flags, int priority) {
    CUresult r = cu_enter_noctx(__func__);
    simdev_status sticky = simdev_sticky_error(); /* cu_enter's check, without the context one */
    if (!r && sticky) r = cu_status(sticky);
    sm_set sms = {{0}}, got = {{0}};
    simdev_stream *s = NULL;
    char gb[32];
    const char *gname = simdev_tracing() ? fmt_green(gb, greenCtx) : "";
    if (!r && (!phStream || !greenCtx || flags != CU_STREAM_NON_BLOCKING)) r = CUDA_ERROR_INVALID_VALUE;
    if (!r) r = green_get(greenCtx, &sms, NULL);
    if (!r) r = cu_status(simdev_stream_create(flags, priority, &s));
    if (!r) {
        r = cu_status(simdev_stream_set_sm_mask(s, sms.w, GREEN_MASK_WORDS));
        if (!r) r = cu_status(simdev_stream_get_sm_mask(s, got.w, GREEN_MASK_WORDS));
        if (!r) r = cu_status(simdev_stream_set_own_context(s)); /* cuCtxSynchronize does not wait for it */
        if (r) {
            simdev_stream_destroy(s);
            s = NULL;
        }
    }
    if (!r) *phStream = (CUstream)s;
    if (simdev_tracing()) {
        char b[32], smsb[SMS_BUF];
        simdev_trace("%s g=%s flags=0x%x prio=%d -> %s sms=%s r=%d", __func__, gname, flags,
                     s ? simdev_stream_priority(s) : priority, s ? simdev_fmt_stream(b, s) : "none",
                     s ? fmt_sms(smsb, &got) : "none", r);
    }
    return r;
}

/* The sim has a single context: every green context maps to the primary context. */
CUresult cuCtxFromGreenCtx(CUcontext *pContext, CUgreenCtx hCtx) {
    CUresult r = cu_enter_noctx(__func__);
    if (r) return r;
    if (!pContext || !hCtx) return CUDA_ERROR_INVALID_VALUE;
    if ((r = green_get(hCtx, NULL, NULL))) return r;
    *pContext = cu_primary_ctx();
    return CUDA_SUCCESS;
}
