import Testing

/// One client authentication method pglens offers, and the cluster role that makes PostgreSQL
/// itself use that method (for direct runs of the harness).
struct AuthCase: Sendable, CustomTestStringConvertible {
    var authType: String
    /// The code of the first AuthenticationRequest: 10 SASL, 5 md5, 3 cleartext, 0 ok.
    var requestCode: Int
    var directUser: String
    var directPassword: String

    var testDescription: String { authType }

    static let all = [
        AuthCase(
            authType: "scram-sha-256", requestCode: 10, directUser: "app", directPassword: PostgresCluster.appPassword),
        AuthCase(authType: "md5", requestCode: 5, directUser: "md5user", directPassword: PostgresCluster.md5Password),
        AuthCase(
            authType: "password", requestCode: 3, directUser: "pwuser", directPassword: PostgresCluster.pwPassword),
        AuthCase(
            authType: "trust", requestCode: 0, directUser: "trustuser", directPassword: PostgresCluster.trustPassword),
    ]
}
