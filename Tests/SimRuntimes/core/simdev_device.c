/*
 * simdev_device.c — the device singleton: one-time start-up, the device lock, status names.
 */
#include "simdev_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

device dev = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .work_cv = PTHREAD_COND_INITIALIZER,
    .done_cv = PTHREAD_COND_INITIALIZER,
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("simdev: out of host memory\n", stderr);
        abort();
    }
    return p;
}

void dev_lock(void) { pthread_mutex_lock(&dev.mu); }
void dev_unlock(void) { pthread_mutex_unlock(&dev.mu); }

static void init_device(void) {
    const char *sms = getenv("SIM_SMS");
    long n = sms ? strtol(sms, NULL, 10) : 8;
    dev.nsm = (unsigned)(n < 1 ? 1 : n > SIMDEV_MAX_SMS ? SIMDEV_MAX_SMS : n);
    dev.owner_pid = getpid();
    mem_init();
    streams_init();
    trace_init();
    engine_start();
}

void simdev_init(void) { pthread_once(&init_once, init_device); }

unsigned simdev_sm_count(void) {
    simdev_init();
    return dev.nsm;
}

uint64_t simdev_now_ns(void) {
    simdev_init();
    dev_lock();
    uint64_t t = dev.now;
    dev_unlock();
    return t;
}

simdev_status simdev_sticky_error(void) {
    simdev_init();
    dev_lock();
    simdev_status st = dev.sticky;
    dev_unlock();
    return st;
}

const char *simdev_status_name(simdev_status st) {
    switch (st) {
    case SIMDEV_OK: return "SIMDEV_OK";
    case SIMDEV_ERR_INVALID_VALUE: return "SIMDEV_ERR_INVALID_VALUE";
    case SIMDEV_ERR_OUT_OF_MEMORY: return "SIMDEV_ERR_OUT_OF_MEMORY";
    case SIMDEV_ERR_INVALID_HANDLE: return "SIMDEV_ERR_INVALID_HANDLE";
    case SIMDEV_ERR_NOT_READY: return "SIMDEV_ERR_NOT_READY";
    case SIMDEV_ERR_NOT_FOUND: return "SIMDEV_ERR_NOT_FOUND";
    case SIMDEV_ERR_ILLEGAL_ADDRESS: return "SIMDEV_ERR_ILLEGAL_ADDRESS";
    case SIMDEV_ERR_LAUNCH_OUT_OF_RESOURCES: return "SIMDEV_ERR_LAUNCH_OUT_OF_RESOURCES";
    case SIMDEV_ERR_COOPERATIVE_TOO_LARGE: return "SIMDEV_ERR_COOPERATIVE_TOO_LARGE";
    case SIMDEV_ERR_CAPTURE_UNSUPPORTED: return "SIMDEV_ERR_CAPTURE_UNSUPPORTED";
    case SIMDEV_ERR_CAPTURE_INVALIDATED: return "SIMDEV_ERR_CAPTURE_INVALIDATED";
    case SIMDEV_ERR_CAPTURE_UNMATCHED: return "SIMDEV_ERR_CAPTURE_UNMATCHED";
    case SIMDEV_ERR_CAPTURE_IMPLICIT: return "SIMDEV_ERR_CAPTURE_IMPLICIT";
    case SIMDEV_ERR_CAPTURE_ISOLATION: return "SIMDEV_ERR_CAPTURE_ISOLATION";
    case SIMDEV_ERR_NOT_SUPPORTED: return "SIMDEV_ERR_NOT_SUPPORTED";
    }
    return "SIMDEV_ERR_UNKNOWN";
}
