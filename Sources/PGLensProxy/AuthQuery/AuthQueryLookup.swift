import Logging
import NIOConcurrencyHelpers
import NIOCore
import PGLensConfig
import PGWire

/// Looks up the secrets of users that are not in `[users]`: runs `auth_query` as `auth_user` on a pooled
/// server connection (with the user name as its one parameter, never spliced into the SQL) and keeps the
/// answers in an ``AuthSecretCache``.
final class AuthQueryLookup: Sendable {
    /// Why a lookup failed.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let configuration: Configuration
    private let pools: PoolManager
    private let logger: Logger
    private let cache: NIOLockedValueBox<AuthSecretCache>

    /// Creates the lookup; `cache` is shared with whoever needs the kept secrets for server logins.
    init(
        configuration: Configuration, pools: PoolManager, cache: NIOLockedValueBox<AuthSecretCache>, logger: Logger
    ) {
        self.configuration = configuration
        self.pools = pools
        self.logger = logger
        self.cache = cache
    }

    /// An empty cache for `configuration`'s `auth_query_cache_ttl`.
    static func makeCache(_ configuration: Configuration) -> NIOLockedValueBox<AuthSecretCache> {
        NIOLockedValueBox(AuthSecretCache(timeToLive: .nanoseconds(Int64(configuration.authQueryCacheTTL * 1e9))))
    }

    /// The database `auth_query` runs in for clients of `database`.
    func authDatabase(for database: String) -> String {
        configuration.authDBName.isEmpty ? database : configuration.authDBName
    }

    /// Whether users of `database` not in the config are looked up.
    func looksUp(database: String) -> Bool {
        guard let configured = configuration.databases[database] else { return false }
        return configuration.authUser(for: configured) != nil
    }

    /// The secret of `user` for clients of `database`; nil when the role does not exist, cannot log in, has
    /// no password or has expired. Completes on `eventLoop`.
    func secret(
        user: String, database: String, loopIndex: Int, on eventLoop: any EventLoop
    )
        -> EventLoopFuture<UserSecret?>
    {
        guard let configured = configuration.databases[database],
            let authUser = configuration.authUser(for: configured)
        else { return eventLoop.makeSucceededFuture(nil) }
        let key = AuthSecretCache.Key(database: authDatabase(for: database), user: user)
        if let answer = cache.withLockedValue({ $0.answer(for: key, now: .now()) }) {
            return eventLoop.makeSucceededFuture(answer)
        }
        let promise = eventLoop.makePromise(of: UserSecret?.self)
        let query = configuration.authQuery
        let pools = self.pools
        _ = pools.acquire(key: PoolKey(database: key.database, user: authUser), loopIndex: loopIndex) { result in
            switch result {
            case .failure(let failure):
                promise.fail(
                    Failure(
                        description: "no server connection for auth_user \(authUser): \(failure.error.message ?? "")"))
            case .success(let server):
                server.runInternalQuery(query, parameters: [user]).hop(to: eventLoop).whenComplete { outcome in
                    switch outcome {
                    case .success(let answer):
                        if answer.transactionStatus == .idle {
                            pools.release(server, resetQuery: nil)
                        } else {
                            pools.discard(server)
                        }
                        if let error = answer.error {
                            promise.fail(
                                Failure(
                                    description:
                                        "auth_query failed: \(error.sqlState?.code ?? "") \(error.message ?? "")"))
                        } else {
                            promise.succeed(Self.secret(in: answer.rows))
                        }
                    case .failure(let error):
                        pools.discard(server)
                        promise.fail(Failure(description: "auth_query failed: \(error)"))
                    }
                }
            }
        }
        return promise.futureResult.map { secret in
            self.cache.withLockedValue { $0.store(secret, for: key, now: .now()) }
            return secret
        }.flatMapErrorThrowing { error in
            self.logger.warning(
                "could not look up a user's secret with auth_query",
                metadata: ["user": "\(user)", "auth_user": "\(authUser)", "error": "\(error)"])
            throw error
        }
    }

    /// The secret in `auth_query`'s answer: the second column of its first row (PgBouncer's `usename,
    /// passwd` shape), or the only column of a one-column answer; nil for no row, NULL or an empty value.
    static func secret(in rows: [[String?]]) -> UserSecret? {
        guard let row = rows.first else { return nil }
        let value = row.count >= 2 ? row[1] : row.first ?? nil
        guard let value, !value.isEmpty else { return nil }
        return UserSecret(configValue: value)
    }
}
