/// A WHERE clause that is a conjunction of simple column tests (`t.col = $1 and col >= $2`, `col is null`,
/// `col in ($3)`, a lone boolean column), written again as an ORM condition: SQLAlchemy's
/// `Lead.lead_score >= p2` or Django's `Q(lead_score__gte=p2)`. Placeholders `$n` become names `pn`, the
/// values the application passes; the values themselves are never known.
struct AggregatePredicate: Equatable {
    /// One test of a column.
    struct Condition: Equatable {
        enum Test: Equatable {
            /// A comparison operator: `=`, `<>`, `<`, `<=`, `>`, `>=`.
            case compare(String)
            case isNull
            case isNotNull
            /// `in (...)` or `= any(...)`.
            case isIn
        }

        /// The column without table name or quotes.
        var column: String
        var test: Test
        /// The right side as a Python expression (`p2`, `True`, `None`); empty for null tests.
        var operand: String
    }

    var conditions: [Condition]

    /// Reads `sql` (a normalized WHERE clause); nil when it is not a conjunction of simple tests.
    init?(sql: String) {
        let lexer = SQLLexer(sql)
        let tokens = Array(lexer).filter { !$0.isComment }
        guard !tokens.isEmpty else { return nil }
        var conditions: [Condition] = []
        var start = 0
        var depth = 0
        var conjuncts: [Range<Int>] = []
        for index in tokens.indices {
            if lexer.isSymbol(tokens[index], "(") { depth += 1 }
            if lexer.isSymbol(tokens[index], ")") { depth -= 1 }
            guard depth == 0 else { continue }
            if lexer.isKeyword(tokens[index], "or") { return nil }
            if lexer.isKeyword(tokens[index], "and") {
                conjuncts.append(start..<index)
                start = index + 1
            }
        }
        conjuncts.append(start..<tokens.count)
        for conjunct in conjuncts {
            guard let condition = Self.condition(Array(tokens[conjunct]), lexer) else { return nil }
            conditions.append(condition)
        }
        self.conditions = conditions
    }

    /// The SQLAlchemy condition on `model` (`and_(...)` for several tests).
    func sqlAlchemy(model: String) -> String {
        let parts = conditions.map { condition -> String in
            let column = "\(model).\(condition.column)"
            switch condition.test {
            case .compare(let symbol):
                let python = symbol == "=" ? "==" : symbol == "<>" ? "!=" : symbol
                if condition.operand == "None" {
                    return symbol == "=" ? "\(column).is_(None)" : "\(column).isnot(None)"
                }
                return "\(column) \(python) \(condition.operand)"
            case .isNull: return "\(column).is_(None)"
            case .isNotNull: return "\(column).isnot(None)"
            case .isIn: return "\(column).in_(\(condition.operand))"
            }
        }
        return parts.count == 1 ? parts[0] : "and_(\(parts.joined(separator: ", ")))"
    }

    /// The Django `Q(...)` object (`~Q(...)` for `<>`, joined by `&`).
    func django() -> String {
        let lookups: [String: String] = ["<": "__lt", "<=": "__lte", ">": "__gt", ">=": "__gte"]
        let parts = conditions.map { condition -> String in
            switch condition.test {
            case .compare("="): return "Q(\(condition.column)=\(condition.operand))"
            case .compare("<>"): return "~Q(\(condition.column)=\(condition.operand))"
            case .compare(let symbol):
                return "Q(\(condition.column)\(lookups[symbol] ?? "")=\(condition.operand))"
            case .isNull: return "Q(\(condition.column)__isnull=True)"
            case .isNotNull: return "Q(\(condition.column)__isnull=False)"
            case .isIn: return "Q(\(condition.column)__in=\(condition.operand))"
            }
        }
        return parts.joined(separator: " & ")
    }

    private static func condition(_ tokens: [SQLToken], _ lexer: SQLLexer) -> Condition? {
        var index = 0
        var negated = false
        if let first = tokens.first, lexer.isKeyword(first, "not") {
            negated = true
            index = 1
        }
        guard let found = name(in: tokens, from: index, lexer) else { return nil }
        let (column, afterName) = found
        let rest = Array(tokens[afterName...])
        if rest.isEmpty {
            // Django's filter(flag=True) on a boolean field: `WHERE "t"."flag"` (or `NOT "t"."flag"`).
            return Condition(column: column, test: .compare("="), operand: negated ? "False" : "True")
        }
        guard !negated else { return nil }
        let words = rest.map { lexer.foldedText(of: $0) }
        switch words {
        case ["is", "null"]: return Condition(column: column, test: .isNull, operand: "")
        case ["is", "not", "null"]: return Condition(column: column, test: .isNotNull, operand: "")
        default: break
        }
        if words.count == 4, words[0] == "in", words[1] == "(", words[3] == ")", let operand = operand(rest[2], lexer) {
            return Condition(column: column, test: .isIn, operand: operand)
        }
        if words.count == 5, words[0] == "=", words[1] == "any", words[2] == "(", words[4] == ")",
            let operand = operand(rest[3], lexer)
        {
            return Condition(column: column, test: .isIn, operand: operand)
        }
        let comparisons = ["=", "<>", "!=", "<", "<=", ">", ">="]
        guard words.count == 2, rest[0].kind == .operator, comparisons.contains(words[0]),
            let operand = operand(rest[1], lexer)
        else { return nil }
        return Condition(column: column, test: .compare(words[0] == "!=" ? "<>" : words[0]), operand: operand)
    }

    /// A possibly qualified column name starting at `start`: its last part and the index after it.
    private static func name(in tokens: [SQLToken], from start: Int, _ lexer: SQLLexer) -> (String, Int)? {
        let names: [SQLToken.Kind] = [.identifier, .quotedIdentifier]
        guard start < tokens.count, names.contains(tokens[start].kind) else { return nil }
        var index = start
        while index + 2 < tokens.count, lexer.isSymbol(tokens[index + 1], "."), names.contains(tokens[index + 2].kind) {
            index += 2
        }
        let column = lexer.text(of: tokens[index]).replacing("\"", with: "")
        let reserved = ["true", "false", "null", "not", "exists"]
        guard !(tokens[index].kind == .identifier && reserved.contains(column.lowercased())) else { return nil }
        return (column, index + 1)
    }

    /// The right side of a test as Python: `pn` for `$n`, `True`, `False`, `None`.
    private static func operand(_ token: SQLToken, _ lexer: SQLLexer) -> String? {
        if let number = lexer.parameterNumber(of: token) { return "p\(number)" }
        switch lexer.foldedText(of: token) {
        case "true" where token.kind == .identifier: return "True"
        case "false" where token.kind == .identifier: return "False"
        case "null" where token.kind == .identifier: return "None"
        default: return nil
        }
    }
}
