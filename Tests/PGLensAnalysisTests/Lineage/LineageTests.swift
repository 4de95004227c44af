import Foundation
import Testing

@testable import PGLensAnalysis

@Suite struct LineageHashTests {
    private static func hash(_ bytes: [UInt8], binary: Bool) -> UInt64? {
        bytes.withUnsafeBytes { LineageHash.value($0, binary: binary) }
    }

    @Test func aKeyHashesAlikeInTextAndInEveryBinaryIntegerWidth() {
        let text = Self.hash(Array("42".utf8), binary: false)
        #expect(text != nil)
        #expect(Self.hash([0, 42], binary: true) == text)
        #expect(Self.hash([0, 0, 0, 42], binary: true) == text)
        #expect(Self.hash([0, 0, 0, 0, 0, 0, 0, 42], binary: true) == text)
        #expect(LineageHash.value(text: "42") == text)
        #expect(Self.hash([0xff, 0xff, 0xff, 0xfe], binary: true) == LineageHash.value(text: "-2"))
        #expect(Self.hash(Array("43".utf8), binary: false) != text)
    }

    @Test func aBinaryUUIDHashesAsItsText() {
        let bytes: [UInt8] = [
            0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00,
        ]
        #expect(Self.hash(bytes, binary: true) == LineageHash.value(text: "123e4567-e89b-12d3-a456-426614174000"))
    }

    @Test func longValuesAreNoKeys() {
        #expect(Self.hash(Array(repeating: 65, count: 65), binary: false) == nil)
    }

    @Test func shapesIgnoreLiteralValuesButNotTheStatement() {
        let one = LineageHash.shape(of: "SELECT * FROM orders WHERE user_id = 7 AND s = 'a'", statementIndex: 0)
        #expect(
            one == LineageHash.shape(of: "SELECT * FROM orders WHERE user_id = 1234 AND s = 'bc'", statementIndex: 0))
        #expect(one != LineageHash.shape(of: "SELECT * FROM orders WHERE shop_id = 7 AND s = 'a'", statementIndex: 0))
        #expect(one != LineageHash.shape(of: "SELECT * FROM orders WHERE user_id = 7 AND s = 'a'", statementIndex: 1))
    }

    @Test func constantsOfLiteralSQLCarryTheirValueHashes() {
        let statement = StatementNormalizer().normalize("SELECT * FROM t WHERE a = 42 AND b = 'it''s' AND c = -3")
        #expect(statement.constantHashes.count == 3)
        #expect(statement.constantHashes[0] == LineageHash.value(text: "42"))
        #expect(statement.constantHashes[1] == LineageHash.value(text: "it's"))
        #expect(statement.constantHashes[2] == LineageHash.value(text: "-3"))
    }

    @Test func parameterValueHashesKeepFourInOrderWithNulls() {
        var values = ParameterValueHashes()
        for hash in [1, nil, 3, 4, 5] as [UInt64?] { values.append(hash) }
        #expect(values.count == 4)
        #expect([values[0], values[1], values[2], values[3], values[4]] == [1, nil, 3, 4, nil])
    }

    @Test func armingCountsGenerationsAndForgetsTheOldestBeyondCapacity() {
        let arming = LineageArming()
        #expect(arming.generation == 0)
        #expect(arming.arm(1))
        #expect(!arming.arm(1))
        #expect(arming.generation == 1)
        for shape in UInt64(2)...UInt64(LineageArming.capacity + 1) { arming.arm(shape) }
        #expect(arming.shapes.count == LineageArming.capacity)
        #expect(!arming.shapes.contains(1))
        arming.disarmAll()
        #expect(arming.shapes.isEmpty)
    }
}

@Suite struct SelectListColumnsTests {
    @Test(arguments: [
        ("select id, customer_id from orders where shop_id = $1", ["orders.id", "orders.customer_id"]),
        (
            "select \"app_lead\".\"id\", \"app_lead\".\"name\" from \"app_lead\" limit $1",
            ["app_lead.id", "app_lead.name"]
        ),
        (
            "select leads.id as leads_id, leads.name as leads_name from leads", ["leads.id", "leads.name"]
        ),
        ("select count(*) as n, max(x) from t", ["n", "column 2"]),
        ("select distinct o.user_id from orders o", ["o.user_id"]),
    ])
    func namesComeFromTheSelectList(query: String, names: [String]) {
        #expect(SelectListColumns.names(in: query, mainTable: QueryShape(normalizedText: query).table) == names)
    }
}

@Suite struct ResultSampleMergeTests {
    @Test func mergedSamplesKeepTheColumnsOfEveryExecutionUpToTheirBound() {
        var first = ResultSample()
        first.add(1, column: 0)
        first.endRow()
        var second = ResultSample()
        second.add(1, column: 2)
        second.add(2, column: 1)
        second.endRow()
        first.merge(second)
        #expect(first.rows == 2)
        #expect(first.columns(of: 1) == 0b101)
        #expect(first.columns(of: 2) == 0b010)
        var big = ResultSample()
        for value in 0..<UInt64(ResultSample.maximumValues + 10) { big.add(value, column: 0) }
        var merged = ResultSample()
        merged.merge(big)
        #expect(merged.columnsByValue.count == ResultSample.maximumValues)
    }
}

@Suite struct DecimalHashTests {
    @Test(arguments: [0, 7, 10, 42, 99, 100, -1, -250, Int64.max, Int64.min])
    func aBinaryIntegerHashesAsItsDecimalText(value: Int64) {
        #expect(LineageHash.decimalHash(value) == LineageHash.value(text: Substring(String(value))))
    }
}
