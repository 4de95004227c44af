import NIOConcurrencyHelpers

/// Where the advisor leaves what it found, per database, and where the report reads it: a
/// ``FindingSource`` of the schema and index findings, and the reviser of `slow_query` advice (which no
/// longer suggests an index the catalog shows exists). Empty, and silent, while no advisor runs.
///
/// Readers and the advisor take its lock briefly to copy or replace one database's value.
public final class IndexAdviceBoard: FindingSource {
    private let databases = NIOLockedValueBox([String: DatabaseAdvice]())

    /// An empty board.
    public init() {}

    /// Changes the advice of clients' database `database` (whose name on the server is `serverDatabase`).
    public func update(
        database: String, serverDatabase: String, _ change: @Sendable (inout DatabaseAdvice) -> Void
    ) {
        databases.withLockedValue { databases in
            var advice = databases[database] ?? DatabaseAdvice(serverDatabase: serverDatabase)
            change(&advice)
            databases[database] = advice
        }
    }

    /// The advice of clients' database `database`, if the advisor has been there.
    public func advice(for database: String) -> DatabaseAdvice? {
        databases.withLockedValue { $0[database] }
    }

    /// Forgets every database's advice.
    public func reset() {
        databases.withLockedValue { $0.removeAll() }
    }

    /// The schema and index findings of every database (no parameter values are ever in them).
    public func findings(captureParameters: Bool) -> [Finding] {
        let copy = databases.withLockedValue { $0 }
        return copy.keys.sorted().flatMap { IndexAdviceFindings.findings(copy[$0]!, database: $0) }
    }

    /// `findings` with each `slow_query` suggestion revised from what the advisor knows of its database:
    /// the plan's verdict when the statement was examined, else no index suggested on columns an index
    /// already leads with. Other findings pass unchanged.
    public func revised(_ findings: [Finding]) -> [Finding] {
        let copy = databases.withLockedValue { $0 }
        guard !copy.isEmpty else { return findings }
        return findings.map { finding in
            guard finding.kind == .slowQuery, let advice = copy[finding.database] else { return finding }
            return SlowQueryAdviceRevision.revised(finding, advice: advice)
        }
    }
}
