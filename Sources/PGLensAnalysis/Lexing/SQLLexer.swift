/// A tokenizer for PostgreSQL's lexical structure, working on UTF-8 bytes.
///
/// It follows the rules of PostgreSQL's `scan.l` closely enough for normalization and classification:
/// it never fails, and malformed input (an unterminated string, quoted identifier or comment) ends in a
/// best-effort token flagged ``SQLToken/isUnterminated`` that runs to the end of the text.
///
/// ```swift
/// var lexer = SQLLexer("SELECT * FROM t WHERE id = $1")
/// while let token = lexer.next() { ... }
/// ```
public struct SQLLexer: IteratorProtocol, Sequence {
    /// The lexed text as UTF-8 bytes; token ranges index into it.
    public let bytes: [UInt8]
    /// When false, backslash escapes apply in plain `'...'` strings too (`standard_conforming_strings = off`).
    public let standardConformingStrings: Bool
    private var position: Int = 0

    /// Creates a lexer over `text`.
    public init(_ text: String, standardConformingStrings: Bool = true) {
        self.init(bytes: Array(text.utf8), standardConformingStrings: standardConformingStrings)
    }

    /// Creates a lexer over UTF-8 bytes.
    public init(bytes: [UInt8], standardConformingStrings: Bool = true) {
        self.bytes = bytes
        self.standardConformingStrings = standardConformingStrings
    }

    /// Returns all tokens of `text`, comments included.
    public static func tokenize(_ text: String, standardConformingStrings: Bool = true) -> [SQLToken] {
        Array(SQLLexer(text, standardConformingStrings: standardConformingStrings))
    }

    /// Returns the next token, or nil at the end of the text.
    public mutating func next() -> SQLToken? {
        skipWhitespace()
        guard position < bytes.count else { return nil }
        let start = position
        let byte = bytes[start]
        switch byte {
        case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            return SQLToken(kind: .lineComment, range: start..<position)
        case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
            return lexBlockComment(from: start)
        case UInt8(ascii: "'"):
            return lexQuoted(
                from: start, bodyStart: start + 1, kind: .string, backslashEscapes: !standardConformingStrings)
        case UInt8(ascii: "\""):
            return lexQuoted(from: start, bodyStart: start + 1, kind: .quotedIdentifier, backslashEscapes: false)
        case UInt8(ascii: "$"):
            return lexDollar(from: start)
        case UInt8(ascii: ":"):
            let isTwoCharacter = peek(1) == UInt8(ascii: ":") || peek(1) == UInt8(ascii: "=")
            position += isTwoCharacter ? 2 : 1
            return SQLToken(kind: isTwoCharacter ? .operator : .punctuation, range: start..<position)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return lexNumber(from: start)
        case UInt8(ascii: ".") where peek(1) == UInt8(ascii: "."):
            position += 2
            return SQLToken(kind: .operator, range: start..<position)
        case UInt8(ascii: ".") where peek(1).map(SQLLexer.isDigit) == true:
            return lexNumber(from: start)
        default:
            if let prefixed = lexPrefixedConstant(from: start) { return prefixed }
            if SQLLexer.isIdentifierStart(byte) { return lexIdentifier(from: start) }
            if SQLLexer.isOperatorCharacter(byte) { return lexOperator(from: start) }
            position += 1
            return SQLToken(kind: .punctuation, range: start..<position)
        }
    }

    // MARK: - Pieces

    private func peek(_ offset: Int) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, SQLLexer.isWhitespace(bytes[position]) { position += 1 }
    }

    private mutating func lexBlockComment(from start: Int) -> SQLToken {
        position = start + 2
        var depth = 1
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                position += 2
                if depth == 0 { return SQLToken(kind: .blockComment, range: start..<position) }
            } else if bytes[position] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                position += 2
            } else {
                position += 1
            }
        }
        return SQLToken(kind: .blockComment, range: start..<position, isUnterminated: true)
    }

    /// Lexes `'...'` or `"..."` whose opening quote is at `bodyStart - 1`; a doubled quote stands for itself.
    /// A string constant continues after a closing quote when only white space holding a newline separates
    /// it from the next opening quote (SQL's string continuation).
    private mutating func lexQuoted(
        from start: Int, bodyStart: Int, kind: SQLToken.Kind, backslashEscapes: Bool
    ) -> SQLToken {
        let quote = bytes[bodyStart - 1]
        position = bodyStart
        while position < bytes.count {
            let byte = bytes[position]
            if backslashEscapes, byte == UInt8(ascii: "\\") {
                position += 2
                continue
            }
            position += 1
            guard byte == quote else { continue }
            if position < bytes.count, bytes[position] == quote {
                position += 1
                continue
            }
            if kind == .string || kind == .bitString, let resumed = continuationQuote(after: position) {
                position = resumed + 1
                continue
            }
            return SQLToken(kind: kind, range: start..<position)
        }
        position = bytes.count
        return SQLToken(kind: kind, range: start..<position, isUnterminated: true)
    }

    /// The offset of a `'` that continues a string ending at `end`, if white space with a newline precedes it.
    private func continuationQuote(after end: Int) -> Int? {
        var index = end
        var sawNewline = false
        while index < bytes.count, SQLLexer.isWhitespace(bytes[index]) {
            if bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r") { sawNewline = true }
            index += 1
        }
        guard sawNewline, index < bytes.count, bytes[index] == UInt8(ascii: "'") else { return nil }
        return index
    }

    /// `E'..'`, `B'..'`, `X'..'`, `N'..'`, `U&'..'` and `U&"..."`; nil when `start` begins none of them.
    private mutating func lexPrefixedConstant(from start: Int) -> SQLToken? {
        let lower = bytes[start] | 0x20
        let next = peek(1)
        switch lower {
        case UInt8(ascii: "e") where next == UInt8(ascii: "'"):
            return lexQuoted(from: start, bodyStart: start + 2, kind: .string, backslashEscapes: true)
        case UInt8(ascii: "b") where next == UInt8(ascii: "'"), UInt8(ascii: "x") where next == UInt8(ascii: "'"):
            return lexQuoted(from: start, bodyStart: start + 2, kind: .bitString, backslashEscapes: false)
        case UInt8(ascii: "n") where next == UInt8(ascii: "'"):
            return lexQuoted(
                from: start, bodyStart: start + 2, kind: .string, backslashEscapes: !standardConformingStrings)
        case UInt8(ascii: "u") where next == UInt8(ascii: "&"):
            switch peek(2) {
            case UInt8(ascii: "'"):
                return lexQuoted(from: start, bodyStart: start + 3, kind: .string, backslashEscapes: false)
            case UInt8(ascii: "\""):
                return lexQuoted(from: start, bodyStart: start + 3, kind: .quotedIdentifier, backslashEscapes: false)
            default:
                return nil
            }
        default:
            return nil
        }
    }

    private mutating func lexIdentifier(from start: Int) -> SQLToken {
        position = start + 1
        while position < bytes.count, SQLLexer.isIdentifierContinuation(bytes[position]) { position += 1 }
        return SQLToken(kind: .identifier, range: start..<position)
    }

    /// `$n` parameters, `$$` / `$tag$` dollar-quoted strings, or a stray `$`.
    private mutating func lexDollar(from start: Int) -> SQLToken {
        var index = start + 1
        if index < bytes.count, SQLLexer.isDigit(bytes[index]) {
            while index < bytes.count, SQLLexer.isDigit(bytes[index]) { index += 1 }
            position = index
            return SQLToken(kind: .parameter, range: start..<position)
        }
        if index < bytes.count, SQLLexer.isIdentifierStart(bytes[index]) {
            index += 1
            while index < bytes.count, SQLLexer.isDollarTagContinuation(bytes[index]) { index += 1 }
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "$") else {
            position = start + 1
            return SQLToken(kind: .punctuation, range: start..<position)
        }
        let tag = bytes[start...index]
        position = index + 1
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "$"), bytes[position...].starts(with: tag) {
                position += tag.count
                return SQLToken(kind: .string, range: start..<position)
            }
            position += 1
        }
        return SQLToken(kind: .string, range: start..<position, isUnterminated: true)
    }

    private mutating func lexNumber(from start: Int) -> SQLToken {
        position = start
        if bytes[start] == UInt8(ascii: "0"), let radix = peek(1).flatMap(SQLLexer.radixDigitTest),
            consumeDigits(from: start + 2, where: radix)
        {
            return SQLToken(kind: .number, range: start..<position)
        }
        position = start
        _ = consumeDigits(from: position, where: SQLLexer.isDigit)
        if position < bytes.count, bytes[position] == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
            position += 1
            _ = consumeDigits(from: position, where: SQLLexer.isDigit)
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            var exponent = position + 1
            if exponent < bytes.count, bytes[exponent] == UInt8(ascii: "+") || bytes[exponent] == UInt8(ascii: "-") {
                exponent += 1
            }
            let mantissaEnd = position
            if !consumeDigits(from: exponent, where: SQLLexer.isDigit) { position = mantissaEnd }
        }
        return SQLToken(kind: .number, range: start..<position)
    }

    /// Consumes digits with single `_` separators between them; true (and `position` moved) if any digit was read.
    private mutating func consumeDigits(from start: Int, where isValid: (UInt8) -> Bool) -> Bool {
        var index = start
        var sawDigit = false
        while index < bytes.count {
            if isValid(bytes[index]) {
                sawDigit = true
                index += 1
            } else if bytes[index] == UInt8(ascii: "_"), index + 1 < bytes.count, isValid(bytes[index + 1]) {
                index += 1
            } else {
                break
            }
        }
        if sawDigit { position = index }
        return sawDigit
    }

    /// Operators: the longest run of operator characters, cut before `--` or `/*`; a multi-character operator
    /// may end in `+` or `-` only if it holds one of `~ ! @ # % ^ & | \` ?` (PostgreSQL's rule).
    private mutating func lexOperator(from start: Int) -> SQLToken {
        var end = start
        while end < bytes.count, SQLLexer.isOperatorCharacter(bytes[end]) {
            if end > start, bytes[end - 1] == UInt8(ascii: "-"), bytes[end] == UInt8(ascii: "-") { end -= 1; break }
            if end > start, bytes[end - 1] == UInt8(ascii: "/"), bytes[end] == UInt8(ascii: "*") { end -= 1; break }
            end += 1
        }
        if end - start > 1, !bytes[start..<end].contains(where: SQLLexer.allowsTrailingSign) {
            while end - start > 1, bytes[end - 1] == UInt8(ascii: "+") || bytes[end - 1] == UInt8(ascii: "-") {
                end -= 1
            }
        }
        position = Swift.max(end, start + 1)
        return SQLToken(kind: .operator, range: start..<position)
    }
}
