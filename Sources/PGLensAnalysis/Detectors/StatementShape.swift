/// What the repeated-statement detectors ask of a normalized statement, from its leading tokens.
struct StatementShape {
    /// A SELECT (or WITH ... SELECT, VALUES, TABLE, SHOW) that changes nothing.
    var isReadOnly = false
    /// `INSERT INTO t (...) VALUES ($1, ...)` with one row of values (normalized multi-row VALUES lists
    /// are collapsed to one too, so an INSERT of a batch is told apart by its placeholders only when they
    /// were bound; the loop detector only sees what was sent).
    var isSingleRowInsert = false

    init(normalizedText: String) {
        let lexer = SQLLexer(normalizedText)
        var tokens: [SQLToken] = []
        for token in lexer where token.kind != .blockComment && token.kind != .lineComment {
            tokens.append(token)
            if tokens.count > 64 { break }
        }
        guard let first = tokens.first else { return }
        if ["select", "values", "table", "show"].contains(where: { lexer.isKeyword(first, $0) }) {
            // SELECT ... FOR UPDATE locks rows: still a read for reuse purposes it is not.
            isReadOnly = !tokens.contains { lexer.isKeyword($0, "for") || lexer.isKeyword($0, "into") }
        } else if lexer.isKeyword(first, "with") {
            let writes: [StaticString] = ["insert", "update", "delete", "merge", "for"]
            isReadOnly = !tokens.contains { token in writes.contains { lexer.isKeyword(token, $0) } }
        } else if lexer.isKeyword(first, "insert") {
            isSingleRowInsert =
                tokens.contains { lexer.isKeyword($0, "values") }
                && !tokens.contains { lexer.isKeyword($0, "select") }
        }
    }

    /// Whether the statement is a read with a FROM (in its first 4,096 tokens: a wide select list is long):
    /// not a `SELECT version()`, `SELECT set_config(...)` or `SELECT now()` that reads no table (what
    /// drivers and ORMs send when they connect). Lexes the statement again, so only the unit-of-work
    /// detector asks it, once per fingerprint.
    static func readsATable(normalizedText: String) -> Bool {
        guard StatementShape(normalizedText: normalizedText).isReadOnly else { return false }
        let lexer = SQLLexer(normalizedText)
        var seen = 0
        for token in lexer {
            if lexer.isKeyword(token, "from") { return true }
            seen += 1
            if seen >= 4096 { return false }
        }
        return false
    }
}
