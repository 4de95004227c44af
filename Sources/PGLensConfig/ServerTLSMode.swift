/// Whether and how pglens encrypts its connections to PostgreSQL (`server_tls_sslmode`), with libpq's
/// `sslmode` values and meanings.
///
/// PostgreSQL documentation (libpq, "SSL Support"): "Client Verification of Server Certificates" and the `sslmode`
/// table of "Protection Provided in Different Modes".
public enum ServerTLSMode: String, Sendable, Equatable, CaseIterable {
    /// Plain TCP: no SSLRequest is sent.
    case disable
    /// Plain TCP first; TLS only when the server refuses the plain connection.
    case allow
    /// SSLRequest first; TLS when the server accepts it, plain TCP when it answers 'N' (the default).
    case prefer
    /// TLS or no connection; the server's certificate is not checked.
    case require
    /// TLS, with the server's certificate chain checked against `server_tls_ca_file`.
    case verifyCA = "verify-ca"
    /// As `verify-ca`, and the certificate must name the host pglens connects to.
    case verifyFull = "verify-full"

    /// Whether the connection starts with SSLRequest.
    public var requestsTLSFirst: Bool {
        switch self {
        case .disable, .allow: return false
        case .prefer, .require, .verifyCA, .verifyFull: return true
        }
    }

    /// Whether a server that refuses TLS is refused too.
    public var requiresTLS: Bool {
        switch self {
        case .disable, .allow, .prefer: return false
        case .require, .verifyCA, .verifyFull: return true
        }
    }

    /// Whether the server's certificate chain is verified.
    public var verifiesCertificate: Bool { self == .verifyCA || self == .verifyFull }

    /// Whether the server's certificate must match the host name.
    public var verifiesHostName: Bool { self == .verifyFull }
}
