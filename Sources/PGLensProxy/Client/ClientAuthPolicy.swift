import PGLensAuth
import PGLensConfig

/// What the client-side login needs to know of the configuration.
struct ClientAuthPolicy: Sendable {
    var method: ClientAuthMethod
    var allowPlaintextPassword: Bool
    /// Whether the client's connection is encrypted (set once TLS is accepted).
    var connectionIsEncrypted: Bool
    /// Whether TLS is offered to the client (SSLRequest answered 'S') and whether it is required.
    /// `.disable` when no client TLS context is configured.
    var tlsMode: ClientTLSMode = .disable
    /// The secret of a configured user; nil for an unknown user.
    var secret: @Sendable (String) -> UserSecret?
    /// Whether users not in the config are looked up with `auth_query` for a database (it has an
    /// `auth_user`).
    var looksUpUnknownUsers: @Sendable (_ database: String) -> Bool = { _ in false }
    /// The SCRAM credential for a user whose secret is a plain password (derived once and kept).
    /// A secret of the process, so that an unknown user always sees the same fake SCRAM salt.
    var mockSeed: [UInt8]
    var scramCredential: @Sendable (_ user: String, _ password: String) -> SCRAMCredential
}
