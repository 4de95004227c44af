import PGLensAuth
import PGLensConfig

/// What the client-side login needs to know of the configuration.
struct ClientAuthPolicy: Sendable {
    var method: ClientAuthMethod
    var allowPlaintextPassword: Bool
    /// Whether the client's connection is encrypted (it never is until TLS lands).
    var connectionIsEncrypted: Bool
    /// The secret of a configured user; nil for an unknown user.
    var secret: @Sendable (String) -> UserSecret?
    /// The SCRAM credential for a user whose secret is a plain password (derived once and kept).
    /// A secret of the process, so that an unknown user always sees the same fake SCRAM salt.
    var mockSeed: [UInt8]
    var scramCredential: @Sendable (_ user: String, _ password: String) -> SCRAMCredential
}
