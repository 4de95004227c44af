/// An aggregate SELECT without GROUP BY read from its normalized text: its aggregate expressions, the FROM
/// clause it reads and its WHERE text, the parts from which several such statements can be rewritten into one
/// with `FILTER (WHERE ...)` per aggregate.
///
/// Recognized: `select count(*) from t where ...`, Django's `SELECT COUNT(*) AS "__count" FROM "app_lead"
/// WHERE ...`, SQLAlchemy 2.0's `select(func.count()).where(...)`, and SQLAlchemy's `Query.count()`, which
/// wraps the query: `SELECT count(*) AS count_1 FROM (SELECT ... FROM leads WHERE ...) AS anon_1` (unwrapped
/// to the inner FROM and WHERE when the inner query has no DISTINCT, GROUP BY, LIMIT or OFFSET, so counting it
/// is counting the rows of its FROM that pass its WHERE). Not recognized (nil): GROUP BY or HAVING, window
/// functions, aggregates that already have a FILTER or WITHIN GROUP, set operations, locking clauses, OFFSET,
/// CTEs, and a FROM clause holding placeholders (one combined statement has one FROM, so its values would have
/// to be the same in every statement).
struct AggregateStatementShape: Equatable {
    /// One expression of the select list.
    struct Target: Equatable {
        /// The expression without its alias (`count(*)`, `avg(extract(epoch from closed_at - claimed_at))`).
        var expression: String
        /// The first aggregate function's name, lower case (`count`).
        var function: String
        /// The first aggregate call's argument text (`*`, `leads.id`, `distinct user_id`).
        var argument: String
        /// UTF-8 offsets in ``expression`` just past each aggregate call's closing parenthesis: where a
        /// `FILTER (WHERE ...)` clause goes.
        var filterOffsets: [Int]

        /// The expression with `FILTER (WHERE predicate)` after each aggregate call (unchanged for nil).
        func filtered(by predicate: String?) -> String {
            guard let predicate else { return expression }
            var bytes = Array(expression.utf8)
            for offset in filterOffsets.sorted(by: >) {
                bytes.insert(contentsOf: Array(" FILTER (WHERE \(predicate))".utf8), at: offset)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Aggregate functions a FILTER clause applies to (ordered-set aggregates are left out: their FILTER goes
    /// after WITHIN GROUP).
    static let aggregateFunctions: Set<String> = [
        "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "stddev", "stddev_pop",
        "stddev_samp", "variance", "var_pop", "var_samp", "array_agg", "string_agg", "json_agg", "jsonb_agg",
    ]

    /// Keywords that start a clause of a SELECT at its top level.
    private static let clauseKeywords: Set<String> = [
        "from", "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for", "union",
        "intersect", "except",
    ]

    /// The select list's expressions, in order.
    var targets: [Target]
    /// The FROM clause's text (`leads`, `"app_lead"`, `orders join users on users.id = orders.user_id`).
    var source: String
    /// The first table of the FROM clause.
    var table: String?
    /// The WHERE clause's text, nil when the statement has none.
    var predicate: String?
    /// The columns the WHERE clause tests, without table names or quotes.
    var filterColumns: [String]

    /// The select list without aliases: statements with the same source and target shape differ only in
    /// their WHERE.
    var targetShape: String { targets.map(\.expression).joined(separator: ", ") }

    /// Reads `normalizedText`; nil when it is not a combinable aggregate SELECT.
    init?(normalizedText: String) {
        let lexer = SQLLexer(normalizedText)
        let tokens = Array(lexer).filter { !$0.isComment }
        let reader = Reader(lexer: lexer, tokens: tokens)
        guard let outer = reader.select(in: 0..<tokens.count), !outer.distinct, outer.isPlainAggregate,
            let from = outer.clauses["from"]
        else { return nil }
        guard let targets = reader.aggregateTargets(in: outer.targets) else { return nil }
        var sourceRange = from
        var whereRange = outer.clauses["where"]
        if let first = from.first, lexer.isSymbol(tokens[first], "(") {
            // SQLAlchemy's Query.count(): count(*) over the wrapped query, nothing else in the outer one.
            guard whereRange == nil, targets.allSatisfy(\.countsRows), let close = reader.closing(of: first),
                reader.isAliasOnly(close + 1..<from.upperBound),
                let inner = reader.select(in: first + 1..<close), !inner.distinct, inner.isUnlimitedRowSource,
                let innerFrom = inner.clauses["from"], let innerFirst = innerFrom.first,
                !lexer.isSymbol(tokens[innerFirst], "(")
            else { return nil }
            sourceRange = innerFrom
            whereRange = inner.clauses["where"]
        }
        guard !sourceRange.isEmpty, !sourceRange.contains(where: { tokens[$0].kind == .parameter }) else {
            return nil
        }
        self.targets = targets.map(\.target)
        source = reader.text(sourceRange)
        table = reader.firstName(in: sourceRange)
        predicate = whereRange.flatMap { $0.isEmpty ? nil : reader.text($0) }
        filterColumns = whereRange.map { reader.testedColumns(in: $0) } ?? []
    }

    /// Whether the select list of `normalizedText` (a SELECT) holds an aggregate call at its top level, with
    /// GROUP BY or not; also tells whether all of them are counts or sums whose result is no row key.
    static func aggregateKind(normalizedText: String) -> (selectsAggregate: Bool, yieldsKeys: Bool) {
        let lexer = SQLLexer(normalizedText)
        let tokens = Array(lexer).filter { !$0.isComment }
        let reader = Reader(lexer: lexer, tokens: tokens)
        guard let select = reader.select(in: 0..<tokens.count) else { return (false, true) }
        let calls = select.targets.filter { index in
            tokens[index].kind == .identifier && aggregateFunctions.contains(lexer.foldedText(of: tokens[index]))
                && index + 1 < tokens.count && lexer.isSymbol(tokens[index + 1], "(")
        }
        guard !calls.isEmpty else { return (false, true) }
        let keyFunctions: Set<String> = ["min", "max", "array_agg", "json_agg", "jsonb_agg", "string_agg"]
        let yieldsKeys =
            select.clauses["group"] != nil || calls.contains { keyFunctions.contains(lexer.foldedText(of: tokens[$0])) }
        return (true, yieldsKeys)
    }
}

extension AggregateStatementShape {
    /// The top-level parts of one SELECT, as token index ranges.
    fileprivate struct SelectParts {
        var distinct = false
        var targets: Range<Int>
        /// Each top-level clause keyword's body (from the token after the keyword, `by` skipped, to the next
        /// clause).
        var clauses: [String: Range<Int>] = [:]

        /// No clause that makes it more than one aggregate row: no GROUP BY, HAVING, WINDOW, OFFSET, FETCH,
        /// locking or set operation (ORDER BY and LIMIT on one aggregate row change nothing).
        var isPlainAggregate: Bool {
            ["group", "having", "window", "offset", "fetch", "for", "union", "intersect", "except"]
                .allSatisfy { clauses[$0] == nil }
        }

        /// Rows of its FROM that pass its WHERE, each once: only WHERE and ORDER BY besides FROM.
        var isUnlimitedRowSource: Bool { Set(clauses.keys).isSubset(of: ["from", "where", "order"]) }
    }

    /// An aggregate target and whether it counts rows (`count(*)`, `count($1)` from `count(1)`).
    fileprivate struct ParsedTarget {
        var target: Target
        var countsRows: Bool
    }

    /// Token-level reading of a normalized statement.
    fileprivate struct Reader {
        let lexer: SQLLexer
        let tokens: [SQLToken]

        func text(_ range: Range<Int>) -> String {
            guard let first = range.first, let last = range.last else { return "" }
            return String(
                decoding: lexer.bytes[tokens[first].range.lowerBound..<tokens[last].range.upperBound], as: UTF8.self)
        }

        func isKeyword(_ index: Int, _ keyword: StaticString) -> Bool {
            index < tokens.count && lexer.isKeyword(tokens[index], keyword)
        }

        /// The index of the `)` matching the `(` at `open`.
        func closing(of open: Int) -> Int? {
            var depth = 0
            for index in open..<tokens.count {
                if lexer.isSymbol(tokens[index], "(") || lexer.isSymbol(tokens[index], "[") { depth += 1 }
                if lexer.isSymbol(tokens[index], ")") || lexer.isSymbol(tokens[index], "]") {
                    depth -= 1
                    if depth == 0 { return index }
                }
            }
            return nil
        }

        /// `range` splits at depth-0 tokens for which `isSeparator` holds.
        func split(_ range: Range<Int>, where isSeparator: (Int) -> Bool) -> [Range<Int>] {
            var parts: [Range<Int>] = []
            var depth = 0
            var start = range.lowerBound
            for index in range {
                if lexer.isSymbol(tokens[index], "(") || lexer.isSymbol(tokens[index], "[") { depth += 1 }
                if lexer.isSymbol(tokens[index], ")") || lexer.isSymbol(tokens[index], "]") { depth -= 1 }
                if depth == 0, isSeparator(index) {
                    parts.append(start..<index)
                    start = index + 1
                }
            }
            parts.append(start..<range.upperBound)
            return parts
        }

        /// The parts of the SELECT spanning `range`, nil when it is not one.
        func select(in range: Range<Int>) -> SelectParts? {
            guard let first = range.first, isKeyword(first, "select") else { return nil }
            var start = first + 1
            var distinct = false
            if isKeyword(start, "distinct") {
                distinct = true
                start += 1
            } else if isKeyword(start, "all") {
                start += 1
            }
            var boundaries: [(keyword: String, index: Int)] = []
            var depth = 0
            for index in start..<range.upperBound {
                let token = tokens[index]
                if lexer.isSymbol(token, "(") || lexer.isSymbol(token, "[") { depth += 1 }
                if lexer.isSymbol(token, ")") || lexer.isSymbol(token, "]") { depth -= 1 }
                guard depth == 0, token.kind == .identifier else { continue }
                let word = lexer.foldedText(of: token)
                if AggregateStatementShape.clauseKeywords.contains(word), !boundaries.contains(where: { $0.0 == word })
                {
                    boundaries.append((word, index))
                }
            }
            var parts = SelectParts(distinct: distinct, targets: start..<(boundaries.first?.index ?? range.upperBound))
            for (position, boundary) in boundaries.enumerated() {
                var bodyStart = boundary.index + 1
                if isKeyword(bodyStart, "by") { bodyStart += 1 }
                let end = position + 1 < boundaries.count ? boundaries[position + 1].index : range.upperBound
                parts.clauses[boundary.keyword] = bodyStart..<max(bodyStart, end)
            }
            return parts
        }

        /// The select list's items as aggregate targets; nil when one of them is not an aggregate expression
        /// (a plain column, a window function, an aggregate with FILTER or WITHIN GROUP).
        func aggregateTargets(in range: Range<Int>) -> [ParsedTarget]? {
            var targets: [ParsedTarget] = []
            for item in split(range, where: { lexer.isSymbol(tokens[$0], ",") }) {
                var expression = item
                if item.count >= 3, isKeyword(item.upperBound - 2, "as") {
                    expression = item.lowerBound..<item.upperBound - 2
                } else if item.count >= 2, lexer.isSymbol(tokens[item.upperBound - 2], ")"),
                    [.identifier, .quotedIdentifier].contains(tokens[item.upperBound - 1].kind)
                {
                    expression = item.lowerBound..<item.upperBound - 1
                }
                guard let start = expression.first else { return nil }
                let base = tokens[start].range.lowerBound
                var offsets: [Int] = []
                var first: (function: String, argument: Range<Int>)?
                var index = expression.lowerBound
                while index < expression.upperBound {
                    let name = lexer.foldedText(of: tokens[index])
                    guard tokens[index].kind == .identifier, AggregateStatementShape.aggregateFunctions.contains(name),
                        index + 1 < expression.upperBound, lexer.isSymbol(tokens[index + 1], "("),
                        let close = closing(of: index + 1), close < expression.upperBound
                    else {
                        index += 1
                        continue
                    }
                    if isKeyword(close + 1, "filter") || isKeyword(close + 1, "over") || isKeyword(close + 1, "within")
                    {
                        return nil
                    }
                    offsets.append(tokens[close].range.upperBound - base)
                    if first == nil { first = (name, index + 2..<close) }
                    index = close + 1
                }
                guard let first else { return nil }
                let argument = text(first.argument)
                let countsRows =
                    first.function == "count" && expression.count == 4
                    && (argument == "*" || tokens[first.argument.lowerBound].kind == .parameter)
                targets.append(
                    ParsedTarget(
                        target: Target(
                            expression: text(expression), function: first.function, argument: argument,
                            filterOffsets: offsets),
                        countsRows: countsRows))
            }
            return targets
        }

        /// True when `range` is empty or only `[as] alias`.
        func isAliasOnly(_ range: Range<Int>) -> Bool {
            var rest = range
            if let first = rest.first, isKeyword(first, "as") { rest = rest.dropFirst() }
            return rest.isEmpty
                || (rest.count == 1 && [.identifier, .quotedIdentifier].contains(tokens[rest.lowerBound].kind))
        }

        /// The first (possibly schema-qualified) name in `range`.
        func firstName(in range: Range<Int>) -> String? {
            var index = range.lowerBound
            if isKeyword(index, "only") { index += 1 }
            guard index < range.upperBound, [.identifier, .quotedIdentifier].contains(tokens[index].kind) else {
                return nil
            }
            var name = lexer.text(of: tokens[index])
            while index + 2 < range.upperBound, lexer.isSymbol(tokens[index + 1], "."),
                [.identifier, .quotedIdentifier].contains(tokens[index + 2].kind)
            {
                name += "." + lexer.text(of: tokens[index + 2])
                index += 2
            }
            return name
        }

        /// Columns before a comparison (`col = $1`, `t.col >= $2`, `col is null`, `col in ($3)`), and a lone
        /// boolean column (`"t"."flag"`, `not t.flag`), without table names or quotes.
        func testedColumns(in range: Range<Int>) -> [String] {
            let comparisons: Set<String> = ["=", "<", ">", "<=", ">=", "<>", "!=", "~~", "~~*"]
            let testKeywords: Set<String> = ["is", "in", "like", "ilike", "between", "not"]
            var columns: [String] = []
            let notColumns: Set<String> = ["and", "or", "not", "where", "is", "null", "true", "false"]
            func add(_ index: Int) {
                guard index >= range.lowerBound, [.identifier, .quotedIdentifier].contains(tokens[index].kind),
                    !(tokens[index].kind == .identifier && notColumns.contains(lexer.foldedText(of: tokens[index])))
                else { return }
                let column = lexer.text(of: tokens[index]).replacing("\"", with: "")
                if !columns.contains(column) { columns.append(column) }
            }
            for index in range.dropFirst() {
                let token = tokens[index]
                let isComparison = token.kind == .operator && comparisons.contains(lexer.text(of: token))
                let isTest = token.kind == .identifier && testKeywords.contains(lexer.foldedText(of: token))
                if isComparison || isTest { add(index - 1) }
            }
            for conjunct in split(range, where: { isKeyword($0, "and") || isKeyword($0, "or") }) {
                var names = conjunct
                if let first = names.first, isKeyword(first, "not") { names = names.dropFirst() }
                let isName = names.allSatisfy { index in
                    [.identifier, .quotedIdentifier].contains(tokens[index].kind) || lexer.isSymbol(tokens[index], ".")
                }
                if isName, let last = names.last, names.count % 2 == 1 { add(last) }
            }
            return columns
        }
    }
}
