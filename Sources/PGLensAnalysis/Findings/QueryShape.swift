/// What a normalized statement touches, read cheaply from its tokens: the main table (after `FROM`,
/// `UPDATE`, `INTO`) and the columns compared with placeholders (`col = $1`, `col < $2`, `col IN ($3)`,
/// `col = ANY($4)`), which are the candidates for an index.
struct QueryShape: Equatable {
    private static let comparisonOperators: Set<String> = ["=", "<", ">", "<=", ">=", "<>", "!="]
    private static let tableKeywords: [StaticString] = ["from", "update", "into", "join"]

    /// Commands whose plan EXPLAIN shows (`CREATE TABLE ... AS` and `EXECUTE` too, but those are rare in
    /// traffic and their advice would be the statement's own).
    private static let plannableCommands: Set<String> = [
        "select", "insert", "update", "delete", "merge", "values", "with", "table", "(",
    ]

    var table: String?
    var filterColumns: [String] = []
    /// The first word of the statement, folded to lower case (`select`, `copy`, `create`); nil when empty.
    var command: String?

    /// Whether the statement is a query EXPLAIN can show a plan for, rather than a utility command (COPY,
    /// DDL, VACUUM, ...).
    var isPlannable: Bool { command.map { Self.plannableCommands.contains($0) } ?? false }

    init(normalizedText: String) {
        let lexer = SQLLexer(normalizedText)
        let tokens = Array(lexer).filter { $0.kind != .blockComment && $0.kind != .lineComment }
        command = tokens.first.map { lexer.foldedText(of: $0) }
        for index in tokens.indices {
            if table == nil, Self.tableKeywords.contains(where: { lexer.isKeyword(tokens[index], $0) }) {
                table = Self.qualifiedName(in: tokens, from: index + 1, lexer: lexer)
            }
            guard tokens[index].kind == .parameter, let column = Self.column(comparedAt: index, tokens, lexer) else {
                continue
            }
            if !filterColumns.contains(column) { filterColumns.append(column) }
        }
    }

    /// The column compared with the placeholder at `index`, if the placeholder is a comparison's right side.
    private static func column(comparedAt index: Int, _ tokens: [SQLToken], _ lexer: SQLLexer) -> String? {
        var cursor = index - 1
        if cursor >= 1, lexer.isSymbol(tokens[cursor], "(") {
            // `col IN ($n)` or `col = ANY($n)`
            if lexer.isKeyword(tokens[cursor - 1], "in") {
                cursor -= 2
            } else if lexer.isKeyword(tokens[cursor - 1], "any"), cursor >= 2 {
                cursor -= 2
                guard lexer.text(of: tokens[cursor]) == "=" else { return nil }
                cursor -= 1
            } else {
                return nil
            }
        } else if cursor >= 1, tokens[cursor].kind == .operator,
            comparisonOperators.contains(lexer.text(of: tokens[cursor]))
        {
            cursor -= 1
        } else {
            return nil
        }
        guard cursor >= 0 else { return nil }
        let candidate = tokens[cursor]
        guard candidate.kind == .identifier || candidate.kind == .quotedIdentifier else { return nil }
        return lexer.text(of: candidate)
    }

    private static func qualifiedName(in tokens: [SQLToken], from start: Int, lexer: SQLLexer) -> String? {
        var index = start
        if index < tokens.count, lexer.isKeyword(tokens[index], "only") { index += 1 }
        guard index < tokens.count, tokens[index].kind == .identifier || tokens[index].kind == .quotedIdentifier
        else { return nil }
        var name = lexer.text(of: tokens[index])
        while index + 2 < tokens.count, lexer.isSymbol(tokens[index + 1], "."),
            tokens[index + 2].kind == .identifier || tokens[index + 2].kind == .quotedIdentifier
        {
            name += "." + lexer.text(of: tokens[index + 2])
            index += 2
        }
        return name
    }
}
