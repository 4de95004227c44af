extension StatementTokens {
    /// The session state a `DO` block's body leaves: `SET` / `RESET` statements of PL/pgSQL (not `SET
    /// LOCAL`), `set_config(..., false)` calls, and the same in the strings it runs with `EXECUTE`
    /// (looked into two levels deep). The body is a string to the SQL lexer; it is lexed again here.
    func doBlockSessionStateKinds() -> [SessionStateKind] {
        var kinds: [SessionStateKind] = []
        for token in tokens where token.kind == .string {
            guard let body = Self.stringContents(lexer.text(of: token)) else { continue }
            for kind in Self.bodySessionStateKinds(body, depth: 0) where !kinds.contains(kind) {
                kinds.append(kind)
            }
        }
        return kinds
    }

    /// The kinds found in procedural code (or in a SQL string it executes).
    private static func bodySessionStateKinds(_ body: String, depth: Int) -> [SessionStateKind] {
        let lexed = LexedText(body, standardConformingStrings: true)
        var kinds: [SessionStateKind] = []
        func add(_ kind: SessionStateKind) { if !kinds.contains(kind) { kinds.append(kind) } }
        // Each statement of the SQL lexer's split, then each word that starts a PL/pgSQL statement in it.
        for statement in lexed.statements() {
            let tokens = StatementTokens(lexer: lexed.lexer, tokens: statement)
            for kind in tokens.sessionStateKinds() { add(kind) }
            for offset in 1..<max(statement.count, 1) where tokens.startsProceduralStatement(at: offset) {
                let rest = StatementTokens(lexer: lexed.lexer, tokens: statement.dropFirst(offset))
                if rest.keyword(at: 0, "set") || rest.keyword(at: 0, "reset") {
                    for kind in rest.sessionStateKinds() { add(kind) }
                }
            }
            guard depth < 2 else { continue }
            for token in statement where token.kind == .string {
                guard let inner = stringContents(lexed.lexer.text(of: token)) else { continue }
                for kind in bodySessionStateKinds(inner, depth: depth + 1) { add(kind) }
            }
        }
        return kinds
    }

    /// True when the token at `offset` follows a word after which PL/pgSQL starts a statement.
    private func startsProceduralStatement(at offset: Int) -> Bool {
        ["begin", "then", "else", "loop"].contains { keyword(at: offset - 1, $0) }
    }

    /// The text inside a string constant's quotes (`'...'` with `''` undoubled, or `$tag$...$tag$`);
    /// nil for other forms, which a procedural body does not take.
    static func stringContents(_ literal: String) -> String? {
        if literal.hasPrefix("$") {
            guard let tagEnd = literal.dropFirst().firstIndex(of: "$") else { return nil }
            let tag = literal[...tagEnd]
            guard literal.count >= tag.count * 2, literal.hasSuffix(tag) else { return nil }
            return String(literal.dropFirst(tag.count).dropLast(tag.count))
        }
        guard literal.hasPrefix("'"), literal.hasSuffix("'"), literal.count >= 2 else { return nil }
        return String(literal.dropFirst().dropLast()).replacing("''", with: "'")
    }
}
