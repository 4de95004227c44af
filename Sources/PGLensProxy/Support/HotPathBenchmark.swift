import NIOCore
import PGLensAnalysis
import PGWire

/// The event-loop side of the analysis, measured in isolation (`scripts/microbench`): one client's
/// extended-protocol statements (Parse, Bind of one binary `int4`, Execute, Sync) and the server's answers
/// (rows of two `int4` columns) pushed through `LinkTraffic` as the proxy pushes them, with the analysis off,
/// on, and on with the statement armed for row sampling. Not part of pglens's API.
@_spi(Benchmarks)
public enum HotPathBenchmark {
    /// What the link does besides forwarding.
    public enum Mode: String, CaseIterable, Sendable {
        /// No statement tracking (`analysis = false`).
        case analysisOff = "analysis off"
        /// Statements timed, Bind values hashed.
        case analysisOn = "analysis on"
        /// As on, and the statement is armed: its first 64 rows are hashed by column.
        case sampling = "analysis on, rows sampled"
    }

    private static let statement = "SELECT id, customer_id FROM orders WHERE shop_id = $1"

    /// The wall-clock nanoseconds per statement over `iterations` statements (after a warm-up), on this
    /// thread.
    public static func nanosecondsPerStatement(
        mode: Mode, transactionPooling: Bool, rows: Int, iterations: Int
    ) throws -> Double {
        let arming = LineageArming()
        if mode == .sampling { arming.arm(LineageHash.shape(of: statement, statementIndex: 0)) }
        var traffic = LinkTraffic(
            transactionPooling: transactionPooling,
            tracker: mode == .analysisOff ? nil : StatementTracker(captureParameters: false),
            lineageArming: arming, maxPacketSize: 1 << 20)
        var statements = ServerStatementCache(capacity: 64)
        var parameters: [String: String] = [:]
        var client = ByteBuffer()
        var key = ByteBuffer()
        key.writeInteger(Int32(7))
        for message: FrontendMessage in [
            .parse(name: "", query: statement, parameterTypes: []),
            .bind(BindMessage(parameterFormats: [1], parameters: [key], resultFormats: [1])),
            .execute(portal: "", maxRows: 0), .sync,
        ] { message.encode(into: &client) }
        var server = ByteBuffer()
        for message: BackendMessage in [.parseComplete, .bindComplete] { message.encode(into: &server) }
        for row in 0..<rows {
            var id = ByteBuffer()
            id.writeInteger(Int32(row))
            var other = ByteBuffer()
            other.writeInteger(Int32(row + 1000))
            BackendMessage.dataRow([id, other]).encode(into: &server)
        }
        for message: BackendMessage in [
            .commandComplete(CommandComplete(tag: "SELECT \(rows)")), .readyForQuery(.idle),
        ] { message.encode(into: &server) }
        var sink = 0
        func once() throws {
            var input = client
            _ = try traffic.clientBytes(&input, statements: &statements) { sink &+= $0.readableBytes }
            _ = try traffic.serverBytes(server, statements: &statements, parameters: &parameters) {
                sink &+= $0.readableBytes
            }
            traffic.drainFinishedStatements { sink &+= Int($0.rows) }
        }
        for _ in 0..<min(iterations, 10_000) { try once() }
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<iterations { try once() }
        let elapsed = clock.now - started
        precondition(sink != 0)
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return nanoseconds / Double(iterations)
    }

    /// The wall-clock nanoseconds per Bind of reading what the analysis needs of it (`BindSummary`): the
    /// parameter hash, the first four values' hashes and the result formats, for `parameters` binary `int8`
    /// values.
    public static func nanosecondsPerBindSummary(parameters: Int, iterations: Int) -> Double {
        var body = ByteBuffer()
        body.writeInteger(Int16(1))
        body.writeInteger(Int16(1))
        body.writeInteger(Int16(parameters))
        for index in 0..<parameters {
            body.writeInteger(Int32(8))
            body.writeInteger(Int64(index * 7919))
        }
        body.writeInteger(Int16(1))
        body.writeInteger(Int16(1))
        var sink: UInt64 = 0
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<iterations {
            if let summary = BindSummary(parameterPart: body) { sink &+= summary.parameterHash }
        }
        let elapsed = clock.now - started
        precondition(sink != 0)
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return nanoseconds / Double(iterations)
    }
}
