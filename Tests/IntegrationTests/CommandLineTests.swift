import Foundation
import Testing

@Suite("Command line and pooling")
struct CommandLineTests {
    private static let needsPGLens = Testing.ConditionTrait.disabled(
        if: ProxyUnderTest.isDirect, "tests the pglens binary; PostgreSQL alone has no equivalent")

    /// A password that appears only in the config files of the check-config test.
    private static let fileSecret = "cc-File-Secret-7431"

    /// Runs `pglens ARGS...` to completion.
    private func pglens(_ arguments: [String]) async throws -> CommandResult {
        try await ClientRunner.run(PGLensProcess.binaryPath, arguments, timeout: 60)
    }

    @Test("serve --upstream without a config file serves psql, and SIGTERM stops it with status 0", needsPGLens)
    func serveUpstream() async throws {
        let cluster = try await PostgresCluster.shared()
        let directory = try TempDirectory.make(prefix: "pglens-it-cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try Net.freePort()
        let logPath = directory + "/pglens.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            ClientRunner.clientsDirectory + "/exec_clean.py", PGLensProcess.binaryPath, "serve", "--upstream",
            "postgres://app:\(PostgresCluster.appPassword)@127.0.0.1:\(cluster.port)/app",
            "--listen", "127.0.0.1:\(port)", "--http", "127.0.0.1:\(try Net.freePort())",
        ]
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        let token = CleanupRegistry.shared.register(pid: process.processIdentifier, signal: SIGKILL, directory: nil)
        defer { CleanupRegistry.shared.unregister(token) }
        var listening = false
        for _ in 0..<150 where process.isRunning {
            if Net.accepts(port: port) {
                listening = true
                break
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let startLog = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        try #require(listening, "pglens serve --upstream did not listen:\n\(startLog)")

        let psql = try await ClientRunner.psql(
            port: port, user: "app", password: PostgresCluster.appPassword,
            arguments: ["-t", "-c", "SELECT current_user"])
        #expect(psql.exitCode == 0, "\(psql)")
        #expect(psql.stdout == "app\n", "\(psql)")

        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        let stopped = !process.isRunning
        let logText = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        #expect(stopped, "pglens still running 5 s after SIGTERM:\n\(logText)")
        if stopped {
            #expect(process.terminationReason == .exit, "killed by a signal:\n\(logText)")
            #expect(process.terminationStatus == 0, "exit status \(process.terminationStatus):\n\(logText)")
        }
        #expect(!logText.contains(PostgresCluster.appPassword), "the log contains the upstream password")
    }

    @Test("check-config: a valid file prints OK and exits 0", needsPGLens)
    func checkConfigValid() async throws {
        let directory = try TempDirectory.make(prefix: "pglens-it-cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/valid.toml"
        var config = ProxyConfig()
        config.users = ["app": Self.fileSecret]
        try config.toml(listenPort: 16432, serverPort: 5432, httpPort: 19930).write(
            toFile: path, atomically: true, encoding: .utf8)
        let result = try await pglens(["check-config", path])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout == "\(path): OK (1 database(s), 1 user(s), listening on 127.0.0.1:16432)\n", "\(result)")
        #expect(result.stderr == "", "\(result)")
        #expect(!(result.stdout + result.stderr).contains(Self.fileSecret), "output contains the password")
    }

    @Test("check-config: unknown key, bad type and invalid port each name their key; exit 1", needsPGLens)
    func checkConfigProblems() async throws {
        let directory = try TempDirectory.make(prefix: "pglens-it-cli")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/broken.toml"
        try """
        listen_addr = "127.0.0.1"
        listen_port = 70000
        max_client_conn = "many"
        bogus_setting = 1

        [databases.app]
        host = "127.0.0.1"
        port = 5432
        dbname = "app"

        [users.app]
        password = "\(Self.fileSecret)"

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await pglens(["check-config", path])
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stdout == "", "\(result)")
        // Each line is `FILE: line N: KEY: message`.
        var keysByLine: [String: String] = [:]
        for line in result.stderr.split(separator: "\n") {
            let parts = line.components(separatedBy: ": ")
            #expect(parts.count >= 4 && parts[0] == path, "unexpected line \(line)")
            if parts.count >= 4 { keysByLine[parts[1]] = parts[2] }
        }
        #expect(
            keysByLine == ["line 2": "listen_port", "line 3": "max_client_conn", "line 4": "bogus_setting"],
            "\(result)")
        #expect(!(result.stdout + result.stderr).contains(Self.fileSecret), "output contains the password")
    }

    /// The pool starts cold: the first client's login borrows a server connection to learn the server's
    /// parameters and gives it straight back.
    @Test("idle logged-in clients hold no server connection: a sixth client is served with pool size 1", needsPGLens)
    func idleClientsHoldNoServer() async throws {
        // A database of its own, so that backends of tests running in parallel are not counted.
        let database = "idle_it"
        let cluster = try await PostgresCluster.shared()
        try await cluster.psqlAdmin("CREATE DATABASE \(database) OWNER app")
        var config = ProxyConfig()
        config.defaultPoolSize = 1
        config.queryWaitTimeout = 5
        config.databases = [database]
        try await ProxyUnderTest.with(config) { proxy in
            let directory = try TempDirectory.make(prefix: "pglens-it-idle")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            async let run = ClientRunner.python(
                "scenarios.py", ["idleclients", proxy.dsn(database: database), "5", directory, "0"])
            var ready = false
            for _ in 0..<600 {
                if FileManager.default.fileExists(atPath: directory + "/ready") {
                    ready = true
                    break
                }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            var backends = ""
            if ready {
                backends = try await proxy.cluster.psqlAdmin(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = 'app' AND datname = '\(database)'")
            }
            _ = FileManager.default.createFile(atPath: directory + "/release", contents: nil)
            let reply = try JSONOutput.object(try await run)
            #expect(ready, "the scenario never got to its sixth client: \(reply)")
            #expect(reply["idle"] as? Int == 5, "\(reply)")
            #expect(reply["select"] as? Int == 1, "\(reply)")
            let elapsed = reply["elapsed"] as? Double ?? -1
            #expect(elapsed >= 0 && elapsed < 2, "sixth client took \(elapsed) s: \(reply)")
            // The sixth client holds the only server connection (session mode); the five idle ones none.
            #expect(backends == "1", "app backends: \(backends)")
        }
    }
}
