/// A finding's fix taken apart for the audit: the suggestion's prose, the SQL it names (the statement
/// it starts with, the code spans that are SQL, the evidence's `rewrite`), and the framework migration
/// after its `Migration:`.
struct FindingFix: Equatable {
    /// The suggestion's text, without the migration (which has a block of its own).
    var prose: String
    /// SQL statements to show in a `sql` block, in the order the suggestion names them, without repeats.
    var statements: [String]
    /// The migration's code, when the suggestion carries one.
    var migration: String?

    /// The language of ``migration`` for its code block: `ruby` for Rails, `python` otherwise.
    var migrationLanguage: String {
        guard let migration else { return "" }
        return ["add_index", "remove_index"].contains(where: migration.hasPrefix) ? "ruby" : "python"
    }

    private static let leadingKeywords = [
        "ALTER", "ANALYZE", "CLUSTER", "CREATE", "DELETE", "DROP", "EXPLAIN", "GRANT", "INSERT", "REINDEX",
        "SELECT", "UPDATE", "VACUUM", "WITH",
    ]

    /// Takes `finding`'s suggestion apart.
    init(_ finding: Finding) {
        var text = finding.suggestion
        var migration: String?
        if let marker = text.range(of: "Migration: ") {
            migration = String(text[marker.upperBound...]).trimmingCharacters(in: .whitespaces)
            text = String(text[..<marker.lowerBound])
        }
        var statements: [String] = []
        func add(_ sql: String) {
            let trimmed = sql.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty, !statements.contains(trimmed) { statements.append(trimmed) }
        }
        if let leading = Self.leadingStatement(of: text) { add(leading) }
        for span in Self.codeSpans(in: text) where Self.isStatement(span) { add(span) }
        if case .string(let rewrite) = finding.evidence["rewrite"] { add(rewrite) }
        self.prose = text.trimmingCharacters(in: .whitespaces)
        self.statements = statements
        self.migration = migration.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The statement a suggestion opens with (`CREATE INDEX CONCURRENTLY ON t (c);`), up to its `;`.
    static func leadingStatement(of text: String) -> String? {
        guard isStatement(text), let end = text.firstIndex(of: ";") else { return nil }
        return String(text[...end])
    }

    /// Whether `text` reads as SQL: it opens with an upper-case keyword that starts a statement
    /// (`SELECT ... FROM t WHERE id = ANY($1)`), or with `... JOIN` (a join to add to a query).
    static func isStatement(_ text: String) -> Bool {
        if text.hasPrefix("... JOIN ") { return true }
        let first = String(text.prefix { $0.isLetter })
        return leadingKeywords.contains(first) && text.count > first.count
    }

    /// The contents of the suggestion's `code spans`.
    static func codeSpans(in text: String) -> [String] {
        var spans: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "`") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "`") else { break }
            spans.append(String(rest[afterOpen..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return spans
    }
}
