import Testing

@testable import PGLensAnalysis

@Suite struct NormalizationCacheTests {
    @Test func secondLookupIsAHit() {
        var cache = NormalizationCache(capacity: 2)
        let first = cache.statements(of: "select 1; select 'a'")
        let second = cache.statements(of: "select 1; select 'a'")
        #expect(first == second)
        #expect(first.map(\.text) == ["select $1", "select $1"])
        #expect(cache.hits == 1)
        #expect(cache.misses == 1)
    }

    @Test func capacityBoundsEntries() {
        var cache = NormalizationCache(capacity: 2)
        _ = cache.statements(of: "select a")
        _ = cache.statements(of: "select b")
        _ = cache.statements(of: "select c")
        #expect(cache.count == 2)
        _ = cache.statements(of: "select a")
        #expect(cache.misses == 4)
        _ = cache.statements(of: "select c")
        #expect(cache.hits == 1)
    }

    @Test func keysOnStandardConformingStrings() {
        var cache = NormalizationCache(capacity: 4)
        let text = "select 'a\\' c'"
        #expect(cache.statements(of: text, standardConformingStrings: false).map(\.text) == ["select $1"])
        #expect(cache.statements(of: text).map(\.text) == ["select $1 c $2"])
        #expect(cache.statements(of: text, standardConformingStrings: false).map(\.text) == ["select $1"])
        #expect(cache.misses == 2)
        #expect(cache.hits == 1)
    }

    @Test func parseTextsShareTheCache() {
        var cache = NormalizationCache()
        let first = cache.statement(of: "SELECT * FROM t WHERE id = $1")
        let second = cache.statement(of: "SELECT * FROM t WHERE id = $1")
        #expect(first == second)
        #expect(first.text == "select * from t where id = $1")
        #expect(cache.hits == 1)
        #expect(cache.statement(of: "  ").text == "")
    }
}
