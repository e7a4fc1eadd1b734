#if canImport(Glibc)
import Glibc
#endif

/// A plain pthread mutex for cold paths (registration, reports). Swift's `Mutex` caches the
/// thread id and breaks in forked children; this one is re-initialised in the child instead.
final class PThreadLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// In a fork child: the parent's holder no longer exists there.
    func reinitialiseAfterFork() { pthread_mutex_init(mutex, nil) }
}
