import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct RepeatedAggregatesAnalysisTests {
    /// SQLAlchemy's `Lead.query.count()`, `.filter_by(data_confirmed=True).count()` and
    /// `.filter(Lead.lead_score >= 70).count()` through psycopg2 (the seed audit's dashboard).
    private static let sqlalchemyCounts = [
        "SELECT count(*) AS count_1 FROM (SELECT leads.id AS leads_id, leads.name AS leads_name, "
            + "leads.lead_score AS leads_lead_score FROM leads) AS anon_1",
        "SELECT count(*) AS count_1 FROM (SELECT leads.id AS leads_id, leads.name AS leads_name, "
            + "leads.lead_score AS leads_lead_score FROM leads WHERE leads.data_confirmed = true) AS anon_1",
        "SELECT count(*) AS count_1 FROM (SELECT leads.id AS leads_id, leads.name AS leads_name, "
            + "leads.lead_score AS leads_lead_score FROM leads WHERE leads.lead_score >= 70) AS anon_1",
    ]

    /// The same three counts from Django: `Lead.objects.count()`, `.filter(data_confirmed=True).count()`,
    /// `.filter(lead_score__gte=70).count()`.
    private static let djangoCounts = [
        #"SELECT COUNT(*) AS "__count" FROM "app_lead""#,
        #"SELECT COUNT(*) AS "__count" FROM "app_lead" WHERE "app_lead"."data_confirmed""#,
        #"SELECT COUNT(*) AS "__count" FROM "app_lead" WHERE "app_lead"."lead_score" >= 70"#,
    ]

    private static func findings(_ units: [SyntheticUnit]) -> [Finding] {
        var analysis = RepeatedAggregatesAnalysis()
        for unit in units { if let unit = unit.unit { analysis.record(unit) } }
        return analysis.findings()
    }

    private static func unit(_ queries: [String], ms: [Double] = [], connection: UInt64 = 1) -> SyntheticUnit {
        var unit = SyntheticUnit(connection: connection)
        unit.literal("SELECT id, email FROM users WHERE id = 7")
        for (index, query) in queries.enumerated() {
            unit.literal(query, ms: index < ms.count ? ms[index] : 2)
        }
        return unit
    }

    @Test func theSeedsThreeSQLAlchemyCountsAreOneFindingWithOneFilterStatement() throws {
        let findings = Self.findings([Self.unit(Self.sqlalchemyCounts, ms: [4, 3, 5])])
        try #require(findings.count == 1)
        let finding = findings[0]
        #expect(finding.kind == .repeatedAggregates)
        #expect(finding.repetitions == 3)
        #expect(finding.occurrences == 1)
        #expect(finding.table == "leads")
        #expect(finding.columns == ["data_confirmed", "lead_score"])
        #expect(finding.query == StatementNormalizer().normalize(Self.sqlalchemyCounts[0]).text)
        #expect(finding.fingerprint == StatementNormalizer().normalize(Self.sqlalchemyCounts[0]).fingerprint.hex)
        let rewrite =
            "SELECT count(*) AS count_all, "
            + "count(*) FILTER (WHERE leads.data_confirmed = true) AS count_data_confirmed, "
            + "count(*) FILTER (WHERE leads.lead_score >= $1) AS count_lead_score FROM leads"
        #expect(finding.evidence["rewrite"] == .string(rewrite))
        #expect(finding.suggestion.contains(rewrite))
        #expect(
            finding.suggestion.contains(
                "func.count().filter(Lead.data_confirmed == True).label(\"count_data_confirmed\")"))
        #expect(finding.suggestion.contains("func.count().filter(Lead.lead_score >= p1)"))
        #expect(finding.evidence["framework"] == .string("sqlalchemy"))
        #expect(finding.evidence["round_trips_saved"] == .number(2))
        #expect(finding.evidence["total_ms"] == .number(12))
        #expect(finding.evidence["time_saved_ms"] == .number(7))
        #expect(finding.severity == .warning)
        #expect(finding.timeMilliseconds == 12)
    }

    @Test func theSeedsThreeDjangoCountsGetTheAggregateForm() throws {
        let findings = Self.findings([Self.unit(Self.djangoCounts)])
        try #require(findings.count == 1)
        let finding = findings[0]
        #expect(finding.table == "app_lead")
        let rewrite =
            #"SELECT count(*) AS count_all, "#
            + #"count(*) FILTER (WHERE "app_lead"."data_confirmed") AS count_data_confirmed, "#
            + #"count(*) FILTER (WHERE "app_lead"."lead_score" >= $1) AS count_lead_score FROM "app_lead""#
        #expect(finding.evidence["rewrite"] == .string(rewrite))
        #expect(finding.evidence["framework"] == .string("django"))
        #expect(
            finding.suggestion.contains(
                #"Lead.objects.aggregate(count_all=Count("id"), "#
                    + #"count_data_confirmed=Count("id", filter=Q(data_confirmed=True)), "#
                    + #"count_lead_score=Count("id", filter=Q(lead_score__gte=p1)))"#))
        #expect(!finding.suggestion.contains("SQLAlchemy"))
    }

    @Test func boundCountsOfOneStatementWithOtherValuesAreMembersEach() throws {
        var unit = SyntheticUnit()
        unit.bound("SELECT count(*) FROM chat_sessions WHERE status = $1", values: 1)
        unit.bound("SELECT count(*) FROM chat_sessions WHERE status = $1", values: 2)
        unit.bound("SELECT count(*) FROM chat_sessions WHERE started_at > $1", values: 3)
        unit.bound("SELECT count(*) FROM chat_sessions WHERE chat_mode = $1 AND admin_id = $2", values: 4)
        let findings = Self.findings([unit])
        try #require(findings.count == 1)
        #expect(findings[0].repetitions == 4)
        #expect(
            findings[0].evidence["rewrite"]
                == .string(
                    "SELECT count(*) FILTER (WHERE status = $1) AS count_status, "
                        + "count(*) FILTER (WHERE status = $2) AS count_status_2, "
                        + "count(*) FILTER (WHERE started_at > $3) AS count_started_at, "
                        + "count(*) FILTER (WHERE chat_mode = $4 and admin_id = $5) AS count_chat_mode "
                        + "FROM chat_sessions"))
        #expect(findings[0].suggestion.contains("and_(ChatSession.chat_mode == p4, ChatSession.admin_id == p5)"))
        #expect(findings[0].suggestion.contains("Q(chat_mode=p4) & Q(admin_id=p5)"))
    }

    @Test func twoCountsAreNoFinding() {
        #expect(Self.findings([Self.unit(Array(Self.sqlalchemyCounts.prefix(2)))]).isEmpty)
        #expect(Self.findings([Self.unit(Array(Self.djangoCounts.suffix(2)))]).isEmpty)
    }

    @Test func countsOfDifferentTablesAreNoFinding() {
        let queries = [
            "SELECT count(*) FROM leads WHERE status = 'new'",
            "SELECT count(*) FROM bookings WHERE status = 'new'",
            "SELECT count(*) FROM messages WHERE status = 'new'",
        ]
        #expect(Self.findings([Self.unit(queries)]).isEmpty)
    }

    @Test func differentAggregatesOfOneTableAreNotGroupedTogether() {
        let queries = [
            "SELECT count(*) FROM leads WHERE status = 'new'",
            "SELECT avg(lead_score) FROM leads WHERE status = 'won'",
            "SELECT max(created_at) FROM leads WHERE source = 'web'",
        ]
        #expect(Self.findings([Self.unit(queries)]).isEmpty)
    }

    @Test func threeSumsOfOneColumnAreAFinding() throws {
        let queries = [
            "SELECT sum(amount) FROM payments WHERE status = 'paid'",
            "SELECT sum(amount) FROM payments WHERE status = 'refunded'",
            "SELECT sum(amount) FROM payments WHERE created_at >= '2025-01-01'",
        ]
        let findings = Self.findings([Self.unit(queries)])
        try #require(findings.count == 1)
        #expect(findings[0].suggestion.contains(#"sum_status=Sum("amount", filter=Q(status=p1))"#))
        #expect(findings[0].suggestion.contains("func.sum(Payment.amount).filter(Payment.status == p1)"))
    }

    @Test func conditionsTheORMFormCannotSpellStayInSQL() throws {
        let queries = [
            "SELECT count(DISTINCT user_id) FROM visits WHERE page = 'home' OR page = 'landing'",
            "SELECT count(DISTINCT user_id) FROM visits WHERE page = 'pricing'",
            "SELECT count(DISTINCT user_id) FROM visits",
        ]
        let findings = Self.findings([Self.unit(queries)])
        try #require(findings.count == 1)
        let suggestion = findings[0].suggestion
        #expect(suggestion.contains("func.count(Visit.user_id.distinct()).filter(text('page = $1 or page = $2'))"))
        #expect(suggestion.contains(#"Count("user_id", distinct=True, filter=Q(...))"#))
        #expect(suggestion.contains("each Q(...) for: `page = $1 or page = $2`"))
        #expect(suggestion.contains(#"Count("user_id", distinct=True, filter=Q(page=p3))"#))
    }

    @Test func aLoopOfCountsIsLeftToTheNPlusOneDetector() {
        var unit = SyntheticUnit()
        unit.literal("SELECT id FROM conversations WHERE admin_id = 3", rows: 12)
        for id in 1...12 { unit.literal("SELECT count(*) FROM messages WHERE conversation_id = \(id)") }
        #expect(Self.findings([unit]).isEmpty)
    }

    @Test func theSamePatternInThreeUnitsIsOneFindingWithThreeOccurrences() throws {
        let once = Self.findings([Self.unit(Self.sqlalchemyCounts)])
        let units = (1...3).map { Self.unit(Self.sqlalchemyCounts, connection: UInt64($0)) }
        let findings = Self.findings(units)
        try #require(findings.count == 1)
        #expect(findings[0].occurrences == 3)
        #expect(findings[0].evidence["connections"] == .number(3))
        #expect(findings[0].evidence["total_round_trips_saved"] == .number(6))
        #expect(findings[0].id == once.first?.id)
        #expect(findings[0].id.hasPrefix("repeated_aggregates-"))
    }

    @Test func errorsAndDuplicatesAreNotMembers() {
        var unit = SyntheticUnit()
        unit.literal("SELECT count(*) FROM leads WHERE status = 'new'")
        unit.literal("SELECT count(*) FROM leads WHERE status = 'new'")
        unit.literal("SELECT count(*) FROM leads WHERE status = 'lost'", error: true)
        unit.literal("SELECT count(*) FROM leads WHERE source = 'web'")
        #expect(Self.findings([unit]).isEmpty)
    }

    @Test func parameterValuesNeverAppear() throws {
        let queries = [
            "SELECT count(*) FROM leads WHERE email = 'secret-address@example.com'",
            "SELECT count(*) FROM leads WHERE phone = '+48 600 700 800'",
            "SELECT count(*) FROM leads WHERE owner = 'Private Person'",
        ]
        let findings = Self.findings([Self.unit(queries)])
        try #require(findings.count == 1)
        let json = String(decoding: try JSONEncoder().encode(findings), as: UTF8.self)
        #expect(!json.contains("secret-address"))
        #expect(!json.contains("600 700"))
        #expect(!json.contains("Private Person"))
    }

    @Test(arguments: [
        ("SELECT status, count(*) FROM leads GROUP BY status", false),
        ("SELECT count(*) OVER () FROM leads", false),
        ("SELECT count(*) FILTER (WHERE status = 'a') FROM leads", false),
        ("SELECT count(*) FROM (SELECT leads.id FROM leads LIMIT 10) AS anon_1", false),
        ("SELECT count(*) FROM (SELECT DISTINCT leads.id FROM leads) AS anon_1", false),
        ("SELECT count(*) FROM generate_series(1, 10)", false),
        ("SELECT id FROM leads WHERE status = 'a'", false),
        ("SELECT count(*) FROM leads WHERE status = 'a' FOR UPDATE", false),
        ("SELECT count(*) FROM leads WHERE status = 'a' UNION ALL SELECT count(*) FROM leads", false),
        ("SELECT count(*) total FROM leads WHERE status = 'a'", true),
        ("SELECT coalesce(sum(amount), 0) AS total FROM payments", true),
        ("select count(*) from leads l join users u on u.id = l.owner_id where u.active", true),
    ])
    func aggregateShapes(query: String, combinable: Bool) {
        let shape = AggregateStatementShape(normalizedText: StatementNormalizer().normalize(query).text)
        #expect((shape != nil) == combinable)
    }

    @Test func theSQLAlchemyWrapperIsUnwrapped() throws {
        let text = StatementNormalizer().normalize(Self.sqlalchemyCounts[2]).text
        let shape = try #require(AggregateStatementShape(normalizedText: text))
        #expect(shape.source == "leads")
        #expect(shape.predicate == "leads.lead_score >= $1")
        #expect(shape.targetShape == "count(*)")
        #expect(shape.targets.first?.filtered(by: "x = $1") == "count(*) FILTER (WHERE x = $1)")
    }
}
