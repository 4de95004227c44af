import Foundation
import NIOConcurrencyHelpers

/// The statement analysis off the hot path: event loops ``offer(_:)`` events into a bounded queue; one
/// consumer (``run(pollInterval:)`` as a task, or ``processPendingEvents()`` called by its own thread) drains
/// them in batches into the statistics, the slow log and the findings; any thread takes a ``report(at:)``.
///
/// The aggregate state sits behind a lock taken once per batch by the consumer and briefly by readers (to
/// copy a snapshot), never by the event loops.
public final class AnalysisPipeline: Sendable {
    private struct State: Sendable {
        var statistics: StatementStatistics
        var slowLog: SlowQueryLog
        var detectors: [any FindingDetector]
        var normalizationCache: NormalizationCache
        var windowStartedAt: Date
        /// The consumer's batch, kept between batches: a fresh array of a thousand events each time would
        /// cost the consumer a large allocation and its page faults per batch.
        var batch: [AnalysisEvent] = []
    }

    /// The settings the pipeline was created with.
    public let configuration: AnalysisConfiguration
    private let queue: StatementEventQueue
    private let state: NIOLockedValueBox<State>
    /// Findings recorded by the event loops directly (session state), behind a lock of their own so that an
    /// event loop never waits for the consumer's batch.
    private let recordedFindings = NIOLockedValueBox(FindingsStore())
    /// What the index advisor found in each database (empty while no advisor runs): its findings join the
    /// report, and it revises the slow-query advice.
    public let indexAdvice = IndexAdviceBoard()

    /// Creates a pipeline whose report window starts at `startedAt`.
    public init(configuration: AnalysisConfiguration = AnalysisConfiguration(), startedAt: Date = Date()) {
        self.configuration = configuration
        self.queue = StatementEventQueue(capacity: configuration.queueCapacity)
        self.state = NIOLockedValueBox(
            State(
                statistics: StatementStatistics(maxStatements: configuration.maxStatements),
                slowLog: SlowQueryLog(
                    thresholds: configuration.slowQueryThresholds, capacity: configuration.slowLogCapacity),
                detectors: configuration.detectors,
                normalizationCache: NormalizationCache(capacity: configuration.normalizationCacheCapacity),
                windowStartedAt: startedAt))
    }

    /// Hands an event to the analysis from an event loop; false when the queue was full and it was dropped.
    @discardableResult
    public func offer(_ event: StatementEvent) -> Bool {
        queue.offer(.statement(event))
    }

    /// Tells the analysis that a client connection ended, after its last statement: its open unit of work
    /// ends and the detectors free what they kept for it. False when the queue was full (the detectors then
    /// free it later, by their idle gap or their bound on connections).
    @discardableResult
    public func connectionEnded(_ clientConnectionID: UInt64) -> Bool {
        queue.offer(.connectionEnded(clientConnectionID: clientConnectionID))
    }

    /// Records what the proxy did about a session-state statement in transaction-pooling mode.
    public func recordSessionState(_ observation: SessionStateObservation) {
        recordedFindings.withLockedValue { $0.record(observation) }
    }

    /// Drains and applies one batch of queued events, in order, normalizing raw simple-query texts first;
    /// returns how many were applied.
    /// Call from one consumer at a time.
    @discardableResult
    public func processPendingEvents() -> Int {
        state.withLockedValue { state in
            let count = queue.drain(into: &state.batch, maximum: configuration.batchSize)
            guard count > 0 else { return 0 }
            var batch = state.batch
            state.batch = []
            defer {
                batch.removeAll(keepingCapacity: true)
                state.batch = batch
            }
            for item in batch {
                guard case .statement(var event) = item else {
                    for index in state.detectors.indices {
                        state.detectors[index].connectionEnded(item.clientConnectionID)
                    }
                    continue
                }
                if event.parameterHash == nil, case .simpleQuery(let text, let index, _) = event.text {
                    // Literal SQL: its constants are its parameters, and the raw text differs when they do
                    // (the first 4 KiB and the length: a bounded cost for any text).
                    var hasher = FNV1a64()
                    var text = text
                    text.withUTF8 { hasher.combine(UnsafeBufferPointer(rebasing: $0.prefix(4096))) }
                    hasher.combine(word: UInt64(text.utf8.count))
                    hasher.combine(UInt8(truncatingIfNeeded: index))
                    event.parameterHash = hasher.value
                }
                if event.rows > 0, case .simpleQuery(let text, let index, _) = event.text {
                    event.sentText = text
                    event.sentStatementIndex = index
                }
                event.text = event.text.resolved(using: &state.normalizationCache)
                state.statistics.record(event)
                state.slowLog.record(event)
                for index in state.detectors.indices { state.detectors[index].consume(event) }
            }
            return count
        }
    }

    /// Consumes events until the task is cancelled, sleeping `pollInterval` after every batch that did not
    /// fill `batchSize`: events are taken in batches of a poll interval's worth (the consumer wakes and takes
    /// the queue's lock 500 times a second under load, not once per few events), and what the analysis
    /// decides for the event loops (the parents of N+1 loops armed for row sampling) reaches them within a
    /// few milliseconds, before the next request of a fast client.
    public func run(pollInterval: Duration = .milliseconds(2)) async {
        while !Task.isCancelled {
            if processPendingEvents() < configuration.batchSize {
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    /// The report as of now, built from a consistent snapshot of the analysis: the lock is held only to copy
    /// the (copy-on-write) state, the report is built outside it.
    public func report(at generatedAt: Date = Date()) -> Report {
        let builder = ReportBuilder(
            instanceID: configuration.instanceID, version: configuration.version,
            captureParameters: configuration.captureParameters)
        let snapshot = state.withLockedValue { $0 }
        let findings = recordedFindings.withLockedValue { $0 }
        // Read after the snapshot, so every event in it is counted as received.
        let counters = queue.counters
        return builder.build(
            statistics: snapshot.statistics, slowLog: snapshot.slowLog,
            sources: [RevisedFindingSource(snapshot.slowLog, revisedBy: indexAdvice), findings, indexAdvice]
                + snapshot.detectors.map { $0 as any FindingSource },
            counters: counters, windowStartedAt: snapshot.windowStartedAt, generatedAt: generatedAt)
    }

    /// Statement summaries by total time, largest first (`SHOW STATEMENTS`).
    public func statements(limit: Int = .max) -> [StatementSummary] {
        state.withLockedValue { $0.statistics.topByTotalTime(limit: limit) }
    }

    /// Statement summaries by mean time, largest first.
    public func statementsByMeanTime(limit: Int = .max) -> [StatementSummary] {
        state.withLockedValue { $0.statistics.topByMeanTime(limit: limit) }
    }

    /// The slow executions kept, oldest first (`SHOW SLOW`).
    public func slowExecutions() -> [SlowQueryExecution] {
        state.withLockedValue { $0.slowLog.recentExecutions }
    }

    /// The queue's accepted and dropped counts.
    public var counters: StatementEventQueue.Counters { queue.counters }

    /// Forgets statistics, slow log and findings and starts a new report window (`RESET STATS`).
    public func reset(at startedAt: Date = Date()) {
        state.withLockedValue { state in
            state.statistics.reset()
            state.slowLog.reset()
            for index in state.detectors.indices { state.detectors[index].reset() }
            state.windowStartedAt = startedAt
        }
        recordedFindings.withLockedValue { $0.reset() }
        indexAdvice.reset()
    }
}
