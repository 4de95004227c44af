import NIOCore
import PGWire

/// Carries a client's named prepared statements across the server connections it is given under
/// transaction pooling.
///
/// Each Parse, Bind, Describe and Close the client sends passes through `route`, which renames the
/// statement to its server name and, when the server connection at hand has not prepared it, sends the
/// Parse first (its ParseComplete is kept from the client). The client's Close is answered in order by
/// the server (a Close of a name that does not exist is not an error), and the client forgets the
/// statement; the server connection keeps it for other clients until its cache evicts it.
struct StatementRouter: Sendable {
    /// What to send to the server for one client message.
    enum Route: Equatable {
        /// The frame as the client sent it.
        case forward
        /// These frames instead, in order.
        case send([ByteBuffer])
    }

    private(set) var registry = ClientStatementRegistry()

    init() {}

    mutating func route(
        type: UInt8, frame: ByteBuffer, cache: inout ServerStatementCache, pending: inout PendingResponses
    ) throws -> Route {
        switch FrontendMessageID(rawValue: type) {
        case .parse:
            return try parse(frame, cache: &cache, pending: &pending)
        case .bind, .describe:
            guard let field = StatementNameField.locate(in: frame), !field.isUnnamed,
                let statement = registry[field.name(in: frame)]
            else { return .forward }
            var frames = prepare(statement, cache: &cache, pending: &pending)
            frames.append(field.replacing(with: statement.serverName, in: frame))
            return .send(frames)
        case .close:
            defer { pending.sentClose(swallow: false) }
            guard let field = StatementNameField.locate(in: frame), !field.isUnnamed,
                registry.remove(field.name(in: frame)) != nil
            else { return .forward }
            return .send([field.replacing(with: PreparedStatement.absentName, in: frame)])
        default:
            return .forward
        }
    }

    /// The client forgets every statement (`DEALLOCATE ALL`, `DISCARD ALL`).
    mutating func forgetAll() {
        registry.removeAll()
    }

    /// The client forgets one statement (`DEALLOCATE name`); returns it if it was the client's.
    mutating func forget(_ clientName: String) -> PreparedStatement? {
        registry.remove(clientName)
    }

    /// A Parse the server did not carry out: a client's own failed Parse leaves no statement behind.
    mutating func parseLost(_ lost: PendingResponses.LostParse, cache: inout ServerStatementCache) {
        cache.remove(lost.serverName)
        if let clientName = lost.clientName {
            registry.remove(clientName, ifServerName: lost.serverName)
        }
    }

    private mutating func parse(
        _ frame: ByteBuffer, cache: inout ServerStatementCache, pending: inout PendingResponses
    ) throws -> Route {
        guard let field = StatementNameField.locate(in: frame), !field.isUnnamed else {
            pending.sentParse(serverName: nil, clientName: nil, swallow: false)
            return .forward
        }
        guard case .parse(let name, let query, let types) = try FrontendMessage.decode(frame: frame) else {
            return .forward
        }
        let statement = registry.define(name, query: query, parameterTypes: types)
        var frames: [ByteBuffer] = []
        if cache.contains(statement.serverName) {
            // The client expects this Parse to be carried out (and to fail as it would): prepare anew.
            frames.append(Self.closeFrame(statement.serverName))
            pending.sentClose(swallow: true)
            cache.remove(statement.serverName)
        }
        if let evicted = cache.insert(statement.serverName) {
            frames.append(Self.closeFrame(evicted))
            pending.sentClose(swallow: true)
        }
        frames.append(statement.parseFrame())
        pending.sentParse(serverName: statement.serverName, clientName: name, swallow: false)
        return .send(frames)
    }

    /// The frames that prepare `statement` on the server connection if it lacks it (their answers are
    /// kept from the client).
    func prepareFrames(
        _ statement: PreparedStatement, cache: inout ServerStatementCache, pending: inout PendingResponses
    ) -> [ByteBuffer] {
        prepare(statement, cache: &cache, pending: &pending)
    }

    private func prepare(
        _ statement: PreparedStatement, cache: inout ServerStatementCache, pending: inout PendingResponses
    ) -> [ByteBuffer] {
        if cache.contains(statement.serverName) {
            cache.touch(statement.serverName)
            return []
        }
        var frames: [ByteBuffer] = []
        if let evicted = cache.insert(statement.serverName) {
            frames.append(Self.closeFrame(evicted))
            pending.sentClose(swallow: true)
        }
        frames.append(statement.parseFrame())
        pending.sentParse(serverName: statement.serverName, clientName: nil, swallow: true)
        return frames
    }

    private static func closeFrame(_ serverName: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        FrontendMessage.close(.statement, name: serverName).encode(into: &buffer)
        return buffer
    }
}
