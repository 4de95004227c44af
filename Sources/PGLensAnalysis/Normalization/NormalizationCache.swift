/// A bounded cache of normalized simple-query texts, so the hot path does not lex the same text twice.
///
/// Keyed by the text's ``LiteralShape`` when it has one (so texts that differ only in their constants, as
/// drivers that interpolate values send them, share one entry and are lexed once), else by a 64-bit hash
/// of the raw text, which is kept and compared on a hit (a collision costs a re-normalization, never a
/// wrong answer); and by the connection's `standard_conforming_strings`. Least recently used entries are
/// evicted. A value type with no locks: keep one per event loop (or per consumer).
public struct NormalizationCache: Sendable {
    private struct Entry: Sendable {
        /// The raw text, for an entry keyed by it; empty for one keyed by shape.
        var text: String
        /// The second half of the shape hash, for an entry keyed by shape.
        var shape: UInt64?
        var standardConformingStrings: Bool
        var statements: [NormalizedStatement]
    }

    private var entries: LeastRecentlyUsedDictionary<UInt64, Entry>
    /// Lookups answered from the cache.
    public private(set) var hits = 0
    /// Lookups that had to normalize.
    public private(set) var misses = 0

    /// Creates a cache holding at most `capacity` texts.
    public init(capacity: Int = 1024) {
        self.entries = LeastRecentlyUsedDictionary(capacity: capacity)
    }

    /// The number of texts cached.
    public var count: Int { entries.count }

    /// The normalized statement of a Parse message's text (one statement; for an empty text, the empty
    /// statement). Drivers that send an unnamed Parse before every execution hit the cache after the first.
    public mutating func statement(of text: String, standardConformingStrings: Bool = true) -> NormalizedStatement {
        statements(of: text, standardConformingStrings: standardConformingStrings).first
            ?? StatementNormalizer(standardConformingStrings: standardConformingStrings).normalize("")
    }

    /// The statements of a simple Query text, normalized (see ``StatementNormalizer/normalizeEach(_:)``);
    /// `standardConformingStrings` is the sending connection's setting.
    public mutating func statements(of text: String, standardConformingStrings: Bool = true) -> [NormalizedStatement] {
        let shape = LiteralShape(text, standardConformingStrings: standardConformingStrings)
        let key: UInt64
        if let shape {
            key = shape.first ^ (standardConformingStrings ? 0 : 0x5bd1_e995_5bd1_e995)
        } else {
            var hasher = FNV1a64()
            hasher.combine(text)
            hasher.combine(standardConformingStrings ? 1 : 0)
            key = hasher.value
        }
        if let entry = entries.value(forKey: key), entry.standardConformingStrings == standardConformingStrings,
            entry.shape == shape?.second, shape != nil || entry.text == text
        {
            hits += 1
            return entry.statements
        }
        misses += 1
        let normalizer = StatementNormalizer(standardConformingStrings: standardConformingStrings)
        let statements = normalizer.normalizeEach(text)
        entries.set(
            Entry(
                text: shape == nil ? text : "", shape: shape?.second,
                standardConformingStrings: standardConformingStrings, statements: statements),
            forKey: key)
        return statements
    }
}
