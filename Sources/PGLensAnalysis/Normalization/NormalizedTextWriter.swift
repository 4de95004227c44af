/// Writes normalized tokens as text with canonical spacing, and hashes them into the fingerprint.
///
/// Spacing: one space between tokens, none after `(`, `[`, `.`, `::`, `:` nor before `)`, `]`, `,`, `.`, `::`, `:`, `;`;
/// a `(` directly follows a function or table name but is spaced after keywords such as `in` or `values`.
struct NormalizedTextWriter {
    private enum Spacing {
        case word, opening, closing, comma, dot, cast, semicolon, other
    }

    /// Keywords after which `(` is written with a space (other words are taken as function or table names).
    private static let spacedKeywords: Set<String> = [
        "and", "as", "between", "by", "case", "conflict", "distinct", "do", "else", "except",
        "exists", "filter", "from", "group", "having", "in", "intersect", "into", "is", "join", "key", "lateral",
        "like", "limit", "not", "offset", "on", "or", "over", "returning", "select", "set", "table",
        "then", "union", "using", "values", "when", "where", "with", "within",
    ]

    private let lexer: SQLLexer
    private var output: [UInt8] = []
    private var hasher = FNV1a64()
    private var previous: Spacing?
    /// Where the previous token starts in `output` when it is an unquoted identifier.
    private var previousIdentifierStart: Int?

    init(lexer: SQLLexer) {
        self.lexer = lexer
        output.reserveCapacity(lexer.bytes.count)
    }

    var text: String { String(decoding: output, as: UTF8.self) }
    var fingerprint: StatementFingerprint { StatementFingerprint(hasher.value) }

    /// Writes a token as it is (identifiers folded to lower case).
    mutating func write(_ token: SQLToken) {
        if token.kind == .parameter, let number = lexer.parameterNumber(of: token) {
            writePlaceholder(number)
            return
        }
        let spacing = spacing(of: token)
        let start = output.count + (needsSpace(before: spacing) ? 1 : 0)
        if start > output.count { output.append(UInt8(ascii: " ")) }
        let folds = token.kind == .identifier
        for index in token.range {
            let byte = lexer.bytes[index]
            output.append(folds ? SQLLexer.lowercased(byte) : byte)
        }
        hasher.combine(tag(of: token.kind))
        for index in start..<output.count { hasher.combine(output[index]) }
        hasher.combine(0)
        previous = spacing
        previousIdentifierStart = token.kind == .identifier ? start : nil
    }

    /// Writes the placeholder `$number`; only its presence, not its number, enters the fingerprint.
    mutating func writePlaceholder(_ number: Int) {
        if needsSpace(before: .word) { output.append(UInt8(ascii: " ")) }
        output.append(UInt8(ascii: "$"))
        appendDecimal(number)
        hasher.combine(UInt8(ascii: "$"))
        hasher.combine(0)
        previous = .word
        previousIdentifierStart = nil
    }

    private mutating func appendDecimal(_ number: Int) {
        if number >= 10 { appendDecimal(number / 10) }
        output.append(UInt8(ascii: "0") + UInt8(number % 10))
    }

    private func needsSpace(before next: Spacing) -> Bool {
        switch previous {
        case nil, .opening, .dot, .cast: return false
        case .word, .closing, .comma, .semicolon, .other:
            switch next {
            case .closing, .comma, .dot, .cast, .semicolon: return false
            case .opening: return previous == .comma || previous == .other || previousIsSpacedKeyword
            case .word, .other: return true
            }
        }
    }

    /// Looked up only before a `(`, so ordinary words cost no keyword lookup.
    private var previousIsSpacedKeyword: Bool {
        guard let start = previousIdentifierStart else { return false }
        return Self.spacedKeywords.contains(String(decoding: output[start...], as: UTF8.self))
    }

    private func spacing(of token: SQLToken) -> Spacing {
        switch token.kind {
        case .identifier, .quotedIdentifier, .string, .bitString, .number, .parameter:
            return .word
        case .operator:
            return token.range.count == 2 && lexer.bytes[token.range.lowerBound] == UInt8(ascii: ":")
                && lexer.bytes[token.range.lowerBound + 1] == UInt8(ascii: ":") ? .cast : .other
        case .punctuation, .blockComment, .lineComment:
            switch lexer.bytes[token.range.lowerBound] {
            case UInt8(ascii: "("), UInt8(ascii: "["): return .opening
            case UInt8(ascii: ")"), UInt8(ascii: "]"): return .closing
            case UInt8(ascii: ","): return .comma
            case UInt8(ascii: "."): return .dot
            case UInt8(ascii: ";"): return .semicolon
            case UInt8(ascii: ":"): return .cast
            default: return .other
            }
        }
    }

    private func tag(of kind: SQLToken.Kind) -> UInt8 {
        switch kind {
        case .identifier: return UInt8(ascii: "i")
        case .quotedIdentifier: return UInt8(ascii: "q")
        case .string, .bitString, .number: return UInt8(ascii: "c")
        case .parameter: return UInt8(ascii: "$")
        case .operator: return UInt8(ascii: "o")
        case .punctuation, .blockComment, .lineComment: return UInt8(ascii: "p")
        }
    }
}
