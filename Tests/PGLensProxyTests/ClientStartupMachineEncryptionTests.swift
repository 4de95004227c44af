import NIOCore
import PGLensAuth
import PGLensConfig
import PGWire
import Testing

@testable import PGLensProxy

/// Direct TLS (PostgreSQL 17, ALPN `postgresql`) and SCRAM-SHA-256-PLUS toward clients over TLS.
@Suite struct ClientStartupMachineEncryptionTests {
    static let bindingData: [UInt8] = Array(1...32)

    static func policy(_ mode: ClientTLSMode) -> ClientAuthPolicy {
        var policy = ClientStartupMachineTests.policy(.scramSHA256, users: ["alice": .plain("pw")])
        policy.tlsMode = mode
        return policy
    }

    static func sasl(_ action: ClientStartupMachine.Action) -> [String]? {
        guard case .send(let messages) = action, case .authentication(.sasl(let mechanisms)) = messages.last else {
            return nil
        }
        return mechanisms
    }

    /// A machine that accepted SSLRequest, finished the handshake and received alice's startup.
    static func encryptedMachine() -> ClientStartupMachine {
        var machine = ClientStartupMachine(policy: policy(.prefer))
        #expect(machine.startupPacketReceived(.sslRequest) == .acceptEncryption)
        #expect(machine.encryptionEstablished(alpn: nil, channelBinding: bindingData) == .awaitStartup)
        #expect(sasl(machine.startupPacketReceived(ClientStartupMachineTests.alice())) != nil)
        return machine
    }

    @Test func directTLSIsAcceptedWhenTLSIsOffered() {
        var machine = ClientStartupMachine(policy: Self.policy(.require))
        #expect(machine.directTLSRequested() == .acceptDirectEncryption)
        #expect(machine.connectionIsEncrypted)
        #expect(machine.encryptionEstablished(alpn: "postgresql", channelBinding: Self.bindingData) == .awaitStartup)
        #expect(
            Self.sasl(machine.startupPacketReceived(ClientStartupMachineTests.alice()))
                == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])
    }

    @Test func directTLSIsDroppedWhenTLSIsDisabled() {
        var machine = ClientStartupMachine(policy: Self.policy(.disable))
        #expect(machine.directTLSRequested() == .drop)
        #expect(!machine.connectionIsEncrypted)
    }

    @Test(arguments: [nil, "http/1.1"])
    func directTLSWithoutThePostgresqlALPNFails(alpn: String?) {
        var machine = ClientStartupMachine(policy: Self.policy(.prefer))
        #expect(machine.directTLSRequested() == .acceptDirectEncryption)
        guard case .fail(let error) = machine.encryptionEstablished(alpn: alpn, channelBinding: Self.bindingData) else {
            Issue.record("a direct TLS client without ALPN postgresql must be refused")
            return
        }
        #expect(error.sqlState == .protocolViolation)
    }

    @Test func sslRequestPathNeedsNoALPN() {
        var machine = ClientStartupMachine(policy: Self.policy(.prefer))
        #expect(machine.startupPacketReceived(.sslRequest) == .acceptEncryption)
        #expect(machine.encryptionEstablished(alpn: nil, channelBinding: Self.bindingData) == .awaitStartup)
    }

    @Test func directTLSAfterSSLRequestIsDropped() {
        var machine = ClientStartupMachine(policy: Self.policy(.prefer))
        #expect(machine.startupPacketReceived(.sslRequest) == .acceptEncryption)
        #expect(machine.directTLSRequested() == .drop)
    }

    @Test func handshakeWithoutTLSRequestIsAProtocolViolation() {
        var machine = ClientStartupMachine(policy: Self.policy(.prefer))
        guard case .fail(let error) = machine.encryptionEstablished(alpn: nil, channelBinding: nil) else {
            Issue.record("a handshake pglens did not start must fail")
            return
        }
        #expect(error.sqlState == .protocolViolation)
    }

    @Test func plainConnectionsAreOfferedOnlySCRAMSHA256() {
        var machine = ClientStartupMachine(policy: Self.policy(.prefer))
        #expect(Self.sasl(machine.startupPacketReceived(ClientStartupMachineTests.alice())) == ["SCRAM-SHA-256"])
    }

    @Test func plusWithTheRightBindingDataAuthenticates() throws {
        var machine = Self.encryptedMachine()
        let final = try run(&machine, binding: .tlsServerEndPoint(Self.bindingData))
        guard case .authenticated(let client, _) = final else {
            Issue.record("expected authentication, got \(final)")
            return
        }
        #expect(client.user == "alice")
    }

    @Test func plusWithAnotherCertificatesHashFails() throws {
        var machine = Self.encryptedMachine()
        let final = try run(&machine, binding: .tlsServerEndPoint(Array(repeating: 9, count: 32)))
        #expect(final == ClientStartupMachineTests.wrongPassword())
    }

    @Test func clientClaimingTheServerHasNoPlusIsADowngrade() throws {
        var machine = Self.encryptedMachine()
        let final = try run(&machine, binding: .supportedButNotOffered)
        #expect(final == ClientStartupMachineTests.wrongPassword())
    }

    @Test func clientWithoutBindingStillAuthenticatesOverTLS() throws {
        var machine = Self.encryptedMachine()
        guard case .authenticated = try run(&machine, binding: .unsupported) else {
            Issue.record("a client that does not bind (channel_binding=disable) must still log in")
            return
        }
    }

    /// Runs SCRAM with a real client exchange; the answer to the client-final-message (or the first failure).
    private func run(
        _ machine: inout ClientStartupMachine, binding: SCRAMClientExchange.ChannelBinding
    ) throws -> ClientStartupMachine.Action {
        var client = SCRAMClientExchange(secret: .password("pw"), channelBinding: binding)
        let initial = client.initialResponse()
        let continueAction = machine.passwordMessageReceived(
            ClientStartupMachineTests.body(.saslInitialResponse(mechanism: initial.mechanism, data: initial.data)))
        guard case .send(let messages) = continueAction,
            case .authentication(.saslContinue(let serverFirst)) = messages.first
        else {
            return continueAction
        }
        guard case .sendClientFinal(let clientFinal) = client.receiveServerFirst(serverFirst) else {
            throw ClientStartupMachineTests.Unexpected()
        }
        return machine.passwordMessageReceived(ClientStartupMachineTests.body(.saslResponse(clientFinal)))
    }
}
