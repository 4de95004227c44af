import NIOCore
import PGWire
import Testing

@testable import PGLensProxy

@Suite struct StatementRouterTests {
    private let query = "SELECT $1::int"
    private var serverName: String { PreparedStatement.serverName(query: query, parameterTypes: [23]) }

    private func frame(_ message: FrontendMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        return buffer
    }

    /// Routes one message and decodes what would reach the server.
    private func route(
        _ message: FrontendMessage, _ router: inout StatementRouter, _ cache: inout ServerStatementCache,
        _ pending: inout PendingResponses
    ) throws -> [FrontendMessage] {
        let input = frame(message)
        switch try router.route(type: message.id.rawValue, frame: input, cache: &cache, pending: &pending) {
        case .forward:
            return [message]
        case .send(let frames):
            return try frames.map { try FrontendMessage.decode(frame: $0) }
        }
    }

    @Test func parseIsRenamedAndBindOnAnotherServerPreparesFirst() throws {
        var router = StatementRouter()
        var first = ServerStatementCache(capacity: 10)
        var pending = PendingResponses()
        let parsed = try route(.parse(name: "s1", query: query, parameterTypes: [23]), &router, &first, &pending)
        #expect(parsed == [.parse(name: serverName, query: query, parameterTypes: [23])])
        #expect(pending.parseCompleted() == .forward)

        var second = ServerStatementCache(capacity: 10)
        let bound = try route(.bind(BindMessage(statement: "s1")), &router, &second, &pending)
        #expect(
            bound == [
                .parse(name: serverName, query: query, parameterTypes: [23]), .bind(BindMessage(statement: serverName)),
            ])
        #expect(pending.parseCompleted() == .swallow)
        // Prepared now: the next Bind is only renamed.
        let again = try route(.bind(BindMessage(statement: "s1")), &router, &second, &pending)
        #expect(again == [.bind(BindMessage(statement: serverName))])
    }

    @Test func parseOnAServerThatHasTheStatementPreparesItAnew() throws {
        var router = StatementRouter()
        var cache = ServerStatementCache(capacity: 10)
        _ = cache.insert(serverName)
        var pending = PendingResponses()
        let sent = try route(.parse(name: "mine", query: query, parameterTypes: [23]), &router, &cache, &pending)
        #expect(
            sent == [
                .close(.statement, name: serverName), .parse(name: serverName, query: query, parameterTypes: [23]),
            ])
        #expect(pending.closeCompleted() == .swallow)
        #expect(pending.parseCompleted() == .forward)
    }

    @Test func closeIsAnsweredInOrderAndForgotten() throws {
        var router = StatementRouter()
        var cache = ServerStatementCache(capacity: 10)
        var pending = PendingResponses()
        _ = try route(.parse(name: "s1", query: query, parameterTypes: [23]), &router, &cache, &pending)
        _ = pending.parseCompleted()
        let closed = try route(.close(.statement, name: "s1"), &router, &cache, &pending)
        #expect(closed == [.close(.statement, name: PreparedStatement.absentName)])
        #expect(pending.closeCompleted() == .forward)
        #expect(router.registry["s1"] == nil)
        // The server connection keeps it for other clients.
        #expect(cache.contains(serverName))
        // A Bind of a name the client no longer has reaches the server unchanged (and fails there).
        let bound = try route(.bind(BindMessage(statement: "s1")), &router, &cache, &pending)
        #expect(bound == [.bind(BindMessage(statement: "s1"))])
    }

    @Test func evictionClosesTheLeastRecentlyUsedStatement() throws {
        var router = StatementRouter()
        var cache = ServerStatementCache(capacity: 1)
        var pending = PendingResponses()
        _ = try route(.parse(name: "a", query: "SELECT 1", parameterTypes: []), &router, &cache, &pending)
        let sent = try route(.parse(name: "b", query: "SELECT 2", parameterTypes: []), &router, &cache, &pending)
        let first = PreparedStatement.serverName(query: "SELECT 1", parameterTypes: [])
        let second = PreparedStatement.serverName(query: "SELECT 2", parameterTypes: [])
        #expect(sent == [.close(.statement, name: first), .parse(name: second, query: "SELECT 2", parameterTypes: [])])
        #expect(cache.contains(second) && !cache.contains(first))
    }

    @Test func unnamedStatementsAndPortalsPassUnchanged() throws {
        var router = StatementRouter()
        var cache = ServerStatementCache(capacity: 10)
        var pending = PendingResponses()
        let messages: [FrontendMessage] = [
            .parse(name: "", query: "SELECT 1", parameterTypes: []), .bind(BindMessage()),
            .describe(.portal, name: ""), .execute(portal: "", maxRows: 0), .close(.portal, name: "p"),
        ]
        for message in messages {
            #expect(try route(message, &router, &cache, &pending) == [message])
        }
        #expect(cache.count == 0)
    }

    @Test func aFailedParseOfTheClientsOwnLeavesNoStatement() throws {
        var router = StatementRouter()
        var cache = ServerStatementCache(capacity: 10)
        var pending = PendingResponses()
        _ = try route(.parse(name: "bad", query: "SELEC 1", parameterTypes: []), &router, &cache, &pending)
        pending.sentRequests(1)
        for lost in pending.errorReceived() { router.parseLost(lost, cache: &cache) }
        #expect(router.registry["bad"] == nil)
        #expect(cache.count == 0)
    }
}
