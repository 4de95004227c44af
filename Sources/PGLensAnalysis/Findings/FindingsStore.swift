import Foundation

/// Findings recorded from outside the statement stream, aggregated: today the proxy's
/// `session_state_in_transaction_mode` observations, one finding per (statement, database, application,
/// action). Bounded: past `capacity` distinct findings the least recently seen is forgotten.
public struct FindingsStore: Sendable {
    private struct Key: Hashable, Sendable {
        var fingerprint: StatementFingerprint
        var database: String
        var applicationName: String
        var action: SessionStateAction
    }

    private struct Aggregate: Sendable {
        var query: String
        var kinds: [SessionStateKind]
        var exampleStatement: String
        var occurrences = 0
        var firstSeen: Date
        var lastSeen: Date
    }

    private let normalizer: StatementNormalizer
    private let detector: SessionStateDetector
    private var sessionState: LeastRecentlyUsedDictionary<Key, Aggregate>

    /// Creates an empty store of at most `capacity` findings.
    public init(capacity: Int = 1000, standardConformingStrings: Bool = true) {
        normalizer = StatementNormalizer(standardConformingStrings: standardConformingStrings)
        detector = SessionStateDetector(standardConformingStrings: standardConformingStrings)
        sessionState = LeastRecentlyUsedDictionary(capacity: capacity)
    }

    /// Adds one occurrence of a session-state statement.
    public mutating func record(_ observation: SessionStateObservation) {
        let statement = normalizer.normalize(observation.statementText)
        let key = Key(
            fingerprint: statement.fingerprint, database: observation.database,
            applicationName: observation.applicationName, action: observation.action)
        sessionState.update(
            key,
            creating: {
                var kinds: [SessionStateKind] = []
                for use in detector.sessionStateUses(in: observation.statementText) where !kinds.contains(use.kind) {
                    kinds.append(use.kind)
                }
                return Aggregate(
                    query: statement.text, kinds: kinds, exampleStatement: observation.statementText,
                    firstSeen: observation.observedAt, lastSeen: observation.observedAt)
            },
            { aggregate in
                aggregate.occurrences += 1
                aggregate.firstSeen = min(aggregate.firstSeen, observation.observedAt)
                aggregate.lastSeen = max(aggregate.lastSeen, observation.observedAt)
            })
    }

    /// Forgets every finding.
    public mutating func reset() {
        sessionState.removeAll()
    }

    /// The findings, most occurrences first. The statement as sent (which may hold values) appears in the
    /// evidence only when `captureParameters` is true, cut to 200 bytes.
    public func findings(captureParameters: Bool) -> [Finding] {
        var findings: [Finding] = []
        sessionState.forEach { key, aggregate in
            var evidence: [String: JSONValue] = [
                "action": .string(key.action.rawValue),
                "state_kinds": .array(aggregate.kinds.map { .string($0.rawValue) }),
            ]
            if captureParameters {
                evidence["statement"] = .string(Finding.truncated(aggregate.exampleStatement))
            }
            findings.append(
                Finding(
                    id: Finding.stableID(
                        kind: .sessionStateInTransactionMode, fingerprint: key.fingerprint, database: key.database,
                        applicationName: key.applicationName, qualifier: key.action.rawValue),
                    kind: .sessionStateInTransactionMode, severity: key.action == .error ? .critical : .warning,
                    fingerprint: key.fingerprint.hex, query: aggregate.query, database: key.database,
                    applicationName: key.applicationName, occurrences: aggregate.occurrences, repetitions: nil,
                    timeMilliseconds: 0, parent: nil, table: nil, columns: [],
                    suggestion: SessionStateAdvice.suggestion(kinds: aggregate.kinds, action: key.action),
                    evidence: evidence, firstSeen: aggregate.firstSeen, lastSeen: aggregate.lastSeen))
        }
        return findings.sorted { ($0.occurrences, $1.id) > ($1.occurrences, $0.id) }
    }
}
