import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import PGLensProxy

/// Handing a server connection to a client session when the server may already have gone away.
@Suite struct ServerConnectionLinkTests {
    /// Records what a server connection tells its owner.
    final class RecordingOwner: ServerConnectionOwner, @unchecked Sendable {
        let eventLoop: any EventLoop
        var reads = 0
        var closes = 0

        init(eventLoop: any EventLoop) {
            self.eventLoop = eventLoop
        }

        func serverConnection(_ connection: ServerConnection, didRead bytes: ByteBuffer) { reads += 1 }
        func serverConnectionDidReadComplete(_ connection: ServerConnection) {}
        func serverConnectionWritabilityChanged(_ connection: ServerConnection, isWritable: Bool) {}
        func serverConnectionDidClose(_ connection: ServerConnection) { closes += 1 }
    }

    private func connection(on channel: EmbeddedChannel) throws -> ServerConnection {
        ServerConnection(
            id: 1, key: PoolKey(database: "app", user: "app"), channel: channel,
            remoteAddress: try SocketAddress(ipAddress: "127.0.0.1", port: 5432), backendKey: nil, parameters: [:],
            loopIndex: 0, logger: Logger(label: "test"))
    }

    @Test func connectionClosedBeforeItIsLinkedTellsTheOwnerOnceLinkingIsDone() throws {
        let channel = EmbeddedChannel()
        let server = try connection(on: channel)
        server.channelInactive()
        let owner = RecordingOwner(eventLoop: channel.embeddedEventLoop)
        server.link(to: owner)
        #expect(owner.closes == 0)
        channel.embeddedEventLoop.run()
        #expect(owner.closes == 1)
    }

    @Test func openConnectionDeliversToItsOwnerUntilItCloses() throws {
        let channel = EmbeddedChannel()
        let server = try connection(on: channel)
        let owner = RecordingOwner(eventLoop: channel.embeddedEventLoop)
        server.link(to: owner)
        server.channelRead(ByteBuffer(bytes: [1, 2, 3]))
        channel.embeddedEventLoop.run()
        #expect(owner.reads == 1)
        #expect(owner.closes == 0)
        server.channelInactive()
        #expect(owner.closes == 1)
    }
}
