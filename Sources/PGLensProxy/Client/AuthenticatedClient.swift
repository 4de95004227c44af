import PGWire

/// A client that proved who it is: what it asked for and how pglens may log in for it.
struct AuthenticatedClient: Sendable, Equatable {
    var user: String
    var database: String
    /// Session settings the client asked for in its startup message (and its `options`), in order.
    var settings: [StartupParameter]
    var applicationName: String
    /// Set when the client passed SCRAM against a verifier: the key that lets pglens log in as it.
    var recoveredServerCredential: ServerCredential?
}
