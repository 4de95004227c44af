import NIOCore
import PGLensAnalysis
import PGWire
import Testing

@testable import PGLensProxy

/// What the analysis sees of a link's traffic through `LinkTraffic` and its `StatementObserver`: Bind value
/// hashes always, result rows only for the statements the analysis armed, in both pool modes.
@Suite struct StatementObserverTests {
    private static let parent = "SELECT id, customer_id FROM orders WHERE shop_id = $1"

    private static func bytes(_ messages: [FrontendMessage]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for message in messages { message.encode(into: &buffer) }
        return buffer
    }

    private static func bytes(_ messages: [BackendMessage]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for message in messages { message.encode(into: &buffer) }
        return buffer
    }

    private static func int4(_ value: Int32) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        return buffer
    }

    /// One extended-protocol execution of the parent (binary parameters and results, as asyncpg sends them)
    /// answered with rows `(id, customer_id)`; returns the finished records.
    private static func run(
        transactionPooling: Bool, arming: LineageArming, rows: [(Int32, Int32)]
    ) throws -> [StatementTracker.Record] {
        var traffic = LinkTraffic(
            transactionPooling: transactionPooling, tracker: StatementTracker(captureParameters: false),
            lineageArming: arming, maxPacketSize: 1 << 20)
        var statements = ServerStatementCache(capacity: 16)
        var parameters: [String: String] = [:]
        var client = bytes([
            .parse(name: "", query: parent, parameterTypes: []),
            .bind(BindMessage(parameterFormats: [1], parameters: [int4(7)], resultFormats: [1])),
            .execute(portal: "", maxRows: 0), .sync,
        ])
        _ = try traffic.clientBytes(&client, statements: &statements) { _ in }
        var answers: [BackendMessage] = [.parseComplete, .bindComplete]
        for (id, customer) in rows { answers.append(.dataRow([int4(id), int4(customer)])) }
        answers += [.commandComplete(CommandComplete(tag: "SELECT \(rows.count)")), .readyForQuery(.idle)]
        var forwarded = 0
        _ = try traffic.serverBytes(bytes(answers), statements: &statements, parameters: &parameters) {
            forwarded += $0.readableBytes
        }
        var records: [StatementTracker.Record] = []
        traffic.drainFinishedStatements { records.append($0) }
        return records
    }

    @Test(arguments: [false, true])
    func bindValuesAreHashedAndRowsAreLeftAloneWhileNothingIsArmed(transactionPooling: Bool) throws {
        let records = try Self.run(transactionPooling: transactionPooling, arming: LineageArming(), rows: [(1, 101)])
        try #require(records.count == 1)
        #expect(records[0].parameterValues[0] == LineageHash.value(text: "7"))
        #expect(records[0].resultSample == nil)
    }

    @Test(arguments: [false, true])
    func anArmedStatementsRowsAreSampledByColumn(transactionPooling: Bool) throws {
        let arming = LineageArming()
        arming.arm(LineageHash.shape(of: Self.parent, statementIndex: 0))
        let rows: [(Int32, Int32)] = (1...100).map { ($0, 1000 + $0) }
        let records = try Self.run(transactionPooling: transactionPooling, arming: arming, rows: rows)
        try #require(records.count == 1)
        let sample = try #require(records[0].resultSample)
        #expect(records[0].rows == 100)
        #expect(sample.rows == ResultSample.maximumRows)
        #expect(sample.columns(of: LineageHash.value(text: "1001")!) == 0b10)
        #expect(sample.columns(of: LineageHash.value(text: "5")!) == 0b01)
        #expect(sample.columns(of: LineageHash.value(text: "1100")!) == 0, "row 100 is past the sample")
    }

    @Test func bindSummaryReadsFormatsValuesAndResultFormats() throws {
        var frame = ByteBuffer()
        FrontendMessage.bind(
            BindMessage(
                portal: "p", statement: "s", parameterFormats: [0, 1],
                parameters: [ByteBuffer(string: "abc"), Self.int4(-5), nil], resultFormats: [0, 1])
        ).encode(into: &frame)
        var body = frame.getSlice(at: 5, length: frame.readableBytes - 5)!
        _ = body.readCString()
        _ = body.readCString()
        let summary = try #require(BindSummary(parameterPart: body))
        #expect(summary.values.count == 3)
        #expect(summary.values[0] == LineageHash.value(text: "abc"))
        #expect(summary.values[1] == LineageHash.value(text: "-5"))
        #expect(summary.values[2] == nil)
        #expect(!summary.resultFormats.isBinary(0))
        #expect(summary.resultFormats.isBinary(1))
        #expect(BindSummary(parameterPart: ByteBuffer(bytes: [0, 1])) == nil)
    }
}
