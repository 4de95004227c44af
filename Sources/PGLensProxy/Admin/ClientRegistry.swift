import NIOConcurrencyHelpers
import NIOCore

/// The client sessions that are logged in, by id; sessions add themselves at login and leave when they
/// end (not per message).
final class ClientRegistry: Sendable {
    private struct Entry {
        var session: any AdministeredSession
        var database: String
    }

    private let sessions = NIOLockedValueBox([UInt64: Entry]())

    func add(_ session: any AdministeredSession, id: UInt64, database: String) {
        sessions.withLockedValue { $0[id] = Entry(session: session, database: database) }
    }

    func remove(id: UInt64) {
        sessions.withLockedValue { $0[id] = nil }
    }

    func session(id: UInt64) -> (any AdministeredSession)? {
        sessions.withLockedValue { $0[id]?.session }
    }

    /// Every session with the database it logged in to.
    var entries: [(session: any AdministeredSession, database: String)] {
        sessions.withLockedValue { $0.values.map { ($0.session, $0.database) } }
    }

    var all: [any AdministeredSession] {
        sessions.withLockedValue { $0.values.map(\.session) }
    }

    /// Snapshots of every session, each taken on its own loop, sorted by id; delivered on `eventLoop`.
    func snapshots(on eventLoop: any EventLoop) -> EventLoopFuture<[ConnectionSnapshot]> {
        let futures = all.map { session in session.eventLoop.submit { session.snapshot() } }
        return EventLoopFuture.whenAllComplete(futures, on: eventLoop).map { results in
            results.compactMap { try? $0.get() }.compactMap { $0 }.sorted { $0.id < $1.id }
        }
    }
}
