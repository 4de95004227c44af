/// One condition of a plan node's `Filter` (or `Index Cond`) as PostgreSQL writes it back
/// (`((tokens.created_at > $2) AND (tokens.token_hash = $1))`): the column it compares, how, and what
/// stands in the way of an index on that column.
public struct FilterCondition: Sendable, Equatable {
    /// How a condition compares its column.
    public enum Comparison: Sendable, Equatable {
        /// `=` or `= ANY (...)`: a B-tree's leading columns.
        case equality
        /// `<`, `<=`, `>`, `>=`: after the equality columns.
        case range
        /// `LIKE 'abc%'` (`~~`): a B-tree helps only with `text_pattern_ops` or the C collation.
        case prefixPattern
        /// `LIKE '%abc'`: no B-tree can help.
        case leadingWildcardPattern
        /// Anything else (`<>`, `IS NULL`, ...): not used for a proposal.
        case other
    }

    /// The compared column, unqualified (inside its cast or function, see ``castsColumn`` and
    /// ``functionOnColumn``); nil when the condition compares no single column.
    public var column: String?
    /// How it compares.
    public var comparison: Comparison
    /// The column is wrapped in a cast (`(status)::text`): an index on it serves only when the cast is
    /// the column's own type's (varchar to text is; integer to text is not).
    public var castsColumn: Bool
    /// The column is inside a function call (`lower(email)`): only an expression index can serve.
    public var functionOnColumn: Bool
    /// The condition as written in the plan.
    public var text: String

    /// Creates a condition.
    public init(
        column: String?, comparison: Comparison, castsColumn: Bool = false, functionOnColumn: Bool = false,
        text: String
    ) {
        self.column = column
        self.comparison = comparison
        self.castsColumn = castsColumn
        self.functionOnColumn = functionOnColumn
        self.text = text
    }

    /// The conditions ANDed together in `filter`; empty when the filter is an OR at its top (no single
    /// B-tree serves it) or cannot be read.
    public static func conditions(in filter: String) -> [FilterCondition] {
        let lexer = SQLLexer(filter)
        let tokens = Array(lexer)
        var conditions: [FilterCondition] = []
        for conjunct in conjuncts(of: tokens[...], lexer) {
            guard let condition = condition(conjunct, lexer) else { return [] }
            conditions.append(condition)
        }
        return conditions
    }

    /// The parts of `tokens` joined by a top-level AND, each with its outer parentheses removed; a
    /// top-level OR gives nothing.
    private static func conjuncts(of tokens: ArraySlice<SQLToken>, _ lexer: SQLLexer) -> [ArraySlice<SQLToken>] {
        let tokens = strippingParentheses(tokens, lexer)
        var parts: [ArraySlice<SQLToken>] = []
        var depth = 0
        var start = tokens.startIndex
        for index in tokens.indices {
            let token = tokens[index]
            if lexer.isSymbol(token, "(") || lexer.isSymbol(token, "[") { depth += 1 }
            if lexer.isSymbol(token, ")") || lexer.isSymbol(token, "]") { depth -= 1 }
            guard depth == 0 else { continue }
            if lexer.isKeyword(token, "or") { return [] }
            if lexer.isKeyword(token, "and") {
                parts.append(tokens[start..<index])
                start = index + 1
            }
        }
        parts.append(tokens[start..<tokens.endIndex])
        guard parts.count > 1 else { return parts.map { strippingParentheses($0, lexer) } }
        return parts.flatMap { conjuncts(of: $0, lexer) }
    }

    /// `tokens` without the parentheses that enclose all of it.
    private static func strippingParentheses(_ tokens: ArraySlice<SQLToken>, _ lexer: SQLLexer) -> ArraySlice<SQLToken>
    {
        var tokens = tokens
        while let first = tokens.first, let last = tokens.last, tokens.count >= 2, lexer.isSymbol(first, "("),
            lexer.isSymbol(last, ")"),
            closingIndex(ofOpeningAt: tokens.startIndex, tokens, lexer) == tokens.endIndex - 1
        {
            tokens = tokens.dropFirst().dropLast()
        }
        return tokens
    }

    private static func closingIndex(ofOpeningAt start: Int, _ tokens: ArraySlice<SQLToken>, _ lexer: SQLLexer) -> Int?
    {
        var depth = 0
        for index in start..<tokens.endIndex {
            if lexer.isSymbol(tokens[index], "(") { depth += 1 }
            if lexer.isSymbol(tokens[index], ")") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    private static let comparisons: [String: Comparison] = [
        "=": .equality, "<": .range, "<=": .range, ">": .range, ">=": .range, "~~": .prefixPattern,
        "<>": .other, "!=": .other, "~~*": .other, "!~~": .other,
    ]

    /// One conjunct: `lhs op rhs` with a column on one side and only parameters, constants and functions of
    /// them on the other; nil when it cannot be read at all (then no proposal is made from the filter).
    private static func condition(_ tokens: ArraySlice<SQLToken>, _ lexer: SQLLexer) -> FilterCondition? {
        let text = tokens.map { lexer.text(of: $0) }.joined(separator: " ")
        var depth = 0
        for index in tokens.indices {
            let token = tokens[index]
            if lexer.isSymbol(token, "(") || lexer.isSymbol(token, "[") { depth += 1 }
            if lexer.isSymbol(token, ")") || lexer.isSymbol(token, "]") { depth -= 1 }
            guard depth == 0 else { continue }
            if lexer.isKeyword(token, "is") {
                let side = operand(tokens[tokens.startIndex..<index], lexer)
                return FilterCondition(
                    column: side.column, comparison: .other, castsColumn: side.casts,
                    functionOnColumn: side.function && side.column != nil, text: text)
            }
            guard token.kind == .operator, let comparison = comparisons[lexer.text(of: token)] else { continue }
            let left = operand(tokens[tokens.startIndex..<index], lexer)
            let right = operand(tokens[(index + 1)..<tokens.endIndex], lexer)
            var side = left
            var other = right
            if left.isFreeOfColumns, !right.isFreeOfColumns {
                side = right
                other = left
            }
            guard other.isFreeOfColumns else {
                return FilterCondition(column: nil, comparison: .other, text: text)
            }
            var kind = comparison
            if kind == .prefixPattern, other.startsWithWildcard { kind = .leadingWildcardPattern }
            return FilterCondition(
                column: side.column, comparison: kind, castsColumn: side.casts,
                functionOnColumn: side.function && side.column != nil, text: text)
        }
        return FilterCondition(column: nil, comparison: .other, text: text)
    }

    /// What one side of a comparison is.
    private struct Operand {
        var column: String?
        var casts = false
        var function = false
        /// No column reference in it: parameters, constants, casts and function calls of those.
        var isFreeOfColumns = true
        var startsWithWildcard = false
    }

    private static func operand(_ tokens: ArraySlice<SQLToken>, _ lexer: SQLLexer) -> Operand {
        var operand = Operand()
        let tokens = Array(tokens)
        var index = 0
        var references: [String] = []
        while index < tokens.count {
            let token = tokens[index]
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            if token.kind == .operator, lexer.text(of: token) == "::" {
                operand.casts = true
                index += 1
                // The type name: words (`timestamp with time zone`), `[]`, `(n)`.
                while index < tokens.count,
                    tokens[index].kind == .identifier || tokens[index].kind == .quotedIdentifier
                        || lexer.isSymbol(tokens[index], "[") || lexer.isSymbol(tokens[index], "]")
                {
                    index += 1
                }
                continue
            }
            if token.kind == .string, references.isEmpty, !operand.startsWithWildcard {
                operand.startsWithWildcard = lexer.text(of: token).dropFirst().hasPrefix("%")
            }
            if token.kind == .identifier || token.kind == .quotedIdentifier {
                if let next, lexer.isSymbol(next, "(") {
                    if !Self.nonColumnWords.contains(lexer.foldedText(of: token)) { operand.function = true }
                    index += 1
                    continue
                }
                if token.kind == .identifier, Self.nonColumnWords.contains(lexer.foldedText(of: token)) {
                    index += 1
                    continue
                }
                if let next, lexer.isSymbol(next, "."), index + 2 < tokens.count {
                    // `alias.column`: the qualifier is the scan's alias.
                    index += 2
                    continue
                }
                references.append(name(of: token, lexer))
            }
            index += 1
        }
        operand.isFreeOfColumns = references.isEmpty
        if references.count == 1 {
            operand.column = references[0]
        }
        return operand
    }

    private static let nonColumnWords: Set<String> = [
        "null", "true", "false", "not", "any", "all", "array", "current_date", "current_timestamp",
        "localtimestamp", "current_user", "session_user", "distinct", "from",
    ]

    private static func name(of token: SQLToken, _ lexer: SQLLexer) -> String {
        guard token.kind == .quotedIdentifier else { return lexer.foldedText(of: token) }
        return String(lexer.text(of: token).dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }
}
