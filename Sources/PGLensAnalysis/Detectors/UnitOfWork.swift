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
    }

    static let maximumDistinctValues = 64
    static let maximumRuns = 128
    static let maximumRowSources = 8

    let clientConnectionID: UInt64
    let database: String
    let applicationName: String
    /// The sqlcommenter keys that name a request (`traceparent`, `route`, `controller`, `action`), as
    /// the unit's first statement carried them.
    let requestTags: [String: String]
    var runs: [StatementFingerprint: Run] = [:]
    /// The latest statements that returned rows, one per fingerprint, most recent first.
    var rowSources: [RowSource] = []
    var statementCount = 0
    var lastEndNanoseconds: UInt64
    let firstSeen: Date
    var lastSeen: Date
    /// Fingerprints over `maximumRuns` were not counted.
    var overflowed = false

    init(first event: StatementEvent, requestTags: [String: String]) {
        clientConnectionID = event.clientConnectionID
        database = event.database
        applicationName = event.applicationName
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
        lastSeen = max(lastSeen, event.startedAt)
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
                RowSource(fingerprint: statement.fingerprint, query: statement.text, rows: event.rows, index: index),
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
}
