import NIOCore
import PGLensConfig

/// Secrets looked up with `auth_query`, kept for `auth_query_cache_ttl`, per (database the query ran in,
/// user). An answer that the user has no secret is kept as well, so that a client guessing user names does
/// not send one query per attempt. I/O-free: times are passed in.
struct AuthSecretCache: Sendable {
    /// Which lookup an entry answers.
    struct Key: Hashable, Sendable {
        /// The database `auth_query` ran in.
        var database: String
        /// The user looked up.
        var user: String
    }

    private struct Entry: Sendable {
        var secret: UserSecret?
        var expires: NIODeadline
    }

    private var entries: [Key: Entry] = [:]
    /// How long an answer is kept.
    let timeToLive: TimeAmount
    /// The most answers kept; past it, expired ones are dropped, then the cache is emptied.
    let capacity: Int

    init(timeToLive: TimeAmount, capacity: Int = 10_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// The kept answer for `key` at `now`: `.some(secret)` (a secret, or nil for "no such user"), or nil when
    /// there is no fresh answer.
    func answer(for key: Key, now: NIODeadline) -> UserSecret?? {
        guard let entry = entries[key], entry.expires > now else { return nil }
        return .some(entry.secret)
    }

    /// Keeps an answer from `now` on (with a time to live of zero it is never fresh, but its secret is
    /// still there for ``secret(user:database:)``).
    mutating func store(_ secret: UserSecret?, for key: Key, now: NIODeadline) {
        if entries.count >= capacity, entries[key] == nil {
            entries = entries.filter { $0.value.expires > now }
            if entries.count >= capacity { entries.removeAll() }
        }
        entries[key] = Entry(secret: secret, expires: now + timeToLive)
    }

    /// The kept secret of `user` for logging in to `database`'s server, however old: the server login of
    /// a client that was authenticated with it must not fail because the answer expired since.
    func secret(user: String, database: String) -> UserSecret? {
        entries[Key(database: database, user: user)]?.secret
    }
}
