/// What a closed unit of work showed of one fingerprint repeated in it, classified.
struct RepeatedStatementBurst {
    enum Kind: Equatable {
        /// The same statement with different values, after a statement whose rows drove it.
        case nPlusOne(parent: UnitOfWork.RowSource)
        /// A single-row INSERT of one statement in a loop.
        case repeatedInsert
        /// The same statement with the same values, again and again.
        case duplicateQuery
    }

    var kind: Kind
    var fingerprint: StatementFingerprint
    var query: String
    var repetitions: Int
    var distinctValues: Int?
    /// For an N+1 whose parent's rows were sampled: where the loop's keys came from.
    var lineage: UnitOfWork.Lineage?
    var nanoseconds: UInt64
    /// From the first execution's start to the last one's end.
    var spanNanoseconds: UInt64

    /// The bursts of `unit` worth a finding, given the smallest loop that counts.
    static func bursts(in unit: UnitOfWork, minimumRepetitions: Int) -> [RepeatedStatementBurst] {
        var bursts: [RepeatedStatementBurst] = []
        for (fingerprint, run) in unit.runs where run.count >= 2 {
            let distinct = run.valuesUnknown ? nil : run.valueHashes.count
            let span = run.lastEndNanoseconds &- run.firstStartNanoseconds
            func burst(_ kind: Kind) -> RepeatedStatementBurst {
                RepeatedStatementBurst(
                    kind: kind, fingerprint: fingerprint, query: run.query, repetitions: run.count,
                    distinctValues: distinct, nanoseconds: run.totalNanoseconds, spanNanoseconds: span)
            }
            let shape = StatementShape(normalizedText: run.query)
            if distinct == 1 {
                // Identical executions: a result that could have been reused (no loop over rows).
                if shape.isReadOnly { bursts.append(burst(.duplicateQuery)) }
                continue
            }
            guard run.count >= minimumRepetitions else { continue }
            if shape.isSingleRowInsert {
                bursts.append(burst(.repeatedInsert))
            } else if let parent = unit.parent(of: run) {
                var source = parent
                // Rows of all its executions in the unit: a nested loop's parent ran once per outer row.
                source.rows = max(parent.rows, unit.runs[parent.fingerprint]?.totalRows ?? 0)
                var found = burst(.nPlusOne(parent: source))
                found.lineage = unit.lineage(of: run, from: parent)
                bursts.append(found)
            }
        }
        return bursts
    }
}
