// The analysis's costs, part by part (`scripts/microbench`, release build): what it adds on the event loop
// per statement, and how many statement events per second its consumer applies on one core with every
// detector on. Prints one table; nothing is asserted (speed is read from benchmarks, not timed tests).
import Foundation
import PGLensAnalysis
@_spi(Benchmarks) import PGLensProxy

/// A request-shaped stream of events as the proxy produces them: per connection, units of a transaction
/// with a parent query, an N+1 loop of bound lookups, a few literal-SQL statements (normalized by the
/// consumer, like Django's) and a COMMIT.
func requestEvents(connections: Int, unitsPerConnection: Int, loop: Int) -> [StatementEvent] {
    var events: [StatementEvent] = []
    var clock: UInt64 = 1_000_000_000
    let start = Date()
    for unit in 0..<unitsPerConnection {
        for connection in 0..<connections {
            var sequence = UInt64(unit * (loop + 6))
            func add(_ text: String, rows: UInt64, hash: UInt64?, values: [UInt64] = [], transaction: Bool = true) {
                var event = StatementEvent(
                    clientConnectionID: UInt64(connection), sequence: sequence,
                    clientAddress: "10.0.0.\(connection):5000",
                    database: "app", user: "app", applicationName: "bench",
                    text: .simpleQuery(text, statementIndex: 0, standardConformingStrings: true),
                    startMonotonicNanoseconds: clock, startedAt: start, durationNanoseconds: 200_000, rows: rows,
                    inExplicitTransaction: transaction)
                event.parameterHash = hash
                var hashes = ParameterValueHashes()
                for value in values { hashes.append(value) }
                event.parameterValues = hashes
                events.append(event)
                sequence += 1
                clock += 250_000
            }
            add("BEGIN", rows: 0, hash: nil, transaction: false)
            add("SELECT id, customer_id FROM orders WHERE shop_id = $1 ORDER BY id", rows: UInt64(loop), hash: 7)
            for key in 0..<loop {
                let value = UInt64(unit * 1000 + key)
                add("SELECT id, name FROM customers WHERE id = $1", rows: 1, hash: value, values: [value])
            }
            add("SELECT count(*) FROM orders WHERE status = 'open' AND shop_id = \(connection)", rows: 1, hash: nil)
            add(
                "UPDATE sessions SET seen_at = now() WHERE token = 'tok\(unit)-\(connection)'", rows: 1, hash: nil)
            add("INSERT INTO audit (user_id, action) VALUES (\(connection), 'view')", rows: 1, hash: nil)
            add("COMMIT", rows: 0, hash: nil)
        }
    }
    return events
}

func consumerEventsPerSecond(events: [StatementEvent]) -> (perSecond: Double, dropped: Int) {
    var configuration = AnalysisConfiguration()
    configuration.queueCapacity = 65_536
    // MICROBENCH_DETECTORS=none: the statistics and the slow log only, to read the detectors' share.
    if ProcessInfo.processInfo.environment["MICROBENCH_DETECTORS"] != "none" {
        configuration.detectors = [
            UnitOfWorkDetector(configuration: .init(lineageArming: configuration.lineageArming))
        ]
    }
    let pipeline = AnalysisPipeline(configuration: configuration)
    var consumed: Duration = .zero
    let clock = ContinuousClock()
    var offset = 0
    while offset < events.count {
        let end = min(offset + 60_000, events.count)
        for index in offset..<end { pipeline.offer(events[index]) }
        offset = end
        let started = clock.now
        while pipeline.processPendingEvents() > 0 {}
        consumed += clock.now - started
    }
    let seconds = Double(consumed.components.seconds) + Double(consumed.components.attoseconds) / 1e18
    precondition(
        configuration.detectors.isEmpty || !pipeline.report().findings.isEmpty,
        "the workload has an N+1 the detector must find")
    return (Double(events.count) / seconds, pipeline.counters.dropped)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let environment = ProcessInfo.processInfo.environment
let rounds = Int(environment["MICROBENCH_ROUNDS"] ?? "5") ?? 5
/// `MICROBENCH_ONLY=consumer` or `event-loop`: one half (for a profiler).
let only = environment["MICROBENCH_ONLY"] ?? ""
print("pglens microbenchmarks: median of \(rounds) rounds, one thread")
print("")
if only != "consumer" {
    print("event loop, per statement (Parse/Bind/Execute/Sync, 20 rows of 2 int4 columns):")
    for pooling in [false, true] {
        var results: [HotPathBenchmark.Mode: Double] = [:]
        for mode in HotPathBenchmark.Mode.allCases {
            results[mode] = median(
                try (0..<rounds).map { _ in
                    try HotPathBenchmark.nanosecondsPerStatement(
                        mode: mode, transactionPooling: pooling, rows: 20, iterations: 200_000)
                })
        }
        let off = results[.analysisOff] ?? 0
        for mode in HotPathBenchmark.Mode.allCases {
            let value = results[mode] ?? 0
            let delta = mode == .analysisOff ? "" : String(format: "  (+%.0f ns)", value - off)
            print(
                String(
                    format: "  %-12@ %-26@ %7.0f ns%@", pooling ? "transaction" : "session", mode.rawValue, value, delta
                ))
        }
    }
    for parameters in [1, 4, 16] {
        let value = median(
            (0..<rounds).map { _ in
                HotPathBenchmark.nanosecondsPerBindSummary(parameters: parameters, iterations: 1_000_000)
            })
        print(String(format: "  Bind read for the analysis (%2d int8 parameters): %5.0f ns", parameters, value))
    }
}
if only != "event-loop" {
    print("")
    let events = requestEvents(connections: 64, unitsPerConnection: 40, loop: 20)
    var perSecond: [Double] = []
    var dropped = 0
    for _ in 0..<rounds {
        let result = consumerEventsPerSecond(events: events)
        perSecond.append(result.perSecond)
        dropped += result.dropped
    }
    print(
        String(
            format: "analysis consumer, every detector on: %.0f statement events/s (%d events a round, %d dropped)",
            median(perSecond), events.count, dropped))
}
