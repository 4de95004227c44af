import ArgumentParser
import Dispatch
import Foundation
import Logging
import PGLensConfig
import PGLensHTTP
import PGLensProxy

/// `pglens serve`: run the proxy.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the proxy, from a config file or in front of one upstream database.",
        discussion: """
            With --config, every setting comes from the TOML file (see Config/pglens.toml); PGLENS_<KEY> \
            environment variables override its top-level keys. With --upstream, pglens pools the one \
            database and user of the URL, with no config file.
            """
    )

    @Option(name: .long, help: "The TOML config file.")
    var config: String?

    @Option(name: .long, help: "postgres://user:password@host:port/database to proxy, without a config file.")
    var upstream: String?

    @Option(name: .long, help: "host:port to listen on with --upstream (default 127.0.0.1:6432).")
    var listen: String?

    @Option(name: .long, help: "host:port of the HTTP API, overriding admin_http_listen; \"\" turns it off.")
    var http: String?

    func validate() throws {
        if let http, !http.isEmpty, ListenAddress(parsing: http) == nil {
            throw ValidationError("--http must be host:port, for example 127.0.0.1:9930")
        }
        if (config == nil) == (upstream == nil) {
            throw ValidationError("give either --config FILE or --upstream URL")
        }
        if listen != nil, upstream == nil {
            throw ValidationError("--listen goes with --upstream; with --config set listen_addr and listen_port")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration: Configuration
        do {
            if let config {
                configuration = try ConfigurationLoader.load(path: config, environment: environment)
            } else {
                configuration = try UpstreamURL.configuration(upstream: upstream ?? "", listen: listen)
            }
        } catch {
            FileHandle.standardError.write(Data("pglens: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let http { configuration.adminHTTPListen = http }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "pglens")
        let server: ProxyServer
        do {
            server = try await ProxyServer.start(
                configuration: configuration, logger: logger, configurationPath: config)
        } catch {
            logger.critical("pglens could not start: \(error)")
            throw ExitCode(1)
        }
        let api: AdminHTTPServer?
        do {
            api = try await startAPI(configuration, analysis: server, logger: logger)
        } catch {
            logger.critical("pglens could not start: \(error)")
            try await server.shutdown()
            throw ExitCode(1)
        }
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT, SIGHUP])
        // SHUTDOWN on the admin console closes the listener: stop at once. (Draining closes it too.)
        Task {
            try? await server.waitUntilClosed()
            if !server.isDraining { signals.deliver(SignalWaiter.listenerClosed) }
        }
        loop: while true {
            let received = await signals.next()
            switch received {
            case SIGHUP:
                reload(server, logger: logger)
            case SIGTERM, SIGINT:
                if server.isDraining {
                    logger.info(
                        "second signal: stopping at once", metadata: ["clients": "\(server.connectedClients)"])
                    break loop
                }
                logger.info(
                    "\(received == SIGTERM ? "SIGTERM" : "SIGINT"): draining; send it again to stop at once",
                    metadata: ["clients": "\(server.connectedClients)"])
                server.drain()
                Task {
                    await server.waitUntilDrained()
                    signals.deliver(SignalWaiter.drained)
                }
            case SignalWaiter.drained:
                logger.info("every client has left")
                break loop
            default:
                logger.info(
                    "shutting down",
                    metadata: ["reason": "\(received == SignalWaiter.listenerClosed ? "SHUTDOWN" : "\(received)")"])
                break loop
            }
        }
        await api?.shutdown()
        try await server.shutdown()
    }

    /// SIGHUP: reads the configuration file again and applies what can change while running, then rebuilds
    /// the TLS contexts. An invalid file is logged and changes nothing.
    private func reload(_ server: ProxyServer, logger: Logger) {
        do {
            if let needRestart = try server.reloadConfiguration() {
                logger.info(
                    "SIGHUP: configuration reloaded",
                    metadata: needRestart.isEmpty ? [:] : ["need_restart": "\(needRestart.joined(separator: ", "))"])
            }
        } catch {
            logger.error("SIGHUP: the configuration was not reloaded; the running one stays: \(error)")
        }
        server.reloadTLS()
    }

    /// Starts the HTTP API on `admin_http_listen`, unless it is empty.
    private func startAPI(
        _ configuration: Configuration, analysis server: ProxyServer, logger: Logger
    ) async throws
        -> AdminHTTPServer?
    {
        guard !configuration.adminHTTPListen.isEmpty,
            let address = ListenAddress(parsing: configuration.adminHTTPListen)
        else { return nil }
        let api = try await AdminHTTPServer.start(
            host: address.host.isEmpty ? "0.0.0.0" : address.host, port: address.port,
            api: ReportAPI(analysis: server.analysis), logger: logger)
        logger.info(
            "HTTP API listening",
            metadata: ["address": "\(api.localAddress)", "analysis": "\(server.analysis != nil ? "on" : "off")"])
        if !address.isLoopback {
            logger.warning(
                "admin_http_listen is not a loopback address: the report (normalized statements, findings) is readable by anyone who can reach it"
            )
        }
        return api
    }
}
