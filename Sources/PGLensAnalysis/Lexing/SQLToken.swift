/// One lexical token of PostgreSQL SQL text, located by its UTF-8 byte offsets in the lexed text.
///
/// See PostgreSQL documentation, "Lexical Structure" (sql-syntax-lexical.html).
public struct SQLToken: Sendable, Equatable {
    /// What a token is, following PostgreSQL's lexical categories.
    public enum Kind: Sendable, Equatable {
        /// A keyword or unquoted identifier (`SELECT`, `users`): case-insensitive, folded to lower case.
        case identifier
        /// A double-quoted identifier (`"User"`, `U&"d\0061t"`): case kept.
        case quotedIdentifier
        /// A string constant: `'...'`, `E'...'`, `U&'...'`, `N'...'` or a dollar-quoted `$tag$...$tag$`.
        case string
        /// A bit-string constant: `B'101'` or `X'1F'`.
        case bitString
        /// A numeric constant in any PostgreSQL 16 form (`42`, `1.5e-3`, `.5`, `0x1F`, `0o17`, `0b101`, `1_000`).
        case number
        /// A positional parameter `$n`.
        case parameter
        /// An operator (`=`, `<=`, `::`, `->>`, `@>`, `||`).
        case `operator`
        /// A single punctuation character: `,` `(` `)` `[` `]` `;` `:` `.`, or a stray `$`.
        case punctuation
        /// A `/* ... */` comment (nesting allowed).
        case blockComment
        /// A `-- ...` comment up to the end of the line.
        case lineComment
    }

    /// The token's category.
    public var kind: Kind
    /// The token's UTF-8 byte offsets in the lexed text.
    public var range: Range<Int>
    /// True when the lexer reached the end of input before the token's closing delimiter.
    public var isUnterminated: Bool

    /// Creates a token.
    public init(kind: Kind, range: Range<Int>, isUnterminated: Bool = false) {
        self.kind = kind
        self.range = range
        self.isUnterminated = isUnterminated
    }

    /// True for constants a normalizer replaces with a placeholder: strings, bit strings and numbers.
    public var isConstant: Bool {
        switch kind {
        case .string, .bitString, .number: return true
        case .identifier, .quotedIdentifier, .parameter, .operator, .punctuation, .blockComment, .lineComment:
            return false
        }
    }

    /// True for comments, which carry no meaning for the statement.
    public var isComment: Bool {
        kind == .blockComment || kind == .lineComment
    }
}
