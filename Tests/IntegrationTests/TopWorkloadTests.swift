import Foundation
import Testing

/// `pglens top` in a real terminal: tmux (a detached session of a fixed size) runs it against a pglens that
/// saw a known N+1 (Clients/n_plus_one_app.py), and the test reads the screen with capture-pane.
@Suite("pglens top in tmux", .serialized, .disabled(if: ProxyUnderTest.isDirect, "reads pglens's own API"))
struct TopWorkloadTests {
    private static let child = "select id, name from np_customers where id = $1"
    private static let application = "top-n-plus-one"

    /// tmux on a server of this test's own (-L), so that no other tmux is touched.
    private static func tmux(_ socket: String, _ arguments: [String]) async throws -> CommandResult {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw HarnessError("tmux is not installed (scripts/bootstrap installs the Debian package tmux)")
        }
        return try await ClientRunner.run("tmux", ["-L", socket] + arguments, timeout: 30)
    }

    /// The screen, wrapped lines joined (-J): a line the program wrote too long shows as longer than the pane.
    private static func screen(_ socket: String) async throws -> [String] {
        let result = try await tmux(socket, ["capture-pane", "-p", "-J", "-t", "top"])
        return result.stdout.components(separatedBy: "\n")
    }

    /// Waits until the screen satisfies `condition`; returns the last screen read.
    private static func waitForScreen(
        _ socket: String, _ condition: ([String]) -> Bool
    ) async throws -> [String] {
        var lines: [String] = []
        for _ in 0..<100 {
            lines = try await screen(socket)
            if condition(lines) { return lines }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return lines
    }

    @Test("top shows the workload's statement and N+1, sorts on m, fits 40 columns, quits on q restoring the terminal")
    func liveViewInTmux() async throws {
        let cluster = try await PostgresCluster.shared()
        let adminDSN = "host=\(cluster.socketDirectory) port=\(cluster.port) user=postgres dbname=app"
        var config = ProxyConfig()
        config.httpAPI = true
        config.poolMode = "transaction"
        try await ProxyUnderTest.with(config) { proxy in
            let process = try #require(proxy.process)
            let url = "http://127.0.0.1:\(process.httpPort)"
            let run = try await ClientRunner.python(
                "n_plus_one_app.py", ["bound", proxy.dsn(), adminDSN, Self.application])
            try #require(run.exitCode == 0, "\(run)")

            // Not a terminal: one plain frame, no escape codes.
            var plain = try await ClientRunner.run(PGLensProcess.binaryPath, ["top", "--url", url, "--once"])
            for _ in 0..<50 where !plain.stdout.contains("n_plus_one") {
                try await Task.sleep(nanoseconds: 100_000_000)
                plain = try await ClientRunner.run(PGLensProcess.binaryPath, ["top", "--url", url, "--once"])
            }
            #expect(plain.exitCode == 0, "\(plain)")
            #expect(plain.stdout.hasPrefix("pglens top  127.0.0.1:"), "\(plain)")
            #expect(plain.stdout.contains(Self.child), "\(plain)")
            #expect(plain.stdout.contains("n_plus_one"), "\(plain)")
            #expect(!plain.stdout.contains("\u{1B}"), "\(plain)")

            let socket = "pglens-it-top-\(getpid())"
            defer {
                _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/tmux"), arguments: ["-L", socket, "kill-server"])
            }
            let started = try await Self.tmux(
                socket, ["new-session", "-d", "-x", "100", "-y", "30", "-s", "top", "sh"])
            try #require(started.exitCode == 0, "\(started)")
            _ = try await Self.tmux(socket, ["set-option", "-t", "top", "remain-on-exit", "on"])
            let command = "'\(PGLensProcess.binaryPath)' top --url \(url) --interval 1; echo top-exited-$?"
            _ = try await Self.tmux(socket, ["send-keys", "-t", "top", command, "Enter"])

            var lines = try await Self.waitForScreen(socket) { lines in
                lines.contains { $0.contains("n_plus_one") }
                    && lines.contains { $0.contains("Statements by total time") }
            }
            let wide = lines.joined(separator: "\n")
            #expect(wide.contains("pglens top  127.0.0.1:"), "\(wide)")
            #expect(wide.contains(Self.child), "\(wide)")
            #expect(lines.contains { $0.contains("critical") && $0.contains("n_plus_one") }, "\(wide)")
            #expect(lines.allSatisfy { $0.count <= 100 }, "\(wide)")
            #expect(wide.contains("P95"), "\(wide)")

            _ = try await Self.tmux(socket, ["send-keys", "-t", "top", "m"])
            lines = try await Self.waitForScreen(socket) { $0.contains { $0.contains("Statements by mean time") } }
            #expect(lines.contains { $0.contains("Statements by mean time") }, "\(lines.joined(separator: "\n"))")

            _ = try await Self.tmux(socket, ["resize-window", "-t", "top", "-x", "40", "-y", "30"])
            lines = try await Self.waitForScreen(socket) { lines in
                lines.contains { $0.hasPrefix("CALLS") && !$0.contains("P95") }
            }
            let narrow = lines.joined(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= 40 }, "\(narrow)")
            #expect(lines.contains { $0.hasPrefix("CALLS") && $0.contains("MEAN") && !$0.contains("P95") }, "\(narrow)")
            #expect(narrow.contains("select id, name from"), "\(narrow)")

            _ = try await Self.tmux(socket, ["send-keys", "-t", "top", "q"])
            lines = try await Self.waitForScreen(socket) { $0.contains { $0.contains("top-exited-") } }
            #expect(lines.contains("top-exited-0"), "\(lines.joined(separator: "\n"))")
            let alternate = try await Self.tmux(socket, ["display-message", "-p", "-t", "top", "#{alternate_on}"])
            #expect(alternate.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(alternate)")
            // The terminal's settings are back: canonical input and echo.
            _ = try await Self.tmux(
                socket, ["send-keys", "-t", "top", "stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'", "Enter"])
            lines = try await Self.waitForScreen(socket) { $0.contains { $0 == "icanon" || $0 == "-icanon" } }
            #expect(lines.contains("icanon") && !lines.contains("-icanon"), "\(lines.joined(separator: "\n"))")
        }
    }
}
