/// The command tag of a CommandComplete message, such as `SELECT 5` or `INSERT 0 3`
/// (53.7 "Message Formats").
public struct CommandComplete: Sendable, Hashable {
    /// The tag as sent.
    public var tag: String

    /// Wraps a tag.
    public init(tag: String) {
        self.tag = tag
    }

    /// The first word of the tag, for example `SELECT` or `CREATE` (of `CREATE TABLE`).
    public var command: Substring {
        tag.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true).first ?? ""
    }

    /// The number of rows processed, for the tags that carry one: `INSERT oid rows`, `SELECT rows`,
    /// `UPDATE rows`, `DELETE rows`, `MERGE rows`, `FETCH rows`, `MOVE rows`, `COPY rows`; else `nil`.
    public var rowCount: Int? {
        let words = tag.split(separator: " ", omittingEmptySubsequences: true)
        guard let first = words.first else {
            return nil
        }
        switch first {
        case "INSERT":
            guard words.count == 3 else { return nil }
            return Int(words[2])
        case "SELECT", "UPDATE", "DELETE", "MERGE", "FETCH", "MOVE", "COPY":
            // `SELECT n`; `CREATE TABLE AS` reports `SELECT n` too. Reject `SELECT` with extra words.
            guard words.count == 2 else { return nil }
            return Int(words[1])
        default:
            return nil
        }
    }
}
