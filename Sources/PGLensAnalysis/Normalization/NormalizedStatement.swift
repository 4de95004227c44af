/// One statement after normalization.
public struct NormalizedStatement: Sendable, Equatable {
    /// Normalized text: constants as `$n`, lower-case keywords, single spaces, no comments.
    public var text: String
    /// Fingerprint of the normalized token stream (placeholder numbers excluded).
    public var fingerprint: StatementFingerprint
    /// sqlcommenter key/value pairs found in the statement's comments (`/*route='%2Fusers'*/`), decoded.
    public var metadata: [String: String]
    /// The value hashes of the first constants the normalization turned into placeholders: for literal SQL,
    /// the hashes of its parameters (``LineageHash/value(text:)``).
    public var constantHashes: ParameterValueHashes

    /// Creates a normalized statement.
    public init(
        text: String, fingerprint: StatementFingerprint, metadata: [String: String] = [:],
        constantHashes: ParameterValueHashes = ParameterValueHashes()
    ) {
        self.text = text
        self.fingerprint = fingerprint
        self.metadata = metadata
        self.constantHashes = constantHashes
    }

    /// The same statement: text, fingerprint and metadata (the constants' values are not its identity).
    public static func == (left: NormalizedStatement, right: NormalizedStatement) -> Bool {
        left.text == right.text && left.fingerprint == right.fingerprint && left.metadata == right.metadata
    }
}
