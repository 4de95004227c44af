import Foundation

/// Follows each client connection's statements, cuts them into units of work, and finds the statements
/// repeated in a unit: `n_plus_one` (the same query with different values after a statement whose rows
/// drove it), `repeated_insert` (single-row INSERTs in a loop) and `duplicate_query` (the same query with
/// the same values). Bursts are per connection and never merged across connections.
///
/// A unit of work ends at the end of a transaction block (`COMMIT`, `ROLLBACK`), at a pool's reset
/// (`DISCARD ALL`, `RESET ALL`), when sqlcommenter's request tags change, when the connection ends
/// (``connectionEnded(_:)``), and after an idle gap longer than ``Configuration/unitGapNanoseconds``.
public struct RepeatedStatementDetector: FindingDetector {
    /// The detector's settings.
    public struct Configuration: Sendable {
        /// The fewest executions in one unit that make an N+1 or an insert loop (5, as Sentry's detector).
        public var minimumRepetitions: Int
        /// An idle gap longer than this on a connection ends its unit of work.
        public var unitGapNanoseconds: UInt64
        /// Connections followed at once; the least recently active is closed first beyond it.
        public var maximumConnections: Int

        /// Creates settings.
        public init(
            minimumRepetitions: Int = 5, unitGapNanoseconds: UInt64 = 500_000_000, maximumConnections: Int = 4096
        ) {
            self.minimumRepetitions = minimumRepetitions
            self.unitGapNanoseconds = unitGapNanoseconds
            self.maximumConnections = maximumConnections
        }
    }

    /// The sqlcommenter keys that tell one request from another.
    static let requestTagKeys = ["traceparent", "route", "controller", "action"]

    public let configuration: Configuration
    private var units: [UInt64: UnitOfWork] = [:]
    private var aggregates = RepeatedStatementAggregates()
    /// Each fingerprint's boundary kind, so that a statement is lexed for it once, not at every execution.
    private var boundaries: [StatementFingerprint: UnitBoundary] = [:]

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
        if let unit = units[id] {
            let gap =
                event.startMonotonicNanoseconds > unit.lastEndNanoseconds
                ? event.startMonotonicNanoseconds - unit.lastEndNanoseconds : 0
            if gap > configuration.unitGapNanoseconds || (!tags.isEmpty && tags != unit.requestTags) {
                close(id)
            }
        }
        let boundary = boundary(of: statement)
        if boundary == .resetsSession {
            // The pool's reset between two checkouts belongs to neither.
            close(id)
            return
        }
        if units[id] == nil {
            if units.count >= configuration.maximumConnections { closeLeastRecentlyActive() }
            units[id] = UnitOfWork(first: event, requestTags: tags)
        }
        units[id]?.add(event, parameterHash: event.parameterHash)
        if boundary == .endsTransaction { close(id) }
    }

    /// The connection is gone: its unit of work ends and its state is freed.
    public mutating func connectionEnded(_ clientConnectionID: UInt64) {
        close(clientConnectionID)
    }

    /// The findings so far, counting the units still open as if they ended now.
    public func findings(captureParameters: Bool) -> [Finding] {
        var aggregates = aggregates
        for unit in units.values { aggregates.record(unit, minimumRepetitions: configuration.minimumRepetitions) }
        return aggregates.findings()
    }

    public mutating func reset() {
        units.removeAll()
        boundaries.removeAll()
        aggregates = RepeatedStatementAggregates()
    }

    /// How many connections have a unit of work open (for tests and memory bounds).
    public var openUnits: Int { units.count }

    private mutating func boundary(of statement: NormalizedStatement) -> UnitBoundary {
        if let known = boundaries[statement.fingerprint] { return known }
        if boundaries.count >= 8192 { boundaries.removeAll(keepingCapacity: true) }
        let boundary = UnitBoundary(normalizedText: statement.text)
        boundaries[statement.fingerprint] = boundary
        return boundary
    }

    private mutating func close(_ id: UInt64) {
        guard let unit = units.removeValue(forKey: id) else { return }
        aggregates.record(unit, minimumRepetitions: configuration.minimumRepetitions)
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
