import Testing

@testable import PGLensProxy

@Suite struct ServerStatementCacheTests {
    @Test func evictsTheLeastRecentlyUsed() {
        var cache = ServerStatementCache(capacity: 2)
        #expect(cache.insert("a") == nil)
        #expect(cache.insert("b") == nil)
        cache.touch("a")
        #expect(cache.insert("c") == "b")
        #expect(cache.contains("a") && cache.contains("c") && !cache.contains("b"))
        #expect(cache.count == 2)
    }

    @Test func insertingAgainEvictsNothing() {
        var cache = ServerStatementCache(capacity: 1)
        #expect(cache.insert("a") == nil)
        #expect(cache.insert("a") == nil)
        cache.removeAll()
        #expect(cache.count == 0)
    }
}
