import PGLensConfig
import PGWire

/// Whether a new server connection is encrypted, as an I/O-free value: the SSLRequest, the server's
/// one-byte answer, the TLS handshake, and what `server_tls_sslmode` makes of each outcome.
///
/// PostgreSQL documentation, "55.2.10 SSL Session Encryption" (PostgreSQL 15), and libpq's `sslmode` table
/// ("Protection Provided in Different Modes").
struct ServerTLSNegotiation {
    /// What the server connection must do next.
    enum Action: Equatable {
        /// Send SSLRequest and wait for the server's one-byte answer.
        case sendSSLRequest
        /// Put a client-role TLS handler under the login and wait for its handshake; with
        /// `checkHostName`, the certificate must name the host (`verify-full`).
        case startTLS(checkHostName: Bool)
        /// Send the StartupMessage: negotiation is over (encrypted or not).
        case sendStartup
        /// Give up; `error` is what the client waiting for this connection is told.
        case fail(ErrorFields)
    }

    private enum State {
        case connecting
        case awaitingResponse
        case handshaking
        case done(encrypted: Bool)
    }

    private var state: State = .connecting
    private let mode: ServerTLSMode
    private let retryingOverTLS: Bool
    /// `host:port`, for error messages.
    private let server: String

    /// - Parameters:
    ///   - mode: the `server_tls_sslmode` in force.
    ///   - retryingOverTLS: `allow`'s second attempt, after the server refused a plain login: TLS or nothing.
    ///   - server: `host:port`, named in error messages.
    init(mode: ServerTLSMode, retryingOverTLS: Bool = false, server: String) {
        self.mode = mode
        self.retryingOverTLS = retryingOverTLS
        self.server = server
    }

    /// Whether the next byte from the server is its answer to SSLRequest (not a message).
    var awaitsResponse: Bool {
        if case .awaitingResponse = state { return true }
        return false
    }

    /// Whether the connection is encrypted (the handshake completed).
    var isEncrypted: Bool {
        if case .done(encrypted: true) = state { return true }
        return false
    }

    /// Whether TLS must be had for the connection to go on.
    private var requiresTLS: Bool { mode.requiresTLS || retryingOverTLS }

    /// The TCP connection is up.
    mutating func connected() -> Action {
        guard case .connecting = state else {
            return fail(.protocolViolation, "pglens: the server connection started twice")
        }
        if mode.requestsTLSFirst || retryingOverTLS {
            state = .awaitingResponse
            return .sendSSLRequest
        }
        state = .done(encrypted: false)
        return .sendStartup
    }

    /// The server answered SSLRequest with `byte`. `bytesFollow`: more bytes came with it, before the
    /// handshake started.
    mutating func responseReceived(_ byte: UInt8, bytesFollow: Bool) -> Action {
        guard case .awaitingResponse = state else {
            return fail(.protocolViolation, "pglens: unexpected answer to SSLRequest from the server \(server)")
        }
        switch byte {
        case UInt8(ascii: "S"):
            if bytesFollow {
                // CVE-2021-23222: bytes before the handshake were not encrypted and may come from a man
                // in the middle; they must never be read as if they came over TLS.
                return fail(
                    .protocolViolation,
                    "pglens: the server \(server) sent unencrypted data after accepting SSLRequest")
            }
            state = .handshaking
            return .startTLS(checkHostName: mode.verifiesHostName)
        case UInt8(ascii: "N"):
            guard !requiresTLS else {
                return fail(
                    .sqlclientUnableToEstablishSQLConnection,
                    "pglens: server \(server) does not support SSL, but SSL was required"
                        + " (server_tls_sslmode = \(mode.rawValue))")
            }
            state = .done(encrypted: false)
            return .sendStartup
        case UInt8(ascii: "E"):
            return fail(
                .sqlclientUnableToEstablishSQLConnection,
                "pglens: server \(server) answered SSLRequest with an error (it may not understand SSLRequest)")
        default:
            return fail(
                .protocolViolation,
                "pglens: server \(server) answered SSLRequest with an invalid byte \(byte)")
        }
    }

    /// The TLS handshake with the server completed.
    mutating func handshakeCompleted() -> Action {
        guard case .handshaking = state else {
            return fail(.protocolViolation, "pglens: unexpected TLS handshake with the server \(server)")
        }
        state = .done(encrypted: true)
        return .sendStartup
    }

    /// The TLS handshake failed (bad certificate, wrong host name, no common protocol); `reason` is
    /// OpenSSL's.
    mutating func handshakeFailed(_ reason: String) -> Action {
        fail(.sqlclientUnableToEstablishSQLConnection, "pglens: TLS with the server \(server) failed: \(reason)")
    }

    /// Whether a login the server refused with `error` is worth another attempt over TLS: `allow`
    /// after a plain attempt refused for lack of encryption (pg_hba.conf `hostssl` only, 28000).
    func retriesOverTLS(after error: ErrorFields) -> Bool {
        mode == .allow && !retryingOverTLS && !isEncrypted
            && error.sqlState == .invalidAuthorizationSpecification
    }

    private mutating func fail(_ sqlState: SQLState, _ message: String) -> Action {
        state = .done(encrypted: false)
        return .fail(ErrorFields(severity: "FATAL", sqlState: sqlState, message: message))
    }
}
