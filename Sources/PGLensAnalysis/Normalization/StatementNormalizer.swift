/// Turns SQL text into its normalized form and fingerprint, the identity under which statistics are kept.
///
/// Constants become `$n` placeholders numbered in order after the highest `$n` already in the text (so a
/// parameterized statement keeps its own numbering); keywords and identifiers are folded to lower case and
/// white space to single spaces; quoted identifiers and casts are kept; `IN (...)` lists and
/// `ANY(ARRAY[...])` of constants or parameters collapse to one placeholder; multi-row `VALUES` keeps its first
/// row; comments are dropped, sqlcommenter comments are returned as metadata. The fingerprint hashes the
/// normalized tokens with placeholder numbers left out.
public struct StatementNormalizer: Sendable {
    /// When false, plain `'...'` strings take backslash escapes (`standard_conforming_strings = off`).
    public var standardConformingStrings: Bool

    /// Creates a normalizer.
    public init(standardConformingStrings: Bool = true) {
        self.standardConformingStrings = standardConformingStrings
    }

    /// Normalizes `text` as one unit (several statements stay together, joined by `;`).
    public func normalize(_ text: String) -> NormalizedStatement {
        let lexed = LexedText(text, standardConformingStrings: standardConformingStrings)
        return normalize(lexed, tokens: lexed.significant[...], metadata: lexed.metadata)
    }

    /// Splits `text` on top-level `;` and normalizes each non-empty statement, in order: one result per
    /// statement of a simple Query message. sqlcommenter metadata found anywhere applies to every statement.
    public func normalizeEach(_ text: String) -> [NormalizedStatement] {
        let lexed = LexedText(text, standardConformingStrings: standardConformingStrings)
        return lexed.statements().map { normalize(lexed, tokens: $0, metadata: lexed.metadata) }
    }

    private func normalize(
        _ lexed: LexedText, tokens: ArraySlice<SQLToken>, metadata: [String: String]
    ) -> NormalizedStatement {
        var tokens = tokens
        while let last = tokens.last, lexed.lexer.isSymbol(last, ";") { tokens = tokens.dropLast() }
        var writer = NormalizedTextWriter(lexer: lexed.lexer)
        var rewriter = ConstantRewriter(lexed: lexed, tokens: tokens)
        rewriter.write(into: &writer)
        return NormalizedStatement(
            text: writer.text, fingerprint: writer.fingerprint, metadata: metadata,
            constantHashes: rewriter.constantHashes)
    }
}

/// Lexed text with comments separated out.
struct LexedText {
    let lexer: SQLLexer
    let significant: [SQLToken]
    let metadata: [String: String]

    init(_ text: String, standardConformingStrings: Bool) {
        let lexer = SQLLexer(text, standardConformingStrings: standardConformingStrings)
        var significant: [SQLToken] = []
        significant.reserveCapacity(lexer.bytes.count / 4 + 4)
        var metadata: [String: String] = [:]
        for token in lexer {
            switch token.kind {
            case .blockComment:
                if let pairs = SQLCommenterComment.parse(lexer.bytes[token.range]) {
                    metadata.merge(pairs) { _, new in new }
                }
            case .lineComment:
                continue
            case .identifier, .quotedIdentifier, .string, .bitString, .number, .parameter, .operator, .punctuation:
                significant.append(token)
            }
        }
        self.lexer = lexer
        self.significant = significant
        self.metadata = metadata
    }

    /// The significant tokens split at `;` outside parentheses and outside `BEGIN ATOMIC ... END` function
    /// bodies, empty statements left out.
    func statements() -> [ArraySlice<SQLToken>] {
        var result: [ArraySlice<SQLToken>] = []
        var depth = 0
        var atomicDepth = 0
        var start = significant.startIndex
        for index in significant.indices {
            let token = significant[index]
            if token.kind == .identifier {
                if lexer.isKeyword(token, "atomic"), index > start, lexer.isKeyword(significant[index - 1], "begin") {
                    atomicDepth += 1
                } else if atomicDepth > 0, lexer.isKeyword(token, "case") {
                    atomicDepth += 1
                } else if atomicDepth > 0, lexer.isKeyword(token, "end") {
                    atomicDepth -= 1
                }
            } else if lexer.isSymbol(token, "(") {
                depth += 1
            } else if lexer.isSymbol(token, ")") {
                depth = max(0, depth - 1)
            } else if depth == 0, atomicDepth == 0, lexer.isSymbol(token, ";") {
                if index > start { result.append(significant[start..<index]) }
                start = index + 1
            }
        }
        if start < significant.endIndex { result.append(significant[start...]) }
        return result
    }
}
