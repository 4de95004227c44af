/// The significant tokens of one statement, with the keyword tests session-state detection needs.
struct StatementTokens {
    private static let advisoryLockFunctions: [StaticString] = [
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
    ]

    let lexer: SQLLexer
    let tokens: ArraySlice<SQLToken>

    /// True when the token `offset` places after the statement's start is the keyword `keyword`.
    func keyword(at offset: Int, _ keyword: StaticString) -> Bool {
        let index = tokens.startIndex + offset
        return index < tokens.endIndex && lexer.isKeyword(tokens[index], keyword)
    }

    /// The statement's text in `text` (the text these tokens were lexed from).
    func slice(of text: String) -> Substring {
        guard let first = tokens.first, let last = tokens.last else { return text[text.endIndex...] }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: first.range.lowerBound)
        let end = utf8.index(utf8.startIndex, offsetBy: last.range.upperBound)
        return text[start..<end]
    }

    func sessionStateKinds() -> [SessionStateKind] {
        var kinds: [SessionStateKind] = []
        if let leading = leadingSessionStateKind() { kinds.append(leading) }
        if keyword(at: 0, "do") {
            for kind in doBlockSessionStateKinds() where !kinds.contains(kind) { kinds.append(kind) }
        }
        var sawAdvisoryLock = false
        var sawSetConfig = false
        for index in tokens.indices where tokens[index].kind == .identifier {
            guard index + 1 < tokens.endIndex, lexer.isSymbol(tokens[index + 1], "(") else { continue }
            let token = tokens[index]
            if !sawAdvisoryLock, Self.advisoryLockFunctions.contains(where: { lexer.isKeyword(token, $0) }) {
                sawAdvisoryLock = true
                kinds.append(.advisoryLock)
            } else if !sawSetConfig, lexer.isKeyword(token, "set_config"), isSessionSetConfig(openingAt: index + 1) {
                sawSetConfig = true
                kinds.append(.setConfig)
            }
        }
        return kinds
    }

    private func leadingSessionStateKind() -> SessionStateKind? {
        if keyword(at: 0, "set") {
            let scoped = keyword(at: 1, "local") || keyword(at: 1, "transaction") || keyword(at: 1, "constraints")
            return scoped ? nil : .set
        }
        if keyword(at: 0, "reset") { return keyword(at: 1, "all") ? .resetAll : .reset }
        if keyword(at: 0, "listen") { return .listen }
        if keyword(at: 0, "prepare") { return keyword(at: 1, "transaction") ? nil : .preparedStatement }
        if keyword(at: 0, "declare") { return declaresHoldableCursor() ? .holdableCursor : nil }
        if keyword(at: 0, "create") { return createsTemporaryObject() ? .temporaryObject : nil }
        if keyword(at: 0, "select") || keyword(at: 0, "with") {
            return selectsIntoTemporaryTable() ? .temporaryObject : nil
        }
        return nil
    }

    /// `SELECT ... INTO [GLOBAL | LOCAL] TEMP | TEMPORARY [TABLE] name`.
    private func selectsIntoTemporaryTable() -> Bool {
        (1..<max(tokens.count, 1)).contains { offset in
            guard keyword(at: offset, "into") else { return false }
            let next = keyword(at: offset + 1, "global") || keyword(at: offset + 1, "local") ? offset + 2 : offset + 1
            return keyword(at: next, "temp") || keyword(at: next, "temporary")
        }
    }

    private func declaresHoldableCursor() -> Bool {
        for offset in 1..<tokens.count {
            if keyword(at: offset, "for") { return false }
            if keyword(at: offset, "with"), keyword(at: offset + 1, "hold") { return true }
        }
        return false
    }

    private func createsTemporaryObject() -> Bool {
        var offset = 1
        if keyword(at: offset, "or"), keyword(at: offset + 1, "replace") { offset += 2 }
        if keyword(at: offset, "global") || keyword(at: offset, "local") { offset += 1 }
        guard keyword(at: offset, "temp") || keyword(at: offset, "temporary") else { return false }
        offset += 1
        if keyword(at: offset, "recursive") { offset += 1 }
        guard keyword(at: offset, "table") || keyword(at: offset, "view") || keyword(at: offset, "sequence") else {
            return false
        }
        let dropsOnCommit = (offset..<tokens.count).contains {
            keyword(at: $0, "on") && keyword(at: $0 + 1, "commit") && keyword(at: $0 + 2, "drop")
        }
        return !dropsOnCommit
    }

    /// `set_config(a, b, false)`: true when the third argument at parenthesis depth one is the constant false.
    private func isSessionSetConfig(openingAt open: Int) -> Bool {
        var depth = 0
        var argument = 0
        var third: [SQLToken] = []
        for token in tokens[open...] {
            if lexer.isSymbol(token, "(") || lexer.isSymbol(token, "[") {
                depth += 1
                if depth == 1 { continue }
            } else if lexer.isSymbol(token, ")") || lexer.isSymbol(token, "]") {
                depth -= 1
                if depth == 0 { break }
            } else if depth == 1, lexer.isSymbol(token, ",") {
                argument += 1
                continue
            }
            if argument == 2 { third.append(token) }
        }
        guard argument == 2 else { return false }
        // Only a constant true keeps the setting to the transaction: a parameter (`$3`), a column or an
        // expression may be false, and is taken as such.
        return !(third.count == 1 && isConstantTrue(third[0]))
    }

    /// `true`, or a string PostgreSQL reads as boolean true (`'t'`, `'on'`, `'yes'`, `'1'`).
    private func isConstantTrue(_ token: SQLToken) -> Bool {
        if lexer.isKeyword(token, "true") { return true }
        guard token.kind == .string else { return false }
        let text = lexer.text(of: token).lowercased()
        return ["'true'", "'t'", "'tr'", "'tru'", "'on'", "'yes'", "'y'", "'ye'", "'1'"].contains(text)
    }
}
