/// The tag of a CommandComplete message (`SELECT 5`, `INSERT 0 3`, `UPDATE 2`), split into command and rows.
///
/// See PostgreSQL documentation, "Message Formats", CommandComplete.
public struct CommandTag: Sendable, Equatable {
    /// The command words, upper case as the server sends them (`INSERT`, `CREATE TABLE`).
    public var command: String
    /// Rows returned or affected, for the commands that report them (SELECT, INSERT, UPDATE, DELETE, MERGE,
    /// COPY, FETCH, MOVE); 0 otherwise.
    public var rows: UInt64

    /// Parses a tag; anything unrecognized yields its words as the command and 0 rows.
    public init(_ tag: String) {
        let words = tag.split(separator: " ", omittingEmptySubsequences: true)
        let commandWords = words.prefix { UInt64($0) == nil }
        command = commandWords.joined(separator: " ")
        switch command {
        case "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "FETCH", "MOVE":
            let counts = words.dropFirst(commandWords.count)
            rows = counts.count == (command == "INSERT" ? 2 : 1) ? counts.last.flatMap { UInt64($0) } ?? 0 : 0
        default:
            rows = 0
        }
    }

    /// The rows of a tag read from its UTF-8 bytes, without making a String: the same as
    /// `CommandTag(tag).rows` (the hot path reads every CommandComplete this way).
    public static func rows(utf8 tag: UnsafeRawBufferPointer) -> UInt64 {
        var words = 0
        // The first word, packed into an integer (all the commands that count rows fit in 8 bytes).
        var first: UInt64 = 0
        var firstLength = 0
        var last: UInt64? = nil
        var current: UInt64? = 0
        var inWord = false
        for byte in tag {
            if byte == UInt8(ascii: " ") {
                if inWord { last = current }
                inWord = false
                continue
            }
            if !inWord {
                words += 1
                inWord = true
                current = 0
            }
            if words == 1 {
                if firstLength < 8 { first = first << 8 | UInt64(byte) }
                firstLength += 1
            }
            if let value = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let (times, overflow) = value.multipliedReportingOverflow(by: 10)
                current = overflow ? nil : times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0"))).partialValue
            } else {
                current = nil
            }
        }
        if inWord { last = current }
        guard firstLength <= 8, let command = rowCountingCommands[first] else { return 0 }
        return words == command ? last ?? 0 : 0
    }

    /// The commands whose tags carry a row count, with the number of words such a tag has.
    private static let rowCountingCommands: [UInt64: Int] = [
        packed("SELECT"): 2, packed("INSERT"): 3, packed("UPDATE"): 2, packed("DELETE"): 2, packed("MERGE"): 2,
        packed("COPY"): 2, packed("FETCH"): 2, packed("MOVE"): 2,
    ]

    private static func packed(_ word: String) -> UInt64 {
        word.utf8.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
