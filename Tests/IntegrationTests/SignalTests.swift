import Foundation
import Testing

/// SIGTERM and SIGINT drain (no new clients, open transactions finish, then exit), a second one stops at
/// once, SIGHUP reloads the configuration.
@Suite("Signals", .disabled(if: ProxyUnderTest.isDirect, "pglens's own signal handling"))
struct SignalTests {
    /// Waits for `path` to exist, at most `seconds`.
    private static func waitForFile(_ path: String, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path) { return true }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }

    /// Waits for process `pid` to exit, at most `seconds`; returns whether it did.
    private static func waitForExit(_ pid: Int32, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if kill(pid, 0) != 0 { return true }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }

    @Test(
        "SIGTERM: no new clients, idle ones get 57P01, an open transaction finishes, then pglens exits",
        arguments: [SIGTERM, SIGINT])
    func drain(signal: Int32) async throws {
        try await ProxyUnderTest.with { proxy in
            let process = try #require(proxy.process)
            let directory = try TempDirectory.make(prefix: "pglens-it-drain")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            async let clients = ClientRunner.python("drain_clients.py", [proxy.dsn(), directory])
            try #require(try await Self.waitForFile(directory + "/ready", seconds: 120), "the clients never got ready")
            kill(process.pid, signal)
            // The listener closes; the transaction keeps pglens running.
            var refused = false
            for _ in 0..<100 where !refused {
                refused = !Net.accepts(port: proxy.port)
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            #expect(refused, "pglens still accepts connections after the signal")
            #expect(kill(process.pid, 0) == 0, "pglens exited with a transaction open:\n\(process.log())")
            _ = FileManager.default.createFile(atPath: directory + "/go", contents: nil)
            let result = try JSONOutput.object(try await clients)
            #expect((result["a_in_transaction"] as? [String: Any])?["value"] as? Int == 2, "\(result)")
            #expect((result["a_commit"] as? [String: Any])?["ok"] as? Bool == true, "\(result)")
            #expect((result["a_after_commit"] as? [String: Any])?["ok"] as? Bool == false, "\(result)")
            let idle = result["b_idle"] as? [String: Any] ?? [:]
            #expect(idle["ok"] as? Bool == false, "\(result)")
            #expect((idle["message"] as? String ?? "").contains("pglens is shutting down"), "\(result)")
            #expect(try await Self.waitForExit(process.pid, seconds: 10), "pglens did not exit once drained")
            #expect(process.log().contains("every client has left"), "\(process.log())")
        }
    }

    @Test("a second SIGTERM stops pglens at once, with a transaction still open")
    func secondSignal() async throws {
        try await ProxyUnderTest.with { proxy in
            let process = try #require(proxy.process)
            let directory = try TempDirectory.make(prefix: "pglens-it-drain")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            async let clients = ClientRunner.python("drain_clients.py", [proxy.dsn(), directory])
            try #require(try await Self.waitForFile(directory + "/ready", seconds: 120), "the clients never got ready")
            kill(process.pid, SIGTERM)
            try await Task.sleep(nanoseconds: 500_000_000)
            #expect(kill(process.pid, 0) == 0, "pglens exited at the first SIGTERM with a transaction open")
            kill(process.pid, SIGTERM)
            #expect(try await Self.waitForExit(process.pid, seconds: 5), "pglens still runs after a second SIGTERM")
            #expect(process.log().contains("second signal: stopping at once"), "\(process.log())")
            _ = FileManager.default.createFile(atPath: directory + "/go", contents: nil)
            let result = try JSONOutput.object(try await clients)
            #expect((result["a_in_transaction"] as? [String: Any])?["ok"] as? Bool == false, "\(result)")
        }
    }

    @Test("SIGHUP reloads users from the file; an invalid file is refused and the running configuration stays")
    func reload() async throws {
        let cluster = try await PostgresCluster.shared()
        var config = ProxyConfig()
        try await ProxyUnderTest.with(config) { proxy in
            let process = try #require(proxy.process)
            func md5UserLogin() async throws -> CommandResult {
                try await ClientRunner.psql(
                    port: proxy.port, user: "md5user", password: PostgresCluster.md5Password,
                    arguments: ["-t", "-c", "SELECT current_user"])
            }
            let before = try await md5UserLogin()
            #expect(before.exitCode != 0, "md5user is not configured yet: \(before)")
            config.users["md5user"] = PostgresCluster.md5Password
            let path = process.directory + "/pglens.toml"
            try config.toml(listenPort: proxy.port, serverPort: cluster.port, httpPort: 0).write(
                toFile: path, atomically: true, encoding: .utf8)
            kill(process.pid, SIGHUP)
            var after = try await md5UserLogin()
            for _ in 0..<50 where after.exitCode != 0 {
                try await Task.sleep(nanoseconds: 100_000_000)
                after = try await md5UserLogin()
            }
            #expect(after.stdout.contains("md5user"), "\(after)\n\(process.log())")

            try "listen_port = \"not a number\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            kill(process.pid, SIGHUP)
            var logged = false
            for _ in 0..<50 where !logged {
                try await Task.sleep(nanoseconds: 100_000_000)
                logged = process.log().contains("the configuration was not reloaded")
            }
            #expect(logged, "\(process.log())")
            let still = try await md5UserLogin()
            #expect(still.stdout.contains("md5user"), "the running configuration was lost: \(still)")
            #expect(!process.log().contains(PostgresCluster.md5Password), "a password reached the log")
        }
    }
}
