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
        var firstSeen: Date
        var lastSeen: Date
    }

    static let maximumSizesKept = 1000
    static let maximumAggregates = 2000

    private(set) var aggregates: [Key: Aggregate] = [:]

    mutating func record(_ unit: UnitOfWork, minimumRepetitions: Int) {
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
            if aggregate.clients.count < 64 { aggregate.clients.insert(unit.clientConnectionID) }
            aggregates[key] = aggregate
        }
    }

    func findings() -> [Finding] {
        aggregates.map { key, aggregate in RepeatedStatementAdvice.finding(key, aggregate) }
            .sorted { ($0.timeMilliseconds, $1.id) > ($1.timeMilliseconds, $0.id) }
    }
}
