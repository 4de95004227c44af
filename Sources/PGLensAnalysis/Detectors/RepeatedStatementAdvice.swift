import Foundation

/// Turns an aggregate of repeated-statement bursts into a finding with its evidence and a concrete fix:
/// the SQL rewrite and the change in the ORM that most likely sent the statements.
enum RepeatedStatementAdvice {
    /// The ORM or driver the statements' shape, sqlcommenter `framework` or application name point to.
    enum Framework: String {
        case sqlalchemy, django, rails, hibernate, prisma, unknown
    }

    static func finding(
        _ key: RepeatedStatementAggregates.Key, _ aggregate: RepeatedStatementAggregates.Aggregate
    )
        -> Finding
    {
        let shape = QueryShape(normalizedText: aggregate.query)
        let column = (shape.filterColumns.first ?? leftSideColumn(in: aggregate.query))?.replacing("\"", with: "")
        let framework = framework(
            of: aggregate.query, tags: aggregate.requestTags, applicationName: key.applicationName)
        let sizes = aggregate.sizes.sorted()
        let median = sizes.isEmpty ? 0 : sizes[sizes.count / 2]
        let milliseconds = Double(aggregate.nanoseconds) / 1e6
        var evidence: [String: JSONValue] = [
            "bursts": .number(Double(aggregate.bursts)),
            "largest_burst": .number(Double(aggregate.largest)),
            "median_burst": .number(Double(median)),
            "connections": .number(Double(aggregate.clients.count)),
            "framework": .string(framework.rawValue),
            "round_trips_saved": .number(Double(aggregate.sizes.reduce(0) { $0 + max($1 - 1, 0) })),
            "users": .array(aggregate.users.sorted().map(JSONValue.string)),
            "client_addresses": .array(aggregate.addresses.sorted().map(JSONValue.string)),
            "longest_burst_span_ms": .number(Double(aggregate.longestSpanNanoseconds) / 1e6),
        ]
        if let distinct = aggregate.fewestDistinctValues {
            evidence["distinct_values_in_smallest_burst"] = .number(Double(distinct))
        }
        var parentColumn: String?
        if key.kind == .nPlusOne {
            evidence["parent_rows"] = .number(Double(aggregate.parentRows))
            if let lineage = lineageEvidence(aggregate, childColumn: column) {
                evidence["lineage"] = lineage
                if case .object(let fields) = lineage, case .string(let name) = fields["parent_column"] {
                    parentColumn = name
                }
            }
        }
        for (tag, value) in aggregate.requestTags where tag != "traceparent" && tag != "framework" {
            evidence[tag] = .string(value)
        }
        let parentTable = aggregate.parent.flatMap { QueryShape(normalizedText: $0.query).table }
        let suggestion: String
        switch key.kind {
        case .nPlusOne:
            suggestion = nPlusOneFix(
                query: aggregate.query, table: shape.table, column: column, parentTable: parentTable,
                parentColumn: parentColumn, framework: framework, largest: aggregate.largest)
        case .repeatedInsert:
            suggestion =
                "Insert the rows in one statement: a multi-row INSERT ... VALUES (...), (...), or "
                + "INSERT ... SELECT * FROM unnest($1::type[], ...), or COPY for large batches; with psycopg 3 "
                + "use cursor.executemany() (pipelined) or copy(); with SQLAlchemy pass a list of dicts to one "
                + "session.execute(insert(Table), rows) or use bulk_insert_mappings; with Django "
                + "Model.objects.bulk_create(objects). Saves about \(max(aggregate.largest - 1, 0)) round trips "
                + "per burst."
        default:
            suggestion =
                "The same statement ran \(aggregate.largest) times with the same values in one unit of work: "
                + "reuse the first result (keep it in a variable or a request-scoped cache; in SQLAlchemy, "
                + "session.get() answers from the identity map; in Django, keep the queryset or use "
                + "select_related instead of re-fetching)."
        }
        let severity: FindingSeverity =
            key.kind == .nPlusOne && (aggregate.largest >= 20 || milliseconds >= 100) ? .critical : .warning
        return Finding(
            id: Finding.stableID(
                kind: key.kind, fingerprint: key.fingerprint, database: key.database,
                applicationName: key.applicationName, qualifier: key.parent?.hex ?? ""),
            kind: key.kind, severity: key.kind == .duplicateQuery ? .info : severity,
            fingerprint: key.fingerprint.hex, query: aggregate.query, database: key.database,
            applicationName: key.applicationName, occurrences: aggregate.bursts, repetitions: aggregate.largest,
            timeMilliseconds: milliseconds,
            parent: aggregate.parent.map { Finding.Parent(fingerprint: $0.fingerprint, query: $0.query) },
            table: shape.table?.replacing("\"", with: ""), columns: column.map { [$0] } ?? [], suggestion: suggestion,
            evidence: evidence,
            firstSeen: aggregate.firstSeen, lastSeen: aggregate.lastSeen)
    }

    /// Where the loop's keys came from, over the bursts whose parent's rows were sampled: `parameter` (from
    /// 1) matched `parent_column` in `matched` of `checked` executions, with a sentence saying so.
    static func lineageEvidence(
        _ aggregate: RepeatedStatementAggregates.Aggregate, childColumn: String?
    ) -> JSONValue? {
        guard aggregate.lineageChecked > 0 else { return nil }
        var object: [String: JSONValue] = [
            "checked": .number(Double(aggregate.lineageChecked)),
            "bursts_sampled": .number(Double(aggregate.lineageBursts)),
        ]
        let best = aggregate.lineageMatches.max {
            ($0.value, $1.key.parameter, $1.key.column) < ($1.value, $0.key.parameter, $0.key.column)
        }
        let matched = best?.value ?? 0
        object["matched"] = .number(Double(matched))
        let key = childColumn.map { "`\(($0.split(separator: ".").last.map(String.init) ?? $0))`" } ?? "key"
        guard let best, let parent = aggregate.parent else {
            object["summary"] = .string(
                "none of \(aggregate.lineageChecked) \(key) values was among the values the parent returned")
            return .object(object)
        }
        let table = QueryShape(normalizedText: parent.query).table
        let columns = SelectListColumns.names(in: parent.query, mainTable: table)
        let column =
            columns.indices.contains(best.key.column) ? columns[best.key.column] : "column \(best.key.column + 1)"
        object["parameter"] = .number(Double(best.key.parameter + 1))
        object["parent_column"] = .string(column)
        object["summary"] = .string(
            "\(matched) of \(aggregate.lineageChecked) \(key) values were `\(column)` values returned by the "
                + "query before (parameter $\(best.key.parameter + 1))")
        return .object(object)
    }

    /// The SQL rewrite and the ORM change for an N+1 whose child statement filters `table.column`.
    static func nPlusOneFix(
        query: String, table: String?, column: String?, parentTable: String?, parentColumn: String? = nil,
        framework: Framework, largest: Int
    ) -> String {
        let child = table ?? "the child table"
        let key = column ?? "its key"
        let bareColumn = (key.split(separator: ".").last.map(String.init) ?? key).replacing("\"", with: "")
        var text =
            "Load all rows at once instead of one query per row of the parent: one query "
            + "`SELECT ... FROM \(child) WHERE \(bareColumn) = ANY($1)` with the list of "
            + (parentColumn.map { "`\($0)` values of the parent's rows" } ?? "parent keys")
        if let parentColumn, let table {
            text +=
                " (or a JOIN: `... JOIN \(bareTableName(table)) ON \(bareTableName(table)).\(bareColumn) = \(parentColumn)`)"
        } else {
            text += " (or a JOIN with the parent query)"
        }
        text += ", which saves \(max(largest - 1, 0)) round trips per request."
        // A lookup by the child's own id is a many-to-one (forward) relation; by `<parent>_id`, one-to-many.
        let forward = bareColumn == "id"
        let parentClass = parentTable.map(className(ofTable:)) ?? "Parent"
        let relationship =
            forward
            ? "\(parentClass).\(singular(child))" : "\(parentClass).\(bareTableName(child))"
        let djangoModel = djangoModelName(child, parentTable: parentTable)
        switch framework {
        case .sqlalchemy:
            text +=
                forward
                ? " SQLAlchemy: add .options(joinedload(\(relationship))) to the parent query (or lazy=\"joined\" on the relationship)."
                : " SQLAlchemy: add .options(selectinload(\(relationship))) to the parent query (or lazy=\"selectin\" on the relationship)."
        case .django:
            text +=
                forward
                ? " Django: add .select_related(\"\(singular(djangoModel))\") to the parent queryset (the ForeignKey's name)."
                : " Django: add .prefetch_related(\"\(singular(djangoModel))_set\") to the parent queryset (or the ForeignKey's related_name)."
        case .rails:
            text += " Rails: add .includes(:\(forward ? singular(child) : bareTableName(child))) to the parent query."
        case .hibernate:
            text += " Hibernate/JPA: JOIN FETCH the association in the parent query, or @BatchSize on it."
        case .prisma:
            text +=
                " Prisma: include: { \(forward ? singular(child) : bareTableName(child)): true } in the parent query."
        case .unknown:
            text +=
                " With an ORM: eager-load the relation (SQLAlchemy selectinload/joinedload(\(relationship)), Django "
                + (forward ? "select_related" : "prefetch_related")
                + ", Rails includes); with asyncpg or psycopg: pass the keys as an array, `= ANY($1::int[])`."
        }
        return text
    }

    /// `$1 = t.col` (SQLAlchemy's lazy loads put the parameter first): the column.
    static func leftSideColumn(in query: String) -> String? {
        let lexer = SQLLexer(query)
        let tokens = Array(lexer).filter { $0.kind != .blockComment && $0.kind != .lineComment }
        for index in tokens.indices where tokens[index].kind == .parameter {
            // `$1::integer = t.col` (psycopg 3 casts its parameters).
            var equals = index + 1
            while equals + 1 < tokens.count, lexer.text(of: tokens[equals]) == "::" { equals += 2 }
            guard equals + 1 < tokens.count, lexer.text(of: tokens[equals]) == "=" else { continue }
            var name = lexer.foldedText(of: tokens[equals + 1]).replacing("\"", with: "")
            var cursor = equals + 2
            while cursor + 1 < tokens.count, lexer.isSymbol(tokens[cursor], ".") {
                name += "." + lexer.foldedText(of: tokens[cursor + 1]).replacing("\"", with: "")
                cursor += 2
            }
            return name
        }
        return nil
    }

    static func framework(of query: String, tags: [String: String], applicationName: String) -> Framework {
        let hint = (tags["framework"] ?? "") + " " + applicationName.lowercased()
        if hint.contains("sqlalchemy") || hint.contains("flask") { return .sqlalchemy }
        if hint.contains("django") { return .django }
        if hint.contains("rails") || hint.contains("activerecord") { return .rails }
        if hint.contains("spring") || hint.contains("hibernate") { return .hibernate }
        if hint.contains("prisma") { return .prisma }
        // Django quotes every name ("table"."column"); SQLAlchemy's lazy loads put the parameter first
        // (`WHERE $1 = t.col`, `$1::integer = t.col`), and it qualifies every column with its table, unquoted.
        if query.contains("\".\"") { return .django }
        if leftSideColumn(in: query) != nil { return .sqlalchemy }
        let table = QueryShape(normalizedText: query).table.map(bareTableName)
        if let table, query.hasPrefix("select "),
            case let columns = SelectListColumns.names(in: query, mainTable: nil), !columns.isEmpty,
            columns.allSatisfy({ $0.hasPrefix(table + ".") }), query.contains(" from \(table) where \(table).")
        {
            return .sqlalchemy
        }
        if query.range(of: #" AS [a-z_][a-z0-9_]*_[a-z0-9_]+"#, options: [.regularExpression, .caseInsensitive]) != nil,
            query.range(of: #"\$[0-9]+ = [a-z_]"#, options: .regularExpression) != nil
                || query.contains(" AS ")
        {
            return .sqlalchemy
        }
        return .unknown
    }

    /// Django's model name for a table `<app_label>_<model>`: the table without the app label it shares with
    /// the parent's table (or without its first word).
    static func djangoModelName(_ table: String, parentTable: String?) -> String {
        let name = bareTableName(table)
        let parent = parentTable.map(bareTableName) ?? ""
        let words = name.split(separator: "_")
        let shared = zip(words, parent.split(separator: "_")).prefix { $0 == $1 }.count
        if shared > 0, shared < words.count { return words[shared...].joined(separator: "_") }
        guard let underscore = name.firstIndex(of: "_") else { return name }
        return String(name[name.index(after: underscore)...])
    }

    static func bareTableName(_ table: String) -> String {
        (table.split(separator: ".").last.map(String.init) ?? table).replacing("\"", with: "")
    }

    static func singular(_ table: String) -> String {
        let name = bareTableName(table)
        if name.hasSuffix("ies") { return String(name.dropLast(3)) + "y" }
        if name.hasSuffix("ses") || name.hasSuffix("xes") { return String(name.dropLast(2)) }
        if name.hasSuffix("s") { return String(name.dropLast()) }
        return name
    }

    static func className(ofTable table: String) -> String {
        singular(table).split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
