import NIOCore

/// The client session a server connection is linked to. Every call is made on the owner's event loop.
protocol ServerConnectionOwner: AnyObject, Sendable {
    var eventLoop: any EventLoop { get }
    /// Bytes the server sent, unchanged.
    func serverConnection(_ connection: ServerConnection, didRead bytes: ByteBuffer)
    /// The end of one read burst: time to flush what was forwarded.
    func serverConnectionDidReadComplete(_ connection: ServerConnection)
    /// The server connection's send buffer filled up (false) or drained (true).
    func serverConnectionWritabilityChanged(_ connection: ServerConnection, isWritable: Bool)
    /// The server connection is gone.
    func serverConnectionDidClose(_ connection: ServerConnection)
}
