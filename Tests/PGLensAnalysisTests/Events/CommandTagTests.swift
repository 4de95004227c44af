import Testing

@testable import PGLensAnalysis

@Suite struct CommandTagTests {
    static let tags: [(String, String, UInt64)] = [
        ("SELECT 5", "SELECT", 5),
        ("INSERT 0 3", "INSERT", 3),
        ("UPDATE 2", "UPDATE", 2),
        ("DELETE 1", "DELETE", 1),
        ("COPY 100", "COPY", 100),
        ("FETCH 7", "FETCH", 7),
        ("MOVE 4", "MOVE", 4),
        ("MERGE 9", "MERGE", 9),
        ("SELECT 0", "SELECT", 0),
        ("CREATE TABLE", "CREATE TABLE", 0),
        ("BEGIN", "BEGIN", 0),
        ("SET", "SET", 0),
        ("INSERT 3", "INSERT", 0),
        ("UPDATE x", "UPDATE x", 0),
        ("", "", 0),
        ("SELECT 18446744073709551616", "SELECT 18446744073709551616", 0),
        ("SELECT  5", "SELECT", 5),
        ("SELECTED 5", "SELECTED", 0),
    ]

    @Test(arguments: tags)
    func parses(_ example: (String, String, UInt64)) {
        let tag = CommandTag(example.0)
        #expect(tag.command == example.1)
        #expect(tag.rows == example.2)
    }

    @Test(arguments: tags)
    func rowsFromBytesAgreeWithTheParsedTag(_ example: (String, String, UInt64)) {
        let rows = Array(example.0.utf8).withUnsafeBytes { CommandTag.rows(utf8: $0) }
        #expect(rows == CommandTag(example.0).rows)
    }
}
