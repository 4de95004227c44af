import NIOConcurrencyHelpers
import PGLensTLS

/// The TLS contexts new connections are made from: the server-role one for clients and the
/// client-role one toward PostgreSQL. Replaced whole on a reload; a connection keeps the context it
/// was made from, so open connections are not disturbed.
final class TLSContextStore: Sendable {
    /// Both contexts; `nil` where that side has TLS disabled.
    struct Contexts: Sendable {
        var client: TLSContext?
        var server: TLSContext?
    }

    private let contexts: NIOLockedValueBox<Contexts>

    init(_ contexts: Contexts) {
        self.contexts = NIOLockedValueBox(contexts)
    }

    /// The context for new client connections; `nil` when `client_tls_sslmode = disable`.
    var client: TLSContext? { contexts.withLockedValue(\.client) }

    /// The context for new server connections; `nil` when `server_tls_sslmode = disable`.
    var server: TLSContext? { contexts.withLockedValue(\.server) }

    /// Makes new connections use `contexts`.
    func replace(with contexts: Contexts) {
        self.contexts.withLockedValue { $0 = contexts }
    }
}
