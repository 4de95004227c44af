import NIOCore
import PGWire
import Testing

@testable import PGLensProxy

/// Which client messages start commands on the admin console, and what the others get.
@Suite struct AdminConsoleSessionTests {
    private static func query(_ text: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        _ = buffer.writeCString(text)
        return buffer
    }

    private static let type = (
        query: FrontendMessageID.query.rawValue, parse: FrontendMessageID.parse.rawValue,
        bind: FrontendMessageID.bind.rawValue, sync: FrontendMessageID.sync.rawValue,
        terminate: FrontendMessageID.terminate.rawValue
    )

    @Test func queryRunsItsStatementsInOrder() {
        var session = AdminConsoleSession()
        #expect(
            session.received(type: Self.type.query, body: Self.query("SHOW POOLS; RESUME;"))
                == .run(["SHOW POOLS", " RESUME"]))
    }

    @Test func emptyQueryGetsEmptyQueryResponse() {
        var session = AdminConsoleSession()
        #expect(
            session.received(type: Self.type.query, body: Self.query(" ; "))
                == .reply([.emptyQueryResponse, .readyForQuery(.idle)]))
    }

    @Test func extendedProtocolGetsOneErrorThenReadyForQueryAtSync() {
        var session = AdminConsoleSession()
        #expect(
            session.received(type: Self.type.parse, body: ByteBuffer())
                == .reply([.errorResponse(AdminConsoleSession.simpleQueryOnly)]))
        #expect(session.received(type: Self.type.bind, body: ByteBuffer()) == .reply([]))
        #expect(session.received(type: Self.type.sync, body: ByteBuffer()) == .reply([.readyForQuery(.idle)]))
        #expect(AdminConsoleSession.simpleQueryOnly.sqlState?.code == "0A000")
        #expect(session.received(type: Self.type.query, body: Self.query("SHOW HELP")) == .run(["SHOW HELP"]))
    }

    @Test func terminateCloses() {
        var session = AdminConsoleSession()
        #expect(session.received(type: Self.type.terminate, body: ByteBuffer()) == .close)
    }

    @Test func queryWithoutTerminatorIsAProtocolViolation() {
        var session = AdminConsoleSession()
        guard
            case .sendErrorAndClose(let error) = session.received(type: Self.type.query, body: ByteBuffer(string: "x"))
        else {
            Issue.record("expected sendErrorAndClose")
            return
        }
        #expect(error.sqlState?.code == "08P01")
    }
}
