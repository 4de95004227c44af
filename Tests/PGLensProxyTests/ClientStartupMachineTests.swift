import NIOCore
import PGLensAuth
import PGLensConfig
import PGLensCrypto
import PGWire
import Testing

@testable import PGLensProxy

@Suite struct ClientStartupMachineTests {
    static let scramSalt = Array("0123456789abcdef".utf8)
    static let scramIterations = 32
    static let clientNonce = Array("fyko+d2lbbFgONRv9qkxdawL".utf8)

    // MARK: Helpers

    static func policy(
        _ method: ClientAuthMethod, users: [String: UserSecret], allowPlaintext: Bool = true, encrypted: Bool = false
    ) -> ClientAuthPolicy {
        ClientAuthPolicy(
            method: method, allowPlaintextPassword: allowPlaintext, connectionIsEncrypted: encrypted,
            secret: { users[$0] }, mockSeed: Array(repeating: 7, count: 32),
            scramCredential: { _, password in
                SCRAMCredential.derive(password: password, salt: scramSalt, iterations: scramIterations)
            })
    }

    static func startup(_ parameters: [(String, String)], minorVersion: UInt16 = 0) -> StartupPacket {
        .startup(
            StartupMessage(
                minorVersion: minorVersion,
                parameters: parameters.map { StartupParameter(name: $0.0, value: $0.1) }))
    }

    static func alice(minorVersion: UInt16 = 0) -> StartupPacket {
        startup([("user", "alice"), ("database", "app")], minorVersion: minorVersion)
    }

    static func client(user: String = "alice", recovered: ServerCredential? = nil) -> AuthenticatedClient {
        AuthenticatedClient(
            user: user, database: "app", settings: [], applicationName: "", recoveredServerCredential: recovered)
    }

    /// The body of a frontend message: its encoding without the type byte and the length.
    static func body(_ message: FrontendMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        buffer.moveReaderIndex(forwardBy: 5)
        return buffer
    }

    static func wrongPassword(_ user: String = "alice") -> ClientStartupMachine.Action {
        .fail(
            ErrorFields(
                severity: "FATAL", sqlState: .invalidPassword,
                message: "password authentication failed for user \"\(user)\""))
    }

    static func md5Salt(_ action: ClientStartupMachine.Action) -> [UInt8]? {
        guard case .send(let messages) = action, messages.count == 1,
            case .authentication(.md5Password(let salt)) = messages[0]
        else { return nil }
        return salt
    }

    static func clientKey(password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        let salted = try PBKDF2.sha256(
            password: Array(password.utf8), salt: salt, iterations: iterations, keyLength: 32)
        return HMACSHA256.authenticationCode(key: salted, message: Array("Client Key".utf8))
    }

    struct Unexpected: Error {}

    /// The outcome of a SCRAM exchange driven by a real client against the machine.
    struct SCRAMRun {
        var serverFirst: [UInt8]
        var final: ClientStartupMachine.Action
        var client: SCRAMClientExchange
    }

    /// Runs SCRAM from the SASLInitialResponse on; the machine must already have asked for SASL.
    static func runSCRAM(_ machine: inout ClientStartupMachine, password: String) throws -> SCRAMRun {
        var client = SCRAMClientExchange(secret: .password(password), nonce: clientNonce)
        let initial = client.initialResponse()
        #expect(initial.mechanism == "SCRAM-SHA-256")
        let continueAction = machine.passwordMessageReceived(
            body(.saslInitialResponse(mechanism: initial.mechanism, data: initial.data)))
        guard case .send(let messages) = continueAction, messages.count == 1,
            case .authentication(.saslContinue(let serverFirst)) = messages[0]
        else {
            Issue.record("expected one SASLContinue, got \(continueAction)")
            throw Unexpected()
        }
        guard case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst) else {
            Issue.record("client rejected the server-first-message")
            throw Unexpected()
        }
        let final = machine.passwordMessageReceived(body(.saslResponse(clientFinal)))
        return SCRAMRun(serverFirst: serverFirst, final: final, client: client)
    }

    // MARK: Encryption requests, cancel, replication, user

    @Test(arguments: [StartupPacket.sslRequest, .gssEncRequest])
    func encryptionRequestIsRefusedAndStartupStillAccepted(request: StartupPacket) {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .plain("pw")]))
        #expect(machine.startupPacketReceived(request) == .refuseEncryption)
        #expect(machine.startupPacketReceived(Self.alice()) == .authenticated(Self.client(), prefix: []))
    }

    @Test func sslThenGSSRequestsAreBothRefused() {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .plain("pw")]))
        #expect(machine.startupPacketReceived(.sslRequest) == .refuseEncryption)
        #expect(machine.startupPacketReceived(.gssEncRequest) == .refuseEncryption)
        #expect(machine.startupPacketReceived(Self.alice()) == .authenticated(Self.client(), prefix: []))
    }

    @Test func cancelRequestIsRouted() {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: [:]))
        let key = CancelKey(processID: 4242, secret: [1, 2, 3, 4])
        #expect(machine.startupPacketReceived(.cancel(key)) == .cancel(key))
        #expect(
            machine.startupPacketReceived(Self.alice())
                == .fail(
                    ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "unexpected startup packet")))
    }

    @Test(arguments: ["database", "true", "on", "1", "yes"])
    func replicationIsRefused(value: String) {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .plain("pw")]))
        let action = machine.startupPacketReceived(Self.startup([("user", "alice"), ("replication", value)]))
        #expect(
            action
                == .fail(
                    ErrorFields(
                        severity: "FATAL", sqlState: SQLState("0A000"),
                        message: "pglens does not proxy replication connections",
                        hint: "Connect replication clients to the PostgreSQL server directly.")))
    }

    @Test(arguments: ["false", "FALSE", "0", "off", "no"])
    func replicationOffIsAccepted(value: String) {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .plain("pw")]))
        let action = machine.startupPacketReceived(
            Self.startup([("user", "alice"), ("database", "app"), ("replication", value)]))
        #expect(action == .authenticated(Self.client(), prefix: []))
    }

    @Test(arguments: [[("database", "app")], [("user", ""), ("database", "app")]])
    func missingUserIsRefused(parameters: [(String, String)]) {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["": .plain("pw")]))
        #expect(
            machine.startupPacketReceived(Self.startup(parameters))
                == .fail(
                    ErrorFields(
                        severity: "FATAL", sqlState: SQLState("28000"),
                        message: "no PostgreSQL user name specified in startup packet")))
    }

    @Test func passwordMessageBeforeStartupIsAProtocolViolation() {
        var machine = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .plain("pw")]))
        #expect(
            machine.passwordMessageReceived(Self.body(.password("pw")))
                == .fail(
                    ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "unexpected password message")
                ))
    }

    // MARK: Protocol version negotiation

    @Test func protocol32IsNegotiatedDownWithTrust() {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .plain("pw")]))
        #expect(
            machine.startupPacketReceived(Self.alice(minorVersion: 2))
                == .authenticated(
                    Self.client(), prefix: [.negotiateProtocolVersion(newestVersion: 196_608, unrecognized: [])]))
    }

    @Test func protocolOptionsAreReportedUnrecognizedBeforeThePasswordRequest() {
        var machine = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .plain("pw")]))
        let action = machine.startupPacketReceived(
            Self.startup([("user", "alice"), ("_pq_.x", "1"), ("database", "app"), ("_pq_.y", "2")]))
        #expect(
            action
                == .send([
                    .negotiateProtocolVersion(newestVersion: 196_608, unrecognized: ["_pq_.x", "_pq_.y"]),
                    .authentication(.cleartextPassword),
                ]))
    }

    @Test func protocol32WithMD5StartsWithTheNegotiation() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.md5, users: ["alice": .plain("pw")]))
        let action = machine.startupPacketReceived(Self.alice(minorVersion: 2))
        guard case .send(let messages) = action, messages.count == 2,
            case .authentication(.md5Password(let salt)) = messages[1]
        else {
            Issue.record("unexpected \(action)")
            return
        }
        #expect(messages[0] == .negotiateProtocolVersion(newestVersion: 196_608, unrecognized: []))
        #expect(salt.count == 4)
    }

    /// The NegotiateProtocolVersion already went out before the password request; it must not be sent again.
    @Test func negotiationIsSentOnceWhenAPasswordIsAsked() {
        var machine = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .plain("pw")]))
        #expect(
            machine.startupPacketReceived(Self.alice(minorVersion: 2))
                == .send([
                    .negotiateProtocolVersion(newestVersion: 196_608, unrecognized: []),
                    .authentication(.cleartextPassword),
                ]))
        let action = machine.passwordMessageReceived(Self.body(.password("pw")))
        #expect(action == .authenticated(Self.client(), prefix: []))
    }

    // MARK: trust

    @Test func trustAuthenticatesAKnownUserAtOnce() {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .md5Hash("md5x")]))
        #expect(machine.startupPacketReceived(Self.alice()) == .authenticated(Self.client(), prefix: []))
    }

    @Test func trustRefusesAnUnknownUser() {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .plain("pw")]))
        #expect(
            machine.startupPacketReceived(Self.startup([("user", "mallory")]))
                == .fail(
                    ErrorFields(
                        severity: "FATAL", sqlState: SQLState("28000"),
                        message: "role \"mallory\" is not permitted to log in")))
    }

    // MARK: password

    @Test func cleartextPasswordIsRefusedOnAnUnencryptedConnection() {
        var machine = ClientStartupMachine(
            policy: Self.policy(.password, users: ["alice": .plain("pw")], allowPlaintext: false))
        #expect(
            machine.startupPacketReceived(Self.alice())
                == .fail(
                    ErrorFields(
                        severity: "FATAL", sqlState: SQLState("28000"),
                        message: "pglens refuses cleartext password authentication on an unencrypted connection",
                        hint: "Use auth_type = scram-sha-256, or set auth_allow_plaintext = true.")))
    }

    @Test func cleartextPasswordIsAskedOnAnEncryptedConnection() {
        var machine = ClientStartupMachine(
            policy: Self.policy(.password, users: ["alice": .plain("pw")], allowPlaintext: false, encrypted: true))
        #expect(machine.startupPacketReceived(Self.alice()) == .send([.authentication(.cleartextPassword)]))
        #expect(
            machine.passwordMessageReceived(Self.body(.password("pw"))) == .authenticated(Self.client(), prefix: []))
    }

    @Test func rightCleartextPasswordAuthenticates() {
        var machine = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .plain("s3cret")]))
        #expect(machine.startupPacketReceived(Self.alice()) == .send([.authentication(.cleartextPassword)]))
        #expect(
            machine.passwordMessageReceived(Self.body(.password("s3cret"))) == .authenticated(Self.client(), prefix: [])
        )
    }

    @Test(arguments: ["wrong", "s3cre", "s3cret ", ""])
    func wrongCleartextPasswordFails(password: String) {
        var machine = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .plain("s3cret")]))
        _ = machine.startupPacketReceived(Self.alice())
        #expect(machine.passwordMessageReceived(Self.body(.password(password))) == Self.wrongPassword())
    }

    @Test func cleartextPasswordOfAnUnknownUserFails() {
        var machine = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .plain("pw")]))
        #expect(
            machine.startupPacketReceived(Self.startup([("user", "bob")]))
                == .send([.authentication(.cleartextPassword)]))
        #expect(machine.passwordMessageReceived(Self.body(.password("pw"))) == Self.wrongPassword("bob"))
    }

    @Test func cleartextPasswordIsCheckedAgainstAnMD5Hash() {
        let hash = MD5Authentication.storedHash(password: "s3cret", user: "alice")
        var right = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .md5Hash(hash)]))
        _ = right.startupPacketReceived(Self.alice())
        #expect(
            right.passwordMessageReceived(Self.body(.password("s3cret"))) == .authenticated(Self.client(), prefix: []))
        var wrong = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .md5Hash(hash)]))
        _ = wrong.startupPacketReceived(Self.alice())
        #expect(wrong.passwordMessageReceived(Self.body(.password(hash))) == Self.wrongPassword())
    }

    @Test func cleartextPasswordIsCheckedAgainstASCRAMVerifier() {
        let verifier = SCRAMCredential.derive(password: "s3cret", salt: Array("saltsaltsalt".utf8), iterations: 16)
            .verifier
        var right = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .scramVerifier(verifier)]))
        _ = right.startupPacketReceived(Self.alice())
        #expect(
            right.passwordMessageReceived(Self.body(.password("s3cret"))) == .authenticated(Self.client(), prefix: []))
        var wrong = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .scramVerifier(verifier)]))
        _ = wrong.startupPacketReceived(Self.alice())
        #expect(wrong.passwordMessageReceived(Self.body(.password("S3cret"))) == Self.wrongPassword())
    }

    @Test func malformedPasswordMessageIsAProtocolViolation() {
        var machine = ClientStartupMachine(policy: Self.policy(.password, users: ["alice": .plain("pw")]))
        _ = machine.startupPacketReceived(Self.alice())
        #expect(
            machine.passwordMessageReceived(ByteBuffer(bytes: Array("pw".utf8)))
                == .fail(
                    ErrorFields(severity: "FATAL", sqlState: .protocolViolation, message: "malformed password message"))
        )
    }

    // MARK: md5

    @Test(arguments: [
        UserSecret.plain("s3cret"), .md5Hash(MD5Authentication.storedHash(password: "s3cret", user: "alice")),
    ])
    func rightMD5ResponseAuthenticates(secret: UserSecret) throws {
        var machine = ClientStartupMachine(policy: Self.policy(.md5, users: ["alice": secret]))
        let salt = try #require(Self.md5Salt(machine.startupPacketReceived(Self.alice())))
        #expect(salt.count == 4)
        let response = MD5Authentication.response(password: "s3cret", user: "alice", salt: salt)
        #expect(
            machine.passwordMessageReceived(Self.body(.password(response))) == .authenticated(Self.client(), prefix: [])
        )
    }

    @Test func md5ResponseMatchesAHandComputedDigest() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.md5, users: ["alice": .plain("s3cret")]))
        let salt = try #require(Self.md5Salt(machine.startupPacketReceived(Self.alice())))
        let inner = MD5.hash(Array("s3cretalice".utf8)).hexString
        let response = "md5" + MD5.hash(Array(inner.utf8) + salt).hexString
        #expect(
            machine.passwordMessageReceived(Self.body(.password(response))) == .authenticated(Self.client(), prefix: [])
        )
    }

    @Test func wrongMD5ResponseFails() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.md5, users: ["alice": .plain("s3cret")]))
        let salt = try #require(Self.md5Salt(machine.startupPacketReceived(Self.alice())))
        let response = MD5Authentication.response(password: "wrong", user: "alice", salt: salt)
        #expect(machine.passwordMessageReceived(Self.body(.password(response))) == Self.wrongPassword())
    }

    @Test func md5ResponseForAnotherSaltFails() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.md5, users: ["alice": .plain("s3cret")]))
        let salt = try #require(Self.md5Salt(machine.startupPacketReceived(Self.alice())))
        let otherSalt = salt.map { $0 ^ 0xFF }
        let response = MD5Authentication.response(password: "s3cret", user: "alice", salt: otherSalt)
        #expect(machine.passwordMessageReceived(Self.body(.password(response))) == Self.wrongPassword())
    }

    @Test func md5IsStillAskedOfAnUnknownUser() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.md5, users: ["alice": .plain("s3cret")]))
        let salt = try #require(Self.md5Salt(machine.startupPacketReceived(Self.startup([("user", "bob")]))))
        #expect(salt.count == 4)
        let response = MD5Authentication.response(password: "s3cret", user: "bob", salt: salt)
        #expect(machine.passwordMessageReceived(Self.body(.password(response))) == Self.wrongPassword("bob"))
    }

    @Test func scramMethodFallsBackToMD5ForAnMD5Hash() throws {
        let hash = MD5Authentication.storedHash(password: "s3cret", user: "alice")
        var machine = ClientStartupMachine(policy: Self.policy(.scramSHA256, users: ["alice": .md5Hash(hash)]))
        let salt = try #require(Self.md5Salt(machine.startupPacketReceived(Self.alice())))
        let response = MD5Authentication.response(password: "s3cret", user: "alice", salt: salt)
        #expect(
            machine.passwordMessageReceived(Self.body(.password(response))) == .authenticated(Self.client(), prefix: [])
        )
    }

    // MARK: scram-sha-256

    @Test func scramExchangeWithAPlainPasswordRecoversTheClientKey() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.scramSHA256, users: ["alice": .plain("s3cret")]))
        #expect(
            machine.startupPacketReceived(Self.alice())
                == .send([.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"]))]))
        var run = try Self.runSCRAM(&machine, password: "s3cret")
        let serverFirst = String(decoding: run.serverFirst, as: UTF8.self)
        #expect(serverFirst.hasPrefix("r=fyko+d2lbbFgONRv9qkxdawL"))
        #expect(serverFirst.hasSuffix(",s=MDEyMzQ1Njc4OWFiY2RlZg==,i=32"))
        guard case .authenticated(let client, let prefix) = run.final, prefix.count == 1,
            case .authentication(.saslFinal(let serverFinal)) = prefix[0]
        else {
            Issue.record("unexpected \(run.final)")
            return
        }
        #expect(run.client.receiveServerFinal(serverFinal) == .authenticated)
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.scramSalt, iterations: 32)
        let clientKey = try Self.clientKey(password: "s3cret", salt: Self.scramSalt, iterations: 32)
        #expect(client == Self.client(recovered: .scramKeys(clientKey: clientKey, credential: credential)))
    }

    @Test func scramExchangeWithAVerifier() throws {
        let salt = Array("another salt".utf8)
        let credential = SCRAMCredential.derive(password: "s3cret", salt: salt, iterations: 64)
        var machine = ClientStartupMachine(
            policy: Self.policy(.scramSHA256, users: ["alice": .scramVerifier(credential.verifier)]))
        #expect(
            machine.startupPacketReceived(Self.alice())
                == .send([.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"]))]))
        var run = try Self.runSCRAM(&machine, password: "s3cret")
        #expect(String(decoding: run.serverFirst, as: UTF8.self).hasSuffix(",s=YW5vdGhlciBzYWx0,i=64"))
        guard case .authenticated(let client, let prefix) = run.final, prefix.count == 1,
            case .authentication(.saslFinal(let serverFinal)) = prefix[0]
        else {
            Issue.record("unexpected \(run.final)")
            return
        }
        #expect(run.client.receiveServerFinal(serverFinal) == .authenticated)
        let clientKey = try Self.clientKey(password: "s3cret", salt: salt, iterations: 64)
        #expect(client == Self.client(recovered: .scramKeys(clientKey: clientKey, credential: credential)))
    }

    @Test func md5MethodUsesSCRAMForAVerifier() throws {
        let credential = SCRAMCredential.derive(password: "s3cret", salt: Self.scramSalt, iterations: 16)
        var machine = ClientStartupMachine(
            policy: Self.policy(.md5, users: ["alice": .scramVerifier(credential.verifier)]))
        #expect(
            machine.startupPacketReceived(Self.alice())
                == .send([.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"]))]))
        let run = try Self.runSCRAM(&machine, password: "s3cret")
        let clientKey = try Self.clientKey(password: "s3cret", salt: Self.scramSalt, iterations: 16)
        guard case .authenticated(let client, _) = run.final else {
            Issue.record("unexpected \(run.final)")
            return
        }
        #expect(client.recoveredServerCredential == .scramKeys(clientKey: clientKey, credential: credential))
    }

    @Test func scramWithAWrongPasswordFails() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.scramSHA256, users: ["alice": .plain("s3cret")]))
        _ = machine.startupPacketReceived(Self.alice())
        let run = try Self.runSCRAM(&machine, password: "S3cret")
        #expect(run.final == Self.wrongPassword())
    }

    @Test func scramForAnUnknownUserRunsAMockExchangeAndFailsLikeAWrongPassword() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.scramSHA256, users: ["alice": .plain("s3cret")]))
        #expect(
            machine.startupPacketReceived(Self.startup([("user", "alice2")]))
                == .send([.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"]))]))
        let run = try Self.runSCRAM(&machine, password: "s3cret")
        let mockSalt = Array(SHA256.hash(Array(repeating: UInt8(7), count: 32) + Array("alice2".utf8)).prefix(16))
        let serverFirst = String(decoding: run.serverFirst, as: UTF8.self)
        #expect(serverFirst.hasPrefix("r=fyko+d2lbbFgONRv9qkxdawL"))
        #expect(serverFirst.hasSuffix(",s=\(Self.base64(mockSalt)),i=4096"))
        #expect(run.final == Self.wrongPassword("alice2"))

        var known = ClientStartupMachine(policy: Self.policy(.scramSHA256, users: ["alice2": .plain("s3cret")]))
        _ = known.startupPacketReceived(Self.startup([("user", "alice2")]))
        let wrong = try Self.runSCRAM(&known, password: "wrong")
        #expect(wrong.final == run.final)
    }

    @Test func unparsableVerifierFailsAtStartup() {
        var machine = ClientStartupMachine(
            policy: Self.policy(.scramSHA256, users: ["alice": .scramVerifier("SCRAM-SHA-256$broken")]))
        #expect(machine.startupPacketReceived(Self.alice()) == Self.wrongPassword())
    }

    @Test func unsupportedSASLMechanismFails() {
        var machine = ClientStartupMachine(policy: Self.policy(.scramSHA256, users: ["alice": .plain("s3cret")]))
        _ = machine.startupPacketReceived(Self.alice())
        let action = machine.passwordMessageReceived(
            Self.body(.saslInitialResponse(mechanism: "SCRAM-SHA-1", data: Array("n,,n=,r=abc".utf8))))
        #expect(action == Self.wrongPassword())
    }

    @Test func malformedSASLInitialResponseIsAProtocolViolation() {
        var machine = ClientStartupMachine(policy: Self.policy(.scramSHA256, users: ["alice": .plain("s3cret")]))
        _ = machine.startupPacketReceived(Self.alice())
        #expect(
            machine.passwordMessageReceived(Self.body(.password("SCRAM-SHA-256")))
                == .fail(
                    ErrorFields(
                        severity: "FATAL", sqlState: .protocolViolation, message: "malformed SASLInitialResponse")))
    }

    @Test func negotiationPrecedesTheSASLRequest() throws {
        var machine = ClientStartupMachine(policy: Self.policy(.scramSHA256, users: ["alice": .plain("s3cret")]))
        #expect(
            machine.startupPacketReceived(Self.alice(minorVersion: 2))
                == .send([
                    .negotiateProtocolVersion(newestVersion: 196_608, unrecognized: []),
                    .authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])),
                ]))
        let run = try Self.runSCRAM(&machine, password: "s3cret")
        guard case .authenticated(_, let prefix) = run.final else {
            Issue.record("unexpected \(run.final)")
            return
        }
        guard case .authentication(.saslFinal)? = prefix.last else {
            Issue.record("prefix must end with SASLFinal: \(prefix)")
            return
        }
        #expect(Array(prefix.dropLast()) == [])
    }

    /// PostgreSQL's pg_split_opts splits `options` at any isspace() character, not only at spaces.
    @Test func optionsAreSplitAtTabsAndNewlines() {
        let settings = ClientStartupMachine.settings(fromOptions: "-c a=1\t-c b=2\n--c=3")
        #expect(
            settings == [
                StartupParameter(name: "a", value: "1"), StartupParameter(name: "b", value: "2"),
                StartupParameter(name: "c", value: "3"),
            ])
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let padded = chunk + Array(repeating: 0, count: 3 - chunk.count)
            let bits = UInt32(padded[0]) << 16 | UInt32(padded[1]) << 8 | UInt32(padded[2])
            for position in 0..<4 {
                if position <= chunk.count {
                    text.append(alphabet[Int(bits >> (18 - 6 * UInt32(position)) & 0x3F)])
                } else {
                    text.append("=")
                }
            }
            index += 3
        }
        return text
    }

    @Test func base64HelperMatchesRFC4648() {
        #expect(Self.base64(Array("".utf8)) == "")
        #expect(Self.base64(Array("f".utf8)) == "Zg==")
        #expect(Self.base64(Array("fo".utf8)) == "Zm8=")
        #expect(Self.base64(Array("foobar".utf8)) == "Zm9vYmFy")
    }

    // MARK: Settings

    @Test func settingsCarryStartupParametersAndOptions() {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .plain("pw")]))
        let action = machine.startupPacketReceived(
            Self.startup([
                ("user", "alice"), ("application_name", "psql"), ("database", "app"), ("replication", "false"),
                ("DateStyle", "ISO, MDY"), ("options", #"-c search_path=my\ schema --statement-timeout=5s"#),
                ("_pq_.x", "1"), ("client_encoding", "UTF8"),
            ]))
        let expected = AuthenticatedClient(
            user: "alice", database: "app",
            // `options` first, as PostgreSQL applies them: the other parameters win over them.
            settings: [
                StartupParameter(name: "search_path", value: "my schema"),
                StartupParameter(name: "statement_timeout", value: "5s"),
                StartupParameter(name: "application_name", value: "psql"),
                StartupParameter(name: "DateStyle", value: "ISO, MDY"),
                StartupParameter(name: "client_encoding", value: "UTF8"),
            ],
            applicationName: "psql", recoveredServerCredential: nil)
        #expect(
            action
                == .authenticated(
                    expected, prefix: [.negotiateProtocolVersion(newestVersion: 196_608, unrecognized: ["_pq_.x"])]))
    }

    @Test func databaseDefaultsToTheUser() {
        var machine = ClientStartupMachine(policy: Self.policy(.trust, users: ["alice": .plain("pw")]))
        #expect(
            machine.startupPacketReceived(Self.startup([("user", "alice"), ("database", "")]))
                == .authenticated(
                    AuthenticatedClient(
                        user: "alice", database: "alice", settings: [], applicationName: "",
                        recoveredServerCredential: nil), prefix: []))
    }

    @Test(arguments: [
        ("-c geqo=off", [("geqo", "off")]),
        ("-cgeqo=off", [("geqo", "off")]),
        ("--search-path=a-b", [("search_path", "a-b")]),
        ("-c work-mem=64MB", [("work_mem", "64MB")]),
        (#"-c search_path=my\ schema\ name"#, [("search_path", "my schema name")]),
        (#"-c a\\b=c\\"#, [(#"a\b"#, #"c\"#)]),
        ("  -c  a=1   --b=2  ", [("a", "1"), ("b", "2")]),
        ("-c a=b=c", [("a", "b=c")]),
        ("-c a=", [("a", "")]),
        ("-c noequals -x y --flag -c", []),
        ("", []),
        ("-c a=1 stray --b=2", [("a", "1"), ("b", "2")]),
    ])
    func settingsFromOptions(options: String, expected: [(String, String)]) {
        let settings = ClientStartupMachine.settings(fromOptions: options)
        #expect(settings == expected.map { StartupParameter(name: $0.0, value: $0.1) })
    }
}

/// The client TLS decisions: 'S' or 'N', the CVE-2021-23214 check and `client_tls_sslmode = require`.
@Suite struct ClientStartupMachineTLSTests {
    static func policy(_ mode: ClientTLSMode, method: ClientAuthMethod = .trust) -> ClientAuthPolicy {
        var policy = ClientStartupMachineTests.policy(
            method, users: ["alice": .plain("pw")], allowPlaintext: false)
        policy.tlsMode = mode
        return policy
    }

    static let requiresTLS = ClientStartupMachine.Action.fail(
        ErrorFields(
            severity: "FATAL", sqlState: .invalidAuthorizationSpecification,
            message: "pglens requires TLS (client_tls_sslmode = require)",
            hint: "Connect with sslmode=require or stronger."))

    @Test(arguments: [ClientTLSMode.allow, .prefer, .require])
    func sslRequestIsAcceptedWhenTLSIsOffered(mode: ClientTLSMode) {
        var machine = ClientStartupMachine(policy: Self.policy(mode))
        #expect(!machine.connectionIsEncrypted)
        #expect(machine.startupPacketReceived(.sslRequest) == .acceptEncryption)
        #expect(machine.connectionIsEncrypted)
        #expect(
            machine.startupPacketReceived(ClientStartupMachineTests.alice())
                == .authenticated(ClientStartupMachineTests.client(), prefix: []))
    }

    @Test func sslRequestIsRefusedWhenTLSIsDisabled() {
        var machine = ClientStartupMachine(policy: Self.policy(.disable))
        #expect(machine.startupPacketReceived(.sslRequest, bytesFollow: true) == .refuseEncryption)
        #expect(!machine.connectionIsEncrypted)
    }

    @Test(arguments: [ClientTLSMode.allow, .prefer, .require])
    func gssRequestIsStillRefused(mode: ClientTLSMode) {
        var machine = ClientStartupMachine(policy: Self.policy(mode))
        #expect(machine.startupPacketReceived(.gssEncRequest) == .refuseEncryption)
        #expect(machine.startupPacketReceived(.sslRequest) == .acceptEncryption)
    }

    @Test func bytesAfterTheSSLRequestDropTheConnection() {
        var machine = ClientStartupMachine(policy: Self.policy(.prefer))
        #expect(machine.startupPacketReceived(.sslRequest, bytesFollow: true) == .drop)
        #expect(!machine.connectionIsEncrypted)
        if case .fail = machine.startupPacketReceived(ClientStartupMachineTests.alice()) {
        } else {
            Issue.record("a dropped connection must not go on")
        }
    }

    @Test func secondSSLRequestOverTLSIsAProtocolViolation() {
        var machine = ClientStartupMachine(policy: Self.policy(.require))
        #expect(machine.startupPacketReceived(.sslRequest) == .acceptEncryption)
        #expect(
            machine.startupPacketReceived(.sslRequest)
                == .fail(
                    ErrorFields(
                        severity: "FATAL", sqlState: .protocolViolation,
                        message: "SSLRequest on an encrypted connection")))
    }

    @Test func requireRefusesAPlainStartup() {
        var machine = ClientStartupMachine(policy: Self.policy(.require))
        #expect(machine.startupPacketReceived(ClientStartupMachineTests.alice()) == Self.requiresTLS)
    }

    @Test func requireRefusesAStartupAfterARefusedGSSRequest() {
        var machine = ClientStartupMachine(policy: Self.policy(.require))
        #expect(machine.startupPacketReceived(.gssEncRequest) == .refuseEncryption)
        #expect(machine.startupPacketReceived(ClientStartupMachineTests.alice()) == Self.requiresTLS)
    }

    @Test(arguments: [ClientTLSMode.allow, .prefer])
    func allowAndPreferAcceptAPlainStartup(mode: ClientTLSMode) {
        var machine = ClientStartupMachine(policy: Self.policy(mode))
        #expect(
            machine.startupPacketReceived(ClientStartupMachineTests.alice())
                == .authenticated(ClientStartupMachineTests.client(), prefix: []))
    }

    @Test func cleartextPasswordIsAllowedOverTLS() {
        var machine = ClientStartupMachine(policy: Self.policy(.prefer, method: .password))
        #expect(machine.startupPacketReceived(.sslRequest) == .acceptEncryption)
        #expect(
            machine.startupPacketReceived(ClientStartupMachineTests.alice())
                == .send([.authentication(.cleartextPassword)]))
    }

    @Test func cleartextPasswordIsRefusedWithoutTLS() {
        var machine = ClientStartupMachine(policy: Self.policy(.prefer, method: .password))
        if case .fail(let error) = machine.startupPacketReceived(ClientStartupMachineTests.alice()) {
            #expect(error.sqlState == .invalidAuthorizationSpecification)
        } else {
            Issue.record("cleartext password without TLS must be refused")
        }
    }
}
