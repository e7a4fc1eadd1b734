/* The control segment's robust, process-shared lock (pthread attributes Swift cannot set
 * portably), and bounds-checked slot access. */
#include <errno.h>
#include <time.h>
#include "reef_control.h"

int reef_control_init_lock(pthread_mutex_t *m) {
    pthread_mutexattr_t a;
    if (pthread_mutexattr_init(&a) != 0) return -1;
    int r = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (r == 0) r = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (r == 0) r = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return r == 0 ? 0 : -1;
}

/* Bounded: a lock another process corrupted (or holds forever) must not hang the application;
 * after 500 ms the caller gives up and runs without the segment. */
int reef_control_lock(pthread_mutex_t *m) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 500000000L;
    if (until.tv_nsec >= 1000000000L) { until.tv_sec += 1; until.tv_nsec -= 1000000000L; }
    int r = pthread_mutex_timedlock(m, &until);
    if (r == EOWNERDEAD) r = pthread_mutex_consistent(m);
    return r == 0 ? 0 : -1;
}

void reef_control_unlock(pthread_mutex_t *m) { pthread_mutex_unlock(m); }

ReefControlSlot *reef_control_slot(ReefControlSegment *s, uint32_t i) {
    return i < REEF_CONTROL_SLOTS ? &s->slots[i] : 0;
}
