import PGWire
import Testing

@testable import PGLensProxy

@Suite struct SessionSettingsTests {
    static func statement(_ name: String, _ value: String) -> String {
        SessionSettings.setStatement(StartupParameter(name: name, value: value))
    }

    @Test func plainNameAndValue() {
        #expect(Self.statement("search_path", "public") == #"SET "search_path" TO 'public'"#)
    }

    @Test func emptyValue() {
        #expect(Self.statement("application_name", "") == #"SET "application_name" TO ''"#)
    }

    @Test func mixedCaseNameKeepsItsCase() {
        #expect(Self.statement("DateStyle", "ISO, MDY") == #"SET "DateStyle" TO 'ISO, MDY'"#)
    }

    @Test func singleQuoteInValueIsDoubled() {
        #expect(Self.statement("application_name", "it's") == #"SET "application_name" TO 'it''s'"#)
        #expect(
            Self.statement("application_name", "'; DROP TABLE t; --")
                == #"SET "application_name" TO '''; DROP TABLE t; --'"#)
    }

    @Test func doubleQuoteInNameIsDoubled() {
        #expect(Self.statement(#"we"ird"#, "v") == #"SET "we""ird" TO 'v'"#)
        #expect(Self.statement(#"x" TO 'y'; --"#, "v") == #"SET "x"" TO 'y'; --" TO 'v'"#)
    }

    @Test func doubleQuoteInValueIsKept() {
        #expect(
            Self.statement("search_path", #""My Schema", public"#) == #"SET "search_path" TO '"My Schema", public'"#)
    }

    @Test func singleQuoteInNameIsKept() {
        #expect(Self.statement("a'b", "v") == #"SET "a'b" TO 'v'"#)
    }

    @Test func backslashInValueUsesAnEscapeString() {
        #expect(Self.statement("search_path", #"C:\dir"#) == #"SET "search_path" TO E'C:\\dir'"#)
        #expect(Self.statement("x", #"\\"#) == #"SET "x" TO E'\\\\'"#)
    }

    @Test func backslashAndQuoteInValue() {
        #expect(Self.statement("x", #"a\'b"#) == #"SET "x" TO E'a\\''b'"#)
        #expect(Self.statement("x", #"end\"#) == #"SET "x" TO E'end\\'"#)
    }

    @Test func backslashInNameIsLiteralInAQuotedIdentifier() {
        #expect(Self.statement(#"a\b"#, "v") == #"SET "a\b" TO 'v'"#)
        #expect(Self.statement(#"a\"b"#, #"c\d"#) == #"SET "a\""b" TO E'c\\d'"#)
    }

    @Test func unicodeIsKept() {
        #expect(Self.statement("application_name", "zürich ☃") == "SET \"application_name\" TO 'zürich ☃'")
    }
}
