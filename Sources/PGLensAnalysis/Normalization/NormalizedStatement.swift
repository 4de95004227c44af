/// One statement after normalization.
public struct NormalizedStatement: Sendable, Equatable {
    /// Normalized text: constants as `$n`, lower-case keywords, single spaces, no comments.
    public var text: String
    /// Fingerprint of the normalized token stream (placeholder numbers excluded).
    public var fingerprint: StatementFingerprint
    /// sqlcommenter key/value pairs found in the statement's comments (`/*route='%2Fusers'*/`), decoded.
    public var metadata: [String: String]

    /// Creates a normalized statement.
    public init(text: String, fingerprint: StatementFingerprint, metadata: [String: String] = [:]) {
        self.text = text
        self.fingerprint = fingerprint
        self.metadata = metadata
    }
}
