/// Finds the statements of a SQL text that would leave session state on a server connection, and classifies
/// a text's leading command; built on ``SQLLexer``, so words inside strings and comments never count.
///
/// Cheap for ordinary traffic: a single statement starting with a DML keyword and mentioning neither an
/// advisory lock nor `set_config` is answered from one pass over its bytes, without lexing.
public struct SessionStateDetector: Sendable {
    /// When false, plain `'...'` strings take backslash escapes (`standard_conforming_strings = off`).
    public var standardConformingStrings: Bool

    /// Creates a detector.
    public init(standardConformingStrings: Bool = true) {
        self.standardConformingStrings = standardConformingStrings
    }

    /// The statements of `text` (one or several separated by `;`) that leave session state, in order; a
    /// statement appears once per kind it leaves.
    public func sessionStateUses(in text: String) -> [SessionStateUse] {
        if QuickScan(text).cannotLeaveSessionState { return [] }
        let lexed = LexedText(text, standardConformingStrings: standardConformingStrings)
        var uses: [SessionStateUse] = []
        for tokens in lexed.statements() {
            let statement = StatementTokens(lexer: lexed.lexer, tokens: tokens)
            let kinds = statement.sessionStateKinds()
            guard !kinds.isEmpty else { continue }
            let slice = statement.slice(of: text)
            uses.append(contentsOf: kinds.map { SessionStateUse(kind: $0, statement: slice) })
        }
        return uses
    }

    /// Whether the one-pass byte scan proves the SQL in `utf8` harmless without decoding it: then
    /// `sessionStateUses(in:)` finds nothing in it, and it is a single statement starting with a DML or
    /// transaction-control keyword (so no `DEALLOCATE`, `DISCARD`, `PREPARE` or `EXECUTE` either). False
    /// means "look closer", not "leaves session state".
    public static func isPlainlyHarmless(utf8: UnsafeRawBufferPointer) -> Bool {
        QuickScan.isHarmless(utf8.bindMemory(to: UInt8.self))
    }

    /// The command `text` starts with.
    public func leadingCommand(of text: String) -> LeadingCommand {
        let lexed = LexedText(text, standardConformingStrings: standardConformingStrings)
        guard let first = lexed.statements().first else { return .empty }
        return StatementTokens(lexer: lexed.lexer, tokens: first).leadingCommand()
    }
}

/// A one-pass byte scan that proves a text harmless without lexing it: one statement (nothing but white
/// space after a `;`), starting with a DML or transaction-control keyword, never mentioning `advisory`,
/// `set_config` or `temp`.
private struct QuickScan {
    private static let harmlessFirstWords: [StaticString] = [
        "select", "insert", "update", "delete", "with", "values", "table", "merge", "copy", "fetch", "move", "close",
        "explain", "begin", "commit", "rollback", "end", "savepoint", "release", "show",
    ]

    let cannotLeaveSessionState: Bool

    init(_ text: String) {
        var text = text
        cannotLeaveSessionState = text.withUTF8(Self.isHarmless)
    }

    static func isHarmless(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var wordStart: Int?
        var wordEnd: Int?
        var sawStatementEnd = false
        var window: UInt64 = 0
        for offset in bytes.indices {
            let byte = bytes[offset]
            if sawStatementEnd, !SQLLexer.isWhitespace(byte) { return false }
            if byte == UInt8(ascii: ";") { sawStatementEnd = true }
            if wordEnd == nil {
                if wordStart == nil, !SQLLexer.isWhitespace(byte) {
                    guard SQLLexer.isIdentifierStart(byte) else { return false }
                    wordStart = offset
                } else if wordStart != nil, !SQLLexer.isIdentifierContinuation(byte) {
                    wordEnd = offset
                }
            }
            window = window << 8 | UInt64(SQLLexer.lowercased(byte))
            // The last bytes read "advisory", "t_config" (of set_config) or "temp" (of SELECT INTO TEMP).
            if window == 0x6164_7669_736f_7279 || window == 0x745f_636f_6e66_6967
                || window & 0xffff_ffff == 0x7465_6d70
            {
                return false
            }
        }
        guard let start = wordStart else { return false }
        let word = UnsafeBufferPointer(rebasing: bytes[start..<(wordEnd ?? bytes.count)])
        return harmlessFirstWords.contains { keyword in
            keyword.utf8CodeUnitCount == word.count
                && keyword.withUTF8Buffer { expected in
                    zip(word, expected).allSatisfy { SQLLexer.lowercased($0) == $1 }
                }
        }
    }
}
