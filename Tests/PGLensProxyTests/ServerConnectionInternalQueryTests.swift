import Logging
import NIOCore
import NIOEmbedded
import PGWire
import Testing

@testable import PGLensProxy

/// pglens's own queries on a server connection (reset, check, settings) are bounded in time: a backend
/// that stops answering gets its connection closed, not a pool slot held for ever.
@Suite struct ServerConnectionInternalQueryTests {
    final class Outcome: @unchecked Sendable {
        var result: Result<InternalQueryResult, any Error>?
    }

    private func connection(limit: TimeAmount) throws -> (EmbeddedChannel, ServerConnection) {
        let channel = EmbeddedChannel()
        try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 5432)).wait()
        let server = ServerConnection(
            id: 1, key: PoolKey(database: "app", user: "app"), channel: channel,
            remoteAddress: try SocketAddress(ipAddress: "127.0.0.1", port: 5432), backendKey: nil, parameters: [:],
            loopIndex: 0, internalQueryTimeout: limit, logger: Logger(label: "test"))
        try channel.pipeline.syncOperations.addHandler(ServerConnectionHandler(connection: server))
        return (channel, server)
    }

    private func run(_ query: String, on server: ServerConnection, channel: EmbeddedChannel) -> Outcome {
        let outcome = Outcome()
        server.runInternalQuery(query).whenComplete { outcome.result = $0 }
        channel.embeddedEventLoop.run()
        return outcome
    }

    @Test func anUnansweredQueryClosesTheConnectionAtItsLimit() throws {
        let (channel, server) = try connection(limit: .seconds(2))
        let outcome = run("DISCARD ALL", on: server, channel: channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1999))
        #expect(outcome.result == nil)
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        guard case .failure = outcome.result else {
            Issue.record("the query did not fail: \(String(describing: outcome.result))")
            return
        }
    }

    @Test func anAnsweredQueryKeepsTheConnection() throws {
        let (channel, server) = try connection(limit: .seconds(2))
        let outcome = run("DISCARD ALL", on: server, channel: channel)
        var answer = ByteBuffer()
        BackendMessage.readyForQuery(.idle).encode(into: &answer)
        try channel.writeInbound(answer)
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(channel.isActive)
        guard case .success(let result) = outcome.result else {
            Issue.record("the query did not succeed: \(String(describing: outcome.result))")
            return
        }
        #expect(result.error == nil)
        #expect(result.transactionStatus == .idle)
        // The connection takes another query once idle again.
        let next = run("SELECT 1", on: server, channel: channel)
        #expect(next.result == nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }
}
