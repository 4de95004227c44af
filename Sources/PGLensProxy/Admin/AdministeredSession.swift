import NIOCore

/// A logged-in client session as the admin console sees it: it lives on one event loop, where it can be
/// asked for a snapshot or told to close.
protocol AdministeredSession: AnyObject, Sendable {
    /// The loop the session runs on; `snapshot()` and `kill(_:)` must be called there.
    var eventLoop: any EventLoop { get }
    /// What SHOW CLIENTS lists about the session; nil once it has ended.
    func snapshot() -> ConnectionSnapshot?
    /// Ends the session with `message` (a FATAL error), giving back what it holds.
    func kill(_ message: String)
    /// pglens is shutting down: end the session (FATAL 57P01) at once if it is between transactions,
    /// else as soon as its transaction is over.
    func drain()
}
