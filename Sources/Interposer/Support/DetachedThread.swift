#if canImport(Glibc)
import Glibc
#endif

/// Carries a thread's body through pthread_create's one pointer.
private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs `body` on a new detached pthread (the dispatcher, the gate's watchdog). Returns
/// pthread_create's result: 0 when the thread started.
func startDetachedThread(_ body: @escaping () -> Void) -> Int32 {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let r = pthread_create(&thread, nil, { arg in
        Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue().run()
        return nil
    }, context)
    if r == 0 {
        pthread_detach(thread)
    } else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
    }
    return r
}
