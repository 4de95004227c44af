import NIOCore
import PGLensTLS
import Testing

/// TLS 1.2 (where the server finishes the handshake first) and protocol version limits.
@Suite struct TLSVersionTests {
    private static func pair(
        server: TLSConfiguration.ProtocolVersion?, client: TLSConfiguration.ProtocolVersion?,
        chunking: TLSChannelPair.Chunking = .whole, clientMinimum: TLSConfiguration.ProtocolVersion = .tls12
    ) throws -> TLSChannelPair {
        let fixtures = CertificateFixtures.shared
        return try TLSChannelPair(
            server: TLSConfiguration(
                role: .server, certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.serverKey,
                maximumProtocolVersion: server, peerVerification: .none),
            client: TLSConfiguration(
                role: .client, trustedCAPath: fixtures.caCertificate, minimumProtocolVersion: clientMinimum,
                maximumProtocolVersion: client, peerVerification: .verifyPeer),
            chunking: chunking)
    }

    @Test(arguments: TLSChannelPair.Chunking.allCases)
    func tls12HandshakeDataAndChannelBinding(chunking: TLSChannelPair.Chunking) throws {
        let pair = try Self.pair(server: .tls12, client: nil, chunking: chunking)
        try pair.run()
        #expect(pair.clientHandler.connection.negotiatedProtocolVersion == "TLSv1.2")
        #expect(pair.serverEvents.handshakes == [TLSHandshakeCompleted(negotiatedALPN: "postgresql")])
        #expect(pair.clientEvents.handshakes == [TLSHandshakeCompleted(negotiatedALPN: "postgresql")])
        try pair.server.writeAndFlush(ByteBuffer(string: "S")).wait()
        try pair.client.writeAndFlush(ByteBuffer(string: "Q")).wait()
        try pair.run()
        #expect(try TLSChannelPair.plaintext(from: pair.client) == Array("S".utf8))
        #expect(try TLSChannelPair.plaintext(from: pair.server) == Array("Q".utf8))
        let binding = pair.clientHandler.connection.serverEndPointChannelBinding
        #expect(binding?.count == 32)
        #expect(binding == pair.serverHandler.connection.serverEndPointChannelBinding)
        #expect(try pair.closeAndFinish())
    }

    @Test func clientRequiringTLS13FailsAgainstATLS12Server() throws {
        let pair = try Self.pair(server: .tls12, client: nil, clientMinimum: .tls13)
        try pair.run()
        #expect(!pair.clientEvents.errors.isEmpty)
        #expect(!pair.serverEvents.errors.isEmpty)
        #expect(!pair.client.isActive && !pair.server.isActive)
        #expect(try pair.finish())
    }

    @Test func unknownCipherListFailsAtCreation() throws {
        #expect {
            _ = try TLSContext(
                configuration: TLSConfiguration(
                    role: .client, cipherList: "NO-SUCH-CIPHER", peerVerification: .none))
        } throws: { error in
            guard case .openSSL("SSL_CTX_set_cipher_list", let reasons) = error as? TLSError else {
                return false
            }
            return !reasons.isEmpty
        }
    }
}
