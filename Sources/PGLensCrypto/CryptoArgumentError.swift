/// A crypto function was called with arguments outside the range it (or OpenSSL's C API) accepts.
public struct CryptoArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, for example `"iterations must be in 1...2147483647"`.
    public let message: String

    /// Creates the error with a short explanation.
    public init(_ message: String) {
        self.message = message
    }

    /// The explanation.
    public var description: String { message }
}
