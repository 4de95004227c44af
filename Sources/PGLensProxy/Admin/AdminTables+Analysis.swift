import Foundation
import PGLensAnalysis

extension AdminTables {
    /// SHOW STATEMENTS: per normalized statement, by total time, largest first.
    static func statements(_ summaries: [StatementSummary]) -> AdminResultSet {
        var result = AdminResultSet(
            columns: [
                .text("fingerprint"), .text("query"), .text("database"), .text("user"), .text("application_name"),
                .int8("calls"), .int8("rows"), .int8("errors"), .numeric("total_ms"), .numeric("mean_ms"),
                .numeric("min_ms"), .numeric("max_ms"), .numeric("p50_ms"), .numeric("p95_ms"), .numeric("p99_ms"),
                .text("first_seen"), .text("last_seen"),
            ])
        for summary in summaries {
            let times = [
                summary.totalMilliseconds, summary.meanMilliseconds, summary.minMilliseconds, summary.maxMilliseconds,
                summary.p50Milliseconds, summary.p95Milliseconds, summary.p99Milliseconds,
            ]
            result.append(
                [
                    summary.fingerprint.hex, summary.query, summary.database, summary.user,
                    summary.applicationName, String(summary.calls), String(summary.rows), String(summary.errors),
                ] + times.map(milliseconds) + [timestamp(summary.firstSeen), timestamp(summary.lastSeen)])
        }
        return result
    }

    /// SHOW SLOW: the slow executions kept, oldest first.
    static func slow(_ executions: [SlowQueryExecution]) -> AdminResultSet {
        var result = AdminResultSet(
            columns: [
                .text("started_at"), .numeric("duration_ms"), .int8("rows"), .text("database"), .text("user"),
                .text("application_name"), .text("client_addr"), .text("query"),
            ])
        for execution in executions {
            result.append([
                timestamp(execution.startedAt), milliseconds(execution.durationMilliseconds), String(execution.rows),
                execution.database, execution.user, execution.applicationName, execution.clientAddress,
                execution.query,
            ])
        }
        return result
    }

    /// A duration in milliseconds with microsecond precision.
    static func milliseconds(_ value: Double) -> String? {
        String(format: "%.3f", value)
    }
}
