import Foundation

/// A throwaway PKI made with the `openssl` command-line tool in a temporary directory, once per test run:
/// a CA, a server certificate for `localhost` and `127.0.0.1`, a client certificate, and an unrelated CA.
struct CertificateFixtures: Sendable {
    let directory: String

    /// The fixtures shared by all tests (created on first use).
    static let shared: CertificateFixtures = {
        do {
            return try CertificateFixtures()
        } catch {
            fatalError("cannot create TLS test certificates: \(error)")
        }
    }()

    var caCertificate: String { directory + "/ca.crt" }
    var otherCACertificate: String { directory + "/other-ca.crt" }
    var serverCertificate: String { directory + "/server.crt" }
    var serverKey: String { directory + "/server.key" }
    var clientCertificate: String { directory + "/client.crt" }
    var clientKey: String { directory + "/client.key" }

    private init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pglens-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        directory = base.path
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n"
            .write(toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
        for ca in ["ca", "other-ca"] {
            try openssl(
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj",
                "/CN=pglens test \(ca)",
                "-keyout", "\(ca).key", "-out", "\(ca).crt")
        }
        for (name, commonName) in [("server", "localhost"), ("client", "pglens-client")] {
            try openssl(
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(commonName)", "-keyout", "\(name).key",
                "-out", "\(name).csr")
            try openssl(
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-sha256", "-days", "2", "-extfile", "\(name).ext", "-out", "\(name).crt")
        }
    }

    /// The SHA-256 hash of the server certificate's DER form, as the `openssl` tool computes it.
    func serverCertificateSHA256() throws -> [UInt8] {
        let output = try openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", "server.crt")
        let hex = output.split(separator: "=").last.map(String.init) ?? ""
        return hex.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").compactMap {
            UInt8($0, radix: 16)
        }
    }

    @discardableResult
    private func openssl(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(command: arguments.joined(separator: " "))
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// An `openssl` command that failed while making the fixtures.
struct FixtureError: Error {
    let command: String
}
