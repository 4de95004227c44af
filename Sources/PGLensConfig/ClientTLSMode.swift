/// Whether pglens offers TLS to its clients and whether it insists on it (`client_tls_sslmode`,
/// PgBouncer's values).
public enum ClientTLSMode: String, Sendable, Equatable, CaseIterable {
    /// TLS is not offered: SSLRequest is answered 'N'.
    case disable
    /// TLS is offered to clients that ask for it; plain connections are accepted too.
    case allow
    /// As `allow` (pglens cannot ask a client to encrypt; the client decides).
    case prefer
    /// TLS is offered and required: a client that logs in without it is refused.
    case require

    /// Whether SSLRequest is answered 'S'.
    public var offersTLS: Bool { self != .disable }
}

/// The lowest TLS version accepted from clients (`client_tls_protocols`).
public enum ClientTLSProtocols: String, Sendable, Equatable, CaseIterable {
    /// TLS 1.2 and later (the default).
    case tls12 = "tlsv1.2"
    /// TLS 1.3 only.
    case tls13 = "tlsv1.3"
    /// PgBouncer's `all`: every version this build accepts, that is TLS 1.2 and later.
    case all
    /// PgBouncer's `secure`: TLS 1.2 and later.
    case secure

    /// Whether only TLS 1.3 is accepted.
    public var requiresTLS13: Bool { self == .tls13 }
}
