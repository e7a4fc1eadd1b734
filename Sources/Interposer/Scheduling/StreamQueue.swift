/// One application stream as the scheduler sees it: its class, whether its commands are held,
/// the held commands in submission order, and the markers of released commands still running.
final class StreamQueue {
    let handle: UInt64
    /// The class the policy gave it; `schedulingClass` is the one in effect (reefctl set may
    /// override the whole process's).
    let baseClass: SchedulingClass
    var schedulingClass: SchedulingClass
    /// Its creation number in this process (REEF_RT_STREAMS and reefctl's #N), if Reef saw it.
    var ordinal: Int?
    /// Blocking streams synchronise with the legacy default stream.
    let blocking: Bool
    /// Held streams: best-effort streams Reef can release from another thread (not per-thread
    /// default streams, not while capturing).
    var holdable: Bool
    var held: [HeldCommand] = []
    var headIndex = 0
    /// Markers recorded after batches of released commands, oldest first, and how many commands
    /// each covers (a marker per command would add a device operation after every kernel).
    var inFlight: [UInt64] = []
    var inFlightCovers: [Int] = []
    /// Released commands not known to be complete: the window counts these.
    var inFlightCommands = 0
    /// With an in-flight time budget: each marker's commands' predicted device time, and the sum.
    var inFlightPredicted: [UInt64] = []
    var inFlightPredictedNanos: UInt64 = 0
    /// Release gates: predicted device time of kernels released since the last gate.
    var ungatedNanos: UInt64 = 0
    /// A thread is issuing this queue's head: nobody else may issue from it meanwhile.
    var releasing = false
    /// The sequence number of the command being issued, while `releasing`.
    var issuingSequence: UInt64 = 0
    /// First error a released command returned; reported at the next sync on this stream.
    var deferredError: Int32 = 0
    var capturing = false
    /// In the scheduler's active list (it has or had held work since the dispatcher last looked).
    var isActive = false
    /// The lowest sequence a thread waits to see released from this queue (.max: none).
    var wakeAt: UInt64 = .max
    /// Since when a host thread has waited for this queue's held work with no ordinary release
    /// from it (0: nobody waits).
    var waitingSince: UInt64 = 0

    init(handle: UInt64, schedulingClass: SchedulingClass, blocking: Bool, holdable: Bool) {
        self.handle = handle
        self.baseClass = schedulingClass
        self.schedulingClass = schedulingClass
        self.blocking = blocking
        self.holdable = holdable
    }

    /// A host thread waits for this queue's held work and it saw no ordinary release for longer
    /// than `limit`: real-time work has kept it from the device (priority inheritance is due).
    /// Work that goes whenever real-time work is idle is slow, not starved.
    func starvedWait(now: UInt64, limit: UInt64) -> Bool {
        waitingSince != 0 && heldCount > 0 && now &- waitingSince > limit
    }

    /// An ordinary (not inherited) release: a waiting thread's starvation clock starts again.
    func releasedOrdinarily(at now: UInt64) {
        if waitingSince != 0 { waitingSince = now }
    }

    var heldCount: Int { held.count - headIndex }
    var head: HeldCommand? { headIndex < held.count ? held[headIndex] : nil }

    func push(_ command: HeldCommand) { held.append(command) }

    func popHead() -> HeldCommand {
        let c = held[headIndex]
        headIndex += 1
        if headIndex > 64 && headIndex * 2 > held.count {   // compact now and then
            held.removeFirst(headIndex)
            headIndex = 0
        }
        return c
    }

    /// The oldest command not yet in the runtime's hands: the one being issued, else the head.
    var pendingSequence: UInt64? { releasing ? issuingSequence : head?.sequence }
}
