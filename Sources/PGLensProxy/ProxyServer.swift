import Foundation
import Logging
import NIOCore
import NIOPosix
import PGLensAnalysis
import PGLensConfig
import PGLensTLS
import PGWire
import Synchronization

/// A running pglens proxy: the listener, its event loops and its pools.
public final class ProxyServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let shared: ProxyContext
    /// Drains the statement events into the analysis; nil when analysis is off.
    private let analysisConsumer: Task<Void, Never>?
    /// The index advisor; nil when `advisor` is off everywhere (or analysis is).
    private let advisor: IndexAdvisor?

    /// The statement analysis fed by every session; nil when `analysis = false`.
    public var analysis: AnalysisPipeline? { shared.analysis }

    /// The configuration the proxy runs with.
    public var configuration: Configuration { shared.configuration }

    /// The address the listener is bound to (with the real port when `listen_port` is 0).
    public var localAddress: SocketAddress? { channel.localAddress }

    private init(
        group: MultiThreadedEventLoopGroup, channel: any Channel, shared: ProxyContext,
        analysisConsumer: Task<Void, Never>?, advisor: IndexAdvisor?
    ) {
        self.group = group
        self.channel = channel
        self.shared = shared
        self.analysisConsumer = analysisConsumer
        self.advisor = advisor
    }

    /// Binds the listener and starts accepting clients. `configurationPath` is the file the configuration
    /// was read from, for the admin console's RELOAD.
    public static func start(
        configuration: Configuration, logger: Logger, configurationPath: String? = nil
    ) async throws -> ProxyServer {
        let tlsContexts = TLSContextStore(try Self.tlsContexts(configuration))
        let threads = configuration.workers > 0 ? configuration.workers : System.coreCount
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let loops = Array(group.makeIterator())
        let analysis =
            configuration.analysis
            ? AnalysisPipeline(
                configuration: AnalysisConfiguration(configuration, instanceID: Self.instanceID(configuration)))
            : nil
        let shared = ProxyContext(
            configuration: configuration, loops: loops, logger: logger, tlsContexts: tlsContexts, analysis: analysis,
            captureParameters: configuration.captureParameters, configurationPath: configurationPath)
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
            shared.statistics.startPeriods()
            shared.shutdownHandler.withLockedValue { handler in
                handler = {
                    logger.info("SHUTDOWN from the admin console")
                    channel.close(promise: nil)
                    shared.pools.shutDown()
                }
            }
            // The consumer runs off the event loops; they only ever offer events to its bounded queue.
            let consumer = analysis.map { pipeline in Task.detached(priority: .utility) { await pipeline.run() } }
            let advisor = analysis.flatMap { pipeline in
                IndexAdvisor.isWanted(configuration)
                    ? IndexAdvisor(
                        configuration: configuration, resolve: shared.poolResolver,
                        connector: ServerConnector(
                            logger: logger, tlsMode: configuration.serverTLSSSLMode, tlsContexts: tlsContexts),
                        analysis: pipeline, logger: logger)
                    : nil
            }
            return ProxyServer(
                group: group, channel: channel, shared: shared, analysisConsumer: consumer, advisor: advisor)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The report's instance id: this host and the port clients connect to.
    private static func instanceID(_ configuration: Configuration) -> String {
        "\(ProcessInfo.processInfo.hostName):\(configuration.listenPort)"
    }

    /// Reads the configuration file pglens was started with again and applies what can change while
    /// running (users, databases, pool sizes and caps, `admin_users`, `stats_users`), as the admin console's
    /// RELOAD does. An invalid file throws and changes nothing.
    /// - Returns: the keys that changed but need a restart; nil when pglens was started without a file.
    public func reloadConfiguration() throws -> [String]? {
        guard let path = shared.configurationPath else { return nil }
        return try shared.reloadConfiguration(from: path)
    }

    /// Rebuilds the TLS contexts from the configured certificate, key and CA files (after they were
    /// replaced, on SIGHUP). New connections use the new contexts; open ones keep theirs. When a file
    /// cannot be loaded, the error is logged and the old contexts stay in use.
    /// - Returns: whether the new contexts are in use.
    @discardableResult
    public func reloadTLS() -> Bool {
        do {
            shared.tlsContexts.replace(with: try Self.tlsContexts(shared.configuration))
            shared.logger.info("TLS certificates reloaded")
            return true
        } catch {
            shared.logger.error("TLS reload failed; the previous certificates stay in use: \(error)")
            return false
        }
    }

    /// Both TLS contexts from the configuration.
    static func tlsContexts(_ configuration: Configuration) throws -> TLSContextStore.Contexts {
        TLSContextStore.Contexts(
            client: try clientTLSContext(configuration), server: try serverTLSContext(configuration))
    }

    /// The client-role TLS context toward PostgreSQL, from the `server_tls_*` keys; nil when
    /// `server_tls_sslmode = disable`. The chain is verified for verify-ca and verify-full only.
    static func serverTLSContext(_ configuration: Configuration) throws -> TLSContext? {
        let mode = configuration.serverTLSSSLMode
        guard mode != .disable else { return nil }
        func path(_ value: String) -> String? { value.isEmpty ? nil : value }
        let ciphers = configuration.serverTLSCiphers
        let tlsConfiguration = TLSConfiguration(
            role: .client,
            certificateChainPath: path(configuration.serverTLSCertFile),
            privateKeyPath: path(configuration.serverTLSKeyFile),
            trustedCAPath: mode.verifiesCertificate ? path(configuration.serverTLSCAFile) : nil,
            minimumProtocolVersion: configuration.serverTLSProtocols.requiresTLS13 ? .tls13 : .tls12,
            cipherList: ciphers.lowercased() == "default" ? nil : ciphers,
            peerVerification: mode.verifiesCertificate ? .verifyPeer : .none)
        do {
            return try TLSContext(configuration: tlsConfiguration)
        } catch {
            throw ServerTLSSetupError(underlying: error)
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

    /// Whether ``drain()`` was called.
    public var isDraining: Bool { shared.draining.load(ordering: .relaxed) }

    /// Starts a graceful shutdown (SIGTERM, SIGINT): stops accepting clients, ends every session that is
    /// between transactions at once (FATAL 57P01) and every other one as soon as its transaction is over.
    /// ``waitUntilDrained()`` returns once no client is left.
    public func drain() {
        guard !shared.draining.exchange(true, ordering: .relaxed) else { return }
        channel.close(promise: nil)
        let sessions = shared.clients.all
        shared.logger.info(
            "draining: no new clients; waiting for open transactions", metadata: ["clients": "\(sessions.count)"])
        for session in sessions {
            session.eventLoop.execute { session.drain() }
        }
    }

    /// Returns once every client connection has ended (after ``drain()``).
    public func waitUntilDrained() async {
        while shared.clientCount.load(ordering: .relaxed) > 0 {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Clients connected now.
    public var connectedClients: Int { shared.clientCount.load(ordering: .relaxed) }

    /// Waits until the listener is closed.
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Stops accepting clients, closes pooled connections and the event loops.
    public func shutdown() async throws {
        analysisConsumer?.cancel()
        await advisor?.stop()
        try? await channel.close()
        shared.pools.shutDown()
        try await group.shutdownGracefully()
    }
}
