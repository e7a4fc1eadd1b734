#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with one condition variable, for cold paths (registration, the scheduler) and
/// the dispatcher's sleep. Plain pthreads, re-initialised in a fork child: Swift's `Mutex` caches the
/// thread id and breaks in forked children.
final class LockedCondition: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        cond = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits (lock held) until signalled or `microseconds` pass.
    func wait(microseconds: Int) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var nanos = Int(now.tv_nsec) + (microseconds % 1_000_000) * 1000
        var deadline = timespec(tv_sec: now.tv_sec + microseconds / 1_000_000 + nanos / 1_000_000_000, tv_nsec: 0)
        nanos %= 1_000_000_000
        deadline.tv_nsec = nanos
        pthread_cond_timedwait(cond, mutex, &deadline)
    }

    func broadcast() { pthread_cond_broadcast(cond) }

    func reinitialiseAfterFork() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }
}

/// Monotonic time in nanoseconds.
func monotonicNanos() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}
