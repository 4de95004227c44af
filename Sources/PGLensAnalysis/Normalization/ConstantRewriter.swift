/// Walks one statement's significant tokens and writes them with constants replaced by placeholders,
/// collapsing `IN (...)` lists, `ANY(ARRAY[...])` and the extra rows of a multi-row `VALUES`.
struct ConstantRewriter {
    /// Keywords after which a `-` starts a negative number rather than a subtraction.
    private static let expressionKeywords: [StaticString] = [
        "and", "or", "not", "select", "where", "when", "then", "else", "case", "between", "limit", "offset",
        "return", "returning", "having", "like", "ilike", "by", "in", "values",
    ]

    private let lexer: SQLLexer
    private let tokens: ArraySlice<SQLToken>
    private var nextPlaceholder: Int
    /// The value hashes of the first constants turned into placeholders, in order (lineage evidence for
    /// literal SQL: the constants are its parameters).
    private(set) var constantHashes = ParameterValueHashes()

    init(lexed: LexedText, tokens: ArraySlice<SQLToken>) {
        self.lexer = lexed.lexer
        self.tokens = tokens
        let highest = tokens.lazy.compactMap { lexed.lexer.parameterNumber(of: $0) }.max() ?? 0
        self.nextPlaceholder = highest + 1
    }

    mutating func write(into writer: inout NormalizedTextWriter) {
        var index = tokens.startIndex
        var firstValuesRowEnds: [Int] = []
        var castType = CastTypeTracker()
        while index < tokens.endIndex {
            let token = tokens[index]
            if let collapsed = collapsedList(at: index) {
                writer.write(token)
                writer.write(tokens[index + 1])
                if collapsed.parameter == nil { constantHashes.append(nil) }
                writer.writePlaceholder(collapsed.parameter ?? takePlaceholder())
                writer.write(tokens[collapsed.end])
                index = collapsed.end + 1
                continue
            }
            if lexer.isKeyword(token, "values"), index + 1 < tokens.endIndex, lexer.isSymbol(tokens[index + 1], "("),
                let end = matchingClose(of: index + 1)
            {
                firstValuesRowEnds.append(end)
            }
            if let end = negativeNumberEnd(at: index) {
                constantHashes.append(LineageHash.value(text: "-" + lexer.text(of: tokens[end - 1])))
                writer.writePlaceholder(takePlaceholder())
                index = end
                continue
            }
            if token.isConstant, !(castType.keepsNumbers && token.kind == .number) {
                constantHashes.append(constantHash(token))
                writer.writePlaceholder(takePlaceholder())
            } else {
                writer.write(token)
            }
            castType.advance(past: token, lexer: lexer)
            index += 1
            if firstValuesRowEnds.last == index - 1 {
                firstValuesRowEnds.removeLast()
                index = endOfFollowingRows(after: index)
            }
        }
    }

    /// A constant's value hash: a number by its text, a plain `'...'` string by its contents.
    private func constantHash(_ token: SQLToken) -> UInt64? {
        guard constantHashes.count < ParameterValueHashes.capacity else { return nil }
        let text = lexer.text(of: token)
        if token.kind == .string, text.hasPrefix("'"), text.hasSuffix("'"), text.count >= 2 {
            let inner = text.dropFirst().dropLast()
            return LineageHash.value(text: inner.contains("''") ? Substring(inner.replacing("''", with: "'")) : inner)
        }
        return LineageHash.value(text: Substring(text))
    }

    private mutating func takePlaceholder() -> Int {
        defer { nextPlaceholder += 1 }
        return nextPlaceholder
    }

    private func isCast(_ token: SQLToken) -> Bool {
        token.kind == .operator && token.range.count == 2 && lexer.bytes[token.range.lowerBound] == UInt8(ascii: ":")
    }

    /// The index of the `)` matching the `(` at `open`.
    private func matchingClose(of open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.endIndex {
            if lexer.isSymbol(tokens[index], "(") {
                depth += 1
            } else if lexer.isSymbol(tokens[index], ")") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    /// Skips `, (...)` rows following a first `VALUES` row; returns the index after the last one.
    private func endOfFollowingRows(after index: Int) -> Int {
        var cursor = index
        while cursor + 1 < tokens.endIndex, lexer.isSymbol(tokens[cursor], ","),
            lexer.isSymbol(tokens[cursor + 1], "("),
            let end = matchingClose(of: cursor + 1)
        {
            cursor = end + 1
        }
        return cursor
    }

    /// For `- <number>` in a position where it is a negative constant, the index after the number.
    private func negativeNumberEnd(at index: Int) -> Int? {
        guard lexer.isSymbol(tokens[index], "-"), index + 1 < tokens.endIndex, tokens[index + 1].kind == .number
        else { return nil }
        guard index > tokens.startIndex else { return index + 2 }
        let previous = tokens[index - 1]
        switch previous.kind {
        case .quotedIdentifier, .string, .bitString, .number, .parameter:
            return nil
        case .identifier:
            return Self.expressionKeywords.contains { lexer.isKeyword(previous, $0) } ? index + 2 : nil
        case .punctuation:
            return lexer.isSymbol(previous, ")") || lexer.isSymbol(previous, "]") ? nil : index + 2
        case .operator, .blockComment, .lineComment:
            return index + 2
        }
    }

    /// `IN (v, ...)` at `index` (`ANY(ARRAY[v, ...])` likewise) whose elements are all constants, parameters or
    /// rows of them (`(a, b) IN ((1, 2), (3, 4))`):
    /// the index of the closing `)` and the number of the first element when it is a parameter.
    private func collapsedList(at index: Int) -> (end: Int, parameter: Int?)? {
        guard index + 2 < tokens.endIndex, lexer.isSymbol(tokens[index + 1], "(") else { return nil }
        if lexer.isKeyword(tokens[index], "in") {
            return valueList(from: index + 2, closing: ")")
        }
        guard
            lexer.isKeyword(tokens[index], "any") || lexer.isKeyword(tokens[index], "some")
                || lexer.isKeyword(tokens[index], "all"),
            index + 4 < tokens.endIndex, lexer.isKeyword(tokens[index + 2], "array"),
            lexer.isSymbol(tokens[index + 3], "["),
            let list = valueList(from: index + 4, closing: "]")
        else { return nil }
        let end = skipCast(from: list.end + 1)
        guard end < tokens.endIndex, lexer.isSymbol(tokens[end], ")") else { return nil }
        return (end, list.parameter)
    }

    private func valueList(from start: Int, closing: Unicode.Scalar) -> (end: Int, parameter: Int?)? {
        var index = start
        var first: Int?
        var isFirst = true
        while index < tokens.endIndex {
            let token = tokens[index]
            if let end = negativeNumberEnd(at: index) {
                index = end
            } else if lexer.isSymbol(token, "("), let row = valueList(from: index + 1, closing: ")") {
                if isFirst { first = row.parameter }
                index = row.end + 1
            } else if token.isConstant {
                index += 1
            } else if token.kind == .parameter {
                if isFirst { first = lexer.parameterNumber(of: token) }
                index += 1
            } else {
                return nil
            }
            isFirst = false
            index = skipCast(from: index)
            guard index < tokens.endIndex else { return nil }
            if lexer.isSymbol(tokens[index], closing) { return (index, first) }
            guard lexer.isSymbol(tokens[index], ",") else { return nil }
            index += 1
        }
        return nil
    }

    /// Skips `::type name[]` starting at `index`, if present.
    private func skipCast(from index: Int) -> Int {
        var cursor = index
        guard cursor < tokens.endIndex, isCast(tokens[cursor]) else { return cursor }
        cursor += 1
        while cursor < tokens.endIndex, tokens[cursor].kind == .identifier || tokens[cursor].kind == .quotedIdentifier {
            cursor += 1
        }
        while cursor + 1 < tokens.endIndex, lexer.isSymbol(tokens[cursor], "["), lexer.isSymbol(tokens[cursor + 1], "]")
        {
            cursor += 2
        }
        return cursor
    }
}
