import Foundation

/// Turns one database's advice into report findings: `missing_index` for proven (or plan-backed)
/// proposals, `fk_without_index`, `unused_index`, `duplicate_index` from the snapshot, and
/// `advisor_access` when the advisor could not work.
enum IndexAdviceFindings {
    static let hypotheticalEvidence = "verified by the planner with a hypothetical index"

    /// The findings of `advice` for clients' database `database`.
    static func findings(_ advice: DatabaseAdvice, database: String) -> [Finding] {
        var findings: [Finding] = []
        if let problem = advice.accessProblem {
            findings.append(access(problem, advice: advice, database: database))
        }
        for examination in advice.examinations.values.sorted(by: { $0.candidate.fingerprint < $1.candidate.fingerprint }
        ) {
            if let finding = missingIndex(examination, advice: advice, database: database) { findings.append(finding) }
        }
        guard let snapshot = advice.snapshot else { return findings }
        let applications = Set(advice.examinations.values.map(\.candidate.applicationName))
        let framework = applications.compactMap(IndexMigration.framework(applicationName:)).first
        for unindexed in SchemaAudit.unindexedForeignKeys(snapshot, traffic: advice.traffic) {
            findings.append(foreignKey(unindexed, snapshot: snapshot, database: database, framework: framework))
        }
        for index in SchemaAudit.unusedIndexes(snapshot) {
            findings.append(unused(index, snapshot: snapshot, database: database, framework: framework))
        }
        for redundant in SchemaAudit.redundantIndexes(snapshot) {
            findings.append(duplicate(redundant, snapshot: snapshot, database: database, framework: framework))
        }
        return findings
    }

    private static func schemaID(_ kind: FindingKind, database: String, qualifier: String) -> String {
        Finding.stableID(
            kind: kind, fingerprint: StatementFingerprint(0), database: database, applicationName: "",
            qualifier: qualifier)
    }

    private static func access(_ problem: AdvisorAccessProblem, advice: DatabaseAdvice, database: String) -> Finding {
        Finding(
            id: schemaID(.advisorAccess, database: database, qualifier: problem.stage.rawValue), kind: .advisorAccess,
            severity: .warning, fingerprint: "", query: "", database: database, applicationName: "pglens-advisor",
            occurrences: 1, timeMilliseconds: 0,
            suggestion: "pglens's advisor could not \(problem.stage == .login ? "log in" : "read what it needs") as "
                + "\(problem.user) (\(problem.message)); index advice for this database is incomplete. "
                + problem.grants(database: advice.serverDatabase),
            evidence: [
                "stage": .string(problem.stage.rawValue), "user": .string(problem.user),
                "sqlstate": problem.sqlState.map(JSONValue.string) ?? .null, "message": .string(problem.message),
            ],
            firstSeen: problem.at, lastSeen: problem.at)
    }

    private static func missingIndex(
        _ examination: DatabaseAdvice.Examination, advice: DatabaseAdvice, database: String
    ) -> Finding? {
        guard case .propose(let proposal, let proof) = examination.verdict else { return nil }
        let candidate = examination.candidate
        let table = advice.snapshot?.table(named: proposal.table, schema: proposal.schema)
        var evidence: [String: JSONValue] = [
            "plan_excerpt": .string(proposal.scan.excerpt),
            "reasons": .array(candidate.reasons.map { .string($0.rawValue) }),
            "calls": .number(Double(candidate.calls)), "mean_ms": .number(candidate.meanMilliseconds),
            "table_rows": table.map { .number(Double($0.rows)) } ?? .null,
            "table_size_bytes": table.map { .number(Double($0.sizeBytes)) } ?? .null,
        ]
        var suggestion = proposal.createStatement
        let severity: FindingSeverity
        switch proof {
        case .hypothetical(let before, let after):
            evidence["verification"] = .string(hypotheticalEvidence)
            evidence["cost_before"] = .number(PlanNode.rounded(before))
            evidence["cost_after"] = .number(PlanNode.rounded(after))
            suggestion +=
                " — \(hypotheticalEvidence): the plan's cost drops from \(PlanNode.rounded(before)) to "
                + "\(PlanNode.rounded(after))."
            severity = candidate.reasons.contains(.slow) || candidate.reasons.contains(.nPlusOne) ? .critical : .warning
        case .planOnly(let before, let why):
            evidence["verification"] = .string("advice from the plan alone: \(why)")
            evidence["cost_before"] = .number(PlanNode.rounded(before))
            evidence["cost_after"] = .null
            suggestion +=
                " — advice from the plan alone (\(why)): the plan reads all of "
                + "\(proposal.table) to keep about \(Int(proposal.scan.planRows)) rows."
            severity = .warning
        }
        if let framework = IndexMigration.framework(applicationName: candidate.applicationName) {
            suggestion +=
                " Migration: "
                + IndexMigration.creation(table: proposal.table, columns: proposal.columns, framework: framework)
        }
        return Finding(
            id: Finding.stableID(
                kind: .missingIndex, fingerprint: candidate.fingerprint, database: database,
                applicationName: candidate.applicationName, qualifier: proposal.columns.joined(separator: ",")),
            kind: .missingIndex, severity: severity, fingerprint: candidate.fingerprint.hex, query: candidate.query,
            database: database, applicationName: candidate.applicationName, occurrences: Int(candidate.calls),
            timeMilliseconds: candidate.totalMilliseconds, table: table?.displayName ?? proposal.table,
            columns: proposal.columns, suggestion: suggestion, evidence: evidence, firstSeen: candidate.firstSeen,
            lastSeen: candidate.lastSeen)
    }

    private static func foreignKey(
        _ unindexed: SchemaAudit.UnindexedForeignKey, snapshot: CatalogSnapshot, database: String,
        framework: IndexMigration.Framework?
    ) -> Finding {
        let key = unindexed.foreignKey
        let tableName = CatalogName.display(schema: key.schema, name: key.table)
        let rows = unindexed.table?.rows ?? 0
        let filtered = !unindexed.filteringStatements.isEmpty
        let severity: FindingSeverity = filtered && rows >= SchemaAudit.criticalForeignKeyRows ? .critical : .warning
        var suggestion =
            "CREATE INDEX CONCURRENTLY ON \(tableName) (\(key.columns.map(CatalogName.quoted).joined(separator: ", "))); "
            + "PostgreSQL does not index the referencing side of a foreign key, and SQLAlchemy does not either "
            + "(Django does for a ForeignKey unless db_index=False): without it, every lookup of a "
            + "\(key.referencedTable) row's \(key.table) and every DELETE of a \(key.referencedTable) row scans "
            + "\(tableName)."
        if let framework {
            suggestion +=
                " Migration: " + IndexMigration.creation(table: key.table, columns: key.columns, framework: framework)
        }
        let top = unindexed.filteringStatements.max { $0.calls < $1.calls }
        return Finding(
            id: schemaID(
                .foreignKeyWithoutIndex, database: database, qualifier: "\(key.schema).\(key.table).\(key.name)"),
            kind: .foreignKeyWithoutIndex, severity: severity, fingerprint: top?.fingerprint.hex ?? "", query: "",
            database: database, applicationName: "", occurrences: 1, timeMilliseconds: 0, table: tableName,
            columns: key.columns, suggestion: suggestion,
            evidence: [
                "constraint": .string(key.name),
                "referenced_table": .string(
                    CatalogName.display(schema: key.referencedSchema, name: key.referencedTable)),
                "table_rows": .number(Double(rows)),
                "table_size_bytes": .number(Double(unindexed.table?.sizeBytes ?? 0)),
                "filtered_by_traffic": .bool(filtered),
                "filtering_statements": .array(unindexed.filteringStatements.map { .string($0.fingerprint.hex) }),
            ],
            firstSeen: snapshot.takenAt, lastSeen: snapshot.takenAt)
    }

    private static func unused(
        _ index: CatalogIndex, snapshot: CatalogSnapshot, database: String, framework: IndexMigration.Framework?
    ) -> Finding {
        let since =
            snapshot.statisticsResetAt.map { "since the statistics were reset at \($0)" }
            ?? "since the statistics began"
        var suggestion =
            "DROP INDEX CONCURRENTLY \(index.displayName); it was never scanned \(since) and costs "
            + "\(formattedBytes(index.sizeBytes)) and a write on every INSERT and UPDATE. Check replicas first: "
            + "their scans are not counted here."
        if let framework {
            suggestion +=
                " Migration: " + IndexMigration.removal(index: index.name, table: index.table, framework: framework)
        }
        return Finding(
            id: schemaID(.unusedIndex, database: database, qualifier: "\(index.schema).\(index.name)"),
            kind: .unusedIndex, severity: .info, fingerprint: "", query: "", database: database, applicationName: "",
            occurrences: 1, timeMilliseconds: 0, table: CatalogName.display(schema: index.schema, name: index.table),
            columns: index.columns.map { $0 ?? "(expression)" }, suggestion: suggestion,
            evidence: [
                "index": .string(index.name), "definition": .string(index.definition),
                "size_bytes": .number(Double(index.sizeBytes)), "scans": .number(Double(index.scans)),
                "statistics_reset_at": snapshot.statisticsResetAt.map { .string("\($0)") } ?? .null,
            ],
            firstSeen: snapshot.takenAt, lastSeen: snapshot.takenAt)
    }

    private static func duplicate(
        _ redundant: SchemaAudit.RedundantIndex, snapshot: CatalogSnapshot, database: String,
        framework: IndexMigration.Framework?
    ) -> Finding {
        let index = redundant.index
        var suggestion =
            "DROP INDEX CONCURRENTLY \(index.displayName); its columns (\(index.leadingColumns.joined(separator: ", "))) "
            + "lead \(redundant.coveredBy.name) (\(redundant.coveredBy.leadingColumns.joined(separator: ", "))), "
            + "which serves every lookup it serves; it costs \(formattedBytes(index.sizeBytes))."
        if let framework {
            suggestion +=
                " Migration: " + IndexMigration.removal(index: index.name, table: index.table, framework: framework)
        }
        return Finding(
            id: schemaID(.duplicateIndex, database: database, qualifier: "\(index.schema).\(index.name)"),
            kind: .duplicateIndex, severity: .warning, fingerprint: "", query: "", database: database,
            applicationName: "", occurrences: 1, timeMilliseconds: 0,
            table: CatalogName.display(schema: index.schema, name: index.table), columns: index.leadingColumns,
            suggestion: suggestion,
            evidence: [
                "index": .string(index.name), "definition": .string(index.definition),
                "covered_by": .string(redundant.coveredBy.name),
                "covered_by_definition": .string(redundant.coveredBy.definition),
                "size_bytes": .number(Double(index.sizeBytes)), "scans": .number(Double(index.scans)),
            ],
            firstSeen: snapshot.takenAt, lastSeen: snapshot.takenAt)
    }

    static func formattedBytes(_ bytes: Int64) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : "\((value * 10).rounded() / 10) \(units[unit])"
    }
}
