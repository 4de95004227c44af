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

    /// The command `text` starts with.
    public func leadingCommand(of text: String) -> LeadingCommand {
        let lexed = LexedText(text, standardConformingStrings: standardConformingStrings)
        guard let first = lexed.statements().first else { return .empty }
        return StatementTokens(lexer: lexed.lexer, tokens: first).leadingCommand()
    }
}

/// A one-pass byte scan that proves a text harmless without lexing it.
private struct QuickScan {
    private static let harmlessFirstWords: Set<String> = [
        "select", "insert", "update", "delete", "with", "values", "table", "merge", "copy", "fetch", "move", "close",
        "explain", "begin", "commit", "rollback", "end", "savepoint", "release", "show",
    ]

    let cannotLeaveSessionState: Bool

    init(_ text: String) {
        var firstWord: [UInt8] = []
        var inFirstWord = true
        var sawStatementEnd = false
        var window: UInt64 = 0
        var mentionsRiskyFunction = false
        for byte in text.utf8 {
            let lower = SQLLexer.lowercased(byte)
            if inFirstWord {
                if SQLLexer.isIdentifierContinuation(byte) {
                    firstWord.append(lower)
                } else if !firstWord.isEmpty || !SQLLexer.isWhitespace(byte) {
                    inFirstWord = false
                }
            }
            if sawStatementEnd, !SQLLexer.isWhitespace(byte) {
                cannotLeaveSessionState = false
                return
            }
            if byte == UInt8(ascii: ";") { sawStatementEnd = true }
            window = window << 8 | UInt64(lower)
            // The last eight bytes read "advisory" or "t_config" (of set_config).
            if window == 0x6164_7669_736f_7279 || window == 0x745f_636f_6e66_6967 { mentionsRiskyFunction = true }
        }
        let word = String(decoding: firstWord, as: UTF8.self)
        cannotLeaveSessionState = !mentionsRiskyFunction && Self.harmlessFirstWords.contains(word)
    }
}
