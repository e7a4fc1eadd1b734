import Testing
@testable import Interposer

/// REEF_RT_PREWARM's arrival prediction: exact action times for periodic starts, nothing for
/// irregular, too frequent, stopped or too few starts.
private let ms: UInt64 = 1_000_000
private let lead: UInt64 = 300_000

@Suite struct ArrivalPredictorTests {
    func predictor(_ starts: [UInt64]) -> ArrivalPredictor {
        var p = ArrivalPredictor()
        for s in starts { p.observe(start: s) }
        return p
    }

    @Test func periodicStartsGiveTheNextStartMinusTheLead() {
        let p = predictor((0..<6).map { 100 * ms + $0 * 10 * ms })   // last start at 150 ms
        #expect(p.period == 10 * ms)
        #expect(p.actionTime(lead: lead, now: 151 * ms) == 160 * ms - lead)
    }

    @Test func fourGapsAreNeeded() {
        #expect(predictor((0..<4).map { 100 * ms + $0 * 10 * ms }).period == nil)   // 3 gaps
        #expect(predictor((0..<5).map { 100 * ms + $0 * 10 * ms }).period == 10 * ms)
    }

    @Test func jitterWithinAnEighthIsPeriodicBeyondIsNot() {
        // Gaps 10, 10, 11.2, 10, 10 ms: 11.2 is within 10/8 of the median 10.
        let within = predictor([0, 10, 20, 31.2, 41.2, 51.2].map { 100 * ms + UInt64($0 * 1e6) })
        #expect(within.period == 10 * ms)
        // A gap of 11.3 ms is not.
        let beyond = predictor([0, 10, 20, 31.3, 41.3, 51.3].map { 100 * ms + UInt64($0 * 1e6) })
        #expect(beyond.period == nil)
    }

    @Test func alternatingGapsAreNotPeriodic() {
        // A request and its copy-back counted apart: gaps 1 and 9 ms.
        var t: UInt64 = 100 * ms
        var starts: [UInt64] = []
        for i in 0..<10 { starts.append(t); t += i % 2 == 0 ? 1 * ms : 9 * ms }
        #expect(predictor(starts).period == nil)
    }

    @Test func theMedianOfTheLastEightGapsFollowsAChangedPeriod() {
        var starts = (0..<10).map { 100 * ms + $0 * 10 * ms }   // last 190 ms
        starts += (1...8).map { 190 * ms + $0 * 20 * ms }      // then every 20 ms, last 350 ms
        let p = predictor(starts)
        #expect(p.period == 20 * ms)
        #expect(p.actionTime(lead: lead, now: 351 * ms) == 370 * ms - lead)
    }

    @Test func noActionOncePeriodicStartsStopOrWhenThePeriodIsTooShort() {
        let p = predictor((0..<6).map { 100 * ms + $0 * 10 * ms })   // next due 160 ms
        #expect(p.actionTime(lead: lead, now: 164 * ms) != nil)     // late, within half a period
        #expect(p.actionTime(lead: lead, now: 165 * ms) == nil)     // half a period overdue
        // A period under four leads: acting would hold best-effort work most of the time.
        let fast = predictor((0..<6).map { 100 * ms + $0 * 1_100_000 })
        #expect(fast.period == 1_100_000)
        #expect(fast.actionTime(lead: lead, now: 106 * ms) == nil)
    }

    @Test func repeatedOrEarlierStartsAreIgnoredAndSkipsBreakTheChain() {
        var p = predictor((0..<6).map { 100 * ms + $0 * 10 * ms })
        p.observe(start: 150 * ms)   // seen again
        p.observe(start: 120 * ms)   // earlier
        #expect(p.period == 10 * ms && p.lastStart == 150 * ms)
        // Starts were missed: the next one makes no 30 ms gap.
        p.skipped()
        p.observe(start: 180 * ms)
        #expect(p.period == 10 * ms)
        #expect(p.actionTime(lead: lead, now: 181 * ms) == 190 * ms - lead)
    }

    @Test func estimateGivesTheMedianAndTheFarthestDeviation() {
        // Gaps 10, 10.3, 9.8, 10 ms: median 10 (sorted 9.8, 10, 10, 10.3), farthest 0.3 off.
        let p = predictor([0, 10, 20.3, 30.1, 40.1].map { 100 * ms + UInt64(($0 * 1e6).rounded()) })
        #expect(p.estimate?.period == 10 * ms && p.estimate?.deviation == 300_000)
        #expect(p.gapCount == 4)
    }

    @Test func minimumGapsAndToleranceAreTheCallersChoice() {
        // REEF_RT_PREDICT's use: 3 gaps, a quarter of the median.
        var q = ArrivalPredictor(minGaps: 3, toleranceShift: 2)
        for t: UInt64 in [0, 10, 20, 32] { q.observe(start: t * ms) }
        #expect(q.estimate?.period == 10 * ms && q.estimate?.deviation == 2 * ms)   // 12 within 10/4
        #expect(predictor([0, 10, 20, 32, 42].map { $0 * ms }).period == nil)          // not within 10/8
        // A start at time 0 counts (hasStart, not a zero sentinel).
        var z = ArrivalPredictor(minGaps: 1)
        z.observe(start: 0)
        z.observe(start: 5 * ms)
        #expect(z.hasStart && z.period == 5 * ms)
    }
}
