extension SQLLexer {
    /// The token's text exactly as written.
    public func text(of token: SQLToken) -> String {
        String(decoding: bytes[token.range], as: UTF8.self)
    }

    /// The token's text with ASCII letters folded to lower case, as PostgreSQL folds unquoted identifiers.
    public func foldedText(of token: SQLToken) -> String {
        String(decoding: bytes[token.range].lazy.map(SQLLexer.lowercased), as: UTF8.self)
    }

    /// True when `token` is the unquoted identifier (or keyword) `keyword`, compared without case.
    /// `keyword` must be lower-case ASCII.
    public func isKeyword(_ token: SQLToken, _ keyword: StaticString) -> Bool {
        guard token.kind == .identifier, token.range.count == keyword.utf8CodeUnitCount else { return false }
        return keyword.withUTF8Buffer { expected in
            let start = token.range.lowerBound
            for offset in expected.indices where SQLLexer.lowercased(bytes[start + offset]) != expected[offset] {
                return false
            }
            return true
        }
    }

    /// True when `token` is the single punctuation or operator character `character`.
    public func isSymbol(_ token: SQLToken, _ character: Unicode.Scalar) -> Bool {
        token.range.count == 1 && token.kind != .string && bytes[token.range.lowerBound] == UInt8(ascii: character)
    }

    /// The number of a `$n` parameter token, or nil for other tokens (and numbers too large to matter).
    public func parameterNumber(of token: SQLToken) -> Int? {
        guard token.kind == .parameter, token.range.count <= 10 else { return nil }
        return bytes[token.range.dropFirst()].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
