import Foundation

@testable import PGLensAnalysis

/// A unit of work built statement by statement, as the detector builds it from a connection's events, for
/// the analyses of closed units.
struct SyntheticUnit {
    private(set) var unit: UnitOfWork?
    private var clock: UInt64
    private var sequence: UInt64 = 0
    let connection: UInt64
    let applicationName: String

    init(connection: UInt64 = 1, applicationName: String = "", startSeconds: Double = 1000) {
        self.connection = connection
        self.applicationName = applicationName
        clock = UInt64(startSeconds * 1e9)
    }

    /// Literal SQL (psycopg2, Django): the values are in the text; the hash is the raw text's.
    mutating func literal(_ sql: String, rows: UInt64 = 1, ms: Double = 2, error: Bool = false) {
        var hasher = FNV1a64()
        hasher.combine(sql)
        add(sql, hash: hasher.value, rows: rows, ms: ms, error: error)
    }

    /// A parameterized statement (asyncpg, psycopg 3): `values` stands for its Bind values.
    mutating func bound(_ sql: String, values: Int, rows: UInt64 = 1, ms: Double = 2) {
        add(sql, hash: UInt64(values) &* 0x9E37_79B9_7F4A_7C15, rows: rows, ms: ms, error: false)
    }

    private mutating func add(_ sql: String, hash: UInt64, rows: UInt64, ms: Double, error: Bool) {
        clock += 100_000
        let event = StatementEvent(
            clientConnectionID: connection, sequence: sequence, clientAddress: "127.0.0.1:5000", database: "app",
            user: "app", applicationName: applicationName, text: .normalized(StatementNormalizer().normalize(sql)),
            startMonotonicNanoseconds: clock, startedAt: Date(timeIntervalSince1970: Double(clock) / 1e9),
            durationNanoseconds: UInt64(ms * 1e6), rows: rows, sqlState: error ? "42P01" : nil)
        sequence += 1
        clock += UInt64(ms * 1e6)
        if unit == nil { unit = UnitOfWork(first: event, requestTags: [:]) }
        unit?.add(event, parameterHash: hash)
    }
}
