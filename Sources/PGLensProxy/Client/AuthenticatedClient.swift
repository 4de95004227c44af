import PGWire

/// A client that proved who it is: what it asked for and how pglens may log in for it.
///
/// A class: a session reads it on every request, and a reference costs one retain where a struct of
/// several strings and an array costs one each.
final class AuthenticatedClient: Sendable, Equatable {
    let user: String
    let database: String
    /// Session settings the client asked for in its startup message (and its `options`), in order.
    let settings: [StartupParameter]
    let applicationName: String
    /// Set when the client passed SCRAM against a verifier: the key that lets pglens log in as it.
    let recoveredServerCredential: ServerCredential?

    init(
        user: String, database: String, settings: [StartupParameter], applicationName: String,
        recoveredServerCredential: ServerCredential?
    ) {
        self.user = user
        self.database = database
        self.settings = settings
        self.applicationName = applicationName
        self.recoveredServerCredential = recoveredServerCredential
    }

    static func == (lhs: AuthenticatedClient, rhs: AuthenticatedClient) -> Bool {
        lhs.user == rhs.user && lhs.database == rhs.database && lhs.settings == rhs.settings
            && lhs.applicationName == rhs.applicationName
            && lhs.recoveredServerCredential == rhs.recoveredServerCredential
    }
}
