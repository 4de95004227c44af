/// How pglens authenticates the clients that connect to it.
public enum ClientAuthMethod: String, Sendable, Equatable, CaseIterable {
    /// SCRAM-SHA-256 (RFC 7677), the default.
    case scramSHA256 = "scram-sha-256"
    /// PostgreSQL's salted md5 challenge.
    case md5
    /// The password in clear text; refused on a plain-text connection unless allowed explicitly.
    case password
    /// No password asked.
    case trust
}
