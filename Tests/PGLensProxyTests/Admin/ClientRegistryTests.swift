import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import PGLensProxy

/// The registry of logged-in sessions and the per-loop counters, read the way the console reads them.
@Suite struct ClientRegistryTests {
    private final class FakeSession: AdministeredSession, @unchecked Sendable {
        let eventLoop: any EventLoop
        let id: UInt64
        var killedWith: String?
        var drained = false

        init(eventLoop: any EventLoop, id: UInt64) {
            self.eventLoop = eventLoop
            self.id = id
        }

        func snapshot() -> ConnectionSnapshot? {
            guard killedWith == nil else { return nil }
            return ConnectionSnapshot(
                id: id, user: "u", database: "app", state: .idle, address: "", port: 0, localAddress: "", localPort: 0,
                connectTime: Date(), requestTime: nil)
        }

        func kill(_ message: String) { killedWith = message }

        func drain() { drained = true }
    }

    @Test func snapshotsAreSortedAndSkipEndedSessions() throws {
        let loop = EmbeddedEventLoop()
        let registry = ClientRegistry()
        let sessions = [FakeSession(eventLoop: loop, id: 9), FakeSession(eventLoop: loop, id: 2)]
        for session in sessions { registry.add(session, id: session.id, database: "app") }
        sessions[0].kill("gone")
        let future = registry.snapshots(on: loop)
        loop.run()
        #expect(try future.wait().map(\.id) == [2])
        #expect(registry.entries.map(\.database) == ["app", "app"])
        registry.remove(id: 2)
        #expect(registry.session(id: 2) == nil)
        #expect(registry.session(id: 9) != nil)
    }

    @Test func totalsAddUpEveryLoopsCounters() throws {
        let loops = [EmbeddedEventLoop(), EmbeddedEventLoop()]
        let statistics = ProxyStatistics(loops: loops, periodSeconds: 60)
        statistics.counters(loopIndex: 0).cell(for: "app").counters.queries = 3
        statistics.counters(loopIndex: 1).cell(for: "app").counters.queries = 4
        statistics.counters(loopIndex: 1).cell(for: "other").counters.bytesSent = 10
        let future = statistics.totals(on: loops[0])
        for loop in loops { loop.run() }
        let totals = try future.wait()
        #expect(totals["app"]?.queries == 7)
        #expect(totals["other"]?.bytesSent == 10)
        #expect(
            statistics.counters(loopIndex: 0).cell(for: "app") === statistics.counters(loopIndex: 0).cell(for: "app"))
    }
}
