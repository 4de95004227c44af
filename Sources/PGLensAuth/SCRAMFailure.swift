/// Why a SCRAM exchange failed. Carries a short reason meant for logs; never secrets.
public struct SCRAMFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: Sendable, Equatable {
        /// A message arrived in a state that does not expect it.
        case unexpectedMessage
        /// A message does not follow the SCRAM grammar (missing attribute, bad base64, ...).
        case malformedMessage
        /// The SASL mechanism is not one we offered.
        case unsupportedMechanism
        /// The channel binding flag or data is wrong, including a downgrade attempt.
        case channelBinding
        /// The peer's nonce does not match or extend ours.
        case nonceMismatch
        /// The client proof is wrong: wrong password, or an unknown user.
        case invalidProof
        /// The server's iteration count is out of range.
        case invalidIterations
        /// The server's salt or iteration count differ from those the client key was derived with.
        case parameterMismatch
        /// The server sent a SCRAM `e=` error.
        case serverError
        /// The server's signature does not prove knowledge of the ServerKey.
        case invalidServerSignature
        /// A key derivation failed inside libcrypto.
        case cryptoFailure
    }

    /// The class of failure.
    public let kind: Kind
    /// A short explanation, for example `"nonce mismatch"`.
    public let reason: String

    /// Creates a failure.
    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The reason text.
    public var description: String { reason }
}
