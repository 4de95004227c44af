/// The text of an event's statement: normalized already (a prepared statement, normalized at Parse), or the
/// raw simple-query text, left for the analysis consumer to normalize so the event loop does no lexing.
public enum StatementText: Sendable {
    /// Normalized on the event loop (or cached there).
    case normalized(NormalizedStatement)
    /// Statement `statementIndex` (from 0) of a simple Query message's text, normalized by the consumer
    /// with its own ``NormalizationCache``.
    case simpleQuery(String, statementIndex: Int, standardConformingStrings: Bool)

    /// The normalized statement; for `.simpleQuery`, normalizes now (the consumer resolves events first, so
    /// this is only slow for events read before the pipeline saw them).
    public var normalized: NormalizedStatement {
        switch self {
        case .normalized(let statement):
            return statement
        case .simpleQuery(let text, let index, let standardConformingStrings):
            return Self.statement(
                index,
                of: StatementNormalizer(standardConformingStrings: standardConformingStrings)
                    .normalizeEach(text), text: text, standardConformingStrings: standardConformingStrings)
        }
    }

    /// The `.normalized` form, looked up in `cache`.
    func resolved(using cache: inout NormalizationCache) -> StatementText {
        switch self {
        case .normalized:
            return self
        case .simpleQuery(let text, let index, let standardConformingStrings):
            let statements = cache.statements(of: text, standardConformingStrings: standardConformingStrings)
            return .normalized(
                Self.statement(index, of: statements, text: text, standardConformingStrings: standardConformingStrings))
        }
    }

    /// Statement `index` of `statements`; past the end (the server saw more statements than the splitter),
    /// the whole text normalized as one.
    private static func statement(
        _ index: Int, of statements: [NormalizedStatement], text: String, standardConformingStrings: Bool
    ) -> NormalizedStatement {
        guard statements.indices.contains(index) else {
            return StatementNormalizer(standardConformingStrings: standardConformingStrings).normalize(text)
        }
        return statements[index]
    }
}
