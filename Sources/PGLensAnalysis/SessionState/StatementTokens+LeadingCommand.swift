extension StatementTokens {
    func leadingCommand() -> LeadingCommand {
        if keyword(at: 0, "begin") { return .begin }
        if keyword(at: 0, "start") { return keyword(at: 1, "transaction") ? .begin : .other }
        if keyword(at: 0, "commit") || keyword(at: 0, "end") {
            return keyword(at: 1, "prepared") ? .other : .commit(andChain: endsWithAndChain())
        }
        if keyword(at: 0, "abort") { return .rollback(andChain: endsWithAndChain()) }
        if keyword(at: 0, "rollback") {
            if keyword(at: 1, "prepared") { return .other }
            let skipsNoise = keyword(at: 1, "work") || keyword(at: 1, "transaction")
            if keyword(at: skipsNoise ? 2 : 1, "to") { return .rollbackToSavepoint }
            return .rollback(andChain: endsWithAndChain())
        }
        if keyword(at: 0, "savepoint") { return .savepoint }
        if keyword(at: 0, "release") { return .releaseSavepoint }
        if keyword(at: 0, "prepare") { return keyword(at: 1, "transaction") ? .prepareTransaction : .other }
        if keyword(at: 0, "deallocate") { return deallocation() }
        if keyword(at: 0, "discard") { return discard() }
        return tokens.isEmpty ? .empty : .other
    }

    private func endsWithAndChain() -> Bool {
        let count = tokens.count
        return count >= 3 && keyword(at: count - 2, "and") && keyword(at: count - 1, "chain")
    }

    private func deallocation() -> LeadingCommand {
        let offset = keyword(at: 1, "prepare") && tokens.count > 2 ? 2 : 1
        let index = tokens.startIndex + offset
        guard index < tokens.endIndex else { return .other }
        let name = tokens[index]
        switch name.kind {
        case .identifier:
            return lexer.isKeyword(name, "all") ? .deallocateAll : .deallocate(name: lexer.foldedText(of: name))
        case .quotedIdentifier:
            let quoted = lexer.text(of: name)
            guard quoted.hasPrefix("\""), quoted.count >= 2 else { return .other }
            return .deallocate(name: String(quoted.dropFirst().dropLast()).replacing("\"\"", with: "\""))
        case .string, .bitString, .number, .parameter, .operator, .punctuation, .blockComment, .lineComment:
            return .other
        }
    }

    private func discard() -> LeadingCommand {
        if keyword(at: 1, "all") { return .discardAll }
        if keyword(at: 1, "plans") { return .discardPlans }
        if keyword(at: 1, "sequences") { return .discardSequences }
        if keyword(at: 1, "temp") || keyword(at: 1, "temporary") { return .discardTemporary }
        return .other
    }
}
