import PGLensTLS

/// The TLS context toward PostgreSQL could not be built from the `server_tls_*` keys.
struct ServerTLSSetupError: Error, CustomStringConvertible {
    let underlying: TLSError

    var description: String {
        "server TLS (server_tls_ca_file / server_tls_cert_file / server_tls_key_file): \(underlying)"
    }
}
