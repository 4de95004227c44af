/// Which measured statements get a plan: the statements with the most total time, those with slow
/// executions, the children of N+1 loops, and lookups run often with a mean above a few milliseconds (a
/// 30 ms lookup run once per request is under any slow threshold, and is the case the seeds describe).
/// Utility commands and statements EXPLAIN cannot show are left out.
public struct IndexAdviceCandidateSelection: Sendable {
    /// How many of the statements with the most total time are candidates.
    public var topByTotalTime = 10
    /// A lookup is a candidate from this mean time, in milliseconds.
    public var frequentLookupMeanMilliseconds = 5.0
    /// ... and this many executions.
    public var frequentLookupCalls: UInt64 = 10
    /// The most candidates per database.
    public var limitPerDatabase = 20

    /// The default thresholds: top 10 by total time, lookups from 5 ms and 10 calls, 20 per database.
    public init() {}

    /// The candidates among `statements` (any order), given the report's `findings`, by total time.
    public func candidates(statements: [StatementSummary], findings: [Finding]) -> [IndexAdviceCandidate] {
        struct Key: Hashable {
            var fingerprint: StatementFingerprint
            var database: String
        }
        var merged: [Key: IndexAdviceCandidate] = [:]
        var order: [Key] = []
        for statement in statements {
            guard Self.isExplainable(statement.query) else { continue }
            let key = Key(fingerprint: statement.fingerprint, database: statement.database)
            guard var candidate = merged[key] else {
                order.append(key)
                merged[key] = IndexAdviceCandidate(
                    fingerprint: statement.fingerprint, query: statement.query, database: statement.database,
                    user: statement.user, applicationName: statement.applicationName, calls: statement.calls,
                    totalMilliseconds: statement.totalMilliseconds, meanMilliseconds: statement.meanMilliseconds,
                    reasons: [], firstSeen: statement.firstSeen, lastSeen: statement.lastSeen)
                continue
            }
            if statement.totalMilliseconds > candidate.totalMilliseconds / 2 {
                candidate.user = statement.user
                candidate.applicationName = statement.applicationName
            }
            candidate.calls += statement.calls
            candidate.totalMilliseconds += statement.totalMilliseconds
            candidate.meanMilliseconds = candidate.totalMilliseconds / Double(max(candidate.calls, 1))
            candidate.firstSeen = min(candidate.firstSeen, statement.firstSeen)
            candidate.lastSeen = max(candidate.lastSeen, statement.lastSeen)
            merged[key] = candidate
        }
        let byTime = order.sorted { merged[$0]!.totalMilliseconds > merged[$1]!.totalMilliseconds }
        func mark(_ key: Key, _ reason: IndexAdviceCandidate.Reason) {
            guard merged[key] != nil, !merged[key]!.reasons.contains(reason) else { return }
            merged[key]!.reasons.append(reason)
        }
        var topPerDatabase: [String: Int] = [:]
        for key in byTime where topPerDatabase[key.database, default: 0] < topByTotalTime {
            topPerDatabase[key.database, default: 0] += 1
            mark(key, .topTotalTime)
        }
        for finding in findings {
            guard let fingerprint = StatementFingerprint(hex: finding.fingerprint) else { continue }
            let key = Key(fingerprint: fingerprint, database: finding.database)
            if finding.kind == .slowQuery { mark(key, .slow) }
            if finding.kind == .nPlusOne { mark(key, .nPlusOne) }
        }
        for key in byTime {
            let candidate = merged[key]!
            if candidate.calls >= frequentLookupCalls, candidate.meanMilliseconds >= frequentLookupMeanMilliseconds {
                mark(key, .frequentLookup)
            }
        }
        var perDatabase: [String: Int] = [:]
        var chosen: [IndexAdviceCandidate] = []
        for key in byTime {
            var candidate = merged[key]!
            guard !candidate.reasons.isEmpty, perDatabase[key.database, default: 0] < limitPerDatabase else {
                continue
            }
            perDatabase[key.database, default: 0] += 1
            candidate.reasons.sort()
            chosen.append(candidate)
        }
        return chosen
    }

    /// Commands whose plan the advisor takes: EXPLAIN without ANALYZE never runs them.
    private static let explainableCommands: Set<String> = ["select", "with", "update", "delete", "table", "values"]

    /// Whether `query` is one statement that EXPLAIN can show without running it: a query or an UPDATE /
    /// DELETE, with no `;` that could end it and start another.
    public static func isExplainable(_ query: String) -> Bool {
        let lexer = SQLLexer(query)
        let tokens = Array(lexer).filter { $0.kind != .blockComment && $0.kind != .lineComment }
        guard let first = tokens.first, explainableCommands.contains(lexer.foldedText(of: first)) else {
            return false
        }
        return !tokens.contains { lexer.isSymbol($0, ";") && $0.kind == .punctuation }
    }
}
