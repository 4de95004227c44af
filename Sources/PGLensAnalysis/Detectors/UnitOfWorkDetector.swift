import Foundation

/// Follows each client connection's statements, cuts them into units of work (a request, a job), and finds
/// the round trips a unit wastes: `n_plus_one` (the same query with different values after a statement whose
/// rows drove it), `repeated_insert` (single-row INSERTs in a loop), `duplicate_query` (the same query with
/// the same values), `repeated_aggregates` (aggregates of one table one statement could compute) and
/// `sequential_queries` (independent statements sent one after another). Units are per connection and never
/// merged across connections.
///
/// A unit of work ends at the end of a transaction block (`COMMIT`, `ROLLBACK`), at a pool's reset
/// (`DISCARD ALL`, `RESET ALL`) or liveness check (`SELECT 1`), when sqlcommenter's request tags change, when the connection ends
/// (``connectionEnded(_:)``), when a statement runs outside the transaction block the one before it ran in
/// (its `COMMIT` was not seen), and after an idle gap longer than ``Configuration/unitGapNanoseconds``.
/// Units idle for longer than ``idleUnitLifetimeNanoseconds`` (by the clock of the latest events) are closed
/// by a sweep, so that what is kept for a connection that went quiet does not stay.
public struct UnitOfWorkDetector: FindingDetector {
    /// The detector's settings.
    public struct Configuration: Sendable {
        /// The fewest executions in one unit that make an N+1 or an insert loop (5, as Sentry's detector).
        public var minimumRepetitions: Int
        /// An idle gap longer than this on a connection ends its unit of work.
        public var unitGapNanoseconds: UInt64
        /// Connections followed at once; the least recently active is closed first beyond it.
        public var maximumConnections: Int
        /// Where the parents of the N+1 loops found are armed, so that the event loops sample their rows
        /// next time (lineage evidence); nil: no lineage.
        public var lineageArming: LineageArming?

        /// Creates settings.
        public init(
            minimumRepetitions: Int = 5, unitGapNanoseconds: UInt64 = 500_000_000, maximumConnections: Int = 4096,
            lineageArming: LineageArming? = nil
        ) {
            self.minimumRepetitions = minimumRepetitions
            self.unitGapNanoseconds = unitGapNanoseconds
            self.maximumConnections = maximumConnections
            self.lineageArming = lineageArming
        }
    }

    /// The sqlcommenter keys that tell one request from another.
    static let requestTagKeys = ["traceparent", "route", "controller", "action"]

    public let configuration: Configuration
    private var units: [UInt64: UnitOfWork] = [:]
    private var aggregates = RepeatedStatementAggregates()
    /// The round-trip analyses of each closed unit: aggregates of one table that one statement could
    /// compute, and runs of independent statements sent one after another.
    private var repeatedAggregates = RepeatedAggregatesAnalysis()
    private var sequentialQueries = SequentialQueriesAnalysis()
    /// Each fingerprint's boundary kind and whether it reads a table, so that a statement is lexed for them
    /// once, not at every execution.
    private var classifications: [StatementFingerprint: (UnitBoundary, readsATable: Bool)] = [:]
    /// The latest statement end seen on any connection, and when the idle units were last swept.
    private var latestNanoseconds: UInt64 = 0
    private var sweptAtNanoseconds: UInt64 = 0

    /// How long a unit may sit idle before the sweep closes it: longer than the gap, so that a statement
    /// that was still running when later events of other connections arrived is not cut from its unit.
    var idleUnitLifetimeNanoseconds: UInt64 { max(configuration.unitGapNanoseconds, 30_000_000_000) }
    static let sweepIntervalNanoseconds: UInt64 = 5_000_000_000

    /// Creates a detector.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Takes the next statement of a connection; its parameter hash comes from the event (bound values)
    /// or, for literal SQL, from its text before normalization (``StatementEvent/parameterHash``).
    public mutating func consume(_ event: StatementEvent) {
        let id = event.clientConnectionID
        let statement = event.statement
        let tags = Self.requestTags(of: statement)
        let (boundary, readsATable) = classification(of: statement)
        if let unit = units[id] {
            let gap =
                event.startMonotonicNanoseconds > unit.lastEndNanoseconds
                ? event.startMonotonicNanoseconds - unit.lastEndNanoseconds : 0
            let leftTransaction = unit.lastInExplicitTransaction && !event.inExplicitTransaction
            if gap > configuration.unitGapNanoseconds || leftTransaction
                || (!tags.isEmpty && tags != unit.requestTags)
                || unit.isRepeated(by: event, minimumRepetitions: configuration.minimumRepetitions)
            {
                close(id)
            }
        }
        if boundary == .resetsSession || boundary == .ping {
            // The pool's reset between two checkouts, or its liveness check at checkout, belongs to neither.
            close(id)
        } else {
            if units[id] == nil {
                if units.count >= configuration.maximumConnections { closeLeastRecentlyActive() }
                units[id] = UnitOfWork(first: event, requestTags: tags)
            }
            units[id]?.add(event, parameterHash: event.parameterHash, readsATable: readsATable)
            armParentIfALoopJustFormed(in: id, statement.fingerprint)
            if boundary == .endsTransaction { close(id) }
        }
        latestNanoseconds = max(latestNanoseconds, event.endedAtMonotonicNanoseconds)
        if latestNanoseconds &- sweptAtNanoseconds > Self.sweepIntervalNanoseconds { sweepIdleUnits() }
    }

    /// Arms the parent of a loop the moment the loop reaches the repetitions of an N+1, so that the parent's
    /// next execution (the next request, often on another connection) is sampled for lineage.
    private func armParentIfALoopJustFormed(in id: UInt64, _ fingerprint: StatementFingerprint) {
        guard let arming = configuration.lineageArming, let unit = units[id], let run = unit.runs[fingerprint],
            run.count == configuration.minimumRepetitions, run.valuesUnknown || run.valueHashes.count > 1,
            let parent = unit.parent(of: run), parent.sample == nil, let shape = parent.shape
        else { return }
        arming.arm(shape)
    }

    /// Closes the units that have been idle for longer than ``idleUnitLifetimeNanoseconds``.
    private mutating func sweepIdleUnits() {
        sweptAtNanoseconds = latestNanoseconds
        guard latestNanoseconds > idleUnitLifetimeNanoseconds else { return }
        let horizon = latestNanoseconds - idleUnitLifetimeNanoseconds
        for (id, unit) in units where unit.lastEndNanoseconds < horizon { close(id) }
    }

    /// The connection is gone: its unit of work ends and its state is freed.
    public mutating func connectionEnded(_ clientConnectionID: UInt64) {
        close(clientConnectionID)
    }

    /// The findings so far, counting the units still open as if they ended now.
    public func findings(captureParameters: Bool) -> [Finding] {
        var aggregates = aggregates
        var repeatedAggregates = repeatedAggregates
        var sequentialQueries = sequentialQueries
        for unit in units.values {
            aggregates.record(unit, minimumRepetitions: configuration.minimumRepetitions)
            repeatedAggregates.record(unit)
            sequentialQueries.record(unit)
        }
        return aggregates.findings() + repeatedAggregates.findings() + sequentialQueries.findings()
    }

    public mutating func reset() {
        units.removeAll()
        classifications.removeAll()
        latestNanoseconds = 0
        sweptAtNanoseconds = 0
        aggregates = RepeatedStatementAggregates()
        repeatedAggregates.reset()
        sequentialQueries.reset()
        configuration.lineageArming?.disarmAll()
    }

    /// How many connections have a unit of work open (for tests and memory bounds).
    public var openUnits: Int { units.count }

    private mutating func classification(
        of statement: NormalizedStatement
    ) -> (
        UnitBoundary, readsATable: Bool
    ) {
        if let known = classifications[statement.fingerprint] { return known }
        if classifications.count >= 8192 { classifications.removeAll(keepingCapacity: true) }
        let known = (
            UnitBoundary(normalizedText: statement.text),
            readsATable: StatementShape.readsATable(normalizedText: statement.text)
        )
        classifications[statement.fingerprint] = known
        return known
    }

    private mutating func close(_ id: UInt64) {
        guard let unit = units.removeValue(forKey: id) else { return }
        let unsampledParents = aggregates.record(unit, minimumRepetitions: configuration.minimumRepetitions)
        repeatedAggregates.record(unit)
        sequentialQueries.record(unit)
        if let arming = configuration.lineageArming {
            for shape in unsampledParents { arming.arm(shape) }
        }
    }

    private mutating func closeLeastRecentlyActive() {
        let victims = units.values.sorted { $0.lastEndNanoseconds < $1.lastEndNanoseconds }
            .prefix(max(1, configuration.maximumConnections / 10)).map(\.clientConnectionID)
        for id in victims { close(id) }
    }

    private static func requestTags(of statement: NormalizedStatement) -> [String: String] {
        guard !statement.metadata.isEmpty else { return [:] }
        return statement.metadata.filter { requestTagKeys.contains($0.key) }
    }
}
