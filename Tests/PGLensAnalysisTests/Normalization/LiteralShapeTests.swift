import Testing

@testable import PGLensAnalysis

/// The shape cache's promise: two texts with the same ``LiteralShape`` normalize alike.
@Suite struct LiteralShapeTests {
    static func shape(_ text: String, standardConformingStrings: Bool = true) -> LiteralShape? {
        LiteralShape(text, standardConformingStrings: standardConformingStrings)
    }

    /// `text` with every digit moved on by one and every letter inside plain single-quoted strings changed.
    static func variant(_ text: String) -> String {
        var result = ""
        var inString = false
        var previous: Character = " "
        for character in text {
            if character == "'" && !(previous.isLetter || previous == "&") { inString.toggle() }
            if let digit = character.wholeNumberValue, character.isASCII {
                result.append(String((digit + 1) % 10))
            } else if inString, character.isLetter, character.isASCII {
                result.append(character == "z" ? "a" : "z")
            } else {
                result.append(character)
            }
            previous = character
        }
        return result
    }

    @Test(arguments: NormalizerFixtures.cases)
    func textsOfOneShapeNormalizeAlike(_ fixture: NormalizerFixtures.Case) {
        for standardConformingStrings in [true, false] {
            let variant = Self.variant(fixture.input)
            guard let first = Self.shape(fixture.input, standardConformingStrings: standardConformingStrings),
                first == Self.shape(variant, standardConformingStrings: standardConformingStrings)
            else { continue }
            let normalizer = StatementNormalizer(standardConformingStrings: standardConformingStrings)
            #expect(
                normalizer.normalizeEach(fixture.input) == normalizer.normalizeEach(variant),
                "\(fixture.input) and \(variant) share a shape")
        }
    }

    @Test func constantsDoNotChangeTheShape() {
        #expect(Self.shape("SELECT * FROM t WHERE id = 1") == Self.shape("SELECT * FROM t WHERE id = 98765"))
        #expect(Self.shape("SELECT * FROM t WHERE n = 'bob'") == Self.shape("SELECT * FROM t WHERE n = 'it''s'"))
        #expect(Self.shape("SELECT 1.5e-3, .5, 0x1F, 1_000") == Self.shape("SELECT 2.5e+7, .9, 0xFF, 2_000"))
        #expect(Self.shape("SELECT 1") != nil)
    }

    @Test func everythingElseDoes() {
        #expect(Self.shape("SELECT a FROM t1") != Self.shape("SELECT a FROM t2"))
        #expect(Self.shape("SELECT \"c1\" FROM t") != Self.shape("SELECT \"c2\" FROM t"))
        #expect(Self.shape("SELECT $1, $2") != Self.shape("SELECT $2, $1"))
        #expect(Self.shape("SELECT * FROM t WHERE a IN (1, 2)") != Self.shape("SELECT * FROM t WHERE a IN (1, 2, 3)"))
        #expect(Self.shape("SELECT 1") != Self.shape("select 1"))
    }

    @Test(arguments: [
        "SELECT 1 -- comment", "SELECT /* c */ 1", "SELECT $$a$$", "SELECT $tag$a$tag$", "SELECT E'a\\nb'",
        "SELECT B'101'", "SELECT X'1F'", "SELECT U&'d\\0061t'", "SELECT N'x'", "SELECT 1::numeric(10,2)",
        "SELECT 'unterminated", "SELECT \"unterminated",
    ])
    func textsItCannotVouchForHaveNoShape(_ text: String) {
        #expect(Self.shape(text) == nil)
    }

    @Test func backslashesCountOnlyWhenStringsAreNotStandard() {
        #expect(Self.shape("SELECT 'a\\b'", standardConformingStrings: true) != nil)
        #expect(Self.shape("SELECT 'a\\b'", standardConformingStrings: false) == nil)
    }

    @Test func theCacheAnswersOneShapeOnce() {
        var cache = NormalizationCache(capacity: 8)
        for id in 1...50 { _ = cache.statements(of: "SELECT abalance FROM pgbench_accounts WHERE aid = \(id);") }
        #expect(cache.misses == 1)
        #expect(cache.hits == 49)
        #expect(
            cache.statements(of: "SELECT abalance FROM pgbench_accounts WHERE aid = 7;").map(\.text)
                == ["select abalance from pgbench_accounts where aid = $1"])
    }
}
