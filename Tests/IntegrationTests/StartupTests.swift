import Foundation
import Testing

@Suite("Startup phase")
struct StartupTests {
    private static let needsPGLens = Testing.ConditionTrait.disabled(
        if: ProxyUnderTest.isDirect, "a pglens answer; PostgreSQL alone behaves differently")

    private func scenario(_ arguments: [String], timeout: Double = 60) async throws -> [String: Any] {
        try await Scenario.run(arguments, timeout: timeout)
    }

    private func raw(_ name: String, _ proxy: ProxyUnderTest, _ extra: [String] = []) async throws -> [String: Any] {
        try await scenario([name, "127.0.0.1", String(proxy.port), "trustuser", "app"] + extra)
    }

    private func expectSelectOne(
        _ reply: [String: Any], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(reply["login_error"] is NSNull, "login failed: \(reply)", sourceLocation: sourceLocation)
        let select = reply["select"] as? [String: Any] ?? [:]
        #expect(select["rows"] as? [String] == ["1"], "\(reply)", sourceLocation: sourceLocation)
        #expect((select["errors"] as? [Any])?.isEmpty == true, "\(reply)", sourceLocation: sourceLocation)
        #expect(select["status"] as? String == "I", "\(reply)", sourceLocation: sourceLocation)
    }

    @Test("SSLRequest is refused with 'N' and the same connection then logs in and runs SELECT 1")
    func sslRequestRefused() async throws {
        try await ProxyUnderTest.with(ProxyConfig.trustLogin) { proxy in
            // The test cluster has ssl = off, so PostgreSQL answers 'N' as well.
            let reply = try await raw("encrequest", proxy, ["80877103"])
            #expect(reply["answer"] as? String == "N", "\(reply)")
            expectSelectOne(reply)
        }
    }

    @Test("GSSENCRequest is refused with 'N' and the same connection then logs in and runs SELECT 1")
    func gssEncRequestRefused() async throws {
        try await ProxyUnderTest.with(ProxyConfig.trustLogin) { proxy in
            let reply = try await raw("encrequest", proxy, ["80877104"])
            if ProxyUnderTest.isDirect {
                // This PostgreSQL 15 is built with GSSAPI: it accepts GSS encryption on TCP ('G'),
                // after which a plain startup packet cannot follow; the scenario stops there.
                #expect(reply["answer"] as? String == "G", "\(reply)")
                #expect(reply["select"] == nil, "\(reply)")
            } else {
                #expect(reply["answer"] as? String == "N", "\(reply)")
                expectSelectOne(reply)
            }
        }
    }

    @Test("protocol 3.2 with a _pq_ option gets NegotiateProtocolVersion, then the login continues on 3.0")
    func negotiateProtocolVersion() async throws {
        try await ProxyUnderTest.with(ProxyConfig.trustLogin) { proxy in
            let reply = try await raw("negotiate", proxy)
            #expect(reply["first"] as? String == "v", "NegotiateProtocolVersion must come first: \(reply)")
            let negotiations = reply["negotiations"] as? [[String: Any]] ?? []
            #expect(negotiations.count == 1, "exactly one NegotiateProtocolVersion: \(reply)")
            let message = negotiations.first ?? [:]
            #expect(message["count"] as? Int == 1, "\(reply)")
            #expect(message["unrecognized"] as? [String] == ["_pq_.test_option"], "\(reply)")
            // length 4 + newest version 4 + count 4 + "_pq_.test_option\0" 17
            #expect(message["raw_length"] as? Int == 29, "\(reply)")
            // PostgreSQL sends PG_PROTOCOL_LATEST, the whole version number 3.0 = 196608; so does pglens.
            #expect(message["newest_minor"] as? Int == 196_608, "\(reply)")
            expectSelectOne(reply)
        }
    }

    @Test("replication=database is refused with ErrorResponse 0A000 and the connection closes", needsPGLens)
    func replicationRefused() async throws {
        try await ProxyUnderTest.with(ProxyConfig.trustLogin) { proxy in
            let reply = try await raw("replication", proxy)
            #expect(reply["kinds"] as? [String] == ["E"], "\(reply)")
            let errors = reply["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == 1, "\(reply)")
            #expect(errors.first?["sqlstate"] as? String == "0A000", "\(reply)")
            #expect(errors.first?["severity"] as? String == "FATAL", "\(reply)")
            #expect(errors.first?["message"] as? String == "pglens does not proxy replication connections")
            #expect(reply["closed"] as? Bool == true, "\(reply)")
        }
    }

    @Test("a startup packet claiming 20000 bytes is refused and the connection closes")
    func oversizedStartupPacket() async throws {
        try await ProxyUnderTest.with(ProxyConfig.trustLogin) { proxy in
            let reply = try await scenario(["longstartup", "127.0.0.1", String(proxy.port), "20000"])
            let errors = reply["errors"] as? [[String: Any]] ?? []
            if ProxyUnderTest.isDirect {
                // PostgreSQL logs "invalid length of startup packet" and closes without a message.
                #expect(errors.isEmpty, "\(reply)")
            } else {
                #expect(errors.count == 1, "\(reply)")
                #expect(errors.first?["sqlstate"] as? String == "08P01", "\(reply)")
            }
            #expect((reply["other"] as? [Any])?.isEmpty == true, "\(reply)")
            #expect(reply["closed"] as? Bool == true, "\(reply)")
            let next = try await raw("encrequest", proxy, ["80877103"])
            expectSelectOne(next)
        }
    }

    @Test("psycopg cancel of pg_sleep(10) gives 57014 in under 3 s and the session goes on")
    func psycopgCancel() async throws {
        try await ProxyUnderTest.with { proxy in
            let reply = try await scenario(["pgcancel", proxy.dsn()])
            #expect(reply["sqlstate"] as? String == "57014", "\(reply)")
            #expect(reply["error"] as? String == "QueryCanceled", "\(reply)")
            let elapsed = reply["elapsed"] as? Double ?? -1
            #expect(elapsed >= 0.4 && elapsed < 3, "cancelled after \(elapsed) s")
            #expect(reply["after"] as? Int == 1, "\(reply)")
            #expect(reply["same_backend"] as? Bool == true, "\(reply)")
        }
    }

    @Test("asyncpg wait_for timeout sends a CancelRequest; the same connection then runs SELECT 1")
    func asyncpgCancel() async throws {
        try await ProxyUnderTest.with { proxy in
            let reply = try await scenario(["apgcancel", proxy.dsn()])
            #expect(reply["outcome"] as? String == "timeout", "\(reply)")
            #expect(reply["after"] as? Int == 1, "\(reply)")
            // asyncpg runs SELECT 1 only after the cancelled query's ReadyForQuery: an unforwarded
            // cancel would make this take the full 10 s of pg_sleep.
            let elapsed = reply["elapsed"] as? Double ?? -1
            #expect(elapsed >= 0.4 && elapsed < 3, "cancel + SELECT 1 took \(elapsed) s")
            #expect(reply["same_backend"] as? Bool == true, "\(reply)")
        }
    }
}
