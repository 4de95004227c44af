import PGLensCrypto

/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677): pglens logging in to PostgreSQL.
///
/// I/O-free: send `initialResponse()` as SASLInitialResponse, then feed the payloads of
/// AuthenticationSASLContinue and AuthenticationSASLFinal and act on each `Action`.
/// With ``ChannelBinding/tlsServerEndPoint(_:)`` the exchange is SCRAM-SHA-256-PLUS, bound to the
/// TLS connection (RFC 5929 `tls-server-end-point`, PostgreSQL documentation "55.3.1 SCRAM-SHA-256
/// Authentication").
public struct SCRAMClientExchange: Sendable {
    /// Whether and how the exchange is bound to the TLS connection; decides the gs2 header.
    public enum ChannelBinding: Sendable, Equatable {
        /// `n,,`: no TLS, or pglens chooses not to bind.
        case unsupported
        /// `y,,`: the connection is TLS and pglens could bind, but the server did not offer
        /// SCRAM-SHA-256-PLUS (a server that did would see a downgrade and refuse).
        case supportedButNotOffered
        /// `p=tls-server-end-point,,` with the hash of the server's certificate; mechanism
        /// SCRAM-SHA-256-PLUS.
        case tlsServerEndPoint([UInt8])
    }

    /// What pglens knows about the user's secret.
    public enum Secret: Sendable, CustomStringConvertible {
        /// The plain password.
        case password(String)
        /// A ClientKey recovered from a client's proof, plus what the verifier it matches holds.
        ///
        /// Works only if the server's salt and iteration count equal `salt` and `iterations`.
        /// With `serverKey` the server's signature is verified; with `nil` it cannot be.
        case clientKey(clientKey: [UInt8], serverKey: [UInt8]?, salt: [UInt8], iterations: Int)

        /// Names the kind of secret only, so that it can be logged safely.
        public var description: String {
            switch self {
            case .password: return "<password>"
            case .clientKey: return "<scram client key>"
            }
        }
    }

    /// What the caller must do next.
    public enum Action: Sendable, Equatable {
        /// Send client-final-message (SASLResponse).
        case sendClientFinal([UInt8])
        /// The server proved itself (or could not be checked, without a ServerKey); expect AuthenticationOk.
        case authenticated
        /// Authentication failed; close the server connection.
        case fail(SCRAMFailure)
    }

    private enum State: Sendable {
        case awaitingServerFirst
        case awaitingServerFinal(expectedServerSignature: [UInt8]?)
        case authenticated
        case failed
    }

    private var state: State = .awaitingServerFirst
    private let secret: Secret
    private let channelBinding: ChannelBinding
    private let clientNonce: [UInt8]
    private let clientFirstBare: [UInt8]

    /// Creates an exchange.
    ///
    /// - Parameters:
    ///   - username: sent in `n=`; PostgreSQL ignores it and takes the user from the startup message,
    ///     so the default is empty, as libpq sends.
    ///   - channelBinding: whether the exchange is bound to the TLS connection; not by default.
    ///   - nonce: the client nonce, printable ASCII without commas; random by default.
    public init(
        secret: Secret, username: String = "", channelBinding: ChannelBinding = .unsupported,
        nonce: [UInt8] = SCRAMClientExchange.randomNonce()
    ) {
        precondition(SCRAMMessage.isValidNonce(nonce), "SCRAM nonce must be printable ASCII without commas")
        self.secret = secret
        self.channelBinding = channelBinding
        self.clientNonce = nonce
        var escapedName: [UInt8] = []
        for byte in username.utf8 {
            switch byte {
            case UInt8(ascii: ","): escapedName += Array("=2C".utf8)
            case UInt8(ascii: "="): escapedName += Array("=3D".utf8)
            default: escapedName.append(byte)
            }
        }
        self.clientFirstBare = Array("n=".utf8) + escapedName + Array(",r=".utf8) + nonce
    }

    /// A fresh client nonce: base64 of 18 random bytes.
    public static func randomNonce() -> [UInt8] {
        SCRAMMessage.randomNonce()
    }

    /// The SASLInitialResponse contents: the mechanism (`SCRAM-SHA-256`, or `SCRAM-SHA-256-PLUS` when
    /// binding) and the gs2 header followed by `n=<user>,r=<nonce>`.
    public func initialResponse() -> (mechanism: String, data: [UInt8]) {
        switch channelBinding {
        case .unsupported, .supportedButNotOffered:
            return (SCRAMServerExchange.mechanism, gs2Header + clientFirstBare)
        case .tlsServerEndPoint:
            return (SCRAMServerExchange.mechanismWithChannelBinding, gs2Header + clientFirstBare)
        }
    }

    /// The gs2 header that starts client-first-message and, with the binding data, makes up `c=`.
    private var gs2Header: [UInt8] {
        switch channelBinding {
        case .unsupported:
            return Array("n,,".utf8)
        case .supportedButNotOffered:
            return Array("y,,".utf8)
        case .tlsServerEndPoint:
            return Array("p=\(SCRAMServerExchange.channelBindingType),,".utf8)
        }
    }

    /// What `c=` carries, base64-encoded: the gs2 header, then the binding data when binding.
    private var channelBindingInput: [UInt8] {
        switch channelBinding {
        case .unsupported, .supportedButNotOffered:
            return gs2Header
        case .tlsServerEndPoint(let data):
            return gs2Header + data
        }
    }

    /// Handles server-first-message (AuthenticationSASLContinue).
    public mutating func receiveServerFirst(_ data: [UInt8]) -> Action {
        switch state {
        case .awaitingServerFirst:
            do {
                let (clientFinal, expectedServerSignature) = try respond(toServerFirst: data)
                state = .awaitingServerFinal(expectedServerSignature: expectedServerSignature)
                return .sendClientFinal(clientFinal)
            } catch {
                state = .failed
                return .fail(error)
            }
        case .awaitingServerFinal, .authenticated, .failed:
            state = .failed
            return .fail(SCRAMFailure(.unexpectedMessage, "unexpected server-first-message"))
        }
    }

    /// Handles server-final-message (AuthenticationSASLFinal): `v=<signature>` or `e=<error>`.
    public mutating func receiveServerFinal(_ data: [UInt8]) -> Action {
        switch state {
        case .awaitingServerFinal(let expectedServerSignature):
            do {
                try Self.verify(serverFinal: data, expectedServerSignature: expectedServerSignature)
                state = .authenticated
                return .authenticated
            } catch {
                state = .failed
                return .fail(error)
            }
        case .awaitingServerFirst, .authenticated, .failed:
            state = .failed
            return .fail(SCRAMFailure(.unexpectedMessage, "unexpected server-final-message"))
        }
    }

    private func respond(
        toServerFirst data: [UInt8]
    ) throws(SCRAMFailure) -> (
        clientFinal: [UInt8], expectedServerSignature: [UInt8]?
    ) {
        let parts = SCRAMMessage.split(data[...])
        guard parts.count == 3, let nonce = SCRAMMessage.value(of: "r", in: parts[0]),
            let saltText = SCRAMMessage.value(of: "s", in: parts[1]),
            let iterationText = SCRAMMessage.value(of: "i", in: parts[2])
        else {
            throw SCRAMFailure(.malformedMessage, "server-first-message must be r=...,s=...,i=...")
        }
        guard nonce.count > clientNonce.count, nonce.starts(with: clientNonce), SCRAMMessage.isValidNonce(nonce)
        else {
            throw SCRAMFailure(.nonceMismatch, "server nonce does not extend the client nonce")
        }
        guard let salt = Base64.decode(saltText), !salt.isEmpty else {
            throw SCRAMFailure(.malformedMessage, "invalid base64 salt")
        }
        guard let iterations = SCRAMMessage.iterations(iterationText, maximum: SCRAMCredential.maximumIterations)
        else {
            throw SCRAMFailure(
                .invalidIterations, "iteration count must be in 1...\(SCRAMCredential.maximumIterations)")
        }
        let (clientKey, serverKey) = try keys(salt: salt, iterations: iterations)
        let storedKey = SHA256.hash(clientKey)
        let withoutProof = Array("c=".utf8) + Base64.encode(channelBindingInput) + Array(",r=".utf8) + nonce
        let authMessage =
            clientFirstBare + [SCRAMMessage.comma] + data + [SCRAMMessage.comma] + withoutProof
        let clientSignature = HMACSHA256.authenticationCode(key: storedKey, message: authMessage)
        let proof = SCRAMMessage.xor(clientKey, clientSignature)
        let expectedServerSignature = serverKey.map {
            HMACSHA256.authenticationCode(key: $0, message: authMessage)
        }
        return (withoutProof + Array(",p=".utf8) + Base64.encode(proof), expectedServerSignature)
    }

    private func keys(
        salt: [UInt8], iterations: Int
    ) throws(SCRAMFailure) -> (
        clientKey: [UInt8], serverKey: [UInt8]?
    ) {
        switch secret {
        case .password(let password):
            let saltedPassword: [UInt8]
            do {
                saltedPassword = try SCRAMCredential.saltedPassword(
                    password: password, salt: salt, iterations: iterations)
            } catch {
                throw SCRAMFailure(.cryptoFailure, "key derivation failed")
            }
            return (
                SCRAMCredential.clientKey(saltedPassword: saltedPassword),
                SCRAMCredential.serverKey(saltedPassword: saltedPassword)
            )
        case .clientKey(let clientKey, let serverKey, let knownSalt, let knownIterations):
            guard salt == knownSalt, iterations == knownIterations else {
                throw SCRAMFailure(
                    .parameterMismatch,
                    "server's SCRAM salt or iteration count differ from the verifier's; the client key cannot be used")
            }
            guard clientKey.count == SHA256.byteCount else {
                throw SCRAMFailure(.cryptoFailure, "client key must be 32 bytes")
            }
            return (clientKey, serverKey)
        }
    }

    private static func verify(serverFinal data: [UInt8], expectedServerSignature: [UInt8]?) throws(SCRAMFailure) {
        let parts = SCRAMMessage.split(data[...])
        guard let first = parts.first, parts.dropFirst().allSatisfy(SCRAMMessage.isAttribute) else {
            throw SCRAMFailure(.malformedMessage, "malformed server-final-message")
        }
        if let error = SCRAMMessage.value(of: "e", in: first) {
            let printable = error.prefix(64).filter { (0x20...0x7E).contains($0) }
            throw SCRAMFailure(.serverError, "server error: \(String(decoding: printable, as: UTF8.self))")
        }
        guard let signatureText = SCRAMMessage.value(of: "v", in: first),
            let signature = Base64.decode(signatureText)
        else {
            throw SCRAMFailure(.malformedMessage, "server-final-message lacks a valid v=")
        }
        if let expectedServerSignature, !ConstantTime.equals(signature, expectedServerSignature) {
            throw SCRAMFailure(.invalidServerSignature, "server signature does not match")
        }
    }
}
