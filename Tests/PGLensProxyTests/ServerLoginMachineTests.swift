import NIOCore
import PGLensAuth
import PGLensCrypto
import PGWire
import Testing

@testable import PGLensProxy

@Suite struct ServerLoginMachineTests {
    static let salt = Array("server-salt-0001".utf8)
    static let iterations = 64
    static let md5Salt: [UInt8] = [0x01, 0x02, 0xFE, 0xFF]

    struct Unexpected: Error {}

    static func authError(_ message: String) -> ServerLoginMachine.Action {
        .fail(ErrorFields(severity: "FATAL", sqlState: SQLState("28P01"), message: "pglens: \(message)"))
    }

    static func protocolError(_ message: String) -> ServerLoginMachine.Action {
        .fail(ErrorFields(severity: "FATAL", sqlState: SQLState("08006"), message: "pglens: \(message)"))
    }

    static func clientKey(password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        let salted = try PBKDF2.sha256(
            password: Array(password.utf8), salt: salt, iterations: iterations, keyLength: 32)
        return HMACSHA256.authenticationCode(key: salted, message: Array("Client Key".utf8))
    }

    /// The `p` body of a `.send` action.
    static func sentBody(_ action: ServerLoginMachine.Action) throws -> ByteBuffer {
        guard case .send(.passwordOrSASL(let body)) = action else {
            Issue.record("expected a password message, got \(action)")
            throw Unexpected()
        }
        return body
    }

    /// Drives the machine through SASL against `server` up to (not including) the server-final-message.
    static func scramUntilServerFinal(
        _ machine: inout ServerLoginMachine, server: inout SCRAMServerExchange
    ) throws -> [UInt8] {
        let initialAction = machine.received(
            .authentication(.sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])))
        let initial = try SASLInitialResponse.decode(sentBody(initialAction))
        #expect(initial.mechanism == "SCRAM-SHA-256")
        let clientFirst = String(decoding: initial.data ?? [], as: UTF8.self)
        #expect(clientFirst.hasPrefix("n,,n=,r="))
        guard
            case .sendServerFirst(let serverFirst) = server.receiveInitialResponse(
                mechanism: initial.mechanism, data: initial.data ?? [])
        else {
            Issue.record("server rejected the client-first-message")
            throw Unexpected()
        }
        let clientFinal = try sentBody(machine.received(.authentication(.saslContinue(data: serverFirst))))
        guard case .sendServerFinal(let serverFinal) = server.receiveResponse(Array(clientFinal.readableBytesView))
        else {
            Issue.record("server rejected the client-final-message")
            throw Unexpected()
        }
        return serverFinal
    }

    // MARK: Login completion

    @Test func collectsParametersAndKeyUntilReadyForQuery() {
        var machine = ServerLoginMachine(user: "alice", credential: .none)
        let key = CancelKey(processID: 31337, secret: [9, 8, 7, 6])
        #expect(machine.received(.authentication(.ok)) == .wait)
        #expect(machine.received(.parameterStatus(name: "server_version", value: "17.2")) == .wait)
        #expect(machine.received(.parameterStatus(name: "TimeZone", value: "UTC")) == .wait)
        #expect(
            machine.received(
                .noticeResponse(ErrorFields(severity: "NOTICE", sqlState: .successfulCompletion, message: "hi")))
                == .wait)
        #expect(machine.received(.parameterStatus(name: "server_version", value: "17.3")) == .wait)
        #expect(machine.received(.backendKeyData(key)) == .wait)
        #expect(
            machine.received(.readyForQuery(.idle))
                == .loggedIn(parameters: ["server_version": "17.3", "TimeZone": "UTC"], backendKey: key))
    }

    @Test func loginWithoutBackendKeyData() {
        var machine = ServerLoginMachine(user: "alice", credential: .password("pw"))
        #expect(machine.received(.authentication(.ok)) == .wait)
        #expect(machine.received(.negotiateProtocolVersion(newestVersion: 196_608, unrecognized: [])) == .wait)
        #expect(machine.received(.readyForQuery(.idle)) == .loggedIn(parameters: [:], backendKey: nil))
    }

    @Test func readyForQueryBeforeAuthenticationOkFails() {
        var machine = ServerLoginMachine(user: "alice", credential: .password("pw"))
        #expect(machine.received(.parameterStatus(name: "a", value: "b")) == .wait)
        #expect(
            machine.received(.readyForQuery(.idle))
                == Self.protocolError("server sent ReadyForQuery before authentication completed"))
    }

    @Test func unexpectedMessageDuringLoginFails() {
        var machine = ServerLoginMachine(user: "alice", credential: .password("pw"))
        #expect(machine.received(.parseComplete) == Self.protocolError("unexpected message during server login"))
    }

    @Test func errorResponseIsPassedOnUnchanged() {
        let fields = ErrorFields(fields: [
            .init(type: UInt8(ascii: "S"), value: "FATAL"),
            .init(type: UInt8(ascii: "V"), value: "FATAL"),
            .init(type: UInt8(ascii: "C"), value: "3D000"),
            .init(type: UInt8(ascii: "M"), value: "database \"nope\" does not exist"),
            .init(type: UInt8(ascii: "F"), value: "postinit.c"),
            .init(type: UInt8(ascii: "L"), value: "1032"),
            .init(type: UInt8(ascii: "R"), value: "InitPostgres"),
        ])
        var machine = ServerLoginMachine(user: "alice", credential: .password("pw"))
        #expect(machine.received(.errorResponse(fields)) == .fail(fields))

        var afterOk = ServerLoginMachine(user: "alice", credential: .password("pw"))
        #expect(afterOk.received(.authentication(.ok)) == .wait)
        #expect(afterOk.received(.errorResponse(fields)) == .fail(fields))
    }

    // MARK: cleartext and md5

    @Test func cleartextRequestSendsThePassword() {
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        #expect(machine.received(.authentication(.cleartextPassword)) == .send(.password("s3cret")))
        #expect(machine.received(.authentication(.ok)) == .wait)
        #expect(machine.received(.readyForQuery(.idle)) == .loggedIn(parameters: [:], backendKey: nil))
    }

    @Test(arguments: [
        ServerCredential.md5Hash("md5" + String(repeating: "a", count: 32)), .none,
        .scramKeys(
            clientKey: Array(repeating: 1, count: 32),
            credential: SCRAMCredential(salt: [1], iterations: 1, storedKey: [], serverKey: [])),
    ])
    func cleartextRequestWithoutAPasswordFails(credential: ServerCredential) {
        var machine = ServerLoginMachine(user: "alice", credential: credential)
        #expect(
            machine.received(.authentication(.cleartextPassword))
                == Self.authError(
                    "server asks for a cleartext password for user \"alice\" and pglens has no suitable secret for it"))
    }

    @Test func md5RequestIsAnsweredFromThePassword() {
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        let inner = MD5.hash(Array("s3cretalice".utf8)).hexString
        let expected = "md5" + MD5.hash(Array(inner.utf8) + Self.md5Salt).hexString
        #expect(machine.received(.authentication(.md5Password(salt: Self.md5Salt))) == .send(.password(expected)))
    }

    @Test func md5RequestIsAnsweredFromTheStoredHash() {
        let inner = MD5.hash(Array("s3cretalice".utf8)).hexString
        var machine = ServerLoginMachine(user: "alice", credential: .md5Hash("md5" + inner))
        let expected = "md5" + MD5.hash(Array(inner.utf8) + Self.md5Salt).hexString
        #expect(machine.received(.authentication(.md5Password(salt: Self.md5Salt))) == .send(.password(expected)))
        #expect(expected.count == 35)
    }

    @Test func md5RequestWithoutASecretFails() {
        var machine = ServerLoginMachine(user: "bob", credential: .none)
        #expect(
            machine.received(.authentication(.md5Password(salt: Self.md5Salt)))
                == Self.authError(
                    "server asks for an md5 password for user \"bob\" and pglens has no suitable secret for it"))
    }

    // MARK: SCRAM

    @Test func scramWithThePassword() throws {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        var server = SCRAMServerExchange(credential: credential)
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        let serverFinal = try Self.scramUntilServerFinal(&machine, server: &server)
        #expect(
            server.recoveredClientKey
                == (try Self.clientKey(password: "s3cret", salt: Self.salt, iterations: Self.iterations)))
        #expect(machine.received(.authentication(.saslFinal(data: serverFinal))) == .wait)
        #expect(machine.received(.authentication(.ok)) == .wait)
        #expect(machine.received(.parameterStatus(name: "is_superuser", value: "off")) == .wait)
        #expect(
            machine.received(.readyForQuery(.idle))
                == .loggedIn(parameters: ["is_superuser": "off"], backendKey: nil))
    }

    @Test func scramWithARecoveredClientKey() throws {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        let clientKey = try Self.clientKey(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        var server = SCRAMServerExchange(credential: credential)
        var machine = ServerLoginMachine(
            user: "alice", credential: .scramKeys(clientKey: clientKey, credential: credential))
        let serverFinal = try Self.scramUntilServerFinal(&machine, server: &server)
        #expect(server.recoveredClientKey == clientKey)
        #expect(machine.received(.authentication(.saslFinal(data: serverFinal))) == .wait)
        #expect(machine.received(.authentication(.ok)) == .wait)
        #expect(machine.received(.readyForQuery(.inTransaction)) == .loggedIn(parameters: [:], backendKey: nil))
    }

    @Test func scramWithAWrongPasswordIsRejectedByTheServer() throws {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        var server = SCRAMServerExchange(credential: credential)
        var machine = ServerLoginMachine(user: "alice", credential: .password("wrong"))
        let initial = try SASLInitialResponse.decode(
            Self.sentBody(machine.received(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))))
        guard
            case .sendServerFirst(let serverFirst) = server.receiveInitialResponse(
                mechanism: initial.mechanism, data: initial.data ?? [])
        else { throw Unexpected() }
        let clientFinal = try Self.sentBody(machine.received(.authentication(.saslContinue(data: serverFirst))))
        #expect(
            server.receiveResponse(Array(clientFinal.readableBytesView))
                == .fail(SCRAMFailure(.invalidProof, "password authentication failed")))
    }

    @Test func recoveredKeyForAnotherSaltFails() throws {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        let clientKey = try Self.clientKey(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        let serverCredential = SCRAMCredential.derive(
            password: "s3cret", salt: Array("other-salt".utf8), iterations: Self.iterations)
        var server = SCRAMServerExchange(credential: serverCredential)
        var machine = ServerLoginMachine(
            user: "alice", credential: .scramKeys(clientKey: clientKey, credential: credential))
        let initial = try SASLInitialResponse.decode(
            Self.sentBody(machine.received(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))))
        guard
            case .sendServerFirst(let serverFirst) = server.receiveInitialResponse(
                mechanism: initial.mechanism, data: initial.data ?? [])
        else { throw Unexpected() }
        #expect(
            machine.received(.authentication(.saslContinue(data: serverFirst)))
                == Self.authError(
                    "SCRAM authentication with the server failed: "
                        + "server's SCRAM salt or iteration count differ from the verifier's; the client key cannot be used"
                ))
    }

    @Test(arguments: [false, true])
    func wrongServerSignatureFails(recoveredKey: Bool) throws {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        let clientKey = try Self.clientKey(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        var server = SCRAMServerExchange(credential: credential)
        var machine = ServerLoginMachine(
            user: "alice",
            credential: recoveredKey ? .scramKeys(clientKey: clientKey, credential: credential) : .password("s3cret"))
        let serverFinal = try Self.scramUntilServerFinal(&machine, server: &server)
        #expect(String(decoding: serverFinal, as: UTF8.self).hasPrefix("v="))
        let forged = Array("v=\(String(repeating: "A", count: 43))=".utf8)
        #expect(
            machine.received(.authentication(.saslFinal(data: forged)))
                == Self.authError("SCRAM authentication with the server failed: server signature does not match"))
    }

    @Test func scramErrorFromTheServerFails() throws {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        var server = SCRAMServerExchange(credential: credential)
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        _ = try Self.scramUntilServerFinal(&machine, server: &server)
        #expect(
            machine.received(.authentication(.saslFinal(data: Array("e=invalid-proof".utf8))))
                == Self.authError("SCRAM authentication with the server failed: server error: invalid-proof"))
    }

    /// A server that skips AuthenticationSASLFinal never proves it knows the ServerKey.
    @Test func authenticationOkWithoutSASLFinalFails() throws {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.salt, iterations: Self.iterations)
        var server = SCRAMServerExchange(credential: credential)
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        _ = try Self.scramUntilServerFinal(&machine, server: &server)
        let ok = machine.received(.authentication(.ok))
        let ready = machine.received(.readyForQuery(.idle))
        #expect(ok != .wait)
        #expect(ready != .loggedIn(parameters: [:], backendKey: nil))
    }

    @Test func saslWithoutSCRAMSHA256Fails() {
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        #expect(
            machine.received(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "OAUTHBEARER"])))
                == Self.protocolError(
                    "server offers no SASL mechanism pglens supports: [\"SCRAM-SHA-256-PLUS\", \"OAUTHBEARER\"]"))
    }

    @Test(arguments: [ServerCredential.none, .md5Hash("md5" + String(repeating: "0", count: 32))])
    func saslWithoutASuitableSecretFails(credential: ServerCredential) {
        var machine = ServerLoginMachine(user: "alice", credential: credential)
        #expect(
            machine.received(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))
                == Self.authError(
                    "server asks for SCRAM-SHA-256 for user \"alice\" and pglens has no suitable secret for it"))
    }

    @Test func saslContinueWithoutSASLFails() {
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        #expect(
            machine.received(.authentication(.saslContinue(data: Array("r=x,s=eA==,i=1".utf8))))
                == Self.protocolError("server asked for an authentication method pglens does not support"))
    }

    // MARK: Unsupported methods

    @Test(arguments: [
        AuthenticationRequest.gss, .sspi, .kerberosV5, .gssContinue(data: [1, 2, 3]),
    ])
    func unsupportedMethodFails(request: AuthenticationRequest) {
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        #expect(
            machine.received(.authentication(request))
                == Self.protocolError("server asked for an authentication method pglens does not support"))
    }
}

/// SCRAM channel binding toward the server: `-PLUS` only over TLS with a verified certificate.
@Suite struct ServerLoginMachineChannelBindingTests {
    static let bindingData: [UInt8] = Array(200..<232)
    static let both = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]

    static func initial(_ machine: inout ServerLoginMachine, offered: [String]) throws -> SASLInitialResponse {
        try SASLInitialResponse.decode(
            ServerLoginMachineTests.sentBody(machine.received(.authentication(.sasl(mechanisms: offered)))))
    }

    /// TLS binding data (nil: plain), whether binding is wanted, what the server offers, and the
    /// mechanism and gs2 header pglens must answer with.
    @Test(arguments: [
        (bindingData as [UInt8]?, true, both, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r="),
        (bindingData, false, both, "SCRAM-SHA-256", "n,,"),
        (bindingData, true, ["SCRAM-SHA-256"], "SCRAM-SHA-256", "y,,"),
        (nil, true, both, "SCRAM-SHA-256", "n,,"),
    ])
    func mechanismAndHeader(
        binding: [UInt8]?, bindWhenOffered: Bool, offered: [String], mechanism: String, header: String
    ) throws {
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        if let binding {
            machine.encryptionEstablished(channelBinding: binding, bindWhenOffered: bindWhenOffered)
        }
        let initial = try Self.initial(&machine, offered: offered)
        #expect(initial.mechanism == mechanism)
        #expect(String(decoding: initial.data ?? [], as: UTF8.self).hasPrefix(header))
    }

    @Test func verifiedBindingLogsInAgainstABindingServer() throws {
        var machine = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        machine.encryptionEstablished(channelBinding: Self.bindingData, bindWhenOffered: true)
        let credential = SCRAMCredential.derive(
            password: "s3cret", salt: ServerLoginMachineTests.salt, iterations: ServerLoginMachineTests.iterations)
        var server = SCRAMServerExchange(
            credential: credential, channelBindingOffered: true, expectedChannelBinding: Self.bindingData)
        let initial = try Self.initial(&machine, offered: Self.both)
        guard
            case .sendServerFirst(let serverFirst) = server.receiveInitialResponse(
                mechanism: initial.mechanism, data: initial.data ?? [])
        else {
            Issue.record("the server refused the client-first-message")
            return
        }
        let clientFinal = try ServerLoginMachineTests.sentBody(
            machine.received(.authentication(.saslContinue(data: serverFirst))))
        guard case .sendServerFinal(let serverFinal) = server.receiveResponse(Array(clientFinal.readableBytesView))
        else {
            Issue.record("the server refused the channel binding")
            return
        }
        #expect(machine.received(.authentication(.saslFinal(data: serverFinal))) == .wait)
        #expect(machine.received(.authentication(.ok)) == .wait)
        #expect(machine.received(.readyForQuery(.idle)) == .loggedIn(parameters: [:], backendKey: nil))
    }

    @Test func onlyPlusOfferedWorksWhenBinding() throws {
        var bound = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        bound.encryptionEstablished(channelBinding: Self.bindingData, bindWhenOffered: true)
        #expect(try Self.initial(&bound, offered: ["SCRAM-SHA-256-PLUS"]).mechanism == "SCRAM-SHA-256-PLUS")
        var plain = ServerLoginMachine(user: "alice", credential: .password("s3cret"))
        #expect(
            plain.received(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256-PLUS"])))
                == ServerLoginMachineTests.protocolError(
                    "server offers no SASL mechanism pglens supports: [\"SCRAM-SHA-256-PLUS\"]"))
    }
}
