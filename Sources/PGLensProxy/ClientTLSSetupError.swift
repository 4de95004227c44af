import PGLensTLS

/// The client TLS context could not be built from the `client_tls_*` keys.
struct ClientTLSSetupError: Error, CustomStringConvertible {
    let underlying: TLSError

    var description: String { "client TLS (client_tls_cert_file / client_tls_key_file): \(underlying)" }
}
