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
        /// Its text as sent (for its shape, the name it is armed for sampling under) and, when it was armed,
        /// its rows' value hashes.
        var sentText: String?
        var sentStatementIndex = 0
        var sample: ResultSample?

        /// Its shape, computed when it is armed.
        var shape: UInt64? { sentText.map { LineageHash.shape(of: $0, statementIndex: sentStatementIndex) } }
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
        /// Rows its executions returned, summed (a nested loop's parent runs once per outer row).
        var totalRows: UInt64 = 0
        /// The parameter hash of its latest execution.
        var lastValueHash: UInt64?
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
    /// How many executions of a loop one row of its parent may drive: a row's several references to one
    /// table (an order's buyer and seller, both users) each load it.
    static let maximumExecutionsPerParentRow = 4
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
    /// The unit's first read of a table (not `BEGIN`, not a write, not a `SELECT set_config(...)` or
    /// `SELECT version()` a driver sends when it connects): outside a transaction block, the unit ends when
    /// that read runs again.
    var openingRead: StatementFingerprint?
    /// The sqlcommenter `framework` the unit's statements named (`sqlalchemy:2.0`, `django:5.0`), if any.
    var framework: String?
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

    mutating func add(_ event: StatementEvent, parameterHash: UInt64?, readsATable: Bool = false) {
        let statement = event.statement
        let index = statementCount
        if openingRead == nil, readsATable { openingRead = statement.fingerprint }
        statementCount += 1
        lastEndNanoseconds = max(lastEndNanoseconds, event.endedAtMonotonicNanoseconds)
        lastInExplicitTransaction = event.inExplicitTransaction
        lastSeen = max(lastSeen, event.startedAt)
        if framework == nil, let named = statement.metadata["framework"] { framework = named }
        if statements.count < Self.maximumStatementsKept {
            statements.append(
                UnitStatement(
                    fingerprint: statement.fingerprint, query: statement.text,
                    startNanoseconds: event.startMonotonicNanoseconds,
                    endNanoseconds: event.endedAtMonotonicNanoseconds,
                    rows: event.rows, isError: event.isError, parameterHash: parameterHash))
        }
        // One lookup in place: the loop's statement runs again and again.
        if runs[statement.fingerprint] == nil {
            guard runs.count < Self.maximumRuns else {
                overflowed = true
                addRowSource(event, statement, index)
                return
            }
            runs[statement.fingerprint] = Run(
                query: statement.text, firstIndex: index, firstStartNanoseconds: event.startMonotonicNanoseconds,
                lastEndNanoseconds: event.endedAtMonotonicNanoseconds, rowSourcesBefore: rowSources)
        }
        Self.update(&runs[statement.fingerprint]!, event, parameterHash, latestSources: rowSources)
        addRowSource(event, statement, index)
    }

    private static func update(
        _ run: inout Run, _ event: StatementEvent, _ parameterHash: UInt64?, latestSources: [RowSource]
    ) {
        run.count += 1
        compareWithSampledSources(&run, event, latestSources)
        run.totalNanoseconds &+= event.durationNanoseconds
        run.totalRows &+= event.isError ? 0 : event.rows
        run.lastValueHash = parameterHash
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
    }

    private mutating func addRowSource(_ event: StatementEvent, _ statement: NormalizedStatement, _ index: Int) {
        if event.rows > 0, !event.isError {
            var sample = event.resultSample
            if let earlier = rowSources.firstIndex(where: { $0.fingerprint == statement.fingerprint }) {
                // The rows of all its executions in the unit: where a nested loop's keys come from. When one
                // of them was not sampled (it ran before the statement was armed), the sample would be
                // partial and the lineage understated: none is kept for the rest of the unit.
                if let kept = rowSources[earlier].sample, sample != nil {
                    sample?.merge(kept)
                } else {
                    sample = nil
                }
                rowSources.remove(at: earlier)
            }
            rowSources.insert(
                RowSource(
                    fingerprint: statement.fingerprint, query: statement.text, rows: event.rows, index: index,
                    sentText: event.sentText, sentStatementIndex: event.sentStatementIndex, sample: sample),
                at: 0)
            if rowSources.count > Self.maximumRowSources { rowSources.removeLast() }
        }
    }

    /// The statement whose rows drove `run`: the latest statement before the loop's first execution that
    /// returned rows, ran fewer times than the loop (so that, in a loop that runs two queries per row, the
    /// other query of the loop is not taken for the parent; in a nested loop, the inner loop's parent is the
    /// outer loop's query), and returned rows enough to drive it: at most ``maximumExecutionsPerParentRow``
    /// executions per row, over all its executions in the unit (a statement that returned one row, such as
    /// a `SELECT version()` when the connection opened, drives no loop of 50).
    func parent(of run: Run) -> RowSource? {
        run.rowSourcesBefore.first { source in
            let sourceRun = runs[source.fingerprint]
            let rows = max(source.rows, sourceRun?.totalRows ?? 0)
            return (sourceRun?.count ?? 1) < run.count
                && rows.multipliedReportingOverflow(by: UInt64(Self.maximumExecutionsPerParentRow)).partialValue
                    >= UInt64(run.count)
        }
    }

    /// Looks for the execution's parameter values in the sampled rows of the statements that returned rows
    /// before the loop, each as of its latest execution (in a nested loop, the inner loop's keys come from
    /// the parent's latest rows, not its first).
    private static func compareWithSampledSources(
        _ run: inout Run, _ event: StatementEvent, _ latestSources: [RowSource]
    ) {
        guard latestSources.contains(where: { $0.sample != nil }) else { return }
        let values = event.parameterValueHashes
        for before in run.rowSourcesBefore {
            guard let source = latestSources.first(where: { $0.fingerprint == before.fingerprint }),
                let sample = source.sample
            else { continue }
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

    /// Whether `event` starts the next request rather than continuing this one, on a connection that sends
    /// requests back to back with nothing between them (a persistent connection in autocommit: Django's
    /// `CONN_MAX_AGE`, a psycopg pool without a reset):
    /// - outside a transaction block, the unit's first read of a table (``openingRead``) runs again, once,
    ///   after other statements (each request opens with its session or user lookup, or its listing);
    /// - or a statement that opened a loop runs again with the same values after the loop ran (the same page
    ///   asked for again). A nested loop's parent runs again too, but with other values (the next outer
    ///   row's key).
    func isRepeated(by event: StatementEvent, minimumRepetitions: Int) -> Bool {
        let fingerprint = event.statement.fingerprint
        guard let run = runs[fingerprint], run.count == 1 else { return false }
        if fingerprint == openingRead, !event.inExplicitTransaction, !lastInExplicitTransaction,
            statementCount > run.firstIndex + 1
        {
            return true
        }
        guard let hash = event.parameterHash, run.lastValueHash == hash else { return false }
        return runs.values.contains { loop in
            loop.firstIndex > run.firstIndex && loop.count >= minimumRepetitions && loop.valueHashes.count > 1
        }
    }
}
