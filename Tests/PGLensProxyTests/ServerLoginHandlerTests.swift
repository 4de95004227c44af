import Logging
import NIOCore
import NIOEmbedded
import PGLensConfig
import PGWire
import Testing

@testable import PGLensProxy

/// The server login handler on an EmbeddedChannel: SSLRequest first, the server's one-byte answer, and
/// what each `server_tls_sslmode` makes of it (no TLS handshake happens here).
@Suite struct ServerLoginHandlerTests {
    /// Where the login's outcome lands (the embedded loop runs callbacks at once).
    final class Outcome: @unchecked Sendable {
        var value: ServerLoginHandler.Outcome?
        var isFulfilled: Bool { value != nil }
    }

    /// A connected channel with a login handler for `mode`, and where its outcome lands.
    private static func channel(_ mode: ServerTLSMode) throws -> (EmbeddedChannel, Outcome) {
        let channel = EmbeddedChannel()
        let promise = channel.eventLoop.makePromise(of: ServerLoginHandler.Outcome.self)
        let handler = ServerLoginHandler(
            startup: StartupMessage(parameters: [StartupParameter(name: "user", value: "app")]),
            machine: ServerLoginMachine(user: "app", credential: .none),
            encryption: .init(
                negotiation: ServerTLSNegotiation(mode: mode, server: "db:5432"), context: nil, host: "db",
                bindsChannel: false),
            promise: promise, logger: Logger(label: "test"))
        try channel.pipeline.syncOperations.addHandler(handler)
        let outcome = Outcome()
        promise.futureResult.whenSuccess { outcome.value = $0 }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5432)).wait()
        return (channel, outcome)
    }

    private static func written(_ channel: EmbeddedChannel) throws -> [UInt8] {
        var all: [UInt8] = []
        while let part = try channel.readOutbound(as: ByteBuffer.self) { all += Array(part.readableBytesView) }
        return all
    }

    private static let sslRequest: [UInt8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]

    private static func answer(_ channel: EmbeddedChannel, _ bytes: [UInt8]) throws {
        try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
    }

    /// The error the waiting client is told, or nil when the login has not failed.
    private static func failure(_ outcome: Outcome) -> ErrorFields? {
        guard case .failed(let error)? = outcome.value else { return nil }
        return error
    }

    @Test func disableSendsTheStartupAtOnce() throws {
        let (channel, outcome) = try Self.channel(.disable)
        let bytes = try Self.written(channel)
        #expect(bytes.count > 8 && Array(bytes[4..<8]) == [0, 3, 0, 0])
        #expect(!outcome.isFulfilled)
        _ = try channel.finish()
    }

    @Test func preferSendsSSLRequestThenTheStartupInPlainTextOnN() throws {
        let (channel, outcome) = try Self.channel(.prefer)
        #expect(try Self.written(channel) == Self.sslRequest)
        try Self.answer(channel, [UInt8(ascii: "N")])
        let startup = try Self.written(channel)
        #expect(startup.count > 8 && Array(startup[4..<8]) == [0, 3, 0, 0])
        #expect(!outcome.isFulfilled)
        _ = try channel.finish()
    }

    @Test func verifyFullRefusesNWith08001AndCloses() throws {
        let (channel, outcome) = try Self.channel(.verifyFull)
        #expect(try Self.written(channel) == Self.sslRequest)
        try Self.answer(channel, [UInt8(ascii: "N")])
        let error = try #require(Self.failure(outcome))
        #expect(error.sqlState == .sqlclientUnableToEstablishSQLConnection)
        #expect(
            error.message?.hasSuffix("does not support SSL, but SSL was required (server_tls_sslmode = verify-full)")
                == true)
        #expect(try Self.written(channel).isEmpty)
        #expect(!channel.isActive)
    }

    @Test func bytesWithTheSAreRefused() throws {
        let (channel, outcome) = try Self.channel(.require)
        _ = try Self.written(channel)
        try Self.answer(channel, [UInt8(ascii: "S"), UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 0])
        let error = try #require(Self.failure(outcome))
        #expect(error.sqlState == .protocolViolation)
        #expect(!channel.isActive)
    }

    @Test func sWithoutAContextFailsWithTheTLSReason() throws {
        let (channel, outcome) = try Self.channel(.require)
        _ = try Self.written(channel)
        try Self.answer(channel, [UInt8(ascii: "S")])
        let error = try #require(Self.failure(outcome))
        #expect(error.sqlState == .sqlclientUnableToEstablishSQLConnection)
        #expect(error.message?.contains("no TLS context toward servers") == true)
    }
}
