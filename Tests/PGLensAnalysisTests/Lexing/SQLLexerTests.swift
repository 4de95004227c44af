import Testing

@testable import PGLensAnalysis

@Suite struct SQLLexerTests {
    private func lex(_ text: String, standardConformingStrings: Bool = true) -> [String] {
        let lexer = SQLLexer(text, standardConformingStrings: standardConformingStrings)
        return lexer.map { "\($0.kind):\(lexer.text(of: $0))\($0.isUnterminated ? "!" : "")" }
    }

    @Test func identifiersKeywordsAndPunctuation() {
        #expect(
            lex("SELECT a.b, c FROM t;") == [
                "identifier:SELECT", "identifier:a", "punctuation:.", "identifier:b", "punctuation:,",
                "identifier:c", "identifier:FROM", "identifier:t", "punctuation:;",
            ])
    }

    @Test func foldedTextAndKeywordMatch() {
        let lexer = SQLLexer("SeLeCT \"MiXed\"")
        let tokens = Array(lexer)
        #expect(lexer.foldedText(of: tokens[0]) == "select")
        #expect(lexer.isKeyword(tokens[0], "select"))
        #expect(!lexer.isKeyword(tokens[1], "mixed"))
        #expect(lexer.text(of: tokens[1]) == "\"MiXed\"")
    }

    @Test func stringForms() {
        #expect(
            lex("'a''b' E'\\'x' U&'d' B'10' X'ff' N'n'") == [
                "string:'a''b'", "string:E'\\'x'", "string:U&'d'", "bitString:B'10'", "bitString:X'ff'", "string:N'n'",
            ])
        #expect(lex("U&\"ident\" \"q\"\"q\"") == ["quotedIdentifier:U&\"ident\"", "quotedIdentifier:\"q\"\"q\""])
    }

    @Test func backslashInPlainStringDependsOnStandardConformingStrings() {
        #expect(lex("'a\\' c'") == ["string:'a\\'", "identifier:c", "string:'!"])
        #expect(lex("'a\\' c'", standardConformingStrings: false) == ["string:'a\\' c'"])
    }

    @Test func dollarQuotingAndParameters() {
        #expect(
            lex("$1 $$a$b$$ $tag$x$$y$tag$ $a") == [
                "parameter:$1", "string:$$a$b$$", "string:$tag$x$$y$tag$", "punctuation:$", "identifier:a",
            ])
        #expect(lex("x$1") == ["identifier:x$1"])
    }

    @Test func numbers() {
        #expect(
            lex("42 1.5e-3 .5 5. 0x1F 0o17 0b101 1_000 1e 1..2") == [
                "number:42", "number:1.5e-3", "number:.5", "number:5.", "number:0x1F", "number:0o17", "number:0b101",
                "number:1_000", "number:1", "identifier:e", "number:1", "operator:..", "number:2",
            ])
    }

    @Test func operators() {
        #expect(
            lex("a::int <= b ->> 'k' @> c != d := e => f") == [
                "identifier:a", "operator:::", "identifier:int", "operator:<=", "identifier:b", "operator:->>",
                "string:'k'", "operator:@>", "identifier:c", "operator:!=", "identifier:d", "operator::=",
                "identifier:e", "operator:=>", "identifier:f",
            ])
        #expect(
            lex("a=-1 b@-1") == [
                "identifier:a", "operator:=", "operator:-", "number:1", "identifier:b", "operator:@-", "number:1",
            ])
        #expect(lex("a+/*c*/b") == ["identifier:a", "operator:+", "blockComment:/*c*/", "identifier:b"])
    }

    @Test func comments() {
        #expect(
            lex("a -- x\nb /* 1 /* 2 */ 3 */ c") == [
                "identifier:a", "lineComment:-- x", "identifier:b", "blockComment:/* 1 /* 2 */ 3 */", "identifier:c",
            ])
    }

    @Test func malformedInputEndsWithUnterminatedToken() {
        #expect(lex("select 'abc") == ["identifier:select", "string:'abc!"])
        #expect(lex("/* a /* b */") == ["blockComment:/* a /* b */!"])
        #expect(lex("$x$ never") == ["string:$x$ never!"])
        #expect(lex("E'\\") == ["string:E'\\!"])
        #expect(lex("\"open") == ["quotedIdentifier:\"open!"])
    }

    @Test func everyByteSequenceTerminates() {
        let samples = ["'", "\"", "$", "$$", "/*", "--", "E'", "U&", "0x", "1e+", "\u{00e9}t\u{00e9}", "\0\u{1}"]
        for sample in samples {
            let tokens = SQLLexer.tokenize(sample)
            #expect(tokens.allSatisfy { !$0.range.isEmpty && $0.range.upperBound <= sample.utf8.count })
        }
    }
}
