import Foundation
import Testing

/// TLS between clients and pglens (`client_tls_*`): psql, psycopg and pgbench over TLS, verification
/// of pglens's certificate, `require` refusing plain clients, and the CVE-2021-23214 check.
@Suite("Client TLS", .disabled(if: ProxyUnderTest.isDirect, "the test cluster has ssl = off"))
struct ClientTLSTests {
    /// A CA, a server certificate for localhost / 127.0.0.1 signed by it, and an unrelated CA.
    struct Certificates: Sendable {
        let directory: String
        var ca: String { directory + "/ca.crt" }
        var otherCA: String { directory + "/other-ca.crt" }
        var certificate: String { directory + "/server.crt" }
        var key: String { directory + "/server.key" }

        static let shared = Task { try await Certificates.make() }

        static func make() async throws -> Certificates {
            let directory = try TempDirectory.make(prefix: "pglens-it-tls")
            try "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                .write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
            var commands: [[String]] = []
            for ca in ["ca", "other-ca"] {
                commands.append([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj",
                    "/CN=pglens it \(ca)", "-keyout", "\(ca).key", "-out", "\(ca).crt",
                ])
            }
            commands.append([
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out",
                "server.csr",
            ])
            commands.append([
                "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-sha256", "-days", "2", "-extfile", "server.ext", "-out", "server.crt",
            ])
            for command in commands {
                let result = try await ClientRunner.run("openssl", command, workingDirectory: directory)
                guard result.exitCode == 0 else { throw HarnessError("openssl \(command): \(result)") }
            }
            chmod(directory + "/server.key", 0o600)
            return Certificates(directory: directory)
        }
    }

    private static func config(_ mode: String) async throws -> ProxyConfig {
        let certificates = try await Certificates.shared.value
        var config = ProxyConfig()
        config.clientTLS = ["sslmode": mode, "cert_file": certificates.certificate, "key_file": certificates.key]
        return config
    }

    /// psql with a full connection string (so sslmode and friends come from it), no .psqlrc.
    private static func psql(
        _ proxy: ProxyUnderTest, _ words: String, _ arguments: [String]
    ) async throws
        -> CommandResult
    {
        let dsn = "port=\(proxy.port) user=app dbname=app connect_timeout=10 " + words
        return try await ClientRunner.run(
            "psql", ["-X", "-A", "-t", "-w", "-d", dsn] + arguments,
            environment: ["PGPASSWORD": PostgresCluster.appPassword, "PGAPPNAME": "pglens-it"], timeout: 60)
    }

    @Test("require: psql with sslmode=require runs over TLS (\\conninfo shows the TLS protocol)")
    func requireWithPsql() async throws {
        try await ProxyUnderTest.with(try await Self.config("require")) { proxy in
            let result = try await Self.psql(
                proxy, "host=127.0.0.1 sslmode=require", ["-c", "\\conninfo", "-c", "SELECT 40 + 2"])
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.contains("SSL connection (protocol: TLSv1."), "\(result)")
            #expect(result.stdout.contains("42"), "\(result)")
        }
    }

    @Test("require: sslmode=verify-full with the right CA works; with another CA the certificate is refused")
    func verifyFull() async throws {
        let certificates = try await Certificates.shared.value
        try await ProxyUnderTest.with(try await Self.config("require")) { proxy in
            let good = try await Self.psql(
                proxy, "host=localhost sslmode=verify-full sslrootcert=\(certificates.ca)", ["-c", "SELECT 1"])
            #expect(good.exitCode == 0, "\(good)")
            #expect(good.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(good)")
            let wrong = try await Self.psql(
                proxy, "host=localhost sslmode=verify-full sslrootcert=\(certificates.otherCA)", ["-c", "SELECT 1"])
            #expect(wrong.exitCode != 0, "\(wrong)")
            #expect(wrong.stderr.contains("certificate verify failed"), "\(wrong)")
        }
    }

    @Test("require: a client with sslmode=disable gets FATAL 28000 and is closed")
    func requireRefusesPlainClients() async throws {
        try await ProxyUnderTest.with(try await Self.config("require")) { proxy in
            let result = try await Self.psql(proxy, "host=127.0.0.1 sslmode=disable", ["-c", "SELECT 1"])
            #expect(result.exitCode != 0, "\(result)")
            #expect(result.stderr.contains("pglens requires TLS (client_tls_sslmode = require)"), "\(result)")
            let code = """
                import sys, psycopg
                try:
                    psycopg.connect(sys.argv[1], password=sys.argv[2])
                    print("connected")
                except psycopg.OperationalError as e:
                    print(getattr(e, "sqlstate", None) or (e.diag.sqlstate if e.diag else None) or str(e))
                """
            let dsn = "host=127.0.0.1 port=\(proxy.port) user=app dbname=app sslmode=disable connect_timeout=10"
            let py = try await ClientRunner.run("python3", ["-c", code, dsn, PostgresCluster.appPassword])
            // libpq reports a startup ErrorResponse as text; pglens's FATAL carries 28000 in the message fields.
            #expect(py.stdout.contains("28000") || py.stdout.contains("pglens requires TLS"), "\(py)")
        }
    }

    @Test("prefer: both sslmode=disable and sslmode=require clients work; psycopg sees ssl_in_use")
    func preferAcceptsBoth() async throws {
        try await ProxyUnderTest.with(try await Self.config("prefer")) { proxy in
            let plain = try await Self.psql(proxy, "host=127.0.0.1 sslmode=disable", ["-c", "\\conninfo"])
            #expect(plain.exitCode == 0, "\(plain)")
            #expect(!plain.stdout.contains("SSL connection"), "\(plain)")
            let tls = try await Self.psql(proxy, "host=127.0.0.1 sslmode=require", ["-c", "\\conninfo"])
            #expect(tls.exitCode == 0, "\(tls)")
            #expect(tls.stdout.contains("SSL connection (protocol: TLSv1."), "\(tls)")
            let code = """
                import sys, psycopg
                with psycopg.connect(sys.argv[1], password=sys.argv[2]) as conn:
                    print(conn.info.pgconn.ssl_in_use, conn.execute("SELECT 7").fetchone()[0])
                """
            for mode in ["require", "disable"] {
                let dsn = "host=127.0.0.1 port=\(proxy.port) user=app dbname=app sslmode=\(mode) connect_timeout=10"
                let py = try await ClientRunner.run("python3", ["-c", code, dsn, PostgresCluster.appPassword])
                #expect(py.exitCode == 0, "\(py)")
                let expected = mode == "require" ? "True 7" : "False 7"
                #expect(py.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(py)")
            }
        }
    }

    @Test("require: pgbench -t 25 -c 4 with PGSSLMODE=require completes all 100 transactions")
    func pgbenchOverTLS() async throws {
        try await ProxyUnderTest.with(try await Self.config("require")) { proxy in
            let directory = try TempDirectory.make(prefix: "pglens-it-tls-bench")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // A select-only script that needs no pgbench tables (another suite initializes and drops them).
            try "\\set aid random(1, 100000)\nSELECT :aid;\n".write(
                toFile: directory + "/select.sql", atomically: true, encoding: .utf8)
            let run = try await ClientRunner.run(
                "pgbench",
                [
                    "-n", "-t", "25", "-c", "4", "-j", "2", "-f", directory + "/select.sql", "-h", "127.0.0.1", "-p",
                    String(proxy.port), "-U", "app", "app",
                ],
                environment: ["PGPASSWORD": PostgresCluster.appPassword, "PGSSLMODE": "require"], timeout: 60)
            #expect(run.exitCode == 0, "\(run)")
            let processed = PgbenchTests.firstNumber(
                after: "number of transactions actually processed: ", in: run.stdout)
            let failed = PgbenchTests.firstNumber(after: "number of failed transactions: ", in: run.stdout)
            // A count, not a duration: on a loaded machine, four TLS logins can take most of a 3 s run.
            #expect(processed == 100, "\(run.stdout)")
            #expect(failed == 0 || failed == nil, "\(run.stdout)")
            #expect(!run.stderr.lowercased().contains("error"), "\(run.stderr)")
        }
    }

    @Test("CVE-2021-23214: bytes sent with the SSLRequest in one packet close the connection without 'S'")
    func bytesAfterSSLRequest() async throws {
        try await ProxyUnderTest.with(try await Self.config("prefer")) { proxy in
            let code = """
                import socket, struct, sys
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
                s.sendall(struct.pack("!ii", 8, 80877103) + b"garbage-startup-bytes")
                data = b""
                try:
                    while True:
                        chunk = s.recv(100)
                        if not chunk:
                            break
                        data += chunk
                except ConnectionResetError:
                    pass
                print("closed", data.hex())
                """
            let result = try await ClientRunner.run("python3", ["-c", code, String(proxy.port)], timeout: 30)
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "closed", "\(result)")
        }
    }

    @Test("a missing certificate file stops pglens at start-up with a clear error")
    func missingCertificateStopsStartup() async throws {
        var config = ProxyConfig()
        config.clientTLS = ["sslmode": "require", "cert_file": "/nonexistent/server.crt", "key_file": "/nonexistent/k"]
        do {
            let proxy = try await ProxyUnderTest.start(config)
            proxy.stop()
            Issue.record("pglens started with a missing certificate")
        } catch {
            #expect("\(error)".contains("/nonexistent/server.crt"), "\(error)")
        }
    }
}
