import Foundation

@testable import PGLensAnalysis

/// Builds statement events with a made-up clock: `at` is seconds after a fixed epoch.
enum EventFactory {
    static let epoch = Date(timeIntervalSince1970: 1_767_268_800)  // 2026-01-01T12:00:00Z

    static func event(
        _ sql: String, milliseconds: Double, at seconds: Double = 0, rows: UInt64 = 1, database: String = "app",
        user: String = "web", application: String = "api", client: UInt64 = 1, sequence: UInt64 = 0,
        sqlState: String? = nil, parameters: [String?]? = nil
    ) -> StatementEvent {
        StatementEvent(
            clientConnectionID: client, sequence: sequence, clientAddress: "10.0.0.\(client):5000",
            database: database, user: user, applicationName: application,
            text: .normalized(StatementNormalizer().normalize(sql)), parameters: parameters,
            startMonotonicNanoseconds: UInt64(seconds * 1e9), startedAt: epoch.addingTimeInterval(seconds),
            durationNanoseconds: UInt64((milliseconds * 1_000_000).rounded()), rows: rows, bytesReturned: rows * 10,
            sqlState: sqlState)
    }
}
