/// Whether a statement ends a unit of work, from its first words.
enum UnitBoundary: Equatable {
    case none
    /// `COMMIT`, `END`, `ROLLBACK` (not `ROLLBACK TO SAVEPOINT`), `COMMIT PREPARED`.
    case endsTransaction
    /// A pool's reset on check-in or check-out: `DISCARD ALL`, `RESET ALL`, asyncpg's reset sequence
    /// (which starts with `SELECT pg_advisory_unlock_all()` or `CLOSE ALL`), `UNLISTEN *`.
    case resetsSession
    /// A pool's liveness check on checkout (SQLAlchemy's `pool_pre_ping`, Django's `CONN_HEALTH_CHECKS`):
    /// `SELECT 1` alone. It starts the next unit and is never a loop's parent (its one row drives nothing).
    case ping

    init(normalizedText: String) {
        let lexer = SQLLexer(normalizedText)
        var words: [SQLToken] = []
        for token in lexer where token.kind != .blockComment && token.kind != .lineComment {
            words.append(token)
            if words.count == 3 { break }
        }
        func word(_ index: Int, _ keyword: StaticString) -> Bool {
            index < words.count && lexer.isKeyword(words[index], keyword)
        }
        if word(0, "commit") || word(0, "end") || (word(0, "rollback") && !word(1, "to")) {
            self = .endsTransaction
        } else if (word(0, "discard") && word(1, "all")) || (word(0, "reset") && word(1, "all"))
            || (word(0, "close") && word(1, "all")) || (word(0, "unlisten") && words.count == 2)
            || (word(0, "select") && word(1, "pg_advisory_unlock_all"))
        {
            self = .resetsSession
        } else if word(0, "select"), words.count == 2, words[1].kind == .parameter || words[1].kind == .number {
            self = .ping
        } else {
            self = .none
        }
    }
}
