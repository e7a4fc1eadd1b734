#if canImport(Glibc)
import Glibc
#endif
import CInterpose
import ControlPlane

/// The REEF_STATS JSON written at process exit:
/// {"pid", "runtime", "launches", "graph_launches", "uncaptured_launches", "calls": {name: n},
///  "streams": [{"id", "launches", "commands"}], "kernels": [{"name", "launches"}]}
enum StatsReport {
    static func json(core: Core) -> String? {
        var cuda: UInt64 = 0, hip: UInt64 = 0, launches: UInt64 = 0, graphs: UInt64 = 0
        var calls: [(String, UInt64)] = []
        let totals = core.counters.totals()
        for id in 1..<core.apis.count {
            let n = totals.calls(id)
            guard n > 0 else { continue }
            calls.append((core.apis.names[id], n))
            if core.apis.facts[id].runtime == UInt8(REEF_RUNTIME_CUDA) { cuda += n } else { hip += n }
            let kind = core.apis.facts[id].kind
            if ApiTable.isLaunch(kind) { launches += n }
            if kind == UInt8(REEF_K_GRAPH) { graphs += n }
        }
        guard cuda + hip > 0 else { return nil } // this process never used a GPU runtime
        var out = "{\"pid\":\(core.pid),\"runtime\":\"\(cuda >= hip ? "cuda" : "hip")\""
        out += ",\"launches\":\(launches),\"graph_launches\":\(graphs)"
        out += ",\"uncaptured_launches\":\(core.launches.uncaptured.load(0))"
        if let scheduler = (cuda >= hip ? core.cudaScheduler : core.hipScheduler) {
            let s = scheduler.snapshot()
            out += ",\"scheduling\":{\"released\":\(s.released),\"held_at_exit\":\(s.held),\"preemptions\":\(s.preemptions)"
            out += ",\"window\":\(scheduler.window),\"linger_us\":\(scheduler.settings.lingerNanos / 1000)"
            out += ",\"max_in_flight\":\(s.maxInFlight)"
            out += ",\"inherited_releases\":\(scheduler.load(.inheritedReleases))"
            out += ",\"pageable_copy_drains\":\(scheduler.load(.pageableCopyDrains))"
            out += ",\"in_flight_budget_us\":" + (scheduler.settings.inFlightBudgetNanos.map { String($0 / 1000) } ?? "null")
            out += ",\"process_class\":\"\(scheduler.settings.policy.processDefault.name)\""
            out += ",\"preemption_latency\":" + scheduler.preemptionJSON()
            out += ",\"dispatcher_ms\":" + scheduler.timeline.json()
            out += ",\"gate\":" + scheduler.gateJSON()
            out += ",\"be_context\":" + scheduler.ownContextJSON()
            out += ",\"nudge\":" + scheduler.nudgeJSON()
            out += ",\"prewarm\":" + scheduler.prewarmJSON()
            if let p = scheduler.padding { out += ",\"padding\":" + p.json() }
            out += "}"
        }
        out += ",\"calls\":{" + calls.sorted { $0.0 < $1.0 }.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        var streams: [(UInt64, UInt64, UInt64)] = []
        for slot in 0..<core.streams.capacity {
            if let id = core.streams.stream(at: slot) { streams.append((id, totals.launches(streamSlot: slot), totals.commands(streamSlot: slot))) }
        }
        out += ",\"streams\":[" + streams.sorted { $0.0 < $1.0 }.map {
            "{\"id\":\"\(hex($0.0))\",\"launches\":\($0.1),\"commands\":\($0.2)}"
        }.joined(separator: ",") + "]"
        var kernels: [(String, UInt64)] = []
        for slot in 0..<core.kernels.capacity {
            let n = totals.launches(kernelSlot: slot)
            if n > 0, let name = core.kernels.name(at: slot) { kernels.append((name, n)) }
        }
        out += ",\"kernels\":[" + kernels.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map {
            "{\"name\":\(quote($0.0)),\"launches\":\($0.1)}"
        }.joined(separator: ",") + "]}\n"
        return out
    }

    /// Writes the report to `path` (through a temporary file, so readers never see half of it).
    static func write(core: Core, path: String) {
        guard let text = json(core: core) else { return }
        if let error = AtomicFile.write(text, to: path) {
            core.log.once(.statsWriteFailed, .error, "REEF_STATS: \(error); check the directory exists and is writable")
        }
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}
