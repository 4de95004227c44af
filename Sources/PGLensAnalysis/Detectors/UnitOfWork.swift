import Foundation

/// One unit of work of one client connection (a web request, a job): its statements counted by
/// fingerprint, with what the detectors of repeated statements need, bounded in memory.
struct UnitOfWork {
    /// A statement that returned rows: a possible parent of a loop that starts after it.
    struct RowSource: Equatable {
        var fingerprint: StatementFingerprint
        var query: String
        var rows: UInt64
        /// Its position in the unit.
        var index: Int
        /// Its shape (the name it is armed for sampling under) and, when it was armed, its rows' value hashes.
        var shape: UInt64?
        var sample: ResultSample?
    }

    /// Which parameter of a loop's statement matched which column of a row source's sampled rows.
    struct LineageKey: Hashable {
        var source: StatementFingerprint
        var parameter: Int
        var column: Int
    }

    /// The executions of one fingerprint in the unit.
    struct Run {
        var query: String
        var count = 0
        /// Position in the unit of the first execution.
        var firstIndex: Int
        /// Hashes of the parameter values seen (at most `maximumDistinctValues`), and whether an execution
        /// came without one (values unknown: taken as different).
        var valueHashes: Set<UInt64> = []
        var valuesUnknown = false
        /// How many executions repeated the parameter values of an earlier one.
        var repeatedValues = 0
        var totalNanoseconds: UInt64 = 0
        var firstStartNanoseconds: UInt64
        var lastEndNanoseconds: UInt64
        /// The statements that returned rows before the first execution, most recent first.
        var rowSourcesBefore: [RowSource]
        /// Executions compared with each sampled row source, and the matches by (source, parameter, column).
        var lineageChecked: [StatementFingerprint: Int] = [:]
        var lineageMatches: [LineageKey: Int] = [:]
    }

    /// How far a loop's keys were found in its parent's rows: parameter `parameter` (from 0) matched a value
    /// of column `column` (from 0) in `matched` of the `checked` executions compared.
    struct Lineage: Equatable {
        var parameter: Int
        var column: Int
        var matched: Int
        var checked: Int
    }

    static let maximumDistinctValues = 64
    static let maximumRuns = 128
    static let maximumRowSources = 8
    /// Statements kept in order for the analyses of the closed unit (the first ones of a long unit).
    static let maximumStatementsKept = 256

    let clientConnectionID: UInt64
    let database: String
    let applicationName: String
    let user: String
    let clientAddress: String
    /// The sqlcommenter keys that name a request (`traceparent`, `route`, `controller`, `action`), as
    /// the unit's first statement carried them.
    let requestTags: [String: String]
    var runs: [StatementFingerprint: Run] = [:]
    /// The latest statements that returned rows, one per fingerprint, most recent first.
    var rowSources: [RowSource] = []
    var statementCount = 0
    /// The unit's first ``maximumStatementsKept`` statements, in order.
    var statements: [UnitStatement] = []
    var lastEndNanoseconds: UInt64
    /// Whether the latest statement ran inside a transaction block.
    var lastInExplicitTransaction = false
    let firstSeen: Date
    var lastSeen: Date
    /// Fingerprints over `maximumRuns` were not counted.
    var overflowed = false

    init(first event: StatementEvent, requestTags: [String: String]) {
        clientConnectionID = event.clientConnectionID
        database = event.database
        applicationName = event.applicationName
        user = event.user
        clientAddress = event.clientAddress
        self.requestTags = requestTags
        lastEndNanoseconds = event.endedAtMonotonicNanoseconds
        firstSeen = event.startedAt
        lastSeen = event.startedAt
    }

    mutating func add(_ event: StatementEvent, parameterHash: UInt64?) {
        let statement = event.statement
        let index = statementCount
        statementCount += 1
        lastEndNanoseconds = max(lastEndNanoseconds, event.endedAtMonotonicNanoseconds)
        lastInExplicitTransaction = event.inExplicitTransaction
        lastSeen = max(lastSeen, event.startedAt)
        if statements.count < Self.maximumStatementsKept {
            statements.append(
                UnitStatement(
                    fingerprint: statement.fingerprint, query: statement.text,
                    startNanoseconds: event.startMonotonicNanoseconds,
                    endNanoseconds: event.endedAtMonotonicNanoseconds,
                    rows: event.rows, isError: event.isError, parameterHash: parameterHash))
        }
        if runs[statement.fingerprint] == nil {
            if runs.count >= Self.maximumRuns {
                overflowed = true
            } else {
                runs[statement.fingerprint] = Run(
                    query: statement.text, firstIndex: index, firstStartNanoseconds: event.startMonotonicNanoseconds,
                    lastEndNanoseconds: event.endedAtMonotonicNanoseconds, rowSourcesBefore: rowSources)
            }
        }
        if var run = runs[statement.fingerprint] {
            run.count += 1
            compareWithSampledSources(&run, event)
            run.totalNanoseconds &+= event.durationNanoseconds
            run.lastEndNanoseconds = event.endedAtMonotonicNanoseconds
            if let parameterHash {
                if run.valueHashes.contains(parameterHash) {
                    run.repeatedValues += 1
                } else if run.valueHashes.count < Self.maximumDistinctValues {
                    run.valueHashes.insert(parameterHash)
                }
            } else {
                run.valuesUnknown = true
            }
            runs[statement.fingerprint] = run
        }
        if event.rows > 0, !event.isError {
            rowSources.removeAll { $0.fingerprint == statement.fingerprint }
            rowSources.insert(
                RowSource(
                    fingerprint: statement.fingerprint, query: statement.text, rows: event.rows, index: index,
                    shape: event.shapeHash, sample: event.resultSample),
                at: 0)
            if rowSources.count > Self.maximumRowSources { rowSources.removeLast() }
        }
    }

    /// The statement whose rows drove `run`: the latest statement before the loop's first execution that
    /// returned rows and ran fewer times than the loop (so that, in a loop that runs two queries per
    /// row, the other query of the loop is not taken for the parent; in a nested loop, the inner loop's
    /// parent is the outer loop's query).
    func parent(of run: Run) -> RowSource? {
        run.rowSourcesBefore.first { source in
            (runs[source.fingerprint]?.count ?? 1) < run.count
        }
    }

    /// Looks for the execution's parameter values in the sampled rows of the statements before the loop.
    private func compareWithSampledSources(_ run: inout Run, _ event: StatementEvent) {
        guard run.rowSourcesBefore.contains(where: { $0.sample != nil }) else { return }
        let values = event.parameterValueHashes
        for source in run.rowSourcesBefore {
            guard let sample = source.sample else { continue }
            run.lineageChecked[source.fingerprint, default: 0] += 1
            for parameter in 0..<values.count {
                guard let hash = values[parameter] else { continue }
                var columns = sample.columns(of: hash)
                while columns != 0 {
                    let column = columns.trailingZeroBitCount
                    columns &= columns - 1
                    let key = LineageKey(source: source.fingerprint, parameter: parameter, column: column)
                    if run.lineageMatches[key] != nil || run.lineageMatches.count < 64 {
                        run.lineageMatches[key, default: 0] += 1
                    }
                }
            }
        }
    }

    /// The loop's lineage from `parent`: the (parameter, column) pair that matched most often.
    func lineage(of run: Run, from parent: RowSource) -> Lineage? {
        guard let checked = run.lineageChecked[parent.fingerprint], checked > 0 else { return nil }
        let best = run.lineageMatches.filter { $0.key.source == parent.fingerprint }
            .max { ($0.value, $1.key.parameter, $1.key.column) < ($1.value, $0.key.parameter, $0.key.column) }
        guard let best else { return Lineage(parameter: 0, column: -1, matched: 0, checked: checked) }
        return Lineage(parameter: best.key.parameter, column: best.key.column, matched: best.value, checked: checked)
    }
}
