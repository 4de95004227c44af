import NIOCore
import PGLensAuth
import PGLensConfig
import PGLensCrypto
import PGWire

/// The start of a client connection, as an I/O-free value: SSL and GSS negotiation, cancel requests,
/// protocol version negotiation and authentication, up to the point where the client is known.
///
/// PostgreSQL documentation, "55.2.1 Start-up" and "55.2.2 Authentication".
struct ClientStartupMachine {
    /// What the client handler must do next.
    enum Action: Equatable {
        /// Send the one-byte answer to SSLRequest or GSSENCRequest ('N': not supported).
        case refuseEncryption
        /// Answer SSLRequest with 'S', then put TLS (server role) under the session: what follows is
        /// read from and written to the decrypted stream.
        case acceptEncryption
        /// The client opened with a TLS ClientHello (PostgreSQL 17's direct TLS): put TLS (server role)
        /// under the session without an answer and hand it the bytes already read.
        case acceptDirectEncryption
        /// Nothing to send; wait for the client's next packet.
        case awaitStartup
        /// Close the connection without an answer.
        case drop
        /// Send these messages, then wait for the client's answer.
        case send([BackendMessage])
        /// The client is authenticated; send `prefix` (a NegotiateProtocolVersion) before anything else.
        case authenticated(AuthenticatedClient, prefix: [BackendMessage])
        /// Route a cancel request, then close the connection without an answer.
        case cancel(CancelKey)
        /// The user is not in the config: look up its secret with `auth_query` (as `auth_user`, in the
        /// database the client asked for), then call ``secretLookedUp(_:)`` or ``secretLookupFailed()``.
        case lookUpSecret(user: String, database: String)
        /// Send this error and close the connection.
        case fail(ErrorFields)
    }

    private enum State {
        case awaitingStartup
        case awaitingSecret(Pending)
        case awaitingPassword(Pending, expected: PasswordCheck)
        case awaitingSASLInitial(Pending, SCRAMServerExchange, SCRAMCredential)
        case awaitingSASLResponse(Pending, SCRAMServerExchange, SCRAMCredential)
        case done
    }

    /// What the client asked for, kept while it authenticates.
    private struct Pending {
        var startup: StartupMessage
        var negotiation: [BackendMessage]
        var known: Bool

        /// The same, once the negotiation went out ahead of an authentication request.
        var negotiationSent: Pending {
            Pending(startup: startup, negotiation: [], known: known)
        }
    }

    private enum PasswordCheck {
        case cleartext(UserSecret?)
        case md5(salt: [UInt8], storedHash: String?)
    }

    /// Protocol 3.0 as the Int32 PostgreSQL puts in NegotiateProtocolVersion.
    static let protocolVersion30: Int32 = 3 << 16

    private var state: State = .awaitingStartup
    private var policy: ClientAuthPolicy
    /// The connection began with a TLS ClientHello rather than SSLRequest.
    private var isDirectTLS = false
    /// The `tls-server-end-point` hash of pglens's certificate, once TLS is established.
    private var channelBinding: [UInt8]?

    /// The ALPN protocol a direct TLS client must negotiate.
    static let applicationProtocol = "postgresql"

    init(policy: ClientAuthPolicy) {
        self.policy = policy
    }

    /// Whether the connection was encrypted with TLS.
    var connectionIsEncrypted: Bool { policy.connectionIsEncrypted }

    /// A packet of the startup phase arrived. `bytesFollow`: more bytes came after it in the same
    /// read (before any answer was sent).
    mutating func startupPacketReceived(_ packet: StartupPacket, bytesFollow: Bool = false) -> Action {
        guard case .awaitingStartup = state else {
            state = .done
            return .fail(Self.protocolViolation("unexpected startup packet"))
        }
        switch packet {
        case .sslRequest:
            guard policy.tlsMode.offersTLS else { return .refuseEncryption }
            if policy.connectionIsEncrypted {
                state = .done
                return .fail(Self.protocolViolation("SSLRequest on an encrypted connection"))
            }
            if bytesFollow {
                // CVE-2021-23214: bytes sent before the handshake were not encrypted and may have
                // been injected by a man in the middle; they must never be read as if they were.
                state = .done
                return .drop
            }
            policy.connectionIsEncrypted = true
            return .acceptEncryption
        case .gssEncRequest:
            return .refuseEncryption
        case .cancel(let key):
            state = .done
            return .cancel(key)
        case .startup(let startup):
            return startupReceived(startup)
        }
    }

    /// The client's first byte is 0x16, a TLS handshake record: PostgreSQL 17's direct TLS, with no
    /// SSLRequest. PostgreSQL 17 documentation, "SSL Session Encryption" in the protocol flow chapter.
    mutating func directTLSRequested() -> Action {
        guard case .awaitingStartup = state, !policy.connectionIsEncrypted, policy.tlsMode.offersTLS else {
            state = .done
            return .drop
        }
        policy.connectionIsEncrypted = true
        isDirectTLS = true
        return .acceptDirectEncryption
    }

    /// The TLS handshake with the client completed. `alpn`: the protocol negotiated, which a direct TLS
    /// client must have set to `postgresql`; `channelBinding`: the hash of pglens's certificate, for
    /// SCRAM-SHA-256-PLUS.
    mutating func encryptionEstablished(alpn: String?, channelBinding: [UInt8]?) -> Action {
        guard case .awaitingStartup = state, policy.connectionIsEncrypted else {
            state = .done
            return .fail(Self.protocolViolation("unexpected TLS handshake"))
        }
        if isDirectTLS, alpn != Self.applicationProtocol {
            state = .done
            return .fail(
                Self.protocolViolation("received direct SSL connection request without ALPN protocol negotiation"))
        }
        self.channelBinding = channelBinding
        return .awaitStartup
    }

    /// A PasswordMessage / SASLInitialResponse / SASLResponse ('p') arrived; `body` follows the length.
    mutating func passwordMessageReceived(_ body: ByteBuffer) -> Action {
        switch state {
        case .awaitingPassword(let pending, let expected):
            state = .done
            guard let password = Self.cString(body) else {
                return .fail(Self.protocolViolation("malformed password message"))
            }
            let accepted: Bool
            switch expected {
            case .cleartext(let secret):
                accepted = Self.cleartextMatches(password, secret: secret, user: pending.startup.user ?? "")
            case .md5(let salt, let storedHash):
                accepted =
                    storedHash.map {
                        MD5Authentication.verify(response: password, storedHash: $0, salt: salt)
                    } ?? false
            }
            return accepted ? authenticated(pending, recovered: nil) : authenticationFailed(pending)
        case .awaitingSASLInitial(let pending, var exchange, let credential):
            guard let initial = try? SASLInitialResponse.decode(body) else {
                state = .done
                return .fail(Self.protocolViolation("malformed SASLInitialResponse"))
            }
            switch exchange.receiveInitialResponse(mechanism: initial.mechanism, data: initial.data ?? []) {
            case .sendServerFirst(let bytes):
                state = .awaitingSASLResponse(pending, exchange, credential)
                return .send([.authentication(.saslContinue(data: bytes))])
            case .sendServerFinal, .fail:
                state = .done
                return authenticationFailed(pending)
            }
        case .awaitingSASLResponse(let pending, var exchange, let credential):
            state = .done
            switch exchange.receiveResponse(Array(body.readableBytesView)) {
            case .sendServerFinal(let bytes):
                guard pending.known else { return authenticationFailed(pending) }
                let recovered = exchange.recoveredClientKey.map { key in
                    ServerCredential.scramKeys(clientKey: key, credential: credential)
                }
                if case .authenticated(let client, let prefix) = authenticated(pending, recovered: recovered) {
                    return .authenticated(client, prefix: prefix + [.authentication(.saslFinal(data: bytes))])
                }
                return authenticationFailed(pending)
            case .sendServerFirst, .fail:
                return authenticationFailed(pending)
            }
        case .awaitingStartup, .awaitingSecret, .done:
            state = .done
            return .fail(Self.protocolViolation("unexpected password message"))
        }
    }

    // MARK: Internals

    private mutating func startupReceived(_ startup: StartupMessage) -> Action {
        if policy.tlsMode == .require, !policy.connectionIsEncrypted {
            return refuse(
                .invalidAuthorizationSpecification, message: "pglens requires TLS (client_tls_sslmode = require)",
                hint: "Connect with sslmode=require or stronger.")
        }
        if let replication = startup.replication, !["false", "0", "off", "no"].contains(replication.lowercased()) {
            return refuse(
                .featureNotSupported, message: "pglens does not proxy replication connections",
                hint: "Connect replication clients to the PostgreSQL server directly.")
        }
        guard let user = startup.user, !user.isEmpty else {
            return refuse(
                .invalidAuthorizationSpecification, message: "no PostgreSQL user name specified in startup packet")
        }
        var negotiation: [BackendMessage] = []
        let unrecognized = startup.protocolOptions.map(\.name)
        if startup.minorVersion > 0 || !unrecognized.isEmpty {
            negotiation.append(
                .negotiateProtocolVersion(newestVersion: Self.protocolVersion30, unrecognized: unrecognized))
        }
        let secret = policy.secret(user)
        let database = startup.database ?? user
        if secret == nil, policy.looksUpUnknownUsers(database) {
            state = .awaitingSecret(Pending(startup: startup, negotiation: negotiation, known: false))
            return .lookUpSecret(user: user, database: database)
        }
        return authenticate(Pending(startup: startup, negotiation: negotiation, known: secret != nil), secret: secret)
    }

    /// The secret `auth_query` found for the user (nil: none, the user is refused as unknown users are).
    mutating func secretLookedUp(_ secret: UserSecret?) -> Action {
        guard case .awaitingSecret(var pending) = state else {
            state = .done
            return .fail(Self.protocolViolation("unexpected end of a secret lookup"))
        }
        pending.known = secret != nil
        return authenticate(pending, secret: secret)
    }

    /// `auth_query` could not be run (no server connection, or the query failed).
    mutating func secretLookupFailed() -> Action {
        guard case .awaitingSecret(let pending) = state else {
            state = .done
            return .fail(Self.protocolViolation("unexpected end of a secret lookup"))
        }
        return refuse(
            .sqlclientUnableToEstablishSQLConnection,
            message: "pglens could not look up the password of user \"\(pending.startup.user ?? "")\"",
            hint: "auth_query failed or no server connection for auth_user could be made; see pglens's log.")
    }

    /// Asks the client to prove who it is with `secret` (nil: an unknown user, put through a mock exchange).
    private mutating func authenticate(_ pending: Pending, secret: UserSecret?) -> Action {
        let user = pending.startup.user ?? ""
        let negotiation = pending.negotiation
        switch (policy.method, secret) {
        case (.trust, _):
            guard secret != nil else { return authenticationFailed(pending) }
            return authenticated(pending, recovered: nil)
        case (.password, _):
            guard policy.allowPlaintextPassword || policy.connectionIsEncrypted else {
                return refuse(
                    .invalidAuthorizationSpecification,
                    message: "pglens refuses cleartext password authentication on an unencrypted connection",
                    hint: "Use auth_type = scram-sha-256, or set auth_allow_plaintext = true.")
            }
            state = .awaitingPassword(pending.negotiationSent, expected: .cleartext(secret))
            return .send(negotiation + [.authentication(.cleartextPassword)])
        case (.md5, .md5Hash(let hash)):
            return requestMD5(pending, storedHash: hash)
        case (.md5, .plain(let password)):
            return requestMD5(
                pending, storedHash: MD5Authentication.storedHash(password: password, user: user))
        case (.md5, .none):
            return requestMD5(pending, storedHash: nil)
        case (.scramSHA256, .md5Hash(let hash)):
            // Like PostgreSQL's `md5` method, an md5-hashed secret can only be checked with md5.
            return requestMD5(pending, storedHash: hash)
        case (.md5, .scramVerifier), (.scramSHA256, .plain), (.scramSHA256, .scramVerifier), (.scramSHA256, .none):
            let exchange: SCRAMServerExchange
            var credential: SCRAMCredential
            // Over TLS, SCRAM-SHA-256-PLUS is offered first, as PostgreSQL does.
            let binds = policy.connectionIsEncrypted && channelBinding != nil
            switch secret {
            case .plain(let password):
                credential = policy.scramCredential(user, password)
                exchange = SCRAMServerExchange(
                    credential: credential, channelBindingOffered: binds, expectedChannelBinding: channelBinding)
            case .scramVerifier(let verifier):
                guard let parsed = try? SCRAMCredential(verifier: verifier) else {
                    return refuse(.invalidPassword, message: "password authentication failed for user \"\(user)\"")
                }
                credential = parsed
                exchange = SCRAMServerExchange(
                    credential: credential, channelBindingOffered: binds, expectedChannelBinding: channelBinding)
            case .md5Hash, .none:
                exchange = SCRAMServerExchange.mock(
                    user: user, mockSeed: policy.mockSeed, channelBindingOffered: binds,
                    expectedChannelBinding: channelBinding)
                credential = SCRAMCredential(salt: [], iterations: 1, storedKey: [], serverKey: [])
            }
            let mechanisms =
                binds
                ? [SCRAMServerExchange.mechanismWithChannelBinding, SCRAMServerExchange.mechanism]
                : [SCRAMServerExchange.mechanism]
            state = .awaitingSASLInitial(pending.negotiationSent, exchange, credential)
            return .send(negotiation + [.authentication(.sasl(mechanisms: mechanisms))])
        }
    }

    private mutating func requestMD5(_ pending: Pending, storedHash: String?) -> Action {
        let salt = SecureRandom.bytes(4)
        state = .awaitingPassword(pending.negotiationSent, expected: .md5(salt: salt, storedHash: storedHash))
        return .send(pending.negotiation + [.authentication(.md5Password(salt: salt))])
    }

    private mutating func authenticated(_ pending: Pending, recovered: ServerCredential?) -> Action {
        state = .done
        guard pending.known else { return authenticationFailed(pending) }
        let startup = pending.startup
        // As PostgreSQL applies them: `options` first, then the other parameters (which win).
        var settings = Self.settings(fromOptions: startup.options ?? "")
        for parameter in startup.parameters {
            switch parameter.name {
            case "user", "database", "replication", "options":
                continue
            default:
                if parameter.name.hasPrefix("_pq_.") { continue }
                settings.append(parameter)
            }
        }
        let client = AuthenticatedClient(
            user: startup.user ?? "", database: startup.database ?? "", settings: settings,
            applicationName: startup.applicationName ?? "", recoveredServerCredential: recovered)
        return .authenticated(client, prefix: pending.negotiation)
    }

    private mutating func authenticationFailed(_ pending: Pending) -> Action {
        state = .done
        let method = policy.method == .trust ? "trust" : "password"
        let user = pending.startup.user ?? ""
        let message =
            method == "trust"
            ? "role \"\(user)\" is not permitted to log in"
            : "password authentication failed for user \"\(user)\""
        let code: SQLState = method == "trust" ? .invalidAuthorizationSpecification : .invalidPassword
        return .fail(ErrorFields(severity: "FATAL", sqlState: code, message: message))
    }

    private static func cleartextMatches(_ password: String, secret: UserSecret?, user: String) -> Bool {
        switch secret {
        case .plain(let expected):
            return ConstantTime.equals(Array(password.utf8), Array(expected.utf8))
        case .md5Hash(let hash):
            let computed = MD5Authentication.storedHash(password: password, user: user)
            return ConstantTime.equals(Array(computed.utf8), Array(hash.utf8))
        case .scramVerifier(let verifier):
            guard let credential = try? SCRAMCredential(verifier: verifier) else { return false }
            let derived = SCRAMCredential.derive(
                password: password, salt: credential.salt, iterations: credential.iterations)
            return ConstantTime.equals(derived.storedKey, credential.storedKey)
        case .none:
            return false
        }
    }

    /// `options` holds command-line style settings: `-c name=value` or `--name=value`, space separated,
    /// with `\` escaping a space.
    static func settings(fromOptions options: String) -> [StartupParameter] {
        var words: [String] = []
        var current = ""
        var escaped = false
        for character in options {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character.isWhitespace {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        var settings: [StartupParameter] = []
        var index = 0
        while index < words.count {
            var assignment: Substring?
            if words[index] == "-c", index + 1 < words.count {
                assignment = words[index + 1][...]
                index += 1
            } else if words[index].hasPrefix("-c") {
                assignment = words[index].dropFirst(2)
            } else if words[index].hasPrefix("--") {
                assignment = words[index].dropFirst(2)
            }
            index += 1
            guard let assignment, let equals = assignment.firstIndex(of: "=") else { continue }
            let name = String(assignment[..<equals]).replacing("-", with: "_")
            let value = String(assignment[assignment.index(after: equals)...])
            settings.append(StartupParameter(name: name, value: value))
        }
        return settings
    }

    private static func cString(_ body: ByteBuffer) -> String? {
        var body = body
        return body.readCString()
    }

    /// Ends the startup with a FATAL error.
    private mutating func refuse(_ sqlState: SQLState, message: String, hint: String? = nil) -> Action {
        state = .done
        return .fail(ErrorFields(severity: "FATAL", sqlState: sqlState, message: message, hint: hint))
    }

    private static func protocolViolation(_ message: String) -> ErrorFields {
        ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: message)
    }
}
