import NIOCore

/// How long server connections live and sit unused, for every pool (PgBouncer's `server_*` settings).
struct ServerConnectionTimes: Sendable, Equatable {
    /// An idle connection unused this long is closed, unless the pool would drop below `min_pool_size`;
    /// nil never (`server_idle_timeout = 0`).
    var idleTimeout: TimeAmount?
    /// A connection open this long is closed when it is released (or found idle) instead of pooled;
    /// `.zero` uses each connection for one client only (`server_lifetime = 0`), as PgBouncer does.
    var lifetime: TimeAmount
    /// After a failed connect or login, no new connection is tried for the pool before this has passed.
    var loginRetry: TimeAmount
    /// An idle connection unused this long is checked with `server_check_query` before a client gets it;
    /// `.zero` checks every time; nil never checks (`server_check_query` empty).
    var checkDelay: TimeAmount?

    init(
        idleTimeout: TimeAmount? = .seconds(600), lifetime: TimeAmount = .seconds(3600),
        loginRetry: TimeAmount = .seconds(15), checkDelay: TimeAmount? = .seconds(30)
    ) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
        self.loginRetry = loginRetry
        self.checkDelay = checkDelay
    }
}
