/// Follows the type name after a `::` cast (`::int`, `::character varying`, `::numeric(10, 2)`,
/// `::pg_catalog.int4`, `::timestamp with time zone`), so the numbers of its modifier list stay as written:
/// they are part of the type, not constants.
struct CastTypeTracker {
    /// Words that end a type name: what follows a cast in an expression or clause.
    private static let clauseKeywords: [StaticString] = [
        "and", "as", "asc", "between", "desc", "else", "end", "except", "from", "group", "having", "ilike", "in",
        "intersect", "into", "is", "join", "like", "limit", "not", "offset", "on", "or", "order", "returning",
        "select", "set", "then", "union", "using", "values", "when", "where", "window",
    ]

    private enum State {
        case outside
        case typeName
        case modifiers(depth: Int)
    }

    private var state = State.outside

    /// True while inside a type's modifier list, where numbers are kept.
    var keepsNumbers: Bool {
        switch state {
        case .modifiers: return true
        case .outside, .typeName: return false
        }
    }

    /// Advances past `token`.
    mutating func advance(past token: SQLToken, lexer: SQLLexer) {
        if token.kind == .operator, token.range.count == 2, lexer.bytes[token.range.lowerBound] == UInt8(ascii: ":") {
            state = .typeName
            return
        }
        switch state {
        case .outside:
            return
        case .typeName:
            if lexer.isSymbol(token, "(") {
                state = .modifiers(depth: 1)
            } else if token.kind == .quotedIdentifier || lexer.isSymbol(token, ".")
                || (token.kind == .identifier && !Self.clauseKeywords.contains { lexer.isKeyword(token, $0) })
            {
                state = .typeName
            } else {
                state = .outside
            }
        case .modifiers(let depth):
            if lexer.isSymbol(token, "(") {
                state = .modifiers(depth: depth + 1)
            } else if lexer.isSymbol(token, ")") {
                state = depth == 1 ? .outside : .modifiers(depth: depth - 1)
            }
        }
    }
}
