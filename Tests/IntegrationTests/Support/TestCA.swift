import Foundation

/// Certificates the suite makes with `openssl` once per test process: a CA and an unrelated CA, the
/// PostgreSQL server's certificate (DNS name `localhost` only, so `verify-full` toward `127.0.0.1`
/// fails), pglens's certificate for clients (`localhost` and `127.0.0.1`), pglens's client certificate
/// toward PostgreSQL (CN `certuser`, for pg_hba `cert`), a client certificate for `app` toward pglens,
/// and one for `app` signed by the other CA.
struct TestCA: Sendable {
    let directory: String

    /// The CA every good certificate chains to.
    var ca: String { directory + "/ca.crt" }
    /// A CA that signed nothing pglens or PostgreSQL trusts.
    var otherCA: String { directory + "/other-ca.crt" }

    /// A certificate and its key.
    struct Pair: Sendable {
        let certificate: String
        let key: String
    }

    /// PostgreSQL's server certificate.
    var postgres: Pair { pair("postgres") }
    /// The certificate pglens presents to its clients.
    var pglens: Pair { pair("pglens") }
    /// A second certificate for pglens, for the reload test.
    var pglensRenewed: Pair { pair("pglens-renewed") }
    /// pglens's client certificate toward PostgreSQL (CN certuser).
    var certuser: Pair { pair("certuser") }
    /// A client certificate for `app` toward pglens.
    var appClient: Pair { pair("app-client") }
    /// A client certificate for `app` signed by the other CA.
    var strangerClient: Pair { pair("stranger-client") }

    private func pair(_ name: String) -> Pair {
        Pair(certificate: directory + "/\(name).crt", key: directory + "/\(name).key")
    }

    static let shared = Task { try await TestCA.make() }

    private static func make() async throws -> TestCA {
        let directory = try TempDirectory.make(prefix: "pglens-it-ca")
        var commands: [[String]] = []
        for ca in ["ca", "other-ca"] {
            commands.append([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj",
                "/CN=pglens it \(ca)", "-keyout", "\(ca).key", "-out", "\(ca).crt",
            ])
        }
        let leaves: [(name: String, subject: String, extensions: String, signer: String)] = [
            ("postgres", "/CN=localhost", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth", "ca"),
            (
                "pglens", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth",
                "ca"
            ),
            (
                "pglens-renewed", "/CN=localhost",
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth", "ca"
            ),
            ("certuser", "/CN=certuser", "extendedKeyUsage=clientAuth", "ca"),
            ("app-client", "/CN=app", "extendedKeyUsage=clientAuth", "ca"),
            ("stranger-client", "/CN=app", "extendedKeyUsage=clientAuth", "other-ca"),
        ]
        for leaf in leaves {
            try "basicConstraints=CA:FALSE\n\(leaf.extensions)\n".write(
                toFile: directory + "/\(leaf.name).ext", atomically: true, encoding: .utf8)
            commands.append([
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", leaf.subject, "-keyout", "\(leaf.name).key", "-out",
                "\(leaf.name).csr",
            ])
            commands.append([
                "x509", "-req", "-in", "\(leaf.name).csr", "-CA", "\(leaf.signer).crt", "-CAkey", "\(leaf.signer).key",
                "-CAcreateserial", "-sha256", "-days", "2", "-extfile", "\(leaf.name).ext", "-out", "\(leaf.name).crt",
            ])
        }
        for command in commands {
            let result = try await ClientRunner.run("openssl", command, workingDirectory: directory)
            guard result.exitCode == 0 else { throw HarnessError("openssl \(command): \(result)") }
        }
        for leaf in leaves {
            chmod(directory + "/\(leaf.name).key", 0o600)
        }
        return TestCA(directory: directory)
    }

    /// The SHA-256 fingerprint of a PEM certificate, lower-case hex without colons.
    static func fingerprint(of certificate: String) async throws -> String {
        let result = try await ClientRunner.run(
            "openssl", ["x509", "-in", certificate, "-noout", "-fingerprint", "-sha256"])
        guard result.exitCode == 0, let equals = result.stdout.firstIndex(of: "=") else {
            throw HarnessError("openssl x509 -fingerprint: \(result)")
        }
        return result.stdout[result.stdout.index(after: equals)...]
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "").lowercased()
    }
}
