import Foundation
import PGLensAnalysis
import PGLensHTTP

/// Transactions, queries and analysis events per second, from the counters of two samples: the difference
/// over the time between the two polls (by the local clock: the API's timestamps are whole seconds).
/// Without an earlier sample, or
/// when a counter went back (the proxy restarted, its statistics were reset), the average since the proxy
/// or the report window started.
public struct TopRates: Sendable, Equatable {
    /// One figure per second.
    public struct Rate: Sendable, Equatable {
        /// Per second.
        public var perSecond: Double
        /// Whether it is the average since start rather than over the last interval.
        public var isSinceStart: Bool

        /// `perSecond`, over the last interval unless `isSinceStart`.
        public init(perSecond: Double, isSinceStart: Bool = false) {
            self.perSecond = perSecond
            self.isSinceStart = isSinceStart
        }
    }

    /// Transactions per second, all databases together.
    public var transactions: Rate?
    /// Queries per second, all databases together.
    public var queries: Rate?
    /// Statement events the analysis received per second.
    public var analysisEvents: Rate?
    /// The seconds between the two polls, when a rate is over that interval.
    public var intervalSeconds: Double?

    /// The rates between `previous` (if any) and `current`.
    public init(previous: TopSample?, current: TopSample) {
        let seconds = previous.map { current.takenAt.timeIntervalSince($0.takenAt) } ?? 0
        let interval = seconds > 0.001 ? seconds : nil
        if case .success(let status) = current.status {
            let now = Self.totals(status)
            let before = previous.flatMap { try? $0.status.get() }.map(Self.totals)
            let since = max(0.001, status.generatedAt.timeIntervalSince(status.startedAt))
            if let interval, let before, now.transactions >= before.transactions, now.queries >= before.queries {
                transactions = Rate(perSecond: Double(now.transactions - before.transactions) / interval)
                queries = Rate(perSecond: Double(now.queries - before.queries) / interval)
                intervalSeconds = interval
            } else {
                transactions = Rate(perSecond: Double(now.transactions) / since, isSinceStart: true)
                queries = Rate(perSecond: Double(now.queries) / since, isSinceStart: true)
            }
        }
        if case .success(let report) = current.report {
            let received = report.analysis.eventsReceived
            let before = previous.flatMap { try? $0.report.get() }?.analysis.eventsReceived
            if let interval, let before, received >= before {
                analysisEvents = Rate(perSecond: Double(received - before) / interval)
                intervalSeconds = interval
            } else {
                let since = max(0.001, report.generatedAt.timeIntervalSince(report.window.startedAt))
                analysisEvents = Rate(perSecond: Double(received) / since, isSinceStart: true)
            }
        }
    }

    private static func totals(_ status: ProxyStatus) -> (transactions: UInt64, queries: UInt64) {
        status.traffic.reduce((0, 0)) { ($0.0 &+ $1.transactions, $0.1 &+ $1.queries) }
    }
}
