import Testing

@testable import PGLensAnalysis

@Suite struct StatementEventQueueTests {
    private func event(_ sequence: UInt64, client: UInt64 = 1) -> StatementEvent {
        EventFactory.event("select 1", milliseconds: 1, client: client, sequence: sequence)
    }

    @Test func fullQueueDropsAndCountsExactly() {
        let queue = StatementEventQueue(capacity: 3)
        let accepted = (0..<5).map { queue.offer(event(UInt64($0))) }
        #expect(accepted == [true, true, true, false, false])
        #expect(queue.counters == StatementEventQueue.Counters(received: 3, dropped: 2))
        #expect(queue.pendingCount == 3)
    }

    @Test func drainsInOfferOrderAcrossWraparound() {
        let queue = StatementEventQueue(capacity: 3)
        for sequence in 0..<3 { queue.offer(event(UInt64(sequence))) }
        var batch: [AnalysisEvent] = []
        #expect(queue.drain(into: &batch, maximum: 2) == 2)
        for sequence in 3..<5 { queue.offer(event(UInt64(sequence))) }
        #expect(queue.drain(into: &batch, maximum: 10) == 3)
        #expect(batch.compactMap(\.statement?.sequence) == [0, 1, 2, 3, 4])
        #expect(queue.pendingCount == 0)
        #expect(queue.drain(into: &batch, maximum: 10) == 0)
        #expect(queue.counters == StatementEventQueue.Counters(received: 5, dropped: 0))
    }

    @Test func connectionEndsTakeTheirPlaceInTheOrder() {
        let queue = StatementEventQueue(capacity: 4)
        queue.offer(event(0))
        queue.offer(.connectionEnded(clientConnectionID: 1))
        queue.offer(event(0, client: 2))
        var batch: [AnalysisEvent] = []
        queue.drain(into: &batch, maximum: 10)
        #expect(batch.map(\.clientConnectionID) == [1, 1, 2])
        #expect(batch.map { $0.statement == nil } == [false, true, false])
        #expect(queue.counters == StatementEventQueue.Counters(received: 3, dropped: 0))
    }

    @Test func concurrentProducersKeepEachClientsOrder() async {
        let queue = StatementEventQueue(capacity: 100_000)
        await withTaskGroup(of: Void.self) { group in
            for client in 1...4 {
                group.addTask {
                    for sequence in 0..<2000 { queue.offer(event(UInt64(sequence), client: UInt64(client))) }
                }
            }
        }
        var batch: [AnalysisEvent] = []
        queue.drain(into: &batch, maximum: .max)
        #expect(batch.count == 8000)
        for client in 1...4 {
            let sequences = batch.filter { $0.clientConnectionID == UInt64(client) }.compactMap(\.statement?.sequence)
            #expect(sequences == (0..<2000).map(UInt64.init))
        }
    }
}
