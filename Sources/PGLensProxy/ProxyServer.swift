import Logging
import NIOCore
import NIOPosix
import PGLensConfig
import PGLensTLS
import PGWire
import Synchronization

/// A running pglens proxy: the listener, its event loops and its pools.
public final class ProxyServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let shared: ProxyContext

    /// The address the listener is bound to (with the real port when `listen_port` is 0).
    public var localAddress: SocketAddress? { channel.localAddress }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, shared: ProxyContext) {
        self.group = group
        self.channel = channel
        self.shared = shared
    }

    /// Binds the listener and starts accepting clients.
    public static func start(configuration: Configuration, logger: Logger) async throws -> ProxyServer {
        let clientTLS = try Self.clientTLSContext(configuration)
        let threads = configuration.workers > 0 ? configuration.workers : System.coreCount
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let loops = Array(group.makeIterator())
        let shared = ProxyContext(configuration: configuration, loops: loops, logger: logger, clientTLS: clientTLS)
        let maxClients = configuration.maxClientConn
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 256 * 1024))
            .childChannelInitializer { channel in
                let count = shared.clientCount.add(1, ordering: .relaxed).newValue
                channel.closeFuture.whenComplete { _ in shared.clientCount.subtract(1, ordering: .relaxed) }
                let refusal: ErrorFields? =
                    count > maxClients
                    ? ErrorFields(
                        severity: "FATAL", sqlState: .tooManyConnections,
                        message: "sorry, too many clients already",
                        detail: "pglens has max_client_conn = \(maxClients) clients connected.")
                    : nil
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ClientSessionHandler(shared: shared, eventLoop: channel.eventLoop, refusal: refusal))
                }
            }
        do {
            let channel = try await bootstrap.bind(
                host: configuration.listenAddr, port: configuration.listenPort
            ).get()
            logger.info(
                "pglens listening",
                metadata: [
                    "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
                    "pool_mode": "\(configuration.poolMode.rawValue)", "workers": "\(threads)",
                ])
            return ProxyServer(group: group, channel: channel, shared: shared)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The server-role TLS context for clients, from the `client_tls_*` keys; nil when TLS is disabled.
    /// A missing, unreadable or mismatched certificate or key is an error naming the file.
    static func clientTLSContext(_ configuration: Configuration) throws -> TLSContext? {
        guard configuration.clientTLSSSLMode.offersTLS else { return nil }
        let caFile = configuration.clientTLSCAFile.isEmpty ? nil : configuration.clientTLSCAFile
        let ciphers = configuration.clientTLSCiphers
        let tlsConfiguration = TLSConfiguration(
            role: .server,
            certificateChainPath: configuration.clientTLSCertFile,
            privateKeyPath: configuration.clientTLSKeyFile,
            trustedCAPath: caFile,
            minimumProtocolVersion: configuration.clientTLSProtocols.requiresTLS13 ? .tls13 : .tls12,
            cipherList: ciphers.lowercased() == "default" ? nil : ciphers,
            peerVerification: caFile == nil ? .none : .verifyPeer)
        do {
            return try TLSContext(configuration: tlsConfiguration)
        } catch {
            throw ClientTLSSetupError(underlying: error)
        }
    }

    /// Waits until the listener is closed.
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Stops accepting clients, closes pooled connections and the event loops.
    public func shutdown() async throws {
        try? await channel.close()
        shared.pools.shutDown()
        try await group.shutdownGracefully()
    }
}
