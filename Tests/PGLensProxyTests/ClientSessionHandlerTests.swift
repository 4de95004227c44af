import Logging
import NIOCore
import NIOEmbedded
import PGLensConfig
import PGWire
import Testing

@testable import PGLensProxy

/// The client handler on an EmbeddedChannel, for the paths that end before a server connection is needed.
@Suite struct ClientSessionHandlerTests {
    private static func channel(
        auth: ClientAuthMethod = .trust, allowPlaintext: Bool = false, refusal: ErrorFields? = nil
    ) throws -> EmbeddedChannel {
        var configuration = Configuration()
        configuration.authType = auth
        configuration.authAllowPlaintext = allowPlaintext
        configuration.databases = ["app": DatabaseConfiguration(name: "app")]
        configuration.users = ["app": UserConfiguration(name: "app", secret: .plain("right"))]
        let channel = EmbeddedChannel()
        let shared = ProxyContext(
            configuration: configuration, loops: [channel.eventLoop], logger: Logger(label: "test"))
        try channel.pipeline.syncOperations.addHandler(
            ClientSessionHandler(shared: shared, eventLoop: channel.eventLoop, refusal: refusal))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5432)).wait()
        return channel
    }

    private static func send(_ channel: EmbeddedChannel, _ write: (inout ByteBuffer) -> Void) throws {
        var buffer = channel.allocator.buffer(capacity: 64)
        write(&buffer)
        try channel.writeInbound(buffer)
    }

    private static func startup(_ parameters: [(String, String)]) -> StartupPacket {
        .startup(StartupMessage(parameters: parameters.map { StartupParameter(name: $0.0, value: $0.1) }))
    }

    /// Everything the handler wrote, as bytes.
    private static func output(_ channel: EmbeddedChannel) throws -> ByteBuffer {
        var all = channel.allocator.buffer(capacity: 256)
        while var part = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&part) }
        return all
    }

    /// Everything the handler wrote, decoded as backend messages.
    private static func messages(_ channel: EmbeddedChannel) throws -> [BackendMessage] {
        var bytes = try output(channel)
        var messages: [BackendMessage] = []
        while bytes.readableBytes >= 5, let length = bytes.getInteger(at: bytes.readerIndex + 1, as: Int32.self) {
            let frame = bytes.readSlice(length: Int(length) + 1)!
            messages.append(try BackendMessage.decode(frame: frame))
        }
        #expect(bytes.readableBytes == 0)
        return messages
    }

    private static func errorCode(_ messages: [BackendMessage]) -> String? {
        guard case .errorResponse(let fields)? = messages.last else { return nil }
        return fields.sqlState?.code
    }

    @Test func sslAndGSSRequestsAreRefusedWithNAndStartupContinues() throws {
        let channel = try Self.channel()
        try Self.send(channel) { StartupPacket.sslRequest.encode(into: &$0) }
        #expect(try Self.output(channel).readableBytesView.elementsEqual([UInt8(ascii: "N")]))
        try Self.send(channel) { StartupPacket.gssEncRequest.encode(into: &$0) }
        #expect(try Self.output(channel).readableBytesView.elementsEqual([UInt8(ascii: "N")]))
        try Self.send(channel) { Self.startup([("user", "app"), ("database", "nowhere")]).encode(into: &$0) }
        #expect(Self.errorCode(try Self.messages(channel)) == "3D000")
        #expect(!channel.isActive)
    }

    @Test func malformedStartupPacketGets08P01AndTheConnectionCloses() throws {
        let channel = try Self.channel()
        try Self.send(channel) {
            $0.writeInteger(Int32(20_000))
            $0.writeInteger(Int32(196_608))
        }
        #expect(Self.errorCode(try Self.messages(channel)) == "08P01")
        #expect(!channel.isActive)
    }

    @Test func refusedClientGetsTooManyConnectionsAfterItsStartupPacket() throws {
        let refusal = ErrorFields(severity: "FATAL", sqlState: .tooManyConnections, message: "sorry")
        let channel = try Self.channel(refusal: refusal)
        try Self.send(channel) { StartupPacket.sslRequest.encode(into: &$0) }
        #expect(try Self.output(channel).readableBytesView.elementsEqual([UInt8(ascii: "N")]))
        try Self.send(channel) { Self.startup([("user", "app")]).encode(into: &$0) }
        #expect(Self.errorCode(try Self.messages(channel)) == "53300")
        #expect(!channel.isActive)
    }

    @Test func wrongCleartextPasswordGets28P01() throws {
        let channel = try Self.channel(auth: .password, allowPlaintext: true)
        try Self.send(channel) { Self.startup([("user", "app"), ("database", "app")]).encode(into: &$0) }
        #expect(try Self.messages(channel) == [.authentication(.cleartextPassword)])
        try Self.send(channel) { FrontendMessage.password("wrong").encode(into: &$0) }
        #expect(Self.errorCode(try Self.messages(channel)) == "28P01")
        #expect(!channel.isActive)
    }

    @Test func startupSplitAcrossReadsIsReassembled() throws {
        let channel = try Self.channel(auth: .password, allowPlaintext: true)
        var packet = channel.allocator.buffer(capacity: 64)
        Self.startup([("user", "app"), ("database", "app")]).encode(into: &packet)
        while let byte = packet.readSlice(length: 1) { try channel.writeInbound(byte) }
        #expect(try Self.messages(channel) == [.authentication(.cleartextPassword)])
    }

    @Test func replicationConnectionsAreRefusedWith0A000() throws {
        let channel = try Self.channel()
        try Self.send(channel) { Self.startup([("user", "app"), ("replication", "database")]).encode(into: &$0) }
        #expect(Self.errorCode(try Self.messages(channel)) == "0A000")
        #expect(!channel.isActive)
    }

    @Test func passwordMessageBeforeStartupIsAProtocolViolation() throws {
        let channel = try Self.channel()
        try Self.send(channel) { FrontendMessage.password("x").encode(into: &$0) }
        #expect(Self.errorCode(try Self.messages(channel)) == "08P01")
        #expect(!channel.isActive)
    }
}
