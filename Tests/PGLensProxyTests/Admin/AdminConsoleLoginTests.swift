import Foundation
import Logging
import NIOCore
import NIOEmbedded
import PGLensAnalysis
import PGLensConfig
import PGWire
import Testing

@testable import PGLensProxy

/// The admin console end to end on an EmbeddedChannel: who may log in, what a Query gets, what the
/// extended protocol gets, and the SHOW commands that read the analysis.
@Suite struct AdminConsoleLoginTests {
    private static func channel(analysis: AnalysisPipeline? = nil) throws -> (EmbeddedChannel, ProxyContext) {
        var configuration = Configuration()
        configuration.authType = .trust
        configuration.databases = ["app": DatabaseConfiguration(name: "app")]
        configuration.users = [
            "admin": UserConfiguration(name: "admin", secret: .plain("pw")),
            "watcher": UserConfiguration(name: "watcher", secret: .plain("pw")),
            "app": UserConfiguration(name: "app", secret: .plain("pw")),
        ]
        configuration.adminUsers = ["admin"]
        configuration.statsUsers = ["watcher"]
        let loop = EmbeddedEventLoop()
        let shared = ProxyContext(
            configuration: configuration, loops: [loop], logger: Logger(label: "test"), analysis: analysis)
        return (try channel(shared), shared)
    }

    /// Another client connection to the same proxy.
    private static func channel(_ shared: ProxyContext) throws -> EmbeddedChannel {
        let loop = shared.loops[0] as! EmbeddedEventLoop
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(
            ClientSessionHandler(shared: shared, eventLoop: loop, refusal: nil))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5432)).wait()
        return channel
    }

    private static func send(_ channel: EmbeddedChannel, _ message: FrontendMessage) throws {
        var buffer = channel.allocator.buffer(capacity: 64)
        message.encode(into: &buffer)
        try channel.writeInbound(buffer)
        (channel.eventLoop as! EmbeddedEventLoop).run()
    }

    private static func login(_ channel: EmbeddedChannel, user: String, database: String = "pglens") throws {
        var buffer = channel.allocator.buffer(capacity: 64)
        StartupPacket.startup(
            StartupMessage(parameters: [
                StartupParameter(name: "user", value: user), StartupParameter(name: "database", value: database),
                StartupParameter(name: "application_name", value: "console-test"),
            ])
        ).encode(into: &buffer)
        try channel.writeInbound(buffer)
    }

    private static func messages(_ channel: EmbeddedChannel) throws -> [BackendMessage] {
        var bytes = channel.allocator.buffer(capacity: 256)
        while var part = try channel.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&part) }
        var messages: [BackendMessage] = []
        while bytes.readableBytes >= 5, let length = bytes.getInteger(at: bytes.readerIndex + 1, as: Int32.self) {
            messages.append(try BackendMessage.decode(frame: bytes.readSlice(length: Int(length) + 1)!))
        }
        return messages
    }

    private static func errorCodes(_ messages: [BackendMessage]) -> [String] {
        messages.compactMap { message in
            if case .errorResponse(let fields) = message { return fields.sqlState?.code }
            return nil
        }
    }

    private static func rows(_ messages: [BackendMessage]) -> [[String?]] {
        messages.compactMap { message in
            guard case .dataRow(let values) = message else { return nil }
            return values.map { $0.map { String(buffer: $0) } }
        }
    }

    @Test func userOutsideAdminAndStatsUsersIsRefusedWith28000() throws {
        let (channel, _) = try Self.channel()
        try Self.login(channel, user: "app", database: "pgbouncer")
        let messages = try Self.messages(channel)
        #expect(Self.errorCodes(messages) == ["28000"])
        guard case .errorResponse(let fields)? = messages.last else { return }
        #expect(fields[ErrorFieldType.message] == "pglens: not allowed")
        #expect(!channel.isActive)
    }

    @Test func adminRunsSeveralStatementsInOneQuery() throws {
        let (channel, _) = try Self.channel()
        try Self.login(channel, user: "admin")
        let login = try Self.messages(channel)
        #expect(login.first == .authentication(.ok))
        #expect(login.last == .readyForQuery(.idle))
        try Self.send(channel, .query("show version; SHOW CLIENTS;"))
        let messages = try Self.messages(channel)
        let tags = messages.compactMap { message -> String? in
            if case .commandComplete(let complete) = message { return complete.tag }
            return nil
        }
        #expect(tags == ["SHOW", "SHOW"])
        #expect(messages.last == .readyForQuery(.idle))
        let rows = Self.rows(messages)
        #expect(rows.first == [AdminTables.versionText])
        // The console session itself is a client: user admin, database pglens, its application_name.
        #expect(rows.count == 2)
        #expect(rows.last?[1] == "admin")
        #expect(rows.last?[2] == "pglens")
        #expect(rows.last?[18] == "console-test")
    }

    @Test func unknownCommandGets42601AndTheRestOfTheQueryIsSkipped() throws {
        let (channel, _) = try Self.channel()
        try Self.login(channel, user: "admin")
        _ = try Self.messages(channel)
        try Self.send(channel, .query("SELECT 1; SHOW VERSION"))
        let messages = try Self.messages(channel)
        #expect(Self.errorCodes(messages) == ["42601"])
        #expect(Self.rows(messages).isEmpty)
        #expect(messages.last == .readyForQuery(.idle))
        try Self.send(channel, .query("SHOW VERSION"))
        #expect(Self.rows(try Self.messages(channel)) == [[AdminTables.versionText]])
    }

    @Test func extendedProtocolGets0A000AndTheSessionGoesOn() throws {
        let (channel, _) = try Self.channel()
        try Self.login(channel, user: "watcher")
        _ = try Self.messages(channel)
        try Self.send(channel, .parse(name: "", query: "SHOW POOLS", parameterTypes: []))
        try Self.send(channel, .sync)
        let messages = try Self.messages(channel)
        #expect(Self.errorCodes(messages) == ["0A000"])
        #expect(messages.last == .readyForQuery(.idle))
        try Self.send(channel, .query("SHOW LISTS"))
        #expect(Self.rows(try Self.messages(channel)).contains(["used_clients", "1"]))
        #expect(channel.isActive)
    }

    @Test func statsUserMayShowButNotPause() throws {
        let (channel, shared) = try Self.channel()
        try Self.login(channel, user: "watcher")
        _ = try Self.messages(channel)
        try Self.send(channel, .query("PAUSE app"))
        #expect(Self.errorCodes(try Self.messages(channel)) == ["42501"])
        #expect(!shared.pools.isPaused("app"))
    }

    @Test func adminDisablesAndEnablesADatabase() throws {
        let (channel, shared) = try Self.channel()
        try Self.login(channel, user: "admin")
        _ = try Self.messages(channel)
        try Self.send(channel, .query("DISABLE app"))
        #expect(Self.errorCodes(try Self.messages(channel)).isEmpty)
        #expect(shared.pools.isDisabled("app"))
        let client = try Self.channel(shared)
        try Self.login(client, user: "app", database: "app")
        #expect(Self.errorCodes(try Self.messages(client)) == ["57P03"])
        #expect(!client.isActive)
        try Self.send(channel, .query("ENABLE app; DISABLE nowhere"))
        #expect(Self.errorCodes(try Self.messages(channel)) == ["3D000"])
        #expect(!shared.pools.isDisabled("app"))
    }

    @Test func showStatementsAndSlowWithoutAnalysisGet55000() throws {
        let (channel, _) = try Self.channel()
        try Self.login(channel, user: "watcher")
        _ = try Self.messages(channel)
        for command in ["SHOW STATEMENTS", "SHOW SLOW"] {
            try Self.send(channel, .query(command))
            #expect(Self.errorCodes(try Self.messages(channel)) == ["55000"])
        }
    }

    @Test func showStatementsSlowAndResetStatsReadTheAnalysis() throws {
        let analysis = AnalysisPipeline()
        let start = Date()
        for (index, milliseconds) in [3.0, 150.0].enumerated() {
            analysis.offer(
                StatementEvent(
                    clientConnectionID: 1, sequence: UInt64(index), clientAddress: "10.0.0.9", database: "app",
                    user: "app", applicationName: "shop",
                    text: .simpleQuery(
                        "SELECT * FROM t WHERE id = \(index)", statementIndex: 0, standardConformingStrings: true),
                    startMonotonicNanoseconds: UInt64(index), startedAt: start,
                    durationNanoseconds: UInt64(milliseconds * 1e6), rows: 1))
        }
        #expect(analysis.processPendingEvents() == 2)
        let (channel, _) = try Self.channel(analysis: analysis)
        try Self.login(channel, user: "admin")
        _ = try Self.messages(channel)
        try Self.send(channel, .query("SHOW STATEMENTS"))
        let statements = try Self.messages(channel)
        guard case .rowDescription(let fields)? = statements.first else {
            Issue.record("expected a RowDescription")
            return
        }
        #expect(
            fields.map(\.name) == [
                "fingerprint", "query", "database", "user", "application_name", "calls", "rows", "errors", "total_ms",
                "mean_ms", "min_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms", "first_seen", "last_seen",
            ])
        let row = try #require(Self.rows(statements).first)
        #expect(row[1] == "select * from t where id = $1")
        #expect(row[4] == "shop")
        #expect(row[5] == "2")
        #expect(row[8] == "153.000")
        #expect(row[10] == "3.000")
        try Self.send(channel, .query("SHOW SLOW"))
        let slow = Self.rows(try Self.messages(channel))
        #expect(slow.count == 1)
        #expect(slow.first?[1] == "150.000")
        #expect(slow.first?[6] == "10.0.0.9")
        try Self.send(channel, .query("RESET STATS; SHOW STATEMENTS"))
        #expect(Self.rows(try Self.messages(channel)).isEmpty)
        #expect(analysis.statements().isEmpty)
    }
}
