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
}
