// nio-floor LISTEN_PORT UPSTREAM_PORT [THREADS]: accepts on 127.0.0.1:LISTEN_PORT and, for each client,
// opens one connection to 127.0.0.1:UPSTREAM_PORT on the client's event loop and copies bytes both ways
// unchanged (reads handed over as they are, flushed at read-complete). No parsing, no pooling: the least
// CPU a SwiftNIO proxy can spend per round trip.
import NIOCore
import NIOPosix

final class Forwarder: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var partner: Forwarder?
    var context: ChannelHandlerContext?
    var held: [ByteBuffer] = []

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if let other = partner?.context { other.write(wrapOutboundOut(bytes), promise: nil) } else { held.append(bytes) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { partner?.context?.flush() }

    func channelInactive(context: ChannelHandlerContext) { partner?.context?.close(promise: nil) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let listenPort = Int(arguments[1]), let upstreamPort = Int(arguments[2]) else {
    fatalError("usage: nio-floor LISTEN_PORT UPSTREAM_PORT [THREADS]")
}
let threads = arguments.count > 3 ? Int(arguments[3]) ?? System.coreCount : System.coreCount
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let listener = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { client in
        let clientSide = Forwarder()
        return client.pipeline.addHandler(clientSide).flatMap {
            ClientBootstrap(group: client.eventLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { upstream in
                    let upstreamSide = Forwarder()
                    upstreamSide.partner = clientSide
                    return upstream.pipeline.addHandler(upstreamSide).map {
                        clientSide.partner = upstreamSide
                        for bytes in clientSide.held { upstreamSide.context?.write(NIOAny(bytes), promise: nil) }
                        clientSide.held = []
                        upstreamSide.context?.flush()
                    }
                }
                .connect(host: "127.0.0.1", port: upstreamPort)
                .map { _ in }
        }
    }
    .bind(host: "127.0.0.1", port: listenPort).wait()
print("nio-floor listening on \(listenPort)")
try listener.closeFuture.wait()
