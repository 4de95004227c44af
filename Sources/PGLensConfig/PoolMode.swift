/// How long a client keeps the server connection it was given.
public enum PoolMode: String, Sendable, Equatable, CaseIterable {
    /// The client holds one server connection for its whole session.
    case session
    /// The server connection is given back after each transaction.
    case transaction
}
