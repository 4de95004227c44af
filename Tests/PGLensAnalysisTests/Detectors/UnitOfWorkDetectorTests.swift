import Foundation
import Testing

@testable import PGLensAnalysis

/// Synthetic statement streams, one or several connections, fed to the detector in order.
private struct Stream {
    var clock: UInt64 = 1_000_000_000
    var sequences: [UInt64: UInt64] = [:]
    var events: [StatementEvent] = []

    /// Whether the next statements run inside a transaction block.
    var inTransaction = false

    /// Literal SQL (Django, psycopg2): the text carries the values; the hash is the raw text's.
    mutating func literal(_ sql: String, rows: UInt64 = 1, connection: UInt64 = 1, after gapMs: Double = 0.2) {
        var hasher = FNV1a64()
        hasher.combine(sql)
        add(
            .simpleQuery(sql, statementIndex: 0, standardConformingStrings: true), hash: hasher.value, rows, connection,
            gapMs)
    }

    /// A parameterized statement (asyncpg, psycopg 3, prepared): the values arrive as Bind values.
    mutating func bound(_ sql: String, value: Int, rows: UInt64 = 1, connection: UInt64 = 1, after gapMs: Double = 0.2)
    {
        let statement = StatementNormalizer().normalize(sql)
        add(.normalized(statement), hash: UInt64(value) &* 0x9E37_79B9_7F4A_7C15, rows, connection, gapMs)
    }

    /// A parent whose rows were sampled (it was armed): `keys` in column `column` of its rows.
    mutating func sampledParent(_ sql: String, keys: [Int], column: Int) {
        var sample = ResultSample()
        for key in keys {
            sample.add(LineageHash.value(text: Substring(String(key)))!, column: column)
            sample.endRow()
        }
        bound(sql, value: 0, rows: UInt64(keys.count))
        events[events.count - 1].resultSample = sample
        events[events.count - 1].sentText = sql
    }

    /// A bound statement whose first parameter is `key` (its value hash as well as the set's hash).
    mutating func child(_ sql: String, key: Int) {
        bound(sql, value: key)
        var values = ParameterValueHashes()
        values.append(LineageHash.value(text: Substring(String(key))))
        events[events.count - 1].parameterValues = values
    }

    private mutating func add(
        _ text: StatementText, hash: UInt64, _ rows: UInt64, _ connection: UInt64, _ gapMs: Double
    ) {
        clock += UInt64(gapMs * 1e6)
        let sequence = sequences[connection, default: 0]
        sequences[connection] = sequence + 1
        var event = StatementEvent(
            clientConnectionID: connection, sequence: sequence, clientAddress: "127.0.0.1:5000", database: "app",
            user: "app", applicationName: "", text: text, startMonotonicNanoseconds: clock,
            startedAt: Date(timeIntervalSince1970: Double(clock) / 1e9), durationNanoseconds: 500_000, rows: rows,
            inExplicitTransaction: inTransaction)
        event.parameterHash = hash
        clock += 500_000
        events.append(event)
    }

    func findings(_ configuration: UnitOfWorkDetector.Configuration = .init()) -> [Finding] {
        var detector = UnitOfWorkDetector(configuration: configuration)
        for event in events { detector.consume(event) }
        return detector.findings(captureParameters: false)
    }
}

@Suite struct UnitOfWorkDetectorTests {
    private static func nPlusOnes(_ findings: [Finding]) -> [Finding] { findings.filter { $0.kind == .nPlusOne } }

    @Test func literalLoopAfterAParentIsAnNPlusOne() throws {
        var stream = Stream()
        stream.literal("SELECT id, customer_id FROM orders WHERE status = 'open' LIMIT 25", rows: 25)
        for id in 1...25 { stream.literal("SELECT name FROM customers WHERE id = \(id)") }
        let findings = Self.nPlusOnes(stream.findings())
        try #require(findings.count == 1)
        let finding = findings[0]
        #expect(finding.repetitions == 25)
        #expect(finding.occurrences == 1)
        #expect(finding.parent?.query == "select id, customer_id from orders where status = $1 limit $2")
        #expect(finding.query == "select name from customers where id = $1")
        #expect(finding.table == "customers")
        #expect(finding.columns == ["id"])
        #expect(finding.evidence["parent_rows"] == .number(25))
        #expect(finding.suggestion.contains("= ANY($1)"))
        #expect(finding.severity == .critical)
    }

    @Test func boundValuesInAPipelineAreAnNPlusOne() {
        var stream = Stream()
        stream.bound("SELECT id FROM leads WHERE owner_id = $1", value: 1, rows: 12)
        // A pipeline: no time between the statements at all.
        for lead in 1...12 { stream.bound("SELECT * FROM bookings WHERE lead_id = $1", value: lead, after: 0) }
        let findings = Self.nPlusOnes(stream.findings())
        #expect(findings.map(\.repetitions) == [12])
        #expect(findings.first?.parent?.query == "select id from leads where owner_id = $1")
    }

    @Test func repeatingKeysAreStillAnNPlusOne() {
        var stream = Stream()
        stream.bound("SELECT id, author_id FROM posts ORDER BY id LIMIT $1", value: 60, rows: 60)
        for index in 0..<60 { stream.bound("SELECT * FROM authors WHERE id = $1", value: index % 8) }
        let findings = Self.nPlusOnes(stream.findings())
        #expect(findings.map(\.repetitions) == [60])
        #expect(findings.first?.evidence["distinct_values_in_smallest_burst"] == .number(8))
    }

    @Test func identicalValuesAreADuplicateNotAnNPlusOne() {
        var stream = Stream()
        stream.literal("SELECT id FROM users LIMIT 10", rows: 10)
        for _ in 0..<6 { stream.literal("SELECT value FROM settings WHERE key = 'theme'") }
        let findings = stream.findings()
        #expect(Self.nPlusOnes(findings).isEmpty)
        #expect(findings.filter { $0.kind == .duplicateQuery }.map(\.repetitions) == [6])
    }

    @Test func anInsertLoopIsARepeatedInsertNotAnNPlusOne() {
        var stream = Stream()
        stream.literal("SELECT id FROM batches WHERE id = 4", rows: 1)
        for row in 0..<20 { stream.literal("INSERT INTO events (batch_id, n) VALUES (4, \(row))", rows: 1) }
        let findings = stream.findings()
        #expect(Self.nPlusOnes(findings).isEmpty)
        #expect(findings.filter { $0.kind == .repeatedInsert }.map(\.repetitions) == [20])
    }

    @Test func concurrentConnectionsAreNeverMerged() throws {
        var stream = Stream()
        stream.bound("SELECT id FROM orders WHERE shop_id = $1", value: 1, rows: 30, connection: 1)
        stream.bound("SELECT id FROM orders WHERE shop_id = $1", value: 2, rows: 30, connection: 2)
        for index in 0..<30 {
            stream.bound("SELECT * FROM order_items WHERE order_id = $1", value: index, connection: 1)
            stream.bound("SELECT * FROM order_items WHERE order_id = $1", value: 100 + index, connection: 2)
        }
        let findings = Self.nPlusOnes(stream.findings())
        try #require(findings.count == 1)
        #expect(findings[0].repetitions == 30)
        #expect(findings[0].occurrences == 2)
        #expect(findings[0].evidence["connections"] == .number(2))
    }

    @Test func twoInterleavedLoopsHaveTheSameParent() {
        var stream = Stream()
        stream.literal(#"SELECT "chat_message"."id" FROM "chat_message" LIMIT 30"#, rows: 30)
        for id in 1...30 {
            stream.literal(
                #"SELECT "chat_channel"."id" FROM "chat_channel" WHERE "chat_channel"."id" = \#(id) LIMIT 21"#)
            stream.literal(
                #"SELECT "chat_analysis"."id" FROM "chat_analysis" WHERE "chat_analysis"."message_id" = \#(id) LIMIT 21"#
            )
        }
        let findings = Self.nPlusOnes(stream.findings())
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.repetitions == 30 })
        #expect(findings.allSatisfy { $0.parent?.query == #"select "chat_message"."id" from "chat_message" limit $1"# })
        #expect(findings.allSatisfy { $0.evidence["framework"] == .string("django") })
        let channel = findings.first { $0.query.contains("chat_channel") }
        #expect(channel?.columns == ["id"])
        #expect(channel?.suggestion.contains("select_related") == true)
        let analysis = findings.first { $0.query.contains("chat_analysis") }
        #expect(analysis?.suggestion.contains("prefetch_related") == true)
    }

    @Test func nestedLoopsAreTwoFindingsEachWithItsParent() {
        var stream = Stream()
        stream.bound("SELECT id FROM orders WHERE customer_id = $1", value: 1, rows: 5)
        var product = 0
        for order in 1...5 {
            stream.bound("SELECT id, product_id FROM items WHERE order_id = $1", value: order, rows: 3)
            for _ in 0..<3 {
                product += 1
                stream.bound("SELECT name FROM products WHERE id = $1", value: product)
            }
        }
        let findings = Self.nPlusOnes(stream.findings())
        let items = findings.first { $0.table == "items" }
        let products = findings.first { $0.table == "products" }
        #expect(findings.count == 2)
        #expect(items?.repetitions == 5)
        #expect(items?.parent?.query == "select id from orders where customer_id = $1")
        #expect(products?.repetitions == 15)
        #expect(products?.parent?.query == "select id, product_id from items where order_id = $1")
    }

    @Test func oneLookupPerRequestIsNotAnNPlusOne() {
        var stream = Stream()
        for request in 0..<40 {
            // Requests on one persistent connection, a second apart, each in its own transaction.
            stream.literal("BEGIN", rows: 0, after: 1000)
            stream.bound("SELECT id FROM sessions WHERE token_hash = $1", value: request)
            stream.bound("SELECT * FROM dashboard WHERE user_id = $1", value: request, rows: 10)
            stream.literal("COMMIT", rows: 0)
        }
        // And back to back, with only the transaction ends between them.
        for request in 0..<40 {
            stream.literal("BEGIN", rows: 0, connection: 2)
            stream.bound("SELECT id FROM sessions WHERE token_hash = $1", value: request, connection: 2)
            stream.literal("COMMIT", rows: 0, connection: 2)
        }
        #expect(stream.findings().isEmpty)
    }

    @Test func aFewSettingsLookupsAreNotAnNPlusOne() {
        var stream = Stream()
        stream.literal("SELECT id FROM users WHERE id = 1")
        for key in ["theme", "locale", "tz"] { stream.literal("SELECT value FROM settings WHERE key = '\(key)'") }
        #expect(stream.findings().isEmpty)
    }

    @Test func anIdleGapEndsTheUnitOfWork() {
        var stream = Stream()
        stream.literal("SELECT id FROM users LIMIT 3", rows: 3)
        for id in 1...3 { stream.literal("SELECT * FROM profiles WHERE user_id = \(id)") }
        stream.literal("SELECT * FROM profiles WHERE user_id = 4", after: 2000)
        for id in 5...6 { stream.literal("SELECT * FROM profiles WHERE user_id = \(id)") }
        #expect(stream.findings().isEmpty)
        // With a gap threshold above the pause, the six lookups are one unit's loop.
        let config = UnitOfWorkDetector.Configuration(unitGapNanoseconds: 5_000_000_000)
        #expect(Self.nPlusOnes(stream.findings(config)).map(\.repetitions) == [6])
    }

    @Test func aPoolResetEndsTheUnitOfWork() {
        var stream = Stream()
        for request in 0..<3 {
            stream.literal("SELECT id FROM users LIMIT 3", rows: 3)
            for id in 1...3 { stream.literal("SELECT * FROM profiles WHERE user_id = \(request * 10 + id)") }
            stream.literal("DISCARD ALL", rows: 0)
        }
        #expect(stream.findings().isEmpty)
    }

    @Test func aPoolPingAtCheckoutEndsTheUnitOfWork() {
        // A persistent connection in autocommit: each request starts with the pool's `SELECT 1`.
        var stream = Stream()
        for request in 0..<3 {
            stream.literal("SELECT 1")
            stream.literal("SELECT id FROM users LIMIT 3", rows: 3)
            for id in 1...3 { stream.literal("SELECT * FROM profiles WHERE user_id = \(request * 10 + id)") }
        }
        #expect(stream.findings().isEmpty)
    }

    @Test func aOneRowStatementDrivesNoLongLoop() {
        // What a driver or ORM asks once when it connects, then requests back to back on the connection,
        // each with its own auth lookup: the lookups are not a loop over `version()`'s one row.
        var stream = Stream()
        stream.literal("SELECT version()", rows: 1)
        for request in 1...20 { stream.literal("SELECT id FROM users WHERE token = 'token-\(request)'") }
        #expect(Self.nPlusOnes(stream.findings()).isEmpty)
    }

    @Test func twoReferencesPerParentRowToOneTableAreStillAnNPlusOne() {
        // Each order loads its buyer and its seller, both from users: 10 lookups for 5 rows.
        var stream = Stream()
        stream.literal("SELECT id, buyer_id, seller_id FROM orders LIMIT 5", rows: 5)
        for order in 1...5 {
            stream.literal("SELECT name FROM users WHERE id = \(order * 2)")
            stream.literal("SELECT name FROM users WHERE id = \(order * 2 + 1)")
        }
        #expect(Self.nPlusOnes(stream.findings()).map(\.repetitions) == [10])
    }

    @Test func requestsBackToBackOnAPersistentConnectionAreUnitsOfTheirOwn() {
        // Autocommit, no pool reset, no gap: each request looks its user up by token, then lists the same
        // page. Neither a loop of 30 lookups nor the same page 30 times in one unit. Django sets the time
        // zone when it connects, with a SELECT that reads no table.
        var stream = Stream()
        stream.literal("SELECT set_config('TimeZone', 'UTC', false)")
        for request in 1...30 {
            stream.literal("SELECT id FROM users WHERE token = 'token-\(request)'")
            stream.literal("SELECT id, title FROM books WHERE author_id = 1", rows: 3)
        }
        #expect(stream.findings().isEmpty)
    }

    @Test func aPrefetchingRequestRepeatedOnAPersistentConnectionIsClean() {
        var stream = Stream()
        for _ in 1...4 {
            stream.literal(#"SELECT "author"."id" FROM "author" ORDER BY "author"."id" ASC"#, rows: 6)
            stream.literal(#"SELECT "book"."id" FROM "book" WHERE "book"."author_id" IN (1, 2, 3, 4, 5, 6)"#, rows: 18)
        }
        #expect(stream.findings().isEmpty)
    }

    @Test func aLoopWithoutARowReturningParentIsNotAnNPlusOne() {
        var stream = Stream()
        for id in 1...10 { stream.bound("UPDATE counters SET n = n + 1 WHERE id = $1", value: id, rows: 1) }
        #expect(Self.nPlusOnes(stream.findings()).isEmpty)
    }

    @Test func aBatchUpdateAfterASelectOfIdsIsAnNPlusOne() {
        var stream = Stream()
        stream.literal("SELECT id FROM invoices WHERE due < now()", rows: 8)
        for id in 1...8 { stream.bound("UPDATE invoices SET overdue = true WHERE id = $1", value: id, rows: 1) }
        #expect(Self.nPlusOnes(stream.findings()).map(\.repetitions) == [8])
    }

    @Test func sqlalchemyLazyLoadGetsSelectinload() throws {
        var stream = Stream()
        stream.bound(
            "SELECT leads.id AS leads_id, leads.name AS leads_name FROM leads WHERE leads.owner = $1", value: 1, rows: 9
        )
        for lead in 1...9 {
            stream.bound(
                "SELECT bookings.id AS bookings_id, bookings.lead_id AS bookings_lead_id FROM bookings WHERE $1 = bookings.lead_id",
                value: lead)
        }
        let finding = try #require(Self.nPlusOnes(stream.findings()).first)
        #expect(finding.evidence["framework"] == .string("sqlalchemy"))
        #expect(finding.columns == ["bookings.lead_id"])
        #expect(finding.suggestion.contains("selectinload(Lead.bookings)"), "\(finding.suggestion)")
    }

    @Test func endedConnectionsAreFreedAndTheirBurstsKept() {
        var stream = Stream()
        stream.literal("SELECT id FROM a LIMIT 5", rows: 5, connection: 7)
        for id in 1...5 { stream.literal("SELECT * FROM b WHERE a_id = \(id)", connection: 7) }
        var detector = UnitOfWorkDetector()
        for event in stream.events { detector.consume(event) }
        #expect(detector.openUnits == 1)
        detector.connectionEnded(7)
        #expect(detector.openUnits == 0)
        #expect(Self.nPlusOnes(detector.findings(captureParameters: false)).map(\.repetitions) == [5])
    }

    @Test func connectionsFollowedAtOnceAreBounded() {
        var stream = Stream()
        for connection in UInt64(1)...50 { stream.literal("SELECT 1", connection: connection) }
        var detector = UnitOfWorkDetector(configuration: .init(maximumConnections: 20))
        for event in stream.events { detector.consume(event) }
        #expect(detector.openUnits <= 20)
    }

    @Test func sqlcommenterRequestTagsSplitUnits() {
        var stream = Stream()
        for request in 0..<6 {
            let tag = "/*traceparent='00-\(request)-01'*/"
            stream.literal("SELECT id FROM users LIMIT 2 \(tag)", rows: 2)
            for id in 1...2 { stream.literal("SELECT * FROM profiles WHERE user_id = \(request * 10 + id) \(tag)") }
        }
        #expect(stream.findings().isEmpty)
    }

    @Test func leavingATransactionBlockEndsTheUnitEvenWithoutItsCommit() {
        // Two requests on one connection, each a transaction whose COMMIT event was lost: 4 + 4 lookups
        // must not add up to one loop of 8 under the first request's parent.
        var stream = Stream()
        for request in 0..<2 {
            stream.inTransaction = true
            stream.literal("SELECT id FROM orders WHERE shop_id = \(request) LIMIT 4", rows: 4)
            for id in 1...4 { stream.literal("SELECT name FROM customers WHERE id = \(request * 10 + id)") }
            stream.inTransaction = false
            stream.literal("SELECT now()")
        }
        #expect(Self.nPlusOnes(stream.findings()).isEmpty)
    }

    @Test func unitsIdleFarLongerThanTheGapAreSweptAndCounted() {
        var stream = Stream()
        stream.literal("SELECT id FROM a LIMIT 5", rows: 5, connection: 1)
        for id in 1...5 { stream.literal("SELECT * FROM b WHERE a_id = \(id)", connection: 1) }
        // Connection 1 goes quiet; connection 2 keeps working for a minute.
        for second in 0..<60 { stream.literal("SELECT now()", connection: 2, after: 1000) }
        var detector = UnitOfWorkDetector()
        for event in stream.events { detector.consume(event) }
        #expect(detector.openUnits == 1)
        #expect(Self.nPlusOnes(detector.findings(captureParameters: false)).map(\.repetitions) == [5])
    }

    @Test func lineageSaysWhichParentColumnTheKeysCameFrom() throws {
        var stream = Stream()
        let parent = "SELECT id, customer_id FROM orders WHERE shop_id = $1"
        // 10 lookups; 8 of the keys are customer_id values the parent returned, 2 are not.
        stream.sampledParent(parent, keys: Array(101...108), column: 1)
        for key in Array(101...108) + [999, 998] { stream.child("SELECT name FROM customers WHERE id = $1", key: key) }
        let finding = try #require(Self.nPlusOnes(stream.findings()).first)
        guard case .object(let lineage) = finding.evidence["lineage"] else {
            Issue.record("no lineage: \(finding.evidence)")
            return
        }
        #expect(lineage["matched"] == .number(8))
        #expect(lineage["checked"] == .number(10))
        #expect(lineage["parameter"] == .number(1))
        #expect(lineage["parent_column"] == .string("orders.customer_id"))
        #expect(
            lineage["summary"]
                == .string(
                    "8 of 10 `id` values were `orders.customer_id` values returned by the query before (parameter $1)"))
    }

    @Test func aParentWithoutASampleIsArmedAndGivesNoLineageYet() throws {
        let arming = LineageArming()
        var stream = Stream()
        stream.bound("SELECT id FROM orders WHERE shop_id = $1", value: 1, rows: 6)
        stream.events[0].sentText = "SELECT id FROM orders WHERE shop_id = $1"
        for key in 1...6 { stream.child("SELECT name FROM customers WHERE id = $1", key: key) }
        stream.literal("COMMIT")
        var detector = UnitOfWorkDetector(configuration: .init(lineageArming: arming))
        for event in stream.events { detector.consume(event) }
        let finding = try #require(Self.nPlusOnes(detector.findings(captureParameters: false)).first)
        #expect(finding.evidence["lineage"] == nil)
        #expect(arming.shapes == [LineageHash.shape(of: "SELECT id FROM orders WHERE shop_id = $1", statementIndex: 0)])
        detector.reset()
        #expect(arming.shapes.isEmpty)
    }

    @Test func requestsSentBackToBackOnAPersistentConnectionAreUnitsEach() throws {
        // Django with CONN_MAX_AGE in autocommit: the same page four times, nothing in between.
        var stream = Stream()
        for _ in 0..<4 {
            stream.literal("SELECT \"a\".\"id\" FROM \"a\" ORDER BY \"a\".\"id\" ASC", rows: 12)
            for id in 1...12 { stream.literal("SELECT \"b\".\"id\" FROM \"b\" WHERE \"b\".\"a_id\" = \(id)") }
        }
        let findings = stream.findings()
        let nPlusOne = try #require(Self.nPlusOnes(findings).first)
        #expect(nPlusOne.repetitions == 12)
        #expect(nPlusOne.occurrences == 4)
        #expect(findings.allSatisfy { $0.kind != .duplicateQuery }, "\(findings.map(\.kind))")
    }

    @Test func aNestedLoopsParentRowsAreThoseOfAllItsExecutions() throws {
        var stream = Stream()
        stream.bound("SELECT id FROM orders WHERE user_id = $1", value: 1, rows: 5)
        for order in 1...5 {
            stream.bound("SELECT id, product_id FROM items WHERE order_id = $1", value: order, rows: 3)
            for product in 1...3 {
                stream.bound("SELECT name FROM products WHERE id = $1", value: order * 10 + product)
            }
        }
        let products = try #require(Self.nPlusOnes(stream.findings()).first { $0.table == "products" })
        #expect(products.repetitions == 15)
        #expect(products.evidence["parent_rows"] == .number(15))
    }

    @Test func sqlalchemy2LazyLoadsAreKnownByTheirShape() throws {
        var stream = Stream()
        stream.bound("SELECT orm_authors.id, orm_authors.name FROM orm_authors", value: 0, rows: 6)
        for id in 1...6 {
            stream.bound(
                "SELECT orm_books.id, orm_books.author_id FROM orm_books WHERE $1::INTEGER = orm_books.author_id",
                value: id)
        }
        let finding = try #require(Self.nPlusOnes(stream.findings()).first)
        #expect(finding.evidence["framework"] == .string("sqlalchemy"))
        #expect(finding.columns == ["orm_books.author_id"])
        #expect(finding.suggestion.contains("WHERE author_id = ANY($1)"), "\(finding.suggestion)")
        #expect(finding.suggestion.contains("selectinload(OrmAuthor.orm_books)"), "\(finding.suggestion)")
    }

    @Test func djangoFindingsNameTheTableUnquotedAndTheReverseAccessor() throws {
        var stream = Stream()
        stream.literal("SELECT \"orm_author\".\"id\" FROM \"orm_author\"", rows: 6)
        for id in 1...6 {
            stream.literal("SELECT \"orm_book\".\"id\" FROM \"orm_book\" WHERE \"orm_book\".\"author_id\" = \(id)")
        }
        let finding = try #require(Self.nPlusOnes(stream.findings()).first)
        #expect(finding.table == "orm_book")
        #expect(finding.suggestion.contains("prefetch_related(\"book_set\")"), "\(finding.suggestion)")
    }
}
