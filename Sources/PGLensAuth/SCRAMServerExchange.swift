import PGLensCrypto

/// The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL runs it: pglens checking a client.
///
/// I/O-free: feed it the client's SASLInitialResponse and SASLResponse payloads and send what each
/// `Action` says (`sendServerFirst` as AuthenticationSASLContinue, `sendServerFinal` as
/// AuthenticationSASLFinal). Like PostgreSQL, the user name in client-first-message is ignored.
public struct SCRAMServerExchange: Sendable {
    /// What the caller must do next.
    public enum Action: Sendable, Equatable {
        /// Send server-first-message (AuthenticationSASLContinue).
        case sendServerFirst([UInt8])
        /// Send server-final-message `v=...` (AuthenticationSASLFinal); the client is authenticated.
        case sendServerFinal([UInt8])
        /// Authentication failed; report an error to the client and close.
        case fail(SCRAMFailure)
    }

    /// The mechanism name without channel binding.
    public static let mechanism = "SCRAM-SHA-256"
    /// The mechanism name with channel binding (`tls-server-end-point` only).
    public static let mechanismWithChannelBinding = "SCRAM-SHA-256-PLUS"
    /// The only supported channel binding type.
    public static let channelBindingType = "tls-server-end-point"

    private enum GS2Flag {
        /// `n`: the client does not support channel binding.
        case unsupported
        /// `y`: the client supports channel binding but thinks the server does not.
        case supportedButUnused
        /// `p=tls-server-end-point`: the client uses channel binding.
        case used
    }

    private struct Pending: Sendable {
        var clientFirstBare: [UInt8]
        var serverFirst: [UInt8]
        var combinedNonce: [UInt8]
        var channelBindingInput: [UInt8]
    }

    private enum State: Sendable {
        case awaitingInitialResponse
        case awaitingFinalResponse(Pending)
        case succeeded(clientKey: [UInt8])
        case failed
    }

    private var state: State = .awaitingInitialResponse
    private let credential: SCRAMCredential
    private let channelBindingOffered: Bool
    private let expectedChannelBinding: [UInt8]?
    private let serverNonce: [UInt8]
    private let isMock: Bool

    /// Creates an exchange checking clients against `credential`.
    ///
    /// - Parameters:
    ///   - channelBindingOffered: whether `SCRAM-SHA-256-PLUS` was advertised (TLS is in use).
    ///   - expectedChannelBinding: the `tls-server-end-point` data (hash of our TLS certificate) a
    ///     `-PLUS` client must send; required for `-PLUS` to succeed.
    ///   - nonce: the server nonce part, printable ASCII without commas; random by default.
    public init(
        credential: SCRAMCredential, channelBindingOffered: Bool = false, expectedChannelBinding: [UInt8]? = nil,
        nonce: [UInt8] = SCRAMServerExchange.randomNonce()
    ) {
        self.init(
            credential: credential, channelBindingOffered: channelBindingOffered,
            expectedChannelBinding: expectedChannelBinding, nonce: nonce, isMock: false)
    }

    private init(
        credential: SCRAMCredential, channelBindingOffered: Bool, expectedChannelBinding: [UInt8]?, nonce: [UInt8],
        isMock: Bool
    ) {
        precondition(SCRAMMessage.isValidNonce(nonce), "SCRAM nonce must be printable ASCII without commas")
        self.credential = credential
        self.channelBindingOffered = channelBindingOffered
        self.expectedChannelBinding = expectedChannelBinding
        self.serverNonce = nonce
        self.isMock = isMock
    }

    /// An exchange for a user that does not exist: it runs like a real one and always fails at the proof.
    ///
    /// The salt is derived from `mockSeed` and `user`, so repeated attempts for the same user see the
    /// same salt, as PostgreSQL does; keep `mockSeed` secret and stable for the process lifetime.
    public static func mock(
        user: String, mockSeed: [UInt8], channelBindingOffered: Bool = false,
        expectedChannelBinding: [UInt8]? = nil, nonce: [UInt8] = SCRAMServerExchange.randomNonce()
    ) -> SCRAMServerExchange {
        let salt = Array(SHA256.hash(mockSeed + Array(user.utf8)).prefix(16))
        let credential = SCRAMCredential(
            salt: salt, iterations: SCRAMCredential.defaultIterations, storedKey: SecureRandom.bytes(32),
            serverKey: SecureRandom.bytes(32))
        return SCRAMServerExchange(
            credential: credential, channelBindingOffered: channelBindingOffered,
            expectedChannelBinding: expectedChannelBinding, nonce: nonce, isMock: true)
    }

    /// A fresh server nonce: base64 of 18 random bytes, as PostgreSQL generates it.
    public static func randomNonce() -> [UInt8] {
        SCRAMMessage.randomNonce()
    }

    /// The client's ClientKey (ClientProof XOR ClientSignature) after a successful exchange, else `nil`.
    ///
    /// With it pglens can log in to a PostgreSQL server holding the same verifier without the password.
    public var recoveredClientKey: [UInt8]? {
        switch state {
        case .succeeded(let clientKey):
            return clientKey
        case .awaitingInitialResponse, .awaitingFinalResponse, .failed:
            return nil
        }
    }

    /// Handles SASLInitialResponse: the chosen `mechanism` and client-first-message `data`.
    public mutating func receiveInitialResponse(mechanism: String, data: [UInt8]) -> Action {
        switch state {
        case .awaitingInitialResponse:
            do {
                let pending = try parseClientFirst(mechanism: mechanism, data: data)
                state = .awaitingFinalResponse(pending)
                return .sendServerFirst(pending.serverFirst)
            } catch {
                state = .failed
                return .fail(error)
            }
        case .awaitingFinalResponse, .succeeded, .failed:
            state = .failed
            return .fail(SCRAMFailure(.unexpectedMessage, "unexpected SASL initial response"))
        }
    }

    /// Handles SASLResponse: client-final-message `data`.
    public mutating func receiveResponse(_ data: [UInt8]) -> Action {
        switch state {
        case .awaitingFinalResponse(let pending):
            do {
                let (clientKey, serverFinal) = try verifyClientFinal(data, pending: pending)
                state = .succeeded(clientKey: clientKey)
                return .sendServerFinal(serverFinal)
            } catch {
                state = .failed
                return .fail(error)
            }
        case .awaitingInitialResponse, .succeeded, .failed:
            state = .failed
            return .fail(SCRAMFailure(.unexpectedMessage, "unexpected SASL response"))
        }
    }

    private func parseClientFirst(mechanism: String, data: [UInt8]) throws(SCRAMFailure) -> Pending {
        let parts = SCRAMMessage.split(data[...])
        guard parts.count >= 4 else {
            throw SCRAMFailure(.malformedMessage, "client-first-message is incomplete")
        }
        let flag = try Self.gs2Flag(parts[0])
        try checkMechanism(mechanism, flag: flag)
        guard parts[1].isEmpty else {
            throw SCRAMFailure(.malformedMessage, "authorization identity is not supported")
        }
        if SCRAMMessage.value(of: "m", in: parts[2]) != nil {
            throw SCRAMFailure(.malformedMessage, "client requires an unsupported SCRAM extension")
        }
        guard SCRAMMessage.value(of: "n", in: parts[2]) != nil else {
            throw SCRAMFailure(.malformedMessage, "client-first-message lacks n=")
        }
        guard let clientNonce = SCRAMMessage.value(of: "r", in: parts[3]), SCRAMMessage.isValidNonce(clientNonce)
        else {
            throw SCRAMFailure(.malformedMessage, "client-first-message lacks a valid r= nonce")
        }
        guard parts.dropFirst(4).allSatisfy(SCRAMMessage.isAttribute) else {
            throw SCRAMFailure(.malformedMessage, "client-first-message has a malformed extension")
        }
        let headerLength = parts[0].count + parts[1].count + 2
        var channelBindingInput = Array(data[..<headerLength])
        switch flag {
        case .used:
            channelBindingInput += expectedChannelBinding ?? []
        case .unsupported, .supportedButUnused:
            break
        }
        let combinedNonce = Array(clientNonce) + serverNonce
        let serverFirst =
            Array("r=".utf8) + combinedNonce + Array(",s=".utf8) + Base64.encode(credential.salt)
            + Array(",i=\(credential.iterations)".utf8)
        return Pending(
            clientFirstBare: Array(data[headerLength...]), serverFirst: serverFirst, combinedNonce: combinedNonce,
            channelBindingInput: channelBindingInput)
    }

    private static func gs2Flag(_ part: ArraySlice<UInt8>) throws(SCRAMFailure) -> GS2Flag {
        if part.elementsEqual("n".utf8) {
            return .unsupported
        }
        if part.elementsEqual("y".utf8) {
            return .supportedButUnused
        }
        if let type = SCRAMMessage.value(of: "p", in: part) {
            guard type.elementsEqual(channelBindingType.utf8) else {
                throw SCRAMFailure(.channelBinding, "unsupported channel binding type")
            }
            return .used
        }
        throw SCRAMFailure(.malformedMessage, "invalid gs2 channel binding flag")
    }

    private func checkMechanism(_ mechanism: String, flag: GS2Flag) throws(SCRAMFailure) {
        if mechanism == Self.mechanism {
            switch flag {
            case .unsupported:
                return
            case .supportedButUnused:
                if channelBindingOffered {
                    throw SCRAMFailure(.channelBinding, "client did not use offered channel binding (downgrade)")
                }
            case .used:
                throw SCRAMFailure(.channelBinding, "channel binding requested without SCRAM-SHA-256-PLUS")
            }
        } else if mechanism == Self.mechanismWithChannelBinding {
            guard channelBindingOffered else {
                throw SCRAMFailure(.unsupportedMechanism, "SCRAM-SHA-256-PLUS was not offered")
            }
            switch flag {
            case .used:
                guard expectedChannelBinding != nil else {
                    throw SCRAMFailure(.channelBinding, "no channel binding data available")
                }
            case .unsupported, .supportedButUnused:
                throw SCRAMFailure(.channelBinding, "SCRAM-SHA-256-PLUS requires channel binding")
            }
        } else {
            throw SCRAMFailure(.unsupportedMechanism, "unsupported SASL mechanism")
        }
    }

    private func verifyClientFinal(
        _ data: [UInt8], pending: Pending
    ) throws(SCRAMFailure) -> (
        clientKey: [UInt8], serverFinal: [UInt8]
    ) {
        let parts = SCRAMMessage.split(data[...])
        guard parts.count >= 3, let proofPart = parts.last,
            let channelBinding = SCRAMMessage.value(of: "c", in: parts[0]),
            let nonce = SCRAMMessage.value(of: "r", in: parts[1]),
            let proofText = SCRAMMessage.value(of: "p", in: proofPart),
            parts.dropFirst(2).dropLast().allSatisfy(SCRAMMessage.isAttribute)
        else {
            throw SCRAMFailure(.malformedMessage, "client-final-message must be c=...,r=...,p=...")
        }
        guard let channelBindingInput = Base64.decode(channelBinding) else {
            throw SCRAMFailure(.malformedMessage, "invalid base64 in c=")
        }
        guard channelBindingInput == pending.channelBindingInput else {
            throw SCRAMFailure(.channelBinding, "channel binding data does not match")
        }
        guard nonce.elementsEqual(pending.combinedNonce) else {
            throw SCRAMFailure(.nonceMismatch, "nonce does not match")
        }
        guard let proof = Base64.decode(proofText), proof.count == SHA256.byteCount else {
            throw SCRAMFailure(.malformedMessage, "invalid client proof")
        }
        let withoutProof = data[..<(proofPart.startIndex - 1)]
        let authMessage =
            pending.clientFirstBare + [SCRAMMessage.comma] + pending.serverFirst + [SCRAMMessage.comma] + withoutProof
        let clientSignature = HMACSHA256.authenticationCode(key: credential.storedKey, message: authMessage)
        let clientKey = SCRAMMessage.xor(proof, clientSignature)
        let proofMatches = ConstantTime.equals(SHA256.hash(clientKey), credential.storedKey)
        guard proofMatches, !isMock else {
            throw SCRAMFailure(.invalidProof, "password authentication failed")
        }
        let serverSignature = HMACSHA256.authenticationCode(key: credential.serverKey, message: authMessage)
        return (clientKey, Array("v=".utf8) + Base64.encode(serverSignature))
    }
}
