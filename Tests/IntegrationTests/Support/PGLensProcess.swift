import Foundation
import Testing

/// A running `pglens serve` with a generated config; stderr goes to a log file in its own temp directory.
final class PGLensProcess: Sendable {
    let port: Int
    /// The port of the HTTP API (`admin_http_listen`).
    let httpPort: Int
    let directory: String
    let pid: Int32
    private let token: Int

    var logPath: String { directory + "/pglens.log" }

    private init(port: Int, httpPort: Int, directory: String, pid: Int32, token: Int) {
        self.port = port
        self.httpPort = httpPort
        self.directory = directory
        self.pid = pid
        self.token = token
    }

    /// Where `swift build` puts the pglens executable: next to the test bundle.
    static var binaryPath: String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // On Linux the bundle is an executable file `pglensPackageTests.xctest` in .build/<config>/.
        while dir.path != "/" && dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("pglens").path
    }

    static func start(_ config: ProxyConfig, serverPort: Int) async throws -> PGLensProcess {
        let binary = binaryPath
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError(
                "pglens executable not found at \(binary): run `swift build` first "
                    + "(or set PGLENS_IT_DIRECT=1 to test the harness against PostgreSQL directly)")
        }
        var lastLog = ""
        for _ in 1...3 {
            let directory = try TempDirectory.make(prefix: "pglens-it-proxy")
            let port = try Net.freePort()
            let httpPort = config.httpAPI ? try Net.freePort() : 0
            let configPath = directory + "/pglens.toml"
            try config.toml(listenPort: port, serverPort: serverPort, httpPort: httpPort).write(
                toFile: configPath, atomically: true, encoding: .utf8)
            let logPath = directory + "/pglens.log"
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [
                ClientRunner.clientsDirectory + "/exec_clean.py", binary, "serve", "--config", configPath,
            ]
            process.standardError = log
            process.standardOutput = log
            process.standardInput = FileHandle.nullDevice
            try process.run()
            try? log.close()
            let pid = process.processIdentifier
            let token = CleanupRegistry.shared.register(pid: pid, signal: SIGTERM, directory: directory)
            let proxy = PGLensProcess(port: port, httpPort: httpPort, directory: directory, pid: pid, token: token)
            // Ready once it logged that it listens (someone else may hold a port it was given) and accepts.
            let readyLine = config.httpAPI ? "HTTP API listening" : "pglens listening"
            for _ in 0..<150 {
                if !process.isRunning { break }
                if proxy.log().contains(readyLine), Net.accepts(port: port) { return proxy }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            lastLog = proxy.stop()
        }
        throw HarnessError("pglens did not start listening:\n\(lastLog)")
    }

    /// What pglens has logged so far.
    func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// SIGTERM, SIGKILL after 5 s; returns the complete log and removes the temp directory. A pglens that
    /// crashed at any point (the Swift runtime's crash report in its log) fails the test that ran it.
    @discardableResult
    func stop() -> String {
        CleanupRegistry.shared.unregister(token)
        CleanupRegistry.stop(pid: pid, signal: SIGTERM, grace: 5)
        let text = log()
        if let crash = Self.crashReport(in: text) {
            Issue.record("pglens crashed:\n\(crash)")
        }
        try? FileManager.default.removeItem(atPath: directory)
        return text
    }

    /// The start of the Swift runtime's crash report in `log`, if there is one.
    static func crashReport(in log: String) -> String? {
        for marker in ["Program crashed", "Fatal error:", "Crash at"] {
            if let range = log.range(of: marker) {
                return String(
                    log[
                        log.index(
                            range.lowerBound,
                            offsetBy: -min(200, log.distance(from: log.startIndex, to: range.lowerBound)))...
                    ].prefix(4000))
            }
        }
        return nil
    }
}
