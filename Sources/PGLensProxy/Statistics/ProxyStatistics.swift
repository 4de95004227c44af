import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The traffic counters of the whole proxy: one `LoopTrafficCounters` per event loop, summed when read,
/// and the per-second averages of the last `stats_period`, computed from two snapshots of the totals.
final class ProxyStatistics: Sendable {
    /// Totals taken at the end of the last two periods.
    private struct Period: Sendable {
        /// Nil until the first period ended.
        var previous: [String: TrafficCounters]?
        /// At start, every counter is 0.
        var current: [String: TrafficCounters] = [:]
    }

    private let loops: [any EventLoop]
    private let perLoop: [LoopTrafficCounters]
    private let period = NIOLockedValueBox(Period())
    /// The length of a stats period, in seconds.
    let periodSeconds: Double

    init(loops: [any EventLoop], periodSeconds: Double) {
        self.loops = loops
        self.perLoop = loops.map { _ in LoopTrafficCounters() }
        self.periodSeconds = periodSeconds
    }

    /// The counters of `loopIndex`'s loop; use them only on that loop.
    func counters(loopIndex: Int) -> LoopTrafficCounters {
        perLoop[loopIndex]
    }

    /// The totals per database since start, each loop's part read on its own loop.
    func totals(on eventLoop: any EventLoop) -> EventLoopFuture<[String: TrafficCounters]> {
        let futures = zip(loops, perLoop).map { loop, counters in loop.submit { counters.snapshot() } }
        return EventLoopFuture.whenAllSucceed(futures, on: eventLoop).map { parts in
            parts.reduce(into: [:]) { sum, part in
                sum.merge(part) { $0 + $1 }
            }
        }
    }

    /// Per database, the averages over the last complete period (empty before one completed), as PgBouncer
    /// computes them: counts and bytes per second, `xact_time` per transaction, `query_time` per query,
    /// `wait_time` per server assignment, in microseconds.
    func averages() -> [String: TrafficCounters] {
        let period = self.period.withLockedValue { $0 }
        guard let previous = period.previous else { return [:] }
        return period.current.reduce(into: [:]) { result, entry in
            result[entry.key] = Self.average(
                entry.value - (previous[entry.key] ?? TrafficCounters()), seconds: periodSeconds)
        }
    }

    /// Starts taking a snapshot of the totals every period, on the first loop.
    func startPeriods() {
        guard let loop = loops.first, periodSeconds > 0 else { return }
        let interval = TimeAmount.nanoseconds(Int64(periodSeconds * 1e9))
        loop.scheduleRepeatedAsyncTask(initialDelay: interval, delay: interval) { _ in
            self.totals(on: loop).map { totals in self.periodEnded(totals) }
        }
    }

    /// Records the totals at the end of a period.
    func periodEnded(_ totals: [String: TrafficCounters]) {
        period.withLockedValue { period in
            period.previous = period.current
            period.current = totals
        }
    }

    static func average(_ delta: TrafficCounters, seconds: Double) -> TrafficCounters {
        func perSecond(_ value: UInt64) -> UInt64 { UInt64((Double(value) / seconds).rounded()) }
        func per(_ value: UInt64, _ count: UInt64) -> UInt64 { count == 0 ? 0 : value / count }
        return TrafficCounters(
            serverAssignments: perSecond(delta.serverAssignments), transactions: perSecond(delta.transactions),
            queries: perSecond(delta.queries), bytesReceived: perSecond(delta.bytesReceived),
            bytesSent: perSecond(delta.bytesSent),
            transactionMicroseconds: per(delta.transactionMicroseconds, delta.transactions),
            queryMicroseconds: per(delta.queryMicroseconds, delta.queries),
            waitMicroseconds: per(delta.waitMicroseconds, delta.serverAssignments),
            clientParses: perSecond(delta.clientParses),
            serverParses: perSecond(delta.serverParses), binds: perSecond(delta.binds),
            clientLogins: perSecond(delta.clientLogins))
    }
}
