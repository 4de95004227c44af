import Foundation
import Testing

@Suite("Failures and limits")
struct FailureTimingTests {
    private static let needsPGLens = Testing.ConditionTrait.disabled(
        if: ProxyUnderTest.isDirect, "a pglens limit; PostgreSQL alone has no equivalent")

    private func scenario(_ arguments: [String], timeout: Double = 60) async throws -> [String: Any] {
        try await Scenario.run(arguments, timeout: timeout)
    }

    private func expectServed(_ proxy: ProxyUnderTest, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await scenario(["connect", proxy.dsn()])
        #expect(result["ok"] as? Bool == true, "next client not served: \(result)", sourceLocation: sourceLocation)
    }

    @Test("garbage message type gets ErrorResponse 08P01 and the proxy keeps serving")
    func garbageMessage() async throws {
        try await ProxyUnderTest.with(ProxyConfig.trustLogin) { proxy in
            let reply = try await scenario(["garbage", "127.0.0.1", String(proxy.port), "trustuser", "app"])
            let errors = reply["errors"] as? [[String: Any]] ?? []
            #expect(errors.first?["sqlstate"] as? String == "08P01", "\(reply)")
            #expect(reply["closed"] as? Bool == true, "\(reply)")
            try await expectServed(proxy)
        }
    }

    @Test("a message claiming 2^30+8 bytes gets ErrorResponse 08P01")
    func hugeLength() async throws {
        try await ProxyUnderTest.with(ProxyConfig.trustLogin) { proxy in
            let reply = try await scenario(["hugelen", "127.0.0.1", String(proxy.port), "trustuser", "app"])
            let errors = reply["errors"] as? [[String: Any]] ?? []
            if ProxyUnderTest.isDirect {
                // PostgreSQL logs "invalid message length" as COMMERROR and just closes the socket.
                #expect(errors.isEmpty, "\(reply)")
            } else {
                #expect(errors.first?["sqlstate"] as? String == "08P01", "\(reply)")
            }
            #expect(reply["closed"] as? Bool == true, "\(reply)")
            try await expectServed(proxy)
        }
    }

    @Test("pool exhausted: a waiting client gets 53300 after query_wait_timeout", needsPGLens)
    func poolExhausted() async throws {
        var config = ProxyConfig()
        config.defaultPoolSize = 1
        // 2 s, not 1: the holder's own wait includes the opening of the pool's only server connection,
        // which took over 1 s on a loaded CI machine (the holder got 53300 itself).
        config.queryWaitTimeout = 2
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await scenario(["poolwait", proxy.dsn()])
            let waiter = result["b"] as? [String: Any] ?? [:]
            #expect(waiter["sqlstate"] as? String == "53300", "\(result)")
            let elapsed = result["b_elapsed"] as? Double ?? -1
            #expect(elapsed >= 1.8 && elapsed <= 4.5, "waited \(elapsed) s")
            #expect((result["a"] as? [String: Any])?["ok"] as? Bool == true, "holder failed: \(result)")
            try await expectServed(proxy)
        }
    }

    @Test("max_client_conn = 2 refuses the third client with 53300", needsPGLens)
    func maxClientConnections() async throws {
        var config = ProxyConfig()
        config.maxClientConn = 2
        try await ProxyUnderTest.with(config) { proxy in
            let result = try await scenario(["maxconn", proxy.dsn(), "2"])
            #expect(result["held"] as? Int == 2, "\(result)")
            let extra = result["extra"] as? [String: Any] ?? [:]
            #expect(extra["sqlstate"] as? String == "53300", "\(result)")
            #expect(result["after"] as? String == "served", "\(result)")
        }
    }

    @Test("pg_terminate_backend of the server backend: the client sees an error, the next one is served")
    func serverBackendTerminated() async throws {
        try await ProxyUnderTest.with { proxy in
            let result = try await scenario(["terminate", proxy.dsn(), proxy.cluster.adminDSN])
            #expect(result["terminated"] as? Bool == true, "\(result)")
            #expect(result["error"] as? Bool == true, "\(result)")
            let sqlstate = result["sqlstate"] as? String
            #expect(sqlstate == nil || sqlstate == "57P01" || sqlstate == "08006", "\(result)")
            try await expectServed(proxy)
        }
    }

    @Test("a client that vanishes inside BEGIN leaves no transaction open")
    func abandonedTransaction() async throws {
        try await ProxyUnderTest.with { proxy in
            let marker = "pglens-it-abandon-\(UUID().uuidString.prefix(8))"
            let result = try await scenario(["abandon", proxy.dsn(), proxy.cluster.adminDSN, marker])
            #expect(result["states_before"] as? [String] == ["idle in transaction"], "\(result)")
            var states = ""
            for _ in 0..<50 {
                states = try await proxy.cluster.psqlAdmin(
                    "SELECT string_agg(state, ',') FROM pg_stat_activity WHERE application_name = '\(marker)'")
                if states.isEmpty { break }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            #expect(states == "", "server session still open with state \(states)")
            try await expectServed(proxy)
        }
    }
}
