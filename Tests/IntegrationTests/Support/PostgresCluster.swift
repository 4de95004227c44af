import Foundation

/// The PostgreSQL 15 cluster every integration test talks to: started once per test process, lazily,
/// stopped at exit. Roles: `app` (SCRAM, owns database `app`), `md5user` (md5-stored), `pwuser`
/// (pg_hba `password`), `trustuser` (pg_hba `trust`), `certuser` (pg_hba `hostssl ... cert`: a client
/// certificate signed by ``TestCA`` with CN certuser, no password), `sslonly` (SCRAM, refused by
/// pg_hba `hostnossl ... reject` without TLS).
///
/// `ssl = on` with a certificate for `localhost` signed by ``TestCA``; plain connections work too.
final class PostgresCluster: Sendable {
    static let binDirectory = "/usr/lib/postgresql/15/bin"
    static let appPassword = "app-secret"
    static let md5Password = "md5-secret"
    static let pwPassword = "pw-secret"
    static let trustPassword = "trust-secret"
    static let sslOnlyPassword = "sslonly-secret"

    let port: Int
    let socketDirectory: String
    let rootDirectory: String
    let pid: Int32

    private init(port: Int, socketDirectory: String, rootDirectory: String, pid: Int32) {
        self.port = port
        self.socketDirectory = socketDirectory
        self.rootDirectory = rootDirectory
        self.pid = pid
    }

    private static let boot = Task { try await PostgresCluster.start() }

    /// The shared cluster, started by whichever test asks first.
    static func shared() async throws -> PostgresCluster {
        try await boot.value
    }

    /// A cluster of its own, with the same roles, for tests that crash or restart PostgreSQL (which would
    /// break every other test's connections on the shared one). Stopped at exit.
    static func dedicated() async throws -> PostgresCluster {
        try await start()
    }

    /// The postmaster's pid now: it changes when the cluster is restarted.
    var postmasterPID: Int32? {
        let text = try? String(contentsOfFile: rootDirectory + "/data/postmaster.pid", encoding: .utf8)
        return text?.split(separator: "\n").first.flatMap { Int32($0) }
    }

    /// Stops the server with a fast shutdown (SIGINT: sessions are terminated with 57P01) and waits until
    /// it has exited.
    func stopFast() async throws {
        guard let pid = postmasterPID else { throw HarnessError("no postmaster.pid in \(rootDirectory)") }
        kill(pid, SIGINT)
        for _ in 0..<600 where CleanupRegistry.isAlive(pid) {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        guard !CleanupRegistry.isAlive(pid) else { throw HarnessError("postgres \(pid) did not stop") }
    }

    /// Starts the server again, on the same port, and waits until it accepts connections.
    func startAgain() async throws {
        let process = try Self.launch(root: rootDirectory)
        _ = CleanupRegistry.shared.register(pid: process.processIdentifier, signal: SIGINT, directory: nil)
        guard try await Self.waitUntilReady(process, port: port) else {
            throw HarnessError("postgres did not start again on port \(port)")
        }
    }

    /// Runs SQL as the superuser over the Unix socket; returns stdout (tuples only, unaligned), trimmed.
    @discardableResult
    func psqlAdmin(_ sql: String, database: String = "postgres") async throws -> String {
        let result = try await ClientRunner.run(
            "psql",
            [
                "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", String(port),
                "-U", "postgres", "-d", database, "-c", sql,
            ], timeout: 60)
        guard result.exitCode == 0 else { throw HarnessError("psqlAdmin failed for \(sql):\n\(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The stored password (SCRAM verifier or md5 hash) of a role, from pg_authid.
    func rolpassword(of role: String) async throws -> String {
        try await psqlAdmin("SELECT rolpassword FROM pg_authid WHERE rolname = '\(role)'")
    }

    /// A libpq DSN for the superuser over the Unix socket.
    var adminDSN: String {
        "host=\(socketDirectory) port=\(port) user=postgres dbname=postgres"
    }

    private static func asPostgres(_ arguments: [String]) -> [String] {
        ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + arguments
    }

    private static func start() async throws -> PostgresCluster {
        let root = try TempDirectory.make(prefix: "pglens-it-pg")
        let data = root + "/data"
        guard chownToPostgres(root) else { throw HarnessError("chown postgres \(root) failed") }
        let initdb = try await ClientRunner.run(
            "setpriv",
            asPostgres([
                binDirectory + "/initdb", "-D", data, "-U", "postgres", "--auth-local=trust",
                "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
                "--no-instructions",
            ]), timeout: 120, workingDirectory: root)
        guard initdb.exitCode == 0 else { throw HarnessError("initdb failed:\n\(initdb)") }
        let ca = try await TestCA.shared.value
        for (source, target) in [
            (ca.postgres.certificate, "server.crt"), (ca.postgres.key, "server.key"), (ca.ca, "root.crt"),
        ] {
            try FileManager.default.copyItem(atPath: source, toPath: data + "/" + target)
            guard chownToPostgres(data + "/" + target) else { throw HarnessError("chown postgres \(target) failed") }
        }
        chmod(data + "/server.key", 0o600)
        try """
        local all all trust
        hostssl all certuser 127.0.0.1/32 cert
        host all certuser 127.0.0.1/32 reject
        hostnossl all sslonly 127.0.0.1/32 reject
        host all pwuser 127.0.0.1/32 password
        host all trustuser 127.0.0.1/32 trust
        host all all 127.0.0.1/32 md5

        """.write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
        let settings = """

            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(root)'
            password_encryption = 'scram-sha-256'
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_connections = 300
            ssl = on
            ssl_cert_file = 'server.crt'
            ssl_key_file = 'server.key'
            ssl_ca_file = 'root.crt'

            """
        try append(settings, to: data + "/postgresql.conf")

        for attempt in 1...5 {
            let port = try Net.freePort()
            try append("port = \(port)\n", to: data + "/postgresql.conf")
            let process = try launch(root: root)
            let pid = process.processIdentifier
            let token = CleanupRegistry.shared.register(pid: pid, signal: SIGINT, directory: root)
            let logPath = root + "/postgres.log"
            if try await waitUntilReady(process, port: port) {
                let cluster = PostgresCluster(port: port, socketDirectory: root, rootDirectory: root, pid: pid)
                try await cluster.createRoles()
                return cluster
            }
            CleanupRegistry.shared.unregister(token)
            CleanupRegistry.stop(pid: pid, signal: SIGINT, grace: 5)
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if attempt == 5 { throw HarnessError("postgres did not start:\n\(text)") }
        }
        throw HarnessError("unreachable")
    }

    /// Runs `postgres -D root/data` as the postgres user, its output appended to root/postgres.log.
    private static func launch(root: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = asPostgres([binDirectory + "/postgres", "-D", root + "/data"])
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let logPath = root + "/postgres.log"
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits up to 30 s for the server to accept connections; false if it exited or never did.
    private static func waitUntilReady(_ process: Process, port: Int) async throws -> Bool {
        for _ in 0..<300 {
            if !process.isRunning { return false }
            let probe = try await ClientRunner.run("pg_isready", ["-h", "127.0.0.1", "-p", String(port)], timeout: 10)
            if probe.exitCode == 0 { return true }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return false
    }

    private func createRoles() async throws {
        try await psqlAdmin(
            """
            CREATE ROLE app LOGIN PASSWORD '\(Self.appPassword)';
            SET password_encryption = 'md5';
            CREATE ROLE md5user LOGIN PASSWORD '\(Self.md5Password)';
            RESET password_encryption;
            CREATE ROLE pwuser LOGIN PASSWORD '\(Self.pwPassword)';
            CREATE ROLE trustuser LOGIN PASSWORD '\(Self.trustPassword)';
            CREATE ROLE certuser LOGIN;
            CREATE ROLE sslonly LOGIN PASSWORD '\(Self.sslOnlyPassword)';
            """)
        try await psqlAdmin("CREATE DATABASE app OWNER app")
        try await psqlAdmin(
            "GRANT ALL ON SCHEMA public TO md5user, pwuser, trustuser, certuser", database: "app")
    }

    private static func chownToPostgres(_ path: String) -> Bool {
        guard let entry = getpwnam("postgres") else { return false }
        return chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0
    }

    private static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
