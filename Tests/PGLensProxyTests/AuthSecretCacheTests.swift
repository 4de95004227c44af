import NIOCore
import PGLensConfig
import Testing

@testable import PGLensProxy

@Suite struct AuthSecretCacheTests {
    static let key = AuthSecretCache.Key(database: "app", user: "alice")
    static func at(_ seconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(1_000 + seconds) * 1_000_000_000) }

    @Test func answersAreFreshForTheirTimeToLive() {
        var cache = AuthSecretCache(timeToLive: .seconds(60))
        #expect(cache.answer(for: Self.key, now: Self.at(0)) == nil)
        cache.store(.plain("pw"), for: Self.key, now: Self.at(0))
        #expect(cache.answer(for: Self.key, now: Self.at(59)) == .some(.plain("pw")))
        #expect(cache.answer(for: Self.key, now: Self.at(60)) == nil)
        // Expired, the secret is still there for the server login of a client that used it.
        #expect(cache.secret(user: "alice", database: "app") == .plain("pw"))
        #expect(cache.secret(user: "alice", database: "other") == nil)
    }

    @Test func noSuchUserIsKeptToo() {
        var cache = AuthSecretCache(timeToLive: .seconds(60))
        cache.store(nil, for: Self.key, now: Self.at(0))
        let answer = cache.answer(for: Self.key, now: Self.at(1))
        #expect(answer != nil)
        #expect(answer! == nil)
    }

    @Test func aZeroTimeToLiveNeverAnswers() {
        var cache = AuthSecretCache(timeToLive: .zero)
        cache.store(.plain("pw"), for: Self.key, now: Self.at(0))
        #expect(cache.answer(for: Self.key, now: Self.at(0)) == nil)
        #expect(cache.secret(user: "alice", database: "app") == .plain("pw"))
    }

    @Test func staysWithinItsCapacity() {
        var cache = AuthSecretCache(timeToLive: .seconds(10), capacity: 2)
        cache.store(.plain("a"), for: .init(database: "app", user: "a"), now: Self.at(0))
        cache.store(.plain("b"), for: .init(database: "app", user: "b"), now: Self.at(20))
        // "a" expired: dropped to make room.
        cache.store(.plain("c"), for: .init(database: "app", user: "c"), now: Self.at(20))
        #expect(cache.secret(user: "a", database: "app") == nil)
        #expect(cache.secret(user: "b", database: "app") == .plain("b"))
        #expect(cache.secret(user: "c", database: "app") == .plain("c"))
    }

    @Test func theSecretIsTheSecondColumnOfTheFirstRow() {
        let verifier = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"
        #expect(AuthQueryLookup.secret(in: [["alice", verifier]]) == .scramVerifier(verifier))
        #expect(AuthQueryLookup.secret(in: [["md5" + String(repeating: "a", count: 32)]]) != nil)
        #expect(AuthQueryLookup.secret(in: [["alice", nil]]) == nil)
        #expect(AuthQueryLookup.secret(in: [["alice", ""]]) == nil)
        #expect(AuthQueryLookup.secret(in: []) == nil)
    }
}
