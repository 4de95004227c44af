/// Turns an aggregate of `repeated_aggregates` into a finding whose fix is written out: the one statement
/// with `FILTER (WHERE ...)` per aggregate, built from the statements' own normalized WHERE text, and the
/// same in the ORM that most likely sent them (SQLAlchemy `func.count().filter(...)`, Django
/// `aggregate(..., filter=Q(...))`).
enum RepeatedAggregatesAdvice {
    /// The combined statement and the names of its columns, one per aggregate of each member in order.
    struct Rewrite: Equatable {
        var sql: String
        var aliases: [String]
        /// Each member's WHERE after renumbering (nil: no WHERE), in member order.
        var predicates: [String?]
    }

    static func finding(
        _ key: RoundTripPatternAggregates.Key, _ aggregate: RoundTripPatternAggregates.Aggregate
    ) -> Finding {
        let members = aggregate.largest.members
        let shapes = members.compactMap { AggregateStatementShape(normalizedText: $0.query) }
        // The report names tables without quotes (`orm_analyses`, not Django's `"orm_analyses"`).
        let table = shapes.first?.table.map { $0.replacing("\"", with: "") }
        var columns: [String] = []
        for column in shapes.flatMap(\.filterColumns) where !columns.contains(column) { columns.append(column) }
        let framework = RoundTripAdvice.framework(
            of: members.map(\.query), tags: aggregate.requestTags, applicationName: key.applicationName)
        let count = aggregate.largest.memberCount
        var suggestion =
            "\(count) aggregates of \(table ?? "one table") ran as separate statements in one unit of work, "
            + "differing only in their WHERE: compute them in one statement (one scan and one round trip "
            + "instead of \(count))"
        var extra: [String: JSONValue] = ["framework": .string(framework.rawValue)]
        if let rewrite = rewrite(shapes) {
            suggestion +=
                ": `\(rewrite.sql)` ($n are the values of the separate statements, renumbered in the order they ran)."
            suggestion += ormForms(shapes, rewrite, framework: framework)
            extra["rewrite"] = .string(rewrite.sql)
        } else {
            suggestion += " with one aggregate per statement, each with FILTER (WHERE <its condition>)."
        }
        if Set(members.map(\.fingerprint)).count == 1, let column = shapes.first?.filterColumns.first {
            suggestion +=
                " They are one statement with different values: `SELECT \(column), \(shapes[0].targetShape) FROM "
                + "\(shapes[0].source) WHERE \(column) = ANY($1) GROUP BY \(column)` returns them all too."
        }
        let largest = aggregate.largest
        let saved = RoundTripAdvice.milliseconds(largest.savedNanoseconds)
        let total = RoundTripAdvice.milliseconds(largest.nanoseconds)
        let longest = RoundTripAdvice.milliseconds(largest.longestNanoseconds)
        suggestion +=
            " Saves \(RoundTripAdvice.roundTrips(largest.roundTripsSaved)) and about \(saved) per unit of work "
            + "(the statements took \(total); one scan costs about the longest, \(longest))."
        return RoundTripAdvice.finding(
            kind: .repeatedAggregates, key: key, aggregate: aggregate, table: table, columns: columns,
            suggestion: suggestion, extraEvidence: extra)
    }

    /// One statement computing every member's aggregates, each filtered by its member's WHERE; nil unless
    /// all members read the same FROM clause.
    static func rewrite(_ shapes: [AggregateStatementShape]) -> Rewrite? {
        guard let source = shapes.first?.source, shapes.allSatisfy({ $0.source == source }) else { return nil }
        var renumbering = RoundTripAdvice.PlaceholderRenumbering()
        var taken: Set<String> = []
        var items: [String] = []
        var aliases: [String] = []
        var predicates: [String?] = []
        for shape in shapes {
            renumbering.startMember()
            var predicate: String?
            for target in shape.targets {
                let rendered = renumbering.apply(target.filtered(by: shape.predicate))
                let alias = RoundTripAdvice.alias([target.function, shape.filterColumns.first ?? "all"], taken: &taken)
                items.append("\(rendered) AS \(alias)")
                aliases.append(alias)
                if predicate == nil, let original = shape.predicate {
                    // The FILTER's text, as renumbered in this item (the same $n map as the item's).
                    var again = renumbering
                    predicate = again.apply(original)
                }
            }
            predicates.append(predicate)
        }
        return Rewrite(
            sql: "SELECT \(items.joined(separator: ", ")) FROM \(source)", aliases: aliases, predicates: predicates)
    }

    /// The rewrite in SQLAlchemy and Django terms (both when the framework is unknown).
    static func ormForms(
        _ shapes: [AggregateStatementShape], _ rewrite: Rewrite, framework: RepeatedStatementAdvice.Framework
    ) -> String {
        guard let table = shapes.first?.table else { return "" }
        let model = RepeatedStatementAdvice.className(ofTable: table)
        var sqlalchemy: [String] = []
        var django: [String] = []
        var aliasIndex = 0
        var untranslated: [String] = []
        for (shape, predicate) in zip(shapes, rewrite.predicates) {
            let condition = predicate.map { sql in (sql, AggregatePredicate(sql: sql)) }
            for target in shape.targets {
                guard aliasIndex < rewrite.aliases.count else { break }
                let alias = rewrite.aliases[aliasIndex]
                aliasIndex += 1
                let distinct = target.argument.lowercased().hasPrefix("distinct ")
                let argument = distinct ? String(target.argument.dropFirst("distinct ".count)) : target.argument
                let column = argumentColumn(argument)
                let function = target.function
                var call =
                    "func.\(function)(" + (column.map { "\(model).\($0)" + (distinct ? ".distinct()" : "") } ?? "")
                    + ")"
                if column == nil, argument != "*" { call = "func.\(function)(text('\(target.argument)'))" }
                var djangoCall = "\(djangoName(function))(\"\(column ?? "id")\"" + (distinct ? ", distinct=True" : "")
                if let condition {
                    let (sql, parsed) = condition
                    call += ".filter(" + (parsed?.sqlAlchemy(model: model) ?? "text('\(sql)')") + ")"
                    if let parsed {
                        djangoCall += ", filter=" + parsed.django()
                    } else {
                        djangoCall += ", filter=Q(...)"
                        untranslated.append(sql)
                    }
                }
                sqlalchemy.append("\(call).label(\"\(alias)\")")
                django.append("\(alias)=\(djangoCall))")
            }
        }
        let sqlalchemyForm =
            " SQLAlchemy: session.execute(select(\(sqlalchemy.joined(separator: ", "))).select_from(\(model))).one()"
        let djangoModel = djangoModelName(ofTable: table)
        let djangoForm =
            " Django: \(djangoModel).objects.aggregate(\(django.joined(separator: ", "))) (from django.db.models "
            + "import Count, Q, ...)"
            + (untranslated.isEmpty
                ? "" : ", each Q(...) for: " + untranslated.map { "`\($0)`" }.joined(separator: ", "))
        let values = " (p1, p2, ... are the values each query was given)."
        switch framework {
        case .sqlalchemy: return sqlalchemyForm + values
        case .django: return djangoForm + values
        case .rails, .hibernate, .prisma, .unknown: return sqlalchemyForm + ";" + djangoForm + values
        }
    }

    /// The column an aggregate takes (`leads.score` → `score`); nil for `*` and expressions.
    static func argumentColumn(_ argument: String) -> String? {
        let parts = argument.split(separator: ".").map { $0.replacing("\"", with: "") }
        guard let last = parts.last, parts.count <= 3,
            parts.allSatisfy({ part in !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } })
        else { return nil }
        return String(last)
    }

    static func djangoName(_ function: String) -> String {
        switch function {
        case "count": return "Count"
        case "sum": return "Sum"
        case "avg": return "Avg"
        case "min": return "Min"
        case "max": return "Max"
        case "stddev", "stddev_samp", "stddev_pop": return "StdDev"
        case "variance", "var_samp", "var_pop": return "Variance"
        default: return function.prefix(1).uppercased() + function.dropFirst()
        }
    }

    /// Django names tables `<app label>_<model>`: `core_lead` → `Lead`.
    static func djangoModelName(ofTable table: String) -> String {
        let bare = RepeatedStatementAdvice.bareTableName(table)
        guard let underscore = bare.firstIndex(of: "_") else { return RepeatedStatementAdvice.className(ofTable: bare) }
        let model = bare[bare.index(after: underscore)...]
        return model.isEmpty
            ? RepeatedStatementAdvice.className(ofTable: bare)
            : model.prefix(1).uppercased() + model.dropFirst()
    }
}
