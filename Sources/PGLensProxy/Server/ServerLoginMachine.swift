import PGLensAuth
import PGWire

/// Logs pglens in to PostgreSQL on a new server connection: answers the server's authentication
/// requests and collects its ParameterStatus and BackendKeyData until the first ReadyForQuery.
///
/// Over TLS, SCRAM is bound to the connection (SCRAM-SHA-256-PLUS, `tls-server-end-point`) when the
/// server offers it and the server's certificate was verified; an unverified certificate proves
/// nothing, so binding to it would not either (the rule, as `server_tls_sslmode` verify-ca
/// and verify-full).
///
/// PostgreSQL documentation, "55.2.2 Start-up" and "55.3 SASL Authentication".
struct ServerLoginMachine {
    /// What the server connection must do next.
    enum Action: Equatable {
        /// Send this message to the server and wait for its answer.
        case send(FrontendMessage)
        /// Nothing to send; wait for the next message.
        case wait
        /// The connection is ready for queries.
        case loggedIn(parameters: [String: String], backendKey: CancelKey?)
        /// Login failed; `error` is what the client that waits for this connection should see.
        case fail(ErrorFields)
    }

    private enum State {
        case authenticating
        case scram(SCRAMClientExchange)
        /// The server proved it knows the password (SCRAM's server signature checked).
        case scramVerified
        case awaitingReady
        case done
    }

    private var state: State = .authenticating
    private let user: String
    private let credential: ServerCredential
    private var parameters: [String: String] = [:]
    private var backendKey: CancelKey?
    /// The server certificate's `tls-server-end-point` hash, once the connection is TLS.
    private var channelBindingData: [UInt8]?
    /// Whether SCRAM-SHA-256-PLUS is used when the server offers it.
    private var bindsChannel = false
    /// The SASL mechanism pglens chose, once the server asked for SASL (for the log).
    private(set) var saslMechanism: String?

    init(user: String, credential: ServerCredential) {
        self.user = user
        self.credential = credential
    }

    /// The connection is now TLS. `channelBinding` is the server certificate's `tls-server-end-point`
    /// hash; `bindWhenOffered`: use SCRAM-SHA-256-PLUS when the server offers it (the certificate
    /// was verified).
    mutating func encryptionEstablished(channelBinding: [UInt8]?, bindWhenOffered: Bool) {
        channelBindingData = channelBinding
        bindsChannel = bindWhenOffered
    }

    mutating func received(_ message: BackendMessage) -> Action {
        switch message {
        case .authentication(let request):
            return authenticationRequested(request)
        case .parameterStatus(let name, let value):
            parameters[name] = value
            return .wait
        case .backendKeyData(let key):
            backendKey = key
            return .wait
        case .noticeResponse:
            return .wait
        case .negotiateProtocolVersion:
            return .wait
        case .errorResponse(let fields):
            state = .done
            return .fail(fields)
        case .readyForQuery:
            switch state {
            case .awaitingReady:
                state = .done
                return .loggedIn(parameters: parameters, backendKey: backendKey)
            case .authenticating, .scram, .scramVerified, .done:
                state = .done
                return .fail(Self.protocolError("server sent ReadyForQuery before authentication completed"))
            }
        default:
            state = .done
            return .fail(Self.protocolError("unexpected message during server login"))
        }
    }

    private mutating func authenticationRequested(_ request: AuthenticationRequest) -> Action {
        switch (request, state) {
        case (.ok, .authenticating), (.ok, .scramVerified):
            state = .awaitingReady
            return .wait
        case (.cleartextPassword, .authenticating):
            switch credential {
            case .password(let password):
                return .send(.password(password))
            case .none, .md5Hash, .scramKeys:
                return .fail(missingSecret("a cleartext password"))
            }
        case (.md5Password(let salt), .authenticating):
            switch credential {
            case .password(let password):
                return .send(.password(MD5Authentication.response(password: password, user: user, salt: salt)))
            case .md5Hash(let hash):
                return .send(.password(MD5Authentication.response(storedHash: hash, salt: salt)))
            case .none, .scramKeys:
                return .fail(missingSecret("an md5 password"))
            }
        case (.sasl(let mechanisms), .authenticating):
            let binding = channelBinding(offered: mechanisms)
            if case .unsupported = binding, !mechanisms.contains(SCRAMServerExchange.mechanism) {
                return .fail(Self.protocolError("server offers no SASL mechanism pglens supports: \(mechanisms)"))
            }
            let secret: SCRAMClientExchange.Secret
            switch credential {
            case .password(let password):
                secret = .password(password)
            case .scramKeys(let clientKey, let credential):
                secret = .clientKey(
                    clientKey: clientKey, serverKey: credential.serverKey, salt: credential.salt,
                    iterations: credential.iterations)
            case .none, .md5Hash:
                return .fail(missingSecret("SCRAM-SHA-256"))
            }
            let exchange = SCRAMClientExchange(secret: secret, channelBinding: binding)
            let initial = exchange.initialResponse()
            saslMechanism = initial.mechanism
            state = .scram(exchange)
            return .send(.saslInitialResponse(mechanism: initial.mechanism, data: initial.data))
        case (.saslContinue(let data), .scram(var exchange)):
            switch exchange.receiveServerFirst(data) {
            case .sendClientFinal(let bytes):
                state = .scram(exchange)
                return .send(.saslResponse(bytes))
            case .fail(let failure):
                state = .done
                return .fail(Self.authError("SCRAM authentication with the server failed: \(failure)"))
            case .authenticated:
                state = .done
                return .fail(Self.protocolError("unexpected SCRAM state"))
            }
        case (.saslFinal(let data), .scram(var exchange)):
            switch exchange.receiveServerFinal(data) {
            case .authenticated:
                state = .scramVerified
                return .wait
            case .fail(let failure):
                state = .done
                return .fail(Self.authError("SCRAM authentication with the server failed: \(failure)"))
            case .sendClientFinal:
                state = .done
                return .fail(Self.protocolError("unexpected SCRAM state"))
            }
        default:
            state = .done
            return .fail(Self.protocolError("server asked for an authentication method pglens does not support"))
        }
    }

    /// How SCRAM is bound, given the mechanisms the server offers: `-PLUS` when offered and wanted;
    /// `y` over TLS when the server did not offer it; `n` without TLS or when pglens chose not to bind.
    private func channelBinding(offered mechanisms: [String]) -> SCRAMClientExchange.ChannelBinding {
        guard let channelBindingData else { return .unsupported }
        guard mechanisms.contains(SCRAMServerExchange.mechanismWithChannelBinding) else {
            return .supportedButNotOffered
        }
        return bindsChannel ? .tlsServerEndPoint(channelBindingData) : .unsupported
    }

    private mutating func missingSecret(_ method: String) -> ErrorFields {
        state = .done
        return Self.authError("server asks for \(method) for user \"\(user)\" and pglens has no suitable secret for it")
    }

    private static func protocolError(_ message: String) -> ErrorFields {
        ErrorFields(severity: "FATAL", sqlState: .connectionFailure, message: "pglens: \(message)")
    }

    private static func authError(_ message: String) -> ErrorFields {
        ErrorFields(severity: "FATAL", sqlState: .invalidPassword, message: "pglens: \(message)")
    }
}
