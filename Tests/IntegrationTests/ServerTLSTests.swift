import Foundation
import Testing

/// TLS between pglens and PostgreSQL (`server_tls_*`): every sslmode with psql and psycopg compared
/// with the same client going direct, verification failures, a server without TLS, client certificates
/// on both sides, and SCRAM channel binding (`channel_binding=require`).
@Suite("Server TLS", .disabled(if: ProxyUnderTest.isDirect, "pglens-specific settings"))
struct ServerTLSTests {
    /// pglens with client TLS (require, certificate for localhost) and `server_tls_*` = `server`.
    static func config(_ server: [String: String], host: String = "localhost") async throws -> ProxyConfig {
        let ca = try await TestCA.shared.value
        var config = ProxyConfig()
        config.clientTLS = ["sslmode": "require", "cert_file": ca.pglens.certificate, "key_file": ca.pglens.key]
        config.serverTLS = server
        config.serverHost = host
        return config
    }

    @Test(
        "psql and psycopg through pglens with each server_tls_sslmode see what they see direct with that sslmode",
        arguments: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
    func sslModes(mode: String) async throws {
        let ca = try await TestCA.shared.value
        try await ProxyUnderTest.with(try await Self.config(["sslmode": mode, "ca_file": ca.ca])) { proxy in
            let client = "user=app sslmode=require"
            let through = try await TLSClients.psql(
                TLSClients.dsn(proxy, cluster: proxy.cluster, client), ["-c", TLSClients.sslInUse])
            let direct = try await TLSClients.psql(
                TLSClients.dsn(
                    nil, cluster: proxy.cluster, host: "localhost", "user=app sslmode=\(mode) sslrootcert=\(ca.ca)"),
                ["-c", TLSClients.sslInUse])
            #expect(through.exitCode == 0, "\(through)")
            #expect(direct.exitCode == 0, "\(direct)")
            #expect(through.stdout == direct.stdout, "through pglens: \(through.stdout) direct: \(direct.stdout)")
            #expect(
                through.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    == (mode == "disable" || mode == "allow" ? "f" : "t"))
            let py = try await TLSClients.psycopgSSL(TLSClients.dsn(proxy, cluster: proxy.cluster, client))
            #expect(py.exitCode == 0, "\(py)")
            #expect(
                py.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "True "
                    + (mode == "disable" || mode == "allow" ? "False" : "True"), "\(py)")
        }
    }

    @Test("verify-full toward a host name the certificate does not carry fails with 08001, as direct")
    func verifyFullWrongHost() async throws {
        let ca = try await TestCA.shared.value
        var config = try await Self.config(["sslmode": "verify-full", "ca_file": ca.ca], host: "127.0.0.1")
        config.authType = "trust"
        config.users = ["app": PostgresCluster.appPassword, "trustuser": PostgresCluster.trustPassword]
        try await ProxyUnderTest.with(config) { proxy in
            let through = try await TLSClients.psql(
                TLSClients.dsn(proxy, cluster: proxy.cluster, "user=app sslmode=require"), ["-c", "SELECT 1"])
            #expect(through.exitCode != 0, "\(through)")
            #expect(through.stderr.contains("pglens: TLS with the server 127.0.0.1:"), "\(through)")
            #expect(through.stderr.contains("certificate verify failed"), "\(through)")
            let direct = try await TLSClients.psql(
                TLSClients.dsn(nil, cluster: proxy.cluster, "user=app sslmode=verify-full sslrootcert=\(ca.ca)"),
                ["-c", "SELECT 1"])
            #expect(direct.exitCode != 0, "\(direct)")
            let fields = try await TLSClients.script(["fields", String(proxy.port)])
            let error = try #require(fields["fields"] as? [String: String], "\(fields)")
            #expect(error["C"] == "08001", "\(error)")
            #expect(error["M"]?.contains("address mismatch") == true, "\(error)")
        }
    }

    @Test("verify-ca with a CA that did not sign the server's certificate fails with OpenSSL's reason")
    func verifyCAWrongCA() async throws {
        let ca = try await TestCA.shared.value
        try await ProxyUnderTest.with(try await Self.config(["sslmode": "verify-ca", "ca_file": ca.otherCA])) { proxy in
            let through = try await TLSClients.psql(
                TLSClients.dsn(proxy, cluster: proxy.cluster, "user=app sslmode=require"), ["-c", "SELECT 1"])
            #expect(through.exitCode != 0, "\(through)")
            #expect(through.stderr.contains("certificate verify failed"), "\(through)")
        }
    }

    @Test(
        "a server answering SSLRequest with 'N' is refused under require and verify-full, accepted under prefer",
        arguments: ["require", "verify-full", "prefer"])
    func serverWithoutTLS(mode: String) async throws {
        let fake = try Net.freePort()
        var config = try await Self.config(["sslmode": mode])
        config.serverPorts = ["app": fake]
        try await ProxyUnderTest.with(config) { proxy in
            let dsn = TLSClients.dsn(proxy, cluster: proxy.cluster, "user=app sslmode=require")
            let outcome = try await TLSClients.script([
                "notls", String(proxy.port), String(fake), dsn, PostgresCluster.appPassword,
            ])
            #expect(outcome["connected"] as? Bool == false)
            let error = outcome["error"] as? String ?? ""
            #expect((outcome["requests"] as? [String])?.first == "0000000804d2162f", "\(outcome)")
            if mode == "prefer" {
                // Plain text goes on: the fake server closes after 'N', so the login fails otherwise.
                #expect(error.contains("server closed the connection during login"), "\(error)")
            } else {
                #expect(error.contains("does not support SSL, but SSL was required"), "\(error)")
            }
        }
    }

    @Test(
        "channel_binding=require from psql and psycopg works through pglens, as direct, and pglens binds toward PostgreSQL"
    )
    func channelBindingFromClients() async throws {
        let ca = try await TestCA.shared.value
        var config = try await Self.config(["sslmode": "verify-full", "ca_file": ca.ca])
        config.logLevel = "debug"
        var log = ""
        try await ProxyUnderTest.with(config, afterStop: { log = $0 }) { proxy in
            let words = "user=app sslmode=verify-full sslrootcert=\(ca.ca) channel_binding=require"
            for dsn in [
                TLSClients.dsn(proxy, cluster: proxy.cluster, host: "localhost", words),
                TLSClients.dsn(nil, cluster: proxy.cluster, host: "localhost", words),
            ] {
                let result = try await TLSClients.psql(dsn, ["-c", "SELECT 'bound'"])
                #expect(result.exitCode == 0, "\(dsn): \(result)")
                #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "bound", "\(result)")
                let py = try await TLSClients.psycopgSSL(dsn)
                #expect(py.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "True True", "\(py)")
            }
            let unbound = try await TLSClients.psql(
                TLSClients.dsn(proxy, cluster: proxy.cluster, "user=app sslmode=require channel_binding=disable"),
                ["-c", "SELECT 1"])
            #expect(unbound.exitCode == 0, "\(unbound)")
        }
        // Toward PostgreSQL too, under verify-full: SCRAM-SHA-256-PLUS over TLS.
        #expect(log.contains("sasl=SCRAM-SHA-256-PLUS"), "\(log)")
        #expect(log.contains("tls=TLSv1.3"), "\(log)")
    }

    @Test("allow: a server that refuses plain text (hostnossl reject) is tried again over TLS, as libpq does")
    func allowFallsBackToTLS() async throws {
        for mode in ["allow", "disable"] {
            var config = try await Self.config(["sslmode": mode])
            config.users["sslonly"] = PostgresCluster.sslOnlyPassword
            try await ProxyUnderTest.with(config) { proxy in
                let words = "user=sslonly sslmode=require"
                let through = try await TLSClients.psql(
                    TLSClients.dsn(proxy, cluster: proxy.cluster, words), password: PostgresCluster.sslOnlyPassword,
                    ["-c", TLSClients.sslInUse])
                if mode == "allow" {
                    #expect(through.exitCode == 0, "\(through)")
                    #expect(through.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "t", "\(through)")
                    let direct = try await TLSClients.psql(
                        TLSClients.dsn(nil, cluster: proxy.cluster, "user=sslonly sslmode=allow"),
                        password: PostgresCluster.sslOnlyPassword, ["-c", TLSClients.sslInUse])
                    #expect(direct.stdout == through.stdout, "\(direct)")
                } else {
                    #expect(through.exitCode != 0, "\(through)")
                    #expect(through.stderr.contains("pg_hba.conf rejects connection"), "\(through)")
                }
            }
        }
    }

    @Test(
        "client certificates: app's certificate is accepted by pglens, a stranger's refused; pglens logs in as certuser with its own"
    )
    func clientCertificates() async throws {
        let ca = try await TestCA.shared.value
        var config = try await Self.config([
            "sslmode": "verify-full", "ca_file": ca.ca, "cert_file": ca.certuser.certificate,
            "key_file": ca.certuser.key,
        ])
        config.clientTLS["ca_file"] = ca.ca
        config.users["certuser"] = "cert-pw"
        try await ProxyUnderTest.with(config) { proxy in
            let good = try await TLSClients.psql(
                TLSClients.dsn(
                    proxy, cluster: proxy.cluster,
                    "user=app sslmode=require sslcert=\(ca.appClient.certificate) sslkey=\(ca.appClient.key)"),
                ["-c", "SELECT current_user"])
            #expect(good.exitCode == 0, "\(good)")
            #expect(good.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "app", "\(good)")
            let stranger = try await TLSClients.psql(
                TLSClients.dsn(
                    proxy, cluster: proxy.cluster,
                    "user=app sslmode=require sslcert=\(ca.strangerClient.certificate) sslkey=\(ca.strangerClient.key)"),
                ["-c", "SELECT 1"])
            #expect(stranger.exitCode != 0, "\(stranger)")
            let certuser = try await TLSClients.psql(
                TLSClients.dsn(proxy, cluster: proxy.cluster, "user=certuser sslmode=require"), password: "cert-pw",
                ["-c", "SELECT current_user, ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"])
            #expect(certuser.exitCode == 0, "\(certuser)")
            #expect(
                certuser.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "certuser|t|/CN=certuser",
                "\(certuser)")
        }
        var withoutCertificate = try await Self.config(["sslmode": "verify-full", "ca_file": ca.ca])
        withoutCertificate.users["certuser"] = "cert-pw"
        try await ProxyUnderTest.with(withoutCertificate) { proxy in
            let refused = try await TLSClients.psql(
                TLSClients.dsn(proxy, cluster: proxy.cluster, "user=certuser sslmode=require"), password: "cert-pw",
                ["-c", "SELECT 1"])
            #expect(refused.exitCode != 0, "\(refused)")
            #expect(refused.stderr.contains("certificate"), "\(refused)")
        }
    }

    @Test("a server key that does not match its certificate stops pglens at start-up, naming the files")
    func mismatchedServerKeyStopsStartup() async throws {
        let ca = try await TestCA.shared.value
        let config = try await Self.config([
            "sslmode": "verify-full", "cert_file": ca.certuser.certificate, "key_file": ca.appClient.key,
        ])
        do {
            let proxy = try await ProxyUnderTest.start(config)
            proxy.stop()
            Issue.record("pglens started with a mismatched key")
        } catch {
            #expect("\(error)".contains("server TLS"), "\(error)")
            #expect("\(error)".contains(ca.appClient.key), "\(error)")
        }
    }
}
