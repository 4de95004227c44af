/// How the advisor writes the names of tables, columns and indexes into the statements it proposes.
enum CatalogName {
    /// Words PostgreSQL reserves that a column or table may still be named (quoted) in practice.
    private static let reserved: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "case", "cast", "check", "collate",
        "column", "constraint", "create", "default", "desc", "distinct", "do", "else", "end", "except", "false",
        "for", "foreign", "from", "grant", "group", "having", "in", "index", "into", "is", "join", "key", "limit",
        "not", "null", "offset", "on", "only", "or", "order", "primary", "references", "select", "table", "then",
        "to", "true", "union", "unique", "user", "using", "when", "where", "window", "with",
    ]

    /// `name` as an SQL identifier: bare when PostgreSQL would read it back unchanged, else double-quoted.
    static func quoted(_ name: String) -> String {
        let isPlain =
            !name.isEmpty && !reserved.contains(name)
            && name.utf8.enumerated().allSatisfy { offset, byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
                    || (offset > 0 && byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            }
        return isPlain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A relation's name as a statement writes it: unqualified in `public`, else `schema.name`.
    static func display(schema: String, name: String) -> String {
        schema == "public" ? quoted(name) : quoted(schema) + "." + quoted(name)
    }

    /// A relation's name always qualified with its schema (for statements the advisor runs itself).
    static func qualified(schema: String, name: String) -> String {
        quoted(schema) + "." + quoted(name)
    }
}
