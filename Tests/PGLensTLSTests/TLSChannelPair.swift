import NIOCore
import NIOEmbedded
import PGLensTLS

/// A client and a server `EmbeddedChannel`, each with a `TLSHandler` and an `EventRecorder`, wired by
/// moving the flushed ciphertext of one into the other.
final class TLSChannelPair {
    /// How ciphertext is handed over.
    enum Chunking: Sendable, CaseIterable {
        /// Each flushed buffer in one piece.
        case whole
        /// One byte per `channelRead` (each followed by `channelReadComplete`, as `writeInbound` does).
        case byteByByte
    }

    let client = EmbeddedChannel()
    let server = EmbeddedChannel()
    let clientHandler: TLSHandler
    let serverHandler: TLSHandler
    let clientEvents = EventRecorder()
    let serverEvents = EventRecorder()
    let chunking: Chunking

    init(
        server serverConfiguration: TLSConfiguration, client clientConfiguration: TLSConfiguration,
        expectedHostName: String? = nil, chunking: Chunking = .whole
    ) throws {
        self.chunking = chunking
        serverHandler = try TLSHandler(context: try TLSContext(configuration: serverConfiguration))
        clientHandler = try TLSHandler(
            context: try TLSContext(configuration: clientConfiguration), serverName: "localhost",
            expectedHostName: expectedHostName)
        try server.pipeline.syncOperations.addHandlers([serverHandler, serverEvents])
        try client.pipeline.syncOperations.addHandlers([clientHandler, clientEvents])
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 5432)
        try server.connect(to: address).wait()
        try client.connect(to: address).wait()
    }

    /// The default fixtures: a server for `localhost`, a client trusting its CA.
    static func standard(
        chunking: Chunking = .whole, expectedHostName: String? = nil
    ) throws -> TLSChannelPair {
        let fixtures = CertificateFixtures.shared
        return try TLSChannelPair(
            server: .server(certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.serverKey),
            client: .client(trustedCAPath: fixtures.caCertificate), expectedHostName: expectedHostName,
            chunking: chunking)
    }

    /// Moves ciphertext both ways until neither side has anything more to send.
    /// Ciphertext for a channel that is no longer active is dropped.
    func run() throws {
        var moved = true
        while moved {
            let toServer = try move(from: client, to: server)
            let toClient = try move(from: server, to: client)
            moved = toServer || toClient
        }
    }

    private func move(from source: EmbeddedChannel, to target: EmbeddedChannel) throws -> Bool {
        var moved = false
        while let buffer = try source.readOutbound(as: ByteBuffer.self) {
            moved = true
            switch chunking {
            case .whole:
                try deliver(buffer, to: target)
            case .byteByByte:
                var remaining = buffer
                while let byte = remaining.readSlice(length: 1) {
                    try deliver(byte, to: target)
                }
            }
        }
        return moved
    }

    private func deliver(_ buffer: ByteBuffer, to target: EmbeddedChannel) throws {
        guard target.isActive else {
            return
        }
        try target.writeInbound(buffer)
    }

    /// All plaintext that reached the end of `channel`'s pipeline.
    static func plaintext(from channel: EmbeddedChannel) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) {
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    /// Closes the client with close_notify, lets the server answer, and finishes both channels.
    /// Returns whether both were left clean.
    func closeAndFinish() throws -> Bool {
        try client.close().wait()
        try run()
        return try finish()
    }

    /// Finishes both channels (already closed or not) and returns whether nothing was left over.
    func finish() throws -> Bool {
        try run()
        let clientLeft = try client.finish(acceptAlreadyClosed: true)
        let serverLeft = try server.finish(acceptAlreadyClosed: true)
        return clientLeft.isClean && serverLeft.isClean
    }
}
