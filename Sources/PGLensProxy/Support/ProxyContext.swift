import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PGLensAnalysis
import PGLensAuth
import PGLensConfig
import PGLensCrypto
import PGLensTLS
import PGWire
import Synchronization

/// What every client session of one proxy shares: configuration, pools, cancel keys, counters.
final class ProxyContext: Sendable {
    /// The configuration pglens started with. What `RELOAD` may change (users, databases, pool sizes,
    /// admin users) is read from `currentConfiguration` instead.
    let configuration: Configuration
    /// The configuration as last loaded (at start or by RELOAD).
    private let live: NIOLockedValueBox<Configuration>
    /// The file the configuration was read from; nil when pglens was started without one.
    let configurationPath: String?
    /// The logged-in client sessions, for the admin console.
    let clients = ClientRegistry()
    /// Traffic counters per database (SHOW STATS).
    let statistics: ProxyStatistics
    /// Stops the proxy (the admin console's SHUTDOWN); set by `ProxyServer`.
    let shutdownHandler = NIOLockedValueBox<(@Sendable () -> Void)?>(nil)
    /// When the proxy started (SHOW CONFIG, averages).
    let startedAt = Date()
    let loops: [any EventLoop]
    let pools: PoolManager
    let cancels = CancelRegistry()
    let logger: Logger
    /// The TLS contexts for new client and server connections; replaced by a reload.
    let tlsContexts: TLSContextStore
    /// The server-role TLS context for new clients; nil when `client_tls_sslmode = disable`.
    var clientTLS: TLSContext? { tlsContexts.client }
    private let mockSeed = SecureRandom.bytes(32)
    /// The time limits on logged-in clients.
    let timeouts: ClientTimeouts
    /// Per event loop, the sessions checked against `timeouts`; empty when no limit is on.
    let sweepers: [SessionSweeper]
    /// Where statement events go, off the event loops; nil when analysis is off.
    let analysis: AnalysisPipeline?
    /// Whether statement events carry parameter values (`capture_parameters`).
    let analysisCapturesParameters: Bool
    /// Gives each client session an id for its statement events.
    let clientIDs = Atomic<UInt64>(0)
    /// The wall-clock time of one monotonic instant, to date events without reading the wall clock.
    let clockAnchor = (monotonic: NIODeadline.now(), wall: Date())
    /// Normalizes statements before they reach a log line.
    let normalizer = StatementNormalizer()
    /// Clients connected now.
    let clientCount = Atomic<Int>(0)
    /// Set when pglens stops accepting clients and waits for the ones it has to finish (SIGTERM, SIGINT).
    let draining = Atomic<Bool>(false)
    /// SCRAM credentials derived from plain passwords, per user (deriving costs thousands of hashes).
    private let derivedCredentials = NIOLockedValueBox([String: SCRAMCredential]())
    /// Keys recovered from clients' SCRAM exchanges, per user, for users configured with a verifier.
    private let recoveredCredentials = NIOLockedValueBox([String: ServerCredential]())
    /// Looks up users not in `[users]` with `auth_query`.
    let authLookup: AuthQueryLookup
    /// Where and as whom a pool's connections log in, from the configuration as last loaded (the pools
    /// use it; so does the index advisor, for its own connection outside them).
    let poolResolver: PoolManager.PoolResolver

    init(
        configuration: Configuration, loops: [any EventLoop], logger: Logger,
        tlsContexts: TLSContextStore = TLSContextStore(.init()), analysis: AnalysisPipeline? = nil,
        captureParameters: Bool = false, configurationPath: String? = nil
    ) {
        self.configuration = configuration
        let live = NIOLockedValueBox(configuration)
        self.live = live
        self.configurationPath = configurationPath
        self.statistics = ProxyStatistics(loops: loops, periodSeconds: configuration.statsPeriod)
        self.analysis = analysis
        self.analysisCapturesParameters = captureParameters
        self.tlsContexts = tlsContexts
        self.loops = loops
        self.logger = logger
        let timeouts = ClientTimeouts(
            clientIdle: configuration.clientIdleTimeout, idleTransaction: configuration.idleTransactionTimeout,
            query: configuration.queryTimeout, queryWait: configuration.queryWaitTimeout)
        self.timeouts = timeouts
        self.sweepers =
            timeouts.isActive ? loops.map { SessionSweeper(eventLoop: $0, interval: timeouts.checkInterval) } : []
        let connector = ServerConnector(
            logger: logger, tlsMode: configuration.serverTLSSSLMode, tlsContexts: tlsContexts)
        let recovered = recoveredCredentials
        let authCache = AuthQueryLookup.makeCache(configuration)
        // Read in place under the lock: no copy of the configuration per acquisition.
        let resolver: PoolManager.PoolResolver = { key in
            live.withLockedValue { configuration in
                Self.resolve(key, configuration: configuration, recovered: recovered, looked: authCache)
            }
        }
        self.poolResolver = resolver
        let pools = PoolManager(
            loops: loops, connector: connector, resolve: resolver, logger: logger,
            maxPreparedStatements: configuration.maxPreparedStatements,
            times: Self.serverConnectionTimes(configuration), checkQuery: configuration.serverCheckQuery)
        self.pools = pools
        self.authLookup = AuthQueryLookup(configuration: configuration, pools: pools, cache: authCache, logger: logger)
    }

    var authPolicy: ClientAuthPolicy {
        let configuration = self.configuration
        let live = self.live
        let derived = derivedCredentials
        let lookup = authLookup
        var policy = ClientAuthPolicy(
            method: configuration.authType,
            allowPlaintextPassword: configuration.authAllowPlaintext,
            connectionIsEncrypted: false,
            tlsMode: clientTLS == nil ? .disable : configuration.clientTLSSSLMode,
            secret: { user in live.withLockedValue { $0.users[user]?.secret } },
            mockSeed: mockSeed,
            scramCredential: { user, password in
                derived.withLockedValue { cache in
                    if let credential = cache[user] { return credential }
                    let credential = SCRAMCredential.derive(
                        password: password, salt: SecureRandom.bytes(16), iterations: 4096)
                    cache[user] = credential
                    return credential
                }
            })
        policy.looksUpUnknownUsers = { database in lookup.looksUp(database: database) }
        return policy
    }

    /// The configuration as last loaded: at start, or by the admin console's RELOAD.
    var currentConfiguration: Configuration {
        live.withLockedValue { $0 }
    }

    /// Reads the configuration file again (with the environment's overrides) and puts in force what can
    /// change while running; throws the loader's error, naming every problem, and then nothing changes.
    /// Returns the keys that changed but need a restart. Blocks on file I/O: not for an event loop.
    func reloadConfiguration(from path: String) throws -> [String] {
        let reloaded = try ConfigurationLoader.load(path: path, environment: ProcessInfo.processInfo.environment)
        let ignored = applyReloaded(reloaded)
        logger.info(
            "configuration reloaded", metadata: ["needs_restart": "\(ignored.joined(separator: ","))"])
        return ignored
    }

    /// Puts a reloaded configuration in force for what can change while running (users, databases and
    /// their pool sizes, `default_pool_size`, `max_db_connections`, `min_pool_size`, `reserve_pool_size`,
    /// `reserve_pool_timeout`, `max_user_connections`, `admin_users`, `stats_users`): new logins and the
    /// pools' next requests use it. Returns the keys that changed but need a restart.
    func applyReloaded(_ reloaded: Configuration) -> [String] {
        var applied = configuration
        applied.users = reloaded.users
        applied.databases = reloaded.databases
        applied.defaultPoolSize = reloaded.defaultPoolSize
        applied.maxDBConnections = reloaded.maxDBConnections
        applied.minPoolSize = reloaded.minPoolSize
        applied.reservePoolSize = reloaded.reservePoolSize
        applied.reservePoolTimeout = reloaded.reservePoolTimeout
        applied.maxUserConnections = reloaded.maxUserConnections
        applied.adminUsers = reloaded.adminUsers
        applied.statsUsers = reloaded.statsUsers
        live.withLockedValue { $0 = applied }
        derivedCredentials.withLockedValue { $0.removeAll() }
        pools.configurationChanged()
        return applied.differingKeys(from: reloaded)
    }

    /// Keeps one session-state observation as a finding of the analysis (when it is on).
    func recordSessionState(_ observation: SessionStateObservation) {
        analysis?.recordSessionState(observation)
    }

    /// Remembers how to log in as `user` after it passed SCRAM against a verifier.
    func remember(_ credential: ServerCredential, for user: String) {
        recoveredCredentials.withLockedValue { $0[user] = credential }
    }

    func loopIndex(of eventLoop: any EventLoop) -> Int {
        loops.firstIndex { $0 === eventLoop } ?? 0
    }

    private static func resolve(
        _ key: PoolKey, configuration: Configuration, recovered: NIOLockedValueBox<[String: ServerCredential]>,
        looked: NIOLockedValueBox<AuthSecretCache>
    ) -> (target: ServerConnector.Target, limits: PoolLimits)? {
        guard let database = configuration.databases[key.database] else { return nil }
        let serverUser = database.forceUser ?? key.user
        let credential: ServerCredential
        if let password = database.password {
            credential = .password(password)
        } else {
            let authDatabase = configuration.authDBName.isEmpty ? key.database : configuration.authDBName
            let secret =
                configuration.users[serverUser]?.secret
                ?? looked.withLockedValue { $0.secret(user: serverUser, database: authDatabase) }
            switch secret {
            case .plain(let password): credential = .password(password)
            case .md5Hash(let hash): credential = .md5Hash(hash)
            case .scramVerifier, .none:
                // The key the client proved in its SCRAM exchange (a verifier in the config or looked up).
                credential = recovered.withLockedValue { $0[serverUser] } ?? .none
            }
        }
        let target = ServerConnector.Target(
            host: database.host, port: database.port, database: database.dbname, user: serverUser,
            credential: credential,
            connectTimeout: TimeAmount(configuredSeconds: configuration.serverConnectTimeout))
        let limits = PoolLimits(
            poolSize: configuration.poolSize(for: database),
            maxDBConnections: database.maxDBConnections ?? configuration.maxDBConnections,
            minPoolSize: configuration.minPoolSize(for: database),
            reservePoolSize: configuration.reservePoolSize(for: database),
            reservePoolTimeout: TimeAmount(configuredSeconds: configuration.reservePoolTimeout),
            maxUserConnections: configuration.maxUserConnections(for: configuration.users[key.user]))
        return (target, limits)
    }

    /// The `server_*` time settings, as the pools use them (0 meaning "never" where PgBouncer says so).
    private static func serverConnectionTimes(_ configuration: Configuration) -> ServerConnectionTimes {
        ServerConnectionTimes(
            idleTimeout: configuration.serverIdleTimeout > 0
                ? TimeAmount(configuredSeconds: configuration.serverIdleTimeout) : nil,
            lifetime: TimeAmount(configuredSeconds: configuration.serverLifetime),
            loginRetry: TimeAmount(configuredSeconds: configuration.serverLoginRetry),
            checkDelay: configuration.serverCheckQuery.isEmpty
                ? nil : TimeAmount(configuredSeconds: configuration.serverCheckDelay))
    }
}
