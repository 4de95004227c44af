import NIOCore
import NIOPosix
import PGLensTLS
import Testing

/// `TLSHandler` on real loopback sockets: a TLS echo server and a client sending 256 KiB.
@Suite struct TLSSocketTests {
    /// Writes back whatever plaintext it reads.
    final class Echo: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.write(data, promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }
    }

    /// Collects plaintext until `expected` bytes came, then fulfils `done`.
    final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let expected: Int
        private let done: EventLoopPromise<[UInt8]>
        private var received: [UInt8] = []

        init(expected: Int, done: EventLoopPromise<[UInt8]>) {
            self.expected = expected
            self.done = done
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += unwrapInboundIn(data).readableBytesView
            if received.count >= expected {
                done.succeed(received)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            done.fail(error)
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.fail(TLSError.connectionClosed)
        }
    }

    @Test func echoOverLoopback() async throws {
        let fixtures = CertificateFixtures.shared
        let serverContext = try TLSContext(
            configuration: .server(certificateChainPath: fixtures.serverCertificate, privateKeyPath: fixtures.serverKey)
        )
        let clientContext = try TLSContext(configuration: .client(trustedCAPath: fixtures.caCertificate))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([TLSHandler(context: serverContext), Echo()])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let payload = (0..<262_144).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let done = group.next().makePromise(of: [UInt8].self)
        let client = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        TLSHandler(context: clientContext, serverName: "localhost", expectedHostName: "localhost"),
                        Collector(expected: payload.count, done: done),
                    ])
                }
            }
            .connect(to: try #require(server.localAddress)).get()
        try await client.writeAndFlush(ByteBuffer(bytes: payload))
        let echoed = try await done.futureResult.get()
        #expect(echoed == payload)
        try await client.close()
        try await server.close()
        try await group.shutdownGracefully()
    }
}
