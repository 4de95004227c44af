/// A string is not a valid `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` verifier.
public struct InvalidSCRAMVerifier: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with it (never the verifier itself).
    public let reason: String

    /// Creates the error.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// The reason text.
    public var description: String { "invalid SCRAM-SHA-256 verifier: \(reason)" }
}
