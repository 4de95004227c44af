import Foundation

/// The bursts of closed units of work, summed per (kind, fingerprint, parent, database, application).
struct RepeatedStatementAggregates {
    struct Key: Hashable {
        var kind: FindingKind
        var fingerprint: StatementFingerprint
        var parent: StatementFingerprint?
        var database: String
        var applicationName: String
    }

    struct Aggregate {
        var query: String
        var parent: UnitOfWork.RowSource?
        var bursts = 0
        var largest = 0
        /// Burst sizes, at most `maximumSizesKept` (for the median).
        var sizes: [Int] = []
        var nanoseconds: UInt64 = 0
        var parentRows: UInt64 = 0
        var fewestDistinctValues: Int?
        var requestTags: [String: String] = [:]
        var clients: Set<UInt64> = []
        /// Users and client addresses seen (at most 8 each).
        var users: Set<String> = []
        var addresses: Set<String> = []
        /// The longest burst from its first execution's start to its last one's end.
        var longestSpanNanoseconds: UInt64 = 0
        /// Lineage over the bursts whose parent was sampled: matches by (parameter, column), and executions
        /// compared.
        var lineageMatches: [ParameterColumn: Int] = [:]
        var lineageChecked = 0
        var lineageBursts = 0
        var firstSeen: Date
        var lastSeen: Date
    }

    /// A loop parameter and a parent column (both from 0).
    struct ParameterColumn: Hashable {
        var parameter: Int
        var column: Int
    }

    static let maximumSizesKept = 1000
    static let maximumAggregates = 2000

    private(set) var aggregates: [Key: Aggregate] = [:]

    /// Adds the bursts of a closed unit; returns the shapes of the N+1 parents whose rows were not sampled
    /// (to arm, so that their next executions give lineage evidence).
    @discardableResult
    mutating func record(_ unit: UnitOfWork, minimumRepetitions: Int) -> [UInt64] {
        var unsampledParents: [UInt64] = []
        for burst in RepeatedStatementBurst.bursts(in: unit, minimumRepetitions: minimumRepetitions) {
            let kind: FindingKind
            var parent: UnitOfWork.RowSource?
            switch burst.kind {
            case .nPlusOne(let source):
                kind = .nPlusOne
                parent = source
            case .repeatedInsert: kind = .repeatedInsert
            case .duplicateQuery: kind = .duplicateQuery
            }
            let key = Key(
                kind: kind, fingerprint: burst.fingerprint, parent: parent?.fingerprint, database: unit.database,
                applicationName: unit.applicationName)
            guard aggregates[key] != nil || aggregates.count < Self.maximumAggregates else { continue }
            var aggregate =
                aggregates[key]
                ?? Aggregate(
                    query: burst.query, parent: parent, firstSeen: unit.firstSeen, lastSeen: unit.lastSeen)
            aggregate.bursts += 1
            aggregate.firstSeen = min(aggregate.firstSeen, unit.firstSeen)
            aggregate.lastSeen = max(aggregate.lastSeen, unit.lastSeen)
            aggregate.largest = max(aggregate.largest, burst.repetitions)
            if aggregate.sizes.count < Self.maximumSizesKept { aggregate.sizes.append(burst.repetitions) }
            aggregate.nanoseconds &+= burst.nanoseconds
            aggregate.parentRows = max(aggregate.parentRows, parent?.rows ?? 0)
            if let distinct = burst.distinctValues {
                aggregate.fewestDistinctValues = min(aggregate.fewestDistinctValues ?? distinct, distinct)
            }
            if aggregate.requestTags.isEmpty { aggregate.requestTags = unit.requestTags }
            if aggregate.requestTags["framework"] == nil, let framework = unit.framework {
                aggregate.requestTags["framework"] = framework
            }
            if aggregate.clients.count < 64 { aggregate.clients.insert(unit.clientConnectionID) }
            if aggregate.users.count < 8 { aggregate.users.insert(unit.user) }
            if aggregate.addresses.count < 8, !unit.clientAddress.isEmpty {
                aggregate.addresses.insert(unit.clientAddress)
            }
            aggregate.longestSpanNanoseconds = max(aggregate.longestSpanNanoseconds, burst.spanNanoseconds)
            if let lineage = burst.lineage {
                aggregate.lineageBursts += 1
                aggregate.lineageChecked += lineage.checked
                if lineage.column >= 0 {
                    aggregate.lineageMatches[
                        ParameterColumn(parameter: lineage.parameter, column: lineage.column), default: 0] +=
                        lineage.matched
                }
            } else if let shape = parent?.shape {
                unsampledParents.append(shape)
            }
            aggregates[key] = aggregate
        }
        return unsampledParents
    }

    func findings() -> [Finding] {
        aggregates.map { key, aggregate in RepeatedStatementAdvice.finding(key, aggregate) }
            .sorted { ($0.timeMilliseconds, $1.id) > ($1.timeMilliseconds, $0.id) }
    }
}
