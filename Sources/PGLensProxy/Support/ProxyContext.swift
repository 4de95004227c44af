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
    let configuration: Configuration
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
    /// SCRAM credentials derived from plain passwords, per user (deriving costs thousands of hashes).
    private let derivedCredentials = NIOLockedValueBox([String: SCRAMCredential]())
    /// Keys recovered from clients' SCRAM exchanges, per user, for users configured with a verifier.
    private let recoveredCredentials = NIOLockedValueBox([String: ServerCredential]())
    /// Looks up users not in `[users]` with `auth_query`.
    let authLookup: AuthQueryLookup

    init(
        configuration: Configuration, loops: [any EventLoop], logger: Logger,
        tlsContexts: TLSContextStore = TLSContextStore(.init()), analysis: AnalysisPipeline? = nil,
        captureParameters: Bool = false
    ) {
        self.configuration = configuration
        self.analysis = analysis
        self.analysisCapturesParameters = captureParameters
        self.tlsContexts = tlsContexts
        self.loops = loops
        self.logger = logger
        let timeouts = ClientTimeouts(
            clientIdle: configuration.clientIdleTimeout, idleTransaction: configuration.idleTransactionTimeout,
            query: configuration.queryTimeout)
        self.timeouts = timeouts
        self.sweepers =
            timeouts.isActive ? loops.map { SessionSweeper(eventLoop: $0, interval: timeouts.checkInterval) } : []
        let connector = ServerConnector(
            logger: logger, tlsMode: configuration.serverTLSSSLMode, tlsContexts: tlsContexts)
        let recovered = recoveredCredentials
        let authCache = AuthQueryLookup.makeCache(configuration)
        let pools = PoolManager(
            loops: loops, connector: connector,
            resolve: { key in
                Self.resolve(key, configuration: configuration, recovered: recovered, looked: authCache)
            },
            logger: logger, maxPreparedStatements: configuration.maxPreparedStatements,
            times: Self.serverConnectionTimes(configuration), checkQuery: configuration.serverCheckQuery,
            checkTimeout: TimeAmount(configuredSeconds: configuration.serverConnectTimeout))
        self.pools = pools
        self.authLookup = AuthQueryLookup(configuration: configuration, pools: pools, cache: authCache, logger: logger)
    }

    var authPolicy: ClientAuthPolicy {
        let configuration = self.configuration
        let derived = derivedCredentials
        let lookup = authLookup
        var policy = ClientAuthPolicy(
            method: configuration.authType,
            allowPlaintextPassword: configuration.authAllowPlaintext,
            connectionIsEncrypted: false,
            tlsMode: clientTLS == nil ? .disable : configuration.clientTLSSSLMode,
            secret: { user in configuration.users[user]?.secret },
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
