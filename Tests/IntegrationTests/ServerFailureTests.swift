import Foundation
import Testing

/// PostgreSQL failing under pglens: a backend killed with SIGKILL inside a client's transaction, and a
/// restart (fast shutdown, then start on the same port) in the middle of a workload. Both take down every
/// session of the cluster, so they run on a cluster of their own, one after the other.
@Suite("Server crashes and restarts", .serialized, .disabled(if: ProxyUnderTest.isDirect, "pglens recovery"))
struct ServerFailureTests {
    private static let boot = Task { try await PostgresCluster.dedicated() }

    /// What a client may see while its server goes away: the server's own shutdown or crash error, or
    /// pglens's 08006 / 08001, or a connection refused before login (no SQLSTATE from libpq).
    private static let outageErrors: Set<String> = [
        "08006", "08001", "57P01", "57P02", "57P03", "OperationalError",
    ]

    private static func config(poolMode: String) -> ProxyConfig {
        var config = ProxyConfig()
        config.poolMode = poolMode
        config.defaultPoolSize = 5
        config.queryWaitTimeout = 5
        config.extraLines = ["server_login_retry = 0.5", "server_connect_timeout = 3"]
        return config
    }

    private static func withProxy(
        poolMode: String = "transaction", _ body: (PostgresCluster, PGLensProcess) async throws -> Void
    ) async throws {
        let cluster = try await boot.value
        let proxy = try await PGLensProcess.start(config(poolMode: poolMode), serverPort: cluster.port)
        do {
            try await body(cluster, proxy)
            #expect(CleanupRegistry.isAlive(proxy.pid), "pglens exited:\n\(proxy.log())")
            let served = try await PoolObservation.eventually(15) {
                (try? await PoolObservation.query("SELECT 'alive'", port: proxy.port, database: "app")) == "alive"
            }
            #expect(served, "pglens does not serve new clients after the outage:\n\(proxy.log())")
            proxy.stop()
        } catch {
            let log = proxy.stop()
            Issue.record("pglens log:\n\(log.suffix(6000))")
            throw error
        }
    }

    @Test("kill -9 of the server backend inside a client's transaction: that client gets an error, others go on")
    func backendKilledInTransaction() async throws {
        try await Self.withProxy { _, proxy in
            let directory = try TempDirectory.make(prefix: "pglens-it-kill")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let dsn = ProxyUnderTest.dsn(port: proxy.port, user: "app", password: PostgresCluster.appPassword)
            async let scenario = ClientRunner.python("pool_lifetimes.py", ["killtx", dsn, directory], timeout: 90)
            var pid: Int32?
            for _ in 0..<1200 where pid == nil {
                pid = (try? String(contentsOfFile: directory + "/pid", encoding: .utf8)).flatMap { Int32($0) }
                if pid == nil { try await Task.sleep(nanoseconds: 100_000_000) }
            }
            let backend = try #require(pid, "the client never reported its backend")
            #expect(kill(backend, SIGKILL) == 0)
            _ = FileManager.default.createFile(atPath: directory + "/killed", contents: nil)
            let json = try JSONOutput.object(try await scenario)
            let error = json["a"] as? String ?? "?"
            #expect(Self.outageErrors.contains(error), "the client inside the transaction got \(error): \(json)")
            #expect(json["b"] as? String == "served", "the other client did not go on: \(json)")
        }
    }

    @Test(
        "PostgreSQL restarted in the middle of a workload: pglens keeps running and serves again",
        arguments: ["transaction", "session"])
    func restartDuringWorkload(poolMode: String) async throws {
        try await Self.withProxy(poolMode: poolMode) { cluster, proxy in
            let directory = try TempDirectory.make(prefix: "pglens-it-restart")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // Crash recovery after the previous test may still be running.
            _ = try await PoolObservation.eventually(30) { (try? await cluster.psqlAdmin("SELECT 1")) == "1" }
            let dsn = ProxyUnderTest.dsn(port: proxy.port, user: "app", password: PostgresCluster.appPassword)
            // Fewer clients than server connections: under session pooling none waits for another to leave.
            async let workload = ClientRunner.python(
                "pool_lifetimes.py", ["workload", dsn, directory, "15", "4"], timeout: 90)
            let serving = try await PoolObservation.eventually(20) {
                FileManager.default.fileExists(atPath: directory + "/serving")
            }
            try #require(serving, "the workload never got going")
            try await Task.sleep(nanoseconds: 1_000_000_000)
            _ = FileManager.default.createFile(atPath: directory + "/stopping", contents: nil)
            try await cluster.stopFast()
            try await Task.sleep(nanoseconds: 1_000_000_000)
            try await cluster.startAgain()
            _ = FileManager.default.createFile(atPath: directory + "/restarted", contents: nil)
            let json = try JSONOutput.object(try await workload)
            #expect((json["ok_before"] as? Int ?? 0) > 0, "\(json)")
            #expect((json["ok_after"] as? Int ?? 0) > 50, "few or no queries served after the restart: \(json)")
            #expect(json["wrong"] as? Int == 0, "\(json)")
            let errors = json["errors"] as? [String: Int] ?? [:]
            #expect(Set(errors.keys).isSubset(of: Self.outageErrors), "unexpected errors: \(errors)")
        }
    }

    @Test(
        "a fast restart of PostgreSQL under a probe client costs under a second once it accepts again",
        arguments: ["transaction", "session"])
    func fastRestartCostsUnderASecond(poolMode: String) async throws {
        try await Self.withProxy(poolMode: poolMode) { cluster, proxy in
            let directory = try TempDirectory.make(prefix: "pglens-it-probe")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            _ = try await PoolObservation.eventually(30) { (try? await cluster.psqlAdmin("SELECT 1")) == "1" }
            let dsn = ProxyUnderTest.dsn(port: proxy.port, user: "app", password: PostgresCluster.appPassword)
            async let probe = ClientRunner.python("restart_probe.py", [dsn, directory], timeout: 150)
            let serving = try await PoolObservation.eventually(30) {
                FileManager.default.fileExists(atPath: directory + "/serving")
            }
            try #require(serving, "the probe never got an answer before the restart")
            try await cluster.stopFast()
            let stopped = Date().timeIntervalSince1970
            try await Task.sleep(nanoseconds: 200_000_000)
            try await cluster.startAgain()
            // startAgain returns once PostgreSQL accepts connections (it polls, so a little after).
            let accepting = Date().timeIntervalSince1970
            try await Task.sleep(nanoseconds: 3_000_000_000)
            _ = FileManager.default.createFile(atPath: directory + "/done", contents: nil)
            let json = try JSONOutput.object(try await probe)
            let successes = json["successes"] as? [Double] ?? []
            let firstAfter = try #require(successes.first { $0 > stopped }, "no answer after the restart: \(json)")
            #expect(
                firstAfter - accepting < 1.0,
                "first answer \(firstAfter - accepting) s after PostgreSQL accepted again: \(json)\n\(proxy.log().suffix(3000))"
            )
        }
    }
}
