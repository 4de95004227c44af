import Foundation

/// One client session or server connection as `SHOW CLIENTS` / `SHOW SERVERS` list it, taken on the
/// connection's own event loop (clients) or from the pool (servers).
struct ConnectionSnapshot: Equatable, Sendable {
    /// PgBouncer's words: clients are `active`, `idle` (logged in, holding nothing) or `waiting` (for a
    /// server connection); servers are `active` (linked to a client) or `idle` (in the pool).
    enum State: String, Sendable {
        case active
        case idle
        case waiting
    }

    /// The id `KILL_CLIENT` takes (clients) or the pool's id of the connection (servers).
    var id: UInt64
    var user: String
    var database: String
    var state: State
    var address: String
    var port: Int
    var localAddress: String
    var localPort: Int
    var connectTime: Date
    /// When the last request started (clients) or the connection was last handed over; nil: never.
    var requestTime: Date?
    /// How long it has waited for a server connection, when `state == .waiting`.
    var waitMicroseconds: UInt64 = 0
    /// The other side: for a client, the server connection it holds; for a server, the client.
    var linkedServerID: Int?
    /// The backend's process id (servers).
    var remotePID: Int32 = 0
    /// A description of the TLS session, empty without TLS.
    var tls: String = ""
    var applicationName: String = ""
    var preparedStatements: Int = 0

    /// The `ptr` column: an identifier of the connection, `c` or `s` and its id, in hexadecimal.
    static func pointer(client id: UInt64) -> String { "c" + String(id, radix: 16) }
    static func pointer(server id: Int) -> String { "s" + String(id, radix: 16) }
}
