import Foundation
import Testing

/// The round-trip waste of the seed audits, sent by real ORMs through pglens (Clients/orm_roundtrips.py and
/// orm_django.py; ground truth in orm_workloads.py): SQLAlchemy's `Query.count()` and Django's `.count()`
/// three times on one table are one `repeated_aggregates` whose fix writes `FILTER (WHERE ...)`; nine KPI
/// statements one after another are one `sequential_queries`; their clean twins (one statement) have no
/// finding. Session and transaction pooling.
@Suite(
    "ORM round-trip waste in the report", .serialized,
    .disabled(if: ProxyUnderTest.isDirect, "reads pglens's own report"))
struct ORMRoundTripWorkloadTests {
    static let wasteKinds: Set<String> = [
        "n_plus_one", "repeated_insert", "duplicate_query", "repeated_aggregates", "sequential_queries",
    ]

    @Test(
        "three counts of one table with three filters are one repeated_aggregates with the FILTER rewrite",
        arguments: ["rt-sa-counts", "dj-rt-counts"], ORMNPlusOneWorkloadTests.poolModes)
    func countsAreOneRepeatedAggregates(mode: String, poolMode: String) async throws {
        let run = try await ORMWorkloadRuns.shared.run(mode: mode, poolMode: poolMode)
        let context = run.describe(mode)
        let requests = mode.hasPrefix("dj-") ? 4 : 3
        #expect(try run.client(mode)["requests"] as? Int == requests, "\(context)")
        #expect(
            try run.sentPerRequest(mode, containing: "orm_analyses") == Array(repeating: 3, count: requests),
            "\(context)")
        let findings = try run.findings(mode)
        let aggregates = findings.filter { $0["kind"] as? String == "repeated_aggregates" }
        try #require(aggregates.count == 1, "\(context)")
        let finding = aggregates[0]
        #expect(finding["repetitions"] as? Int == 3, "\(context)")
        #expect(finding["occurrences"] as? Int == requests, "\(context)")
        #expect(finding["table"] as? String == "orm_analyses", "\(context)")
        let suggestion = finding["suggestion"] as? String ?? ""
        // The two filtered counts, each with its own FILTER; the unfiltered one counts all.
        let filters = suggestion.matches(of: try Regex(#"FILTER \(WHERE [^)]*(score|message_id)"? (>=|<=) \$\d\)"#))
        #expect(filters.count == 2, "\(suggestion)")
        // Nothing else: three statements are too few for sequential_queries, and no loop ran.
        #expect(findings.filter { Self.wasteKinds.contains($0["kind"] as? String ?? "") }.count == 1, "\(context)")
    }

    @Test(
        "nine independent KPI statements in a row are one sequential_queries of 9 per request",
        arguments: ORMNPlusOneWorkloadTests.poolModes)
    func kpisAreSequentialQueries(poolMode: String) async throws {
        let mode = "rt-sa-kpis"
        let run = try await ORMWorkloadRuns.shared.run(mode: mode, poolMode: poolMode)
        let context = run.describe(mode)
        let findings = try run.findings(mode)
        let sequential = findings.filter { $0["kind"] as? String == "sequential_queries" }
        try #require(sequential.count == 1, "\(context)")
        #expect(sequential[0]["repetitions"] as? Int == 9, "\(context)")
        #expect(sequential[0]["occurrences"] as? Int == 3, "\(context)")
        #expect((sequential[0]["suggestion"] as? String ?? "").isEmpty == false, "\(context)")
        #expect(findings.filter { Self.wasteKinds.contains($0["kind"] as? String ?? "") }.count == 1, "\(context)")
    }

    @Test(
        "the one-statement twins (count FILTER, scalar subqueries) have no round-trip finding",
        arguments: ["rt-sa-counts-clean", "rt-sa-kpis-clean"], ORMNPlusOneWorkloadTests.poolModes)
    func cleanTwinsHaveNoFinding(mode: String, poolMode: String) async throws {
        let run = try await ORMWorkloadRuns.shared.run(mode: mode, poolMode: poolMode)
        #expect(try run.client(mode)["requests"] as? Int == 3)
        #expect(
            try run.findings(mode).filter { Self.wasteKinds.contains($0["kind"] as? String ?? "") }.isEmpty,
            "\(run.describe(mode))")
    }
}
