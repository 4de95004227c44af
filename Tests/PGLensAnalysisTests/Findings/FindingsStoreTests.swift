import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct FindingsStoreTests {
    private func observation(
        _ text: String, action: SessionStateAction = .pin, at seconds: Double = 0, application: String = "api"
    )
        -> SessionStateObservation
    {
        SessionStateObservation(
            statementText: text, database: "app", applicationName: application, action: action,
            observedAt: EventFactory.epoch.addingTimeInterval(seconds))
    }

    @Test func aggregatesByNormalizedStatementAndAction() throws {
        var store = FindingsStore()
        store.record(observation("SET search_path = 'a'", at: 5))
        store.record(observation("set search_path = 'b'", at: 1))
        store.record(observation("SET search_path = 'a'", action: .warn))
        store.record(observation("LISTEN jobs", application: "worker"))
        let findings = store.findings(captureParameters: false)
        #expect(findings.count == 3)
        let pinned = try #require(findings.first)
        #expect(pinned.occurrences == 2)
        #expect(pinned.query == "set search_path = $1")
        #expect(pinned.severity == .warning)
        #expect(pinned.firstSeen == EventFactory.epoch.addingTimeInterval(1))
        #expect(pinned.lastSeen == EventFactory.epoch.addingTimeInterval(5))
        #expect(
            pinned.suggestion
                == "Use SET LOCAL (or set_config(name, value, true)) inside a transaction, or ALTER ROLE / "
                + "ALTER DATABASE ... SET for a lasting default. pglens pinned the client to its server connection, "
                + "which defeats pooling for it.")
        #expect(Set(findings.map(\.id)).count == 3)
        let listen = try #require(findings.first { $0.applicationName == "worker" })
        #expect(listen.evidence["state_kinds"] == .array([.string("listen")]))
        #expect(
            listen.suggestion
                == "LISTEN needs its own connection: run listeners through a session-mode pool or directly. "
                + "pglens pinned the client to its server connection, which defeats pooling for it.")
    }

    @Test func boundedAndResettable() {
        var store = FindingsStore(capacity: 1)
        store.record(observation("SET a = 1"))
        store.record(observation("LISTEN b"))
        #expect(store.findings(captureParameters: false).map(\.query) == ["listen b"])
        store.reset()
        #expect(store.findings(captureParameters: false).isEmpty)
    }
}
