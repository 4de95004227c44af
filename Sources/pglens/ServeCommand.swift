import ArgumentParser
import Dispatch
import Foundation
import Logging
import PGLensConfig
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

    func validate() throws {
        if (config == nil) == (upstream == nil) {
            throw ValidationError("give either --config FILE or --upstream URL")
        }
        if listen != nil, upstream == nil {
            throw ValidationError("--listen goes with --upstream; with --config set listen_addr and listen_port")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration: Configuration
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
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT, SIGHUP])
        // SHUTDOWN on the admin console closes the listener: stop as on SIGTERM.
        Task {
            try? await server.waitUntilClosed()
            signals.deliver(SIGTERM)
        }
        var received = await signals.next()
        while received == SIGHUP {
            logger.info("SIGHUP: reloading TLS certificates")
            server.reloadTLS()
            received = await signals.next()
        }
        logger.info("shutting down", metadata: ["signal": "\(received)"])
        try await server.shutdown()
    }
}
