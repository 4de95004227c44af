import Foundation
import Testing

/// TLS on both sides of pglens at once: large COPY and bytea transfers byte-identical with direct,
/// garbage instead of a ClientHello, PostgreSQL 17 direct TLS (ALPN `postgresql`), `openssl s_client`,
/// and certificate reload on SIGHUP.
@Suite("TLS transfers and handshakes", .disabled(if: ProxyUnderTest.isDirect, "pglens-specific settings"))
struct TLSTransferTests {
    /// Client TLS require and server TLS verify-full toward `localhost`.
    static func config() async throws -> ProxyConfig {
        let ca = try await TestCA.shared.value
        return try await ServerTLSTests.config(["sslmode": "verify-full", "ca_file": ca.ca])
    }

    /// About 50 MB of COPY text: 400,000 rows of an integer and 128 characters.
    static let rows = "SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 400000) AS i"

    @Test("COPY of 50 MB out and back in through TLS on both sides is byte-identical with direct")
    func copyFiftyMegabytes() async throws {
        let directory = try TempDirectory.make(prefix: "pglens-it-tls-copy")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await ProxyUnderTest.with(try await Self.config()) { proxy in
            let direct = TLSClients.dsn(nil, cluster: proxy.cluster, "user=app sslmode=require")
            let through = TLSClients.dsn(proxy, cluster: proxy.cluster, "user=app sslmode=require")
            let directOut = try await TLSClients.psql(
                direct, ["-c", "\\copy (\(Self.rows)) to '\(directory)/direct.txt'"])
            #expect(directOut.exitCode == 0, "\(directOut)")
            let roundTrip = try await TLSClients.psql(
                through,
                [
                    "-c", "\\copy (\(Self.rows)) to '\(directory)/through.txt'",
                    "-c", "CREATE TEMP TABLE copied (i int, s text)",
                    "-c", "\\copy copied from '\(directory)/through.txt'",
                    "-c", "\\copy (SELECT * FROM copied ORDER BY i) to '\(directory)/back.txt'",
                ], timeout: 300)
            #expect(roundTrip.exitCode == 0, "\(roundTrip)")
            let directData = try Data(contentsOf: URL(fileURLWithPath: directory + "/direct.txt"))
            let throughData = try Data(contentsOf: URL(fileURLWithPath: directory + "/through.txt"))
            let backData = try Data(contentsOf: URL(fileURLWithPath: directory + "/back.txt"))
            #expect(directData.count > 50_000_000)
            #expect(throughData == directData)
            #expect(backData == directData)
        }
    }

    @Test("a 5 MB bytea goes up and comes back identical over TLS on both sides, as direct")
    func byteaFiveMegabytes() async throws {
        try await ProxyUnderTest.with(try await Self.config()) { proxy in
            for port in [proxy.port, proxy.cluster.port] {
                let dsn = "host=127.0.0.1 port=\(port) user=app dbname=app sslmode=require"
                let result = try await TLSClients.script(
                    ["bytea", dsn, PostgresCluster.appPassword, String(5 * 1024 * 1024)], timeout: 120)
                #expect(result["same"] as? Bool == true, "\(result)")
                #expect(result["ssl"] as? Bool == true, "\(result)")
                #expect(result["server_sha256"] as? String == result["sha256"] as? String, "\(result)")
            }
        }
    }

    @Test(
        "garbage instead of a ClientHello closes that connection; pglens goes on serving",
        arguments: ["sslrequest", "direct"])
    func garbageInsteadOfClientHello(mode: String) async throws {
        try await ProxyUnderTest.with(try await Self.config()) { proxy in
            let result = try await TLSClients.script(["garbage", String(proxy.port), mode])
            #expect(result["answer"] as? String == (mode == "sslrequest" ? "S" : ""), "\(result)")
            #expect(result["end"] as? String != "timeout", "\(result)")
            let after = try await TLSClients.psql(
                TLSClients.dsn(proxy, cluster: proxy.cluster, "user=app sslmode=require"), ["-c", "SELECT 'alive'"])
            #expect(after.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "alive", "\(after)")
        }
    }

    @Test("PostgreSQL 17 direct TLS: ALPN postgresql is accepted, a ClientHello without ALPN is refused")
    func directTLS() async throws {
        let ca = try await TestCA.shared.value
        var config = try await Self.config()
        config.authType = "trust"
        config.users = ["trustuser": PostgresCluster.trustPassword]
        try await ProxyUnderTest.with(config) { proxy in
            let accepted = try await TLSClients.script(["direct", String(proxy.port), ca.ca])
            #expect(accepted["alpn"] as? String == "postgresql", "\(accepted)")
            #expect(accepted["value"] as? String == "42", "\(accepted)")
            let withoutALPN = try await TLSClients.script(["direct", String(proxy.port), ca.ca, ""])
            #expect(withoutALPN["value"] == nil, "\(withoutALPN)")
            #expect(
                (withoutALPN["error"] as? String)?.contains("without ALPN") == true || withoutALPN["failed"] != nil,
                "\(withoutALPN)")
            let sClient = try await ClientRunner.run(
                "openssl",
                [
                    "s_client", "-connect", "127.0.0.1:\(proxy.port)", "-alpn", "postgresql", "-CAfile", ca.ca,
                    "-verify_return_error", "-servername", "localhost",
                ], timeout: 30)
            #expect(sClient.stdout.contains("ALPN protocol: postgresql"), "\(sClient)")
            #expect(sClient.stdout.contains("Verify return code: 0 (ok)"), "\(sClient)")
        }
    }

    @Test("openssl s_client -starttls postgres verifies pglens's certificate")
    func startTLSPostgres() async throws {
        let ca = try await TestCA.shared.value
        try await ProxyUnderTest.with(try await Self.config()) { proxy in
            let result = try await ClientRunner.run(
                "openssl",
                [
                    "s_client", "-starttls", "postgres", "-connect", "127.0.0.1:\(proxy.port)", "-CAfile", ca.ca,
                    "-verify_return_error", "-verify_hostname", "localhost",
                ], timeout: 30)
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.contains("Verify return code: 0 (ok)"), "\(result)")
        }
    }

    @Test("SIGHUP reloads the certificate for new connections; an open session keeps working; a broken file is ignored")
    func reloadOnSIGHUP() async throws {
        let ca = try await TestCA.shared.value
        let directory = try TempDirectory.make(prefix: "pglens-it-tls-reload")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificate = directory + "/pglens.crt"
        let key = directory + "/pglens.key"
        try FileManager.default.copyItem(atPath: ca.pglens.certificate, toPath: certificate)
        try FileManager.default.copyItem(atPath: ca.pglens.key, toPath: key)
        var config = try await Self.config()
        config.clientTLS["cert_file"] = certificate
        config.clientTLS["key_file"] = key
        var log = ""
        try await ProxyUnderTest.with(config, afterStop: { log = $0 }) { proxy in
            let pid = try #require(proxy.process?.pid)
            let dsn = "host=127.0.0.1 port=\(proxy.port) user=app dbname=app sslmode=require"
            let result = try await TLSClients.script(
                [
                    "reload", String(proxy.port), String(pid), dsn, PostgresCluster.appPassword, certificate, key,
                    ca.pglensRenewed.certificate, ca.pglensRenewed.key,
                ], timeout: 60)
            let old = try await TestCA.fingerprint(of: ca.pglens.certificate)
            let renewed = try await TestCA.fingerprint(of: ca.pglensRenewed.certificate)
            #expect(result["before"] as? String == old, "\(result)")
            #expect(result["after"] as? String == renewed, "\(result)")
            #expect(result["after_broken"] as? String == renewed, "\(result)")
            #expect(result["session_before"] as? Int == 1)
            #expect(result["session_after"] as? Int == 2)
            #expect(result["session_last"] as? Int == 3)
            #expect(result["fresh"] as? Int == 4)
        }
        #expect(log.contains("TLS certificates reloaded"), "\(log)")
        #expect(log.contains("TLS reload failed"), "\(log)")
    }
}
