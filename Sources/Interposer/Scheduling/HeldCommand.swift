#if canImport(Glibc)
import Glibc
#endif
import CInterpose

/// A stream-ordered command Reef holds in a host queue: the packed call, rewritten so that every
/// pointer it carries points into `storage`, which the command owns (launch arguments, staged
/// pageable host data, memop arrays). Issued once, by whoever releases it.
struct HeldCommand {
    var call: ReefCall
    /// malloc'd; freed once the command has been issued (the runtime copies what it needs).
    var storage: UnsafeMutableRawPointer?
    /// Submission order across all queues (legacy-stream ordering and event records use it).
    let sequence: UInt64
    let context: UInt64
    /// Event records: the scheduler's own event standing for this record, and the app's event.
    var shadow: EventShadow?
    /// Stream waits: the shadow of the record this wait must follow (issued first).
    var waitShadow: EventShadow?

    func free() { if let storage { Glibc.free(storage) } }
}

/// One record of an application event on a held stream, stood in for by a marker event the
/// scheduler owns, so that waits and queries see exactly that record even if the app records the
/// event again elsewhere before it is issued.
final class EventShadow {
    let appEvent: UInt64
    /// Replaced (under the scheduler's lock) only when recording it failed at release.
    var marker: UInt64
    let reference: RecordReference
    var issued = false
    /// Queued waits and the event's `latest` pointer that still need the marker.
    var users = 0

    init(appEvent: UInt64, marker: UInt64, reference: RecordReference) {
        self.appEvent = appEvent
        self.marker = marker
        self.reference = reference
    }
}

/// Where a held command sits: its stream queue and submission number.
struct RecordReference {
    let stream: UInt64
    let sequence: UInt64
}

/// What the scheduler knows about one application event.
final class EventState {
    /// The newest record if it was made on a held stream; nil when the runtime's own event is
    /// authoritative (recorded directly, or never recorded through a held stream).
    var latest: EventShadow?
    var destroyed = false
    /// A release is recording the app's event right now (set and cleared under the scheduler's
    /// lock around the runtime call): its destroy must wait, or the record would reach the
    /// runtime after the destroy (H100: error 709 returned to the app) or land on a new event
    /// that reuses the handle.
    var recording = false
}
