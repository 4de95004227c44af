import NIOCore
import NIOEmbedded
import PGLensTLS
import Testing

@Suite struct TLSHandlerTests {
    @Test(arguments: TLSChannelPair.Chunking.allCases)
    func handshakeCompletesAndDataRoundTrips(chunking: TLSChannelPair.Chunking) throws {
        let pair = try TLSChannelPair.standard(chunking: chunking)
        try pair.run()
        #expect(pair.clientEvents.handshakes == [TLSHandshakeCompleted(negotiatedALPN: "postgresql")])
        #expect(pair.serverEvents.handshakes == [TLSHandshakeCompleted(negotiatedALPN: "postgresql")])
        #expect(pair.clientHandler.connection.negotiatedProtocolVersion == "TLSv1.3")
        #expect(pair.clientEvents.errors.isEmpty && pair.serverEvents.errors.isEmpty)

        try pair.client.writeAndFlush(ByteBuffer(string: "SELECT 1")).wait()
        try pair.run()
        #expect(try TLSChannelPair.plaintext(from: pair.server) == Array("SELECT 1".utf8))
        try pair.server.writeAndFlush(ByteBuffer(string: "one row")).wait()
        try pair.run()
        #expect(try TLSChannelPair.plaintext(from: pair.client) == Array("one row".utf8))

        #expect(try pair.closeAndFinish())
    }

    @Test func oneMegabyteRoundTripsBothWays() throws {
        let pair = try TLSChannelPair.standard()
        try pair.run()
        let payload = (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        try pair.client.writeAndFlush(ByteBuffer(bytes: payload)).wait()
        try pair.run()
        #expect(try TLSChannelPair.plaintext(from: pair.server) == payload)
        try pair.server.writeAndFlush(ByteBuffer(bytes: payload.reversed())).wait()
        try pair.run()
        #expect(try TLSChannelPair.plaintext(from: pair.client) == payload.reversed())
        #expect(try pair.closeAndFinish())
    }

    @Test func writesBeforeTheHandshakeAreSentAfterIt() throws {
        let pair = try TLSChannelPair.standard()
        let written = pair.client.writeAndFlush(ByteBuffer(string: "early"))
        let completed = CompletionFlag()
        written.whenSuccess { completed.isSet = true }
        #expect(!completed.isSet)
        try pair.run()
        #expect(completed.isSet)
        #expect(try TLSChannelPair.plaintext(from: pair.server) == Array("early".utf8))
        #expect(try pair.closeAndFinish())
    }

    @Test(arguments: [true, false])
    func closeNotifyFromEitherSideClosesTheOther(clientCloses: Bool) throws {
        let pair = try TLSChannelPair.standard()
        try pair.run()
        let (closing, other) = clientCloses ? (pair.client, pair.server) : (pair.server, pair.client)
        let otherEvents = clientCloses ? pair.serverEvents : pair.clientEvents
        try closing.close().wait()
        try pair.run()
        #expect(!other.isActive)
        #expect(otherEvents.becameInactive)
        #expect(otherEvents.errors.isEmpty)
        #expect(try pair.finish())
    }

    @Test func wrongCAFailsTheClientWithCertificateVerifyFailed() throws {
        let fixtures = CertificateFixtures.shared
        let pair = try TLSChannelPair(
            server: .server(certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.serverKey),
            client: .client(trustedCAPath: fixtures.otherCACertificate))
        try pair.run()
        #expect(pair.clientEvents.errorText.contains("certificate verify failed"))
        #expect(pair.clientEvents.handshakes.isEmpty)
        #expect(!pair.client.isActive)
        #expect(!pair.serverEvents.errors.isEmpty)
        #expect(!pair.server.isActive)
        #expect(try pair.finish())
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func matchingHostNamePasses(hostName: String) throws {
        let pair = try TLSChannelPair.standard(expectedHostName: hostName)
        try pair.run()
        #expect(pair.clientEvents.errors.isEmpty)
        #expect(pair.clientEvents.handshakes.count == 1)
        #expect(try pair.closeAndFinish())
    }

    @Test(arguments: ["db.example.com", "10.0.0.1"])
    func hostNameMismatchFailsTheClient(hostName: String) throws {
        let pair = try TLSChannelPair.standard(expectedHostName: hostName)
        try pair.run()
        #expect(pair.clientEvents.errorText.contains("certificate verify failed"))
        #expect(pair.clientEvents.handshakes.isEmpty)
        #expect(!pair.client.isActive)
        #expect(try pair.finish())
    }

    @Test func requiredClientCertificateMissingFailsTheServer() throws {
        let fixtures = CertificateFixtures.shared
        let pair = try TLSChannelPair(
            server: TLSConfiguration(
                role: .server, certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.serverKey,
                trustedCAPath: fixtures.caCertificate, peerVerification: .requirePeerCertificate),
            client: .client(trustedCAPath: fixtures.caCertificate))
        try pair.run()
        #expect(pair.serverEvents.errorText.contains("peer did not return a certificate"))
        #expect(pair.serverEvents.handshakes.isEmpty)
        #expect(!pair.server.isActive)
        #expect(try pair.finish())
    }

    @Test func requiredClientCertificatePresentPasses() throws {
        let fixtures = CertificateFixtures.shared
        let pair = try TLSChannelPair(
            server: TLSConfiguration(
                role: .server, certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.serverKey,
                trustedCAPath: fixtures.caCertificate, peerVerification: .requirePeerCertificate),
            client: TLSConfiguration(
                role: .client, certificateChainPath: fixtures.clientCertificate, privateKeyPath: fixtures.clientKey,
                trustedCAPath: fixtures.caCertificate, peerVerification: .verifyPeer))
        try pair.run()
        #expect(pair.serverEvents.errors.isEmpty && pair.clientEvents.errors.isEmpty)
        #expect(pair.serverHandler.connection.hasPeerCertificate)
        #expect(pair.clientHandler.connection.hasPeerCertificate)
        #expect(try pair.closeAndFinish())
    }

    @Test func garbageInsteadOfAClientHelloFailsTheServerAndCloses() throws {
        let fixtures = CertificateFixtures.shared
        let events = EventRecorder()
        let channel = EmbeddedChannel()
        let context = try TLSContext(
            configuration: .server(certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.serverKey)
        )
        try channel.pipeline.syncOperations.addHandlers([try TLSHandler(context: context), events])
        try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 5432)).wait()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        #expect(events.errors.count == 1)
        #expect(events.errors.first is TLSError)
        #expect(!channel.isActive)
        while try channel.readOutbound(as: ByteBuffer.self) != nil {}
        #expect(try channel.finish(acceptAlreadyClosed: true).isClean)
    }

    @Test func channelBindingDataIsTheServerCertificateHashOnBothSides() throws {
        let pair = try TLSChannelPair.standard()
        let before = pair.clientHandler.connection.serverEndPointChannelBinding
        #expect(before == nil)
        try pair.run()
        let client = try #require(pair.clientHandler.connection.serverEndPointChannelBinding)
        let server = try #require(pair.serverHandler.connection.serverEndPointChannelBinding)
        #expect(client == server)
        #expect(client.count == 32)
        #expect(client == (try CertificateFixtures.shared.serverCertificateSHA256()))
        #expect(try pair.closeAndFinish())
    }
}

/// Records that a future completed; EmbeddedChannel runs callbacks on the test's thread.
final class CompletionFlag: @unchecked Sendable {
    var isSet = false
}
